/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The only door from khoser's logic to the kernel's KHO primitives. Every
 * kernel-version difference is decided here, from the probe of the target
 * tree (khoser_probe.h), never from version numbers in logic files.
 */
#ifndef _KHOSER_COMPAT_KHO_H
#define _KHOSER_COMPAT_KHO_H

#include <linux/types.h>
#include <khoser_probe.h>

/*
 * khoser needs the 7.1+ shape: preserved allocations, sized subtrees and
 * folio restore. Older trees (or none) build in "unavailable" mode.
 */
#if defined(KHOSER_HAVE_KHO_H) && defined(KHOSER_HAVE_KHO_ALLOC_PRESERVE) && \
	defined(KHOSER_HAVE_KHO_SUBTREE_BLOB_SIZE) &&			  \
	defined(KHOSER_HAVE_KHO_RETRIEVE_SIZE) &&			  \
	defined(KHOSER_HAVE_KHO_RESTORE_FOLIO)
#define KHOSER_KHO_API 1
#define KHOSER_KHO_API_INFO "yes"
#else
#define KHOSER_KHO_API 0
#define KHOSER_KHO_API_INFO "no"
#endif

/* Page-range preservation (vbuf), where the tree exports it. */
#if KHOSER_KHO_API && defined(KHOSER_HAVE_KHO_PRESERVE_PAGES) && \
	defined(KHOSER_HAVE_KHO_RESTORE_PAGES)
#define KHOSER_KHO_PAGES 1
#else
#define KHOSER_KHO_PAGES 0
#endif

/*
 * Largest order khoser accepts in a KHO page mark. The kernel's buddy
 * allocator never hands out more than MAX_PAGE_ORDER (10 on x86), and
 * KHO's radix tree records at most that; anything larger is corrupt.
 */
#define KHOSER_KHO_MAX_MARK_ORDER	18

struct page;
struct khoser_ledger_stats;

bool khoser_kho_api(void);
void khoser_kho_probe(void);
bool khoser_kho_usable(void);
bool khoser_kho_boot(void);
void *khoser_kho_alloc_block(unsigned int order);
void khoser_kho_free_block(void *block, unsigned int order);
void khoser_kho_cut_block(void *block, unsigned int order);
void *khoser_kho_claim_block(u64 phys, unsigned int max_order,
			     unsigned int *order, const char **why);
void *khoser_kho_alloc_page(void);
void khoser_kho_free_page(void *page);
void khoser_kho_cut_page(void *page);
void khoser_kho_put_page(void *page);
void *khoser_kho_claim_page(u64 phys, const char **why);
void khoser_kho_release_page(void *page);
int khoser_kho_preserve_pages(struct page *page, unsigned int order);
void khoser_kho_unpreserve_pages(struct page *page, unsigned int order);
int khoser_kho_check_pages(u64 phys, unsigned int order, const char **why);
struct page *khoser_kho_claim_pages(u64 phys, unsigned int order,
				    const char **why);
void khoser_kho_release_pages(u64 phys, unsigned int order);
void khoser_kho_disown_pages(u64 phys, unsigned int order);
void khoser_kho_ledger_stats(struct khoser_ledger_stats *st);
void khoser_kho_exit(void);
bool khoser_kho_inner_marked(u64 phys, unsigned int order);
u64 khoser_kho_phys(void *virt);
int khoser_kho_add_subtree(const char *name, void *blob, size_t size);
void khoser_kho_remove_subtree(void *blob);
int khoser_kho_retrieve_subtree(const char *name, u64 *phys, u64 *size);
long khoser_kho_preserved_pages(void);

#endif /* _KHOSER_COMPAT_KHO_H */
