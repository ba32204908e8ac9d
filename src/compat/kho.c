// SPDX-License-Identifier: GPL-2.0-only
/*
 * KHO primitives as khoser uses them, on whatever kernel this is built for.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/errno.h>
#include <linux/io.h>
#include <linux/mm.h>
#include "kho.h"

#if KHOSER_KHO_API
#include <linux/kexec_handover.h>

bool khoser_kho_api(void)
{
	return true;
}

bool khoser_kho_enabled(void)
{
	return kho_is_enabled();
}

bool khoser_kho_boot(void)
{
	return kho_is_enabled() && is_kho_boot();
}

/*
 * KHO marks every page the previous kernel preserved in its struct page:
 * page->private holds { order, magic 'KHOP' } (6.19 to 7.3 alike), and
 * kho_restore_folio() WARNs on a page without it. Checking the mark first
 * lets khoser refuse a corrupt pointer quietly.
 */
#define KHOSER_KHO_PAGE_MAGIC 0x4b484f50U

union khoser_kho_page_info {
	unsigned long page_private;
	struct {
		unsigned int order;
		unsigned int magic;
	};
};

static_assert(sizeof(union khoser_kho_page_info) == sizeof(unsigned long));

/* Whether @pfn carries KHO's mark; its order in @order when it does. */
static bool kho_mark(unsigned long pfn, unsigned int *order)
{
	union khoser_kho_page_info info;
	struct page *page = pfn_to_online_page(pfn);

	if (!page)
		return false;
	info.page_private = READ_ONCE(page->private);
	*order = info.order;
	return info.magic == KHOSER_KHO_PAGE_MAGIC;
}

static bool kho_marked(unsigned long pfn)
{
	unsigned int order;

	return kho_mark(pfn, &order);
}

/* One zeroed, preserved page, or an ERR_PTR. */
void *khoser_kho_alloc_page(void)
{
	return kho_alloc_preserve(PAGE_SIZE);
}

/* Unpreserve and free a page from khoser_kho_alloc_page(). */
void khoser_kho_free_page(void *page)
{
	kho_unpreserve_free(page);
}

/*
 * Take ownership of one preserved order-0 page of the previous kernel, after
 * checking that @phys is page-aligned, in RAM, and really preserved. Returns
 * its address, or NULL with @why saying what was wrong.
 */
void *khoser_kho_claim_page(u64 phys, const char **why)
{
	unsigned long pfn = PHYS_PFN(phys);
	struct folio *folio;

	if (!phys || !PAGE_ALIGNED(phys)) {
		*why = "misaligned address";
		return NULL;
	}
	if ((u64)PFN_PHYS(pfn) != phys || !pfn_valid(pfn) || !page_is_ram(pfn)) {
		*why = "address outside RAM";
		return NULL;
	}
	if (!kho_marked(pfn)) {
		*why = "page was not preserved";
		return NULL;
	}
	folio = kho_restore_folio(phys);
	if (!folio) {
		*why = "page was not preserved";
		return NULL;
	}
	if (folio_order(folio)) {
		folio_put(folio);
		*why = "page preserved with the wrong order";
		return NULL;
	}
	return folio_address(folio);
}

/* Give back a page taken with khoser_kho_claim_page(). */
void khoser_kho_release_page(void *page)
{
	folio_put(virt_to_folio(page));
}

u64 khoser_kho_phys(void *virt)
{
	return virt_to_phys(virt);
}

int khoser_kho_add_subtree(const char *name, void *blob, size_t size)
{
	return kho_add_subtree(name, blob, size);
}

void khoser_kho_remove_subtree(void *blob)
{
	kho_remove_subtree(blob);
}

/*
 * Check, without claiming anything, that [@phys, + 2^@order pages) is RAM
 * that the previous kernel preserved as one range of exactly that order
 * (KHO marks the first page of each preserved range with its order).
 */
int khoser_kho_check_pages(u64 phys, unsigned int order, const char **why)
{
	unsigned long pfn = PHYS_PFN(phys), last;
	unsigned int marked;

	/* Orders above 30 are nonsense (and would overflow the shift). */
	if (order > 30 || !phys || (phys & ((PAGE_SIZE << order) - 1))) {
		*why = "misaligned address";
		return -EINVAL;
	}
	last = pfn + (1UL << order) - 1;
	if ((u64)PFN_PHYS(pfn) != phys || !pfn_valid(pfn) || !pfn_valid(last) ||
	    !page_is_ram(pfn) || !page_is_ram(last)) {
		*why = "address outside RAM";
		return -EINVAL;
	}
	if (!kho_mark(pfn, &marked)) {
		*why = "page was not preserved";
		return -EINVAL;
	}
	if (marked != order) {
		*why = "pages preserved with another order";
		return -EINVAL;
	}
	return 0;
}

#if KHOSER_KHO_PAGES
int khoser_kho_preserve_pages(struct page *page, unsigned int order)
{
	return kho_preserve_pages(page, 1UL << order);
}

void khoser_kho_unpreserve_pages(struct page *page, unsigned int order)
{
	kho_unpreserve_pages(page, 1UL << order);
}

/*
 * Take ownership of a range checked with khoser_kho_check_pages(): it
 * becomes 2^@order order-0 pages, each freed with __free_page().
 */
struct page *khoser_kho_claim_pages(u64 phys, unsigned int order)
{
	return kho_restore_pages(phys, 1UL << order);
}
#else
int khoser_kho_preserve_pages(struct page *page, unsigned int order)
{
	return -EOPNOTSUPP;
}

void khoser_kho_unpreserve_pages(struct page *page, unsigned int order)
{
}

struct page *khoser_kho_claim_pages(u64 phys, unsigned int order)
{
	return NULL;
}
#endif /* KHOSER_KHO_PAGES */

int khoser_kho_retrieve_subtree(const char *name, u64 *phys, u64 *size)
{
	phys_addr_t p;
	size_t sz;
	int err;

	err = kho_retrieve_subtree(name, &p, &sz);
	if (err)
		return err;
	*phys = p;
	*size = sz;
	return 0;
}

#else /* !KHOSER_KHO_API: the kernel offers no usable KHO to modules */

bool khoser_kho_api(void)
{
	return false;
}

bool khoser_kho_enabled(void)
{
	return false;
}

bool khoser_kho_boot(void)
{
	return false;
}

void *khoser_kho_alloc_page(void)
{
	return ERR_PTR(-EOPNOTSUPP);
}

void khoser_kho_free_page(void *page)
{
}

void *khoser_kho_claim_page(u64 phys, const char **why)
{
	*why = "KHO unavailable";
	return NULL;
}

void khoser_kho_release_page(void *page)
{
}

int khoser_kho_preserve_pages(struct page *page, unsigned int order)
{
	return -EOPNOTSUPP;
}

void khoser_kho_unpreserve_pages(struct page *page, unsigned int order)
{
}

int khoser_kho_check_pages(u64 phys, unsigned int order, const char **why)
{
	*why = "KHO unavailable";
	return -EOPNOTSUPP;
}

struct page *khoser_kho_claim_pages(u64 phys, unsigned int order)
{
	return NULL;
}

u64 khoser_kho_phys(void *virt)
{
	return virt_to_phys(virt);
}

int khoser_kho_add_subtree(const char *name, void *blob, size_t size)
{
	return -EOPNOTSUPP;
}

void khoser_kho_remove_subtree(void *blob)
{
}

int khoser_kho_retrieve_subtree(const char *name, u64 *phys, u64 *size)
{
	return -EOPNOTSUPP;
}

#endif /* KHOSER_KHO_API */
