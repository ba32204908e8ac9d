/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Between the shim's own files; not for tests.
 */
#ifndef _KHOSER_SHIM_INTERNAL_H
#define _KHOSER_SHIM_INTERNAL_H

#include "kshim.h"

/*
 * The shim lock (lock.c): recursive, taken by every shim function that
 * touches shared state, while shim_race() threads run (shim_set_threaded()).
 * Never held while calling back into khoser's code (notifiers, debugfs show
 * functions, module init/exit, race functions) nor while waiting for a
 * khoser mutex.
 */
void shim_lock(void);
void shim_unlock(void);
void shim_set_threaded(bool on);

/* printk.c */
void shim_log_reset(void);	/* per boot: WARN count */

/* fail.c */
bool shim_should_fail(void);	/* counts a fallible call; true: fail it */

/* slab.c */
void shim_slab_new_boot(void);	/* free the old kernel's kmalloc memory */
void *shim_kmalloc_nolimit(size_t size);	/* counted, not failing */

/*
 * mm.c: per-page allocator state, apart from page->private (KHO's).
 * PG_KHO: kept by KHO at kexec and not restored yet (memblock-reserved in
 * the kernel): neither free nor owned by anyone.
 */
enum { PG_FREE, PG_USED, PG_KHO };

struct pmeta {
	u8 state;	/* PG_FREE, PG_USED or PG_KHO */
	u8 head;	/* PG_USED: first page of its allocation */
	u8 order;	/* head: order of the allocation (its folio) */
	u8 pcov;	/* outgoing KHO preservations covering the page */
};

/*
 * 8 GiB of RAM whatever the page size: 2^21 pages of 4 KiB, 2^17 of
 * 64 KiB. The allocator hands out pages in address order, so a boot that
 * allocates and frees over and over touches all of it (host memory, until
 * the next cold boot).
 */
#define SHIM_RAM_BYTES (8ULL << 30)
#define SHIM_RAM_MAX_PAGES ((unsigned long)(SHIM_RAM_BYTES >> PAGE_SHIFT))
#define SHIM_FIRST_PFN (SHIM_RAM_BASE >> PAGE_SHIFT)
#define SHIM_POISON 0x6b
extern int shim_ram_fd;		/* the memfd behind the simulated RAM */
extern struct pmeta *shim_meta;
extern struct page *shim_pages;
extern struct folio *shim_folios;	/* one per page; heads are folios */

struct folio {
	int unused;
};

/* Index of @pfn's page in the arrays; -1: not RAM. */
static inline long shim_pfn_index(unsigned long pfn)
{
	if (pfn < SHIM_FIRST_PFN || pfn - SHIM_FIRST_PFN >= shim_ram_pages)
		return -1;
	return pfn - SHIM_FIRST_PFN;
}

bool shim_page_in_use(const struct page *page);
struct page *shim_alloc_page(void);	/* order 0, not failure-injected */
void shim_mm_init(void);	/* map RAM at the first boot */
void shim_mm_new_boot(void);	/* allocate from the start again */
void shim_mm_kexec(void);	/* allocate from elsewhere first */
void shim_mm_fini(void);
void shim_mm_unmap(void);	/* before abort(): drop the RAM mapping */
/* PROT_NONE address space at @phase past a multiple of @align; or NULL. */
unsigned char *shim_reserve(size_t bytes, size_t align, size_t phase);

/* kho_radix.c: the radix tree of (pfn, order) keys, as 7.2's. */
struct shim_radix;
struct shim_radix *shim_radix_new(void);
void shim_radix_free(struct shim_radix *t);
/* 0, or -ENOMEM; *@added: the bit was clear before. */
int shim_radix_add(struct shim_radix *t, unsigned long pfn,
		   unsigned int order, bool *added);
/* 0: bit cleared (or was clear); -ENOENT: a node on the path is missing. */
int shim_radix_del(struct shim_radix *t, unsigned long pfn,
		   unsigned int order, bool *removed);
bool shim_radix_test(struct shim_radix *t, unsigned long pfn,
		     unsigned int order);
/* Every key in ascending order (the kernel's walk order). */
int shim_radix_walk(struct shim_radix *t,
		    int (*cb)(u64 phys, unsigned int order, void *arg),
		    void *arg);

/* kho.c and kho_subtree.c */
void shim_kho_boot(bool enabled);	/* first boot */
void shim_kho_kexec(bool enabled);	/* hand over, then the new boot */
void shim_kho_fini(void);
void shim_subtree_boot(bool enabled, bool handover);

/* vm.c */
void shim_vm_reset(void);	/* drop every vmalloc/vmap area */

/* module.c, debugfs.c */
void shim_reboot_notify(unsigned long action, void *data);
void shim_module_new_boot(void);	/* no module, no notifiers */
void shim_debugfs_new_boot(void);	/* an empty debugfs */

#endif
