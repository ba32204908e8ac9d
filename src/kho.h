/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The claim layer (DOC "claiming preserved pages"): the only door from
 * khoser's logic to the kernel's KHO primitives, and the ledger of what it
 * claimed (DOC "ledger of claimed pages").
 * Which KHO API the target tree has is decided here, from the probe of
 * the tree (src/compat/probe.sh writes khoser_probe.h), never from version
 * numbers; without a usable KHO API every call is one of the static
 * inline stubs at the end, failing cleanly.
 */
#ifndef _KHOSER_KHO_H
#define _KHOSER_KHO_H

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

/**
 * struct khoser_ledger_stats - what the claim ledger holds
 * @ranges: entries (owned and spent)
 * @owned:  pages khoser holds
 * @spent:  pages released or handed on
 * @bytes:  memory the entries take
 */
struct khoser_ledger_stats {
	unsigned long ranges;
	unsigned long owned;
	unsigned long spent;
	unsigned long bytes;
};

/* The ledger, used only by the claim layer, under its claim lock. */
void khoser_ledger_init(void);
int khoser_ledger_reserve(void);
unsigned long khoser_ledger_room(unsigned long pfn, unsigned long max,
				 bool *owned);
void khoser_ledger_add(unsigned long pfn, unsigned long npages);
bool khoser_ledger_spend(unsigned long pfn, unsigned long npages);
void khoser_ledger_stats(struct khoser_ledger_stats *st);
void khoser_ledger_clear(void);

#if KHOSER_KHO_API

bool khoser_kho_api(void);
void khoser_kho_probe(void);
void khoser_kho_exit(void);
bool khoser_kho_usable(void);
bool khoser_kho_boot(void);
long khoser_kho_preserved_pages(void);
void *khoser_kho_alloc_block(unsigned int order);
void khoser_kho_free_block(void *block, unsigned int order);
void khoser_kho_cut_block(void *block, unsigned int order);
void *khoser_kho_alloc_page(void);
void khoser_kho_free_page(void *page);
void khoser_kho_cut_page(void *page);
void khoser_kho_put_page(void *page);
void *khoser_kho_claim_block(u64 phys, unsigned int max_order,
			     unsigned int *order, const char **why);
void *khoser_kho_claim_page(u64 phys, const char **why);
void khoser_kho_release_page(void *page);
int khoser_kho_check_pages(u64 phys, unsigned int order, const char **why);
bool khoser_kho_inner_marked(u64 phys, unsigned int order);
void khoser_kho_disown_pages(u64 phys, unsigned int order);
void khoser_kho_ledger_stats(struct khoser_ledger_stats *st);
u64 khoser_kho_phys(void *virt);
int khoser_kho_add_subtree(const char *name, void *blob, size_t size);
void khoser_kho_remove_subtree(void *blob);
int khoser_kho_retrieve_subtree(const char *name, u64 *phys, u64 *size);

#else /* !KHOSER_KHO_API: the kernel offers no usable KHO to modules */

#include <linux/err.h>
#include <linux/errno.h>
#include <linux/io.h>
#include <linux/string.h>

#define KHOSER_KHO_NONE "unavailable: KHO unavailable"

static inline bool khoser_kho_api(void) { return false; }
static inline void khoser_kho_probe(void) { }
static inline void khoser_kho_exit(void) { }
static inline bool khoser_kho_usable(void) { return false; }
static inline bool khoser_kho_boot(void) { return false; }
static inline long khoser_kho_preserved_pages(void) { return 0; }

static inline void *khoser_kho_alloc_block(unsigned int order)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static inline void khoser_kho_free_block(void *block, unsigned int order) { }
static inline void khoser_kho_cut_block(void *block, unsigned int order) { }

static inline void *khoser_kho_alloc_page(void)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static inline void khoser_kho_free_page(void *page) { }
static inline void khoser_kho_cut_page(void *page) { }
static inline void khoser_kho_put_page(void *page) { }

static inline void *khoser_kho_claim_block(u64 phys, unsigned int max_order,
					   unsigned int *order,
					   const char **why)
{
	*why = KHOSER_KHO_NONE;
	return NULL;
}

static inline void *khoser_kho_claim_page(u64 phys, const char **why)
{
	*why = KHOSER_KHO_NONE;
	return NULL;
}

static inline void khoser_kho_release_page(void *page) { }

static inline int khoser_kho_check_pages(u64 phys, unsigned int order,
					 const char **why)
{
	*why = KHOSER_KHO_NONE;
	return -EOPNOTSUPP;
}

static inline bool khoser_kho_inner_marked(u64 phys, unsigned int order)
{
	return true;
}

static inline void khoser_kho_disown_pages(u64 phys, unsigned int order) { }

static inline void khoser_kho_ledger_stats(struct khoser_ledger_stats *st)
{
	memset(st, 0, sizeof(*st));
}

static inline u64 khoser_kho_phys(void *virt)
{
	return virt_to_phys(virt);
}

static inline int khoser_kho_add_subtree(const char *name, void *blob,
					 size_t size)
{
	return -EOPNOTSUPP;
}

static inline void khoser_kho_remove_subtree(void *blob) { }

static inline int khoser_kho_retrieve_subtree(const char *name, u64 *phys,
					      u64 *size)
{
	return -EOPNOTSUPP;
}

#endif /* KHOSER_KHO_API */

#if KHOSER_KHO_PAGES
int khoser_kho_preserve_pages(struct page *page, unsigned int order);
void khoser_kho_unpreserve_pages(struct page *page, unsigned int order);
struct page *khoser_kho_claim_pages(u64 phys, unsigned int order,
				    const char **why);
void khoser_kho_release_pages(u64 phys, unsigned int order);
#else /* no page-range preservation: vbufs are unavailable */
static inline int khoser_kho_preserve_pages(struct page *page,
					    unsigned int order)
{
	return -EOPNOTSUPP;
}

static inline void khoser_kho_unpreserve_pages(struct page *page,
					       unsigned int order)
{
}

static inline struct page *khoser_kho_claim_pages(u64 phys,
						  unsigned int order,
						  const char **why)
{
	*why = "unavailable: KHO page ranges unavailable";
	return NULL;
}

static inline void khoser_kho_release_pages(u64 phys, unsigned int order) { }
#endif /* KHOSER_KHO_PAGES */

#endif /* _KHOSER_KHO_H */
