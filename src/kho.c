// SPDX-License-Identifier: GPL-2.0-only
/*
 * KHO primitives as khoser uses them, on whatever kernel this is built for.
 *
 * DOC: claiming preserved pages
 *
 * Every page of the previous kernel that khoser reads is claimed here, and
 * only after checking KHO's own mark in its struct page: page->private of
 * the first page of each preserved range holds { order, magic 'KHOP' }, and
 * kho_restore_folio()/kho_restore_pages() take the order from it (7.2 does
 * not bound it) and WARN on a page without it. The mark is read, checked
 * (magic, order as expected, order bounded) and the page restored under
 * one lock, so two restores racing on overlapping data cannot both pass the
 * check, and a corrupt pointer into another object's order-N range is
 * refused before anything is restored.
 *
 * The mark's layout is private to KHO. src/compat/probe.sh checks it in the
 * target tree's source when the tree has it (KHOSER_KHO_MARK_CHECKED);
 * otherwise the first descriptor page (which KHO itself names through
 * kho_retrieve_subtree()) must carry the expected mark before any claim is
 * allowed, and a tree whose layout differs refuses every claim.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bug.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include "kho.h"

#if KHOSER_KHO_API
#include <linux/kexec_handover.h>

/* Pages khoser holds preserved for the next kernel. */
static atomic_long_t preserved = ATOMIC_LONG_INIT(0);
static bool usable;

long khoser_kho_preserved_pages(void)
{
	return atomic_long_read(&preserved);
}

bool khoser_kho_usable(void)
{
	return usable;
}

bool khoser_kho_api(void)
{
	return true;
}

bool khoser_kho_boot(void)
{
	return usable && is_kho_boot();
}

#define KHOSER_KHO_PAGE_MAGIC 0x4b484f50U

union khoser_kho_page_info {
	unsigned long page_private;
	struct {
		unsigned int order;
		unsigned int magic;
	};
};

static_assert(sizeof(union khoser_kho_page_info) == sizeof(unsigned long));

/* Serializes mark checks with the restores that clear the marks. */
static DEFINE_MUTEX(claim_lock);

#if defined(KHOSER_KHO_MARK_CHECKED)
static const bool mark_layout_checked = true;
#else
static const bool mark_layout_checked;
#endif
static bool mark_layout_known;
#if defined(KHOSER_KHO_MARK_DIFFERS)
static const bool mark_layout_differs = true;
#else
static const bool mark_layout_differs;
#endif

void khoser_kho_probe(void)
{
	khoser_ledger_init();
	usable = kho_is_enabled();
	mark_layout_known = mark_layout_checked;
	if (mark_layout_differs && usable)
		pr_err("this kernel's KHO page mark is not the layout khoser reads: nothing will be restored\n");
}

/*
 * Whether @pfn is the first page of a range the previous kernel preserved
 * with order @order. @why says what is wrong when not.
 */
static bool read_kho_mark_order(struct page *page, unsigned int *order,
				const char **why)
{
	union khoser_kho_page_info info;

	if (!mark_layout_known) {
		*why = mark_layout_differs ?
		       "mark-layout: this kernel's KHO page mark is not the one khoser reads" :
		       "mark-layout: KHO page-mark layout not verified yet";
		return false;
	}
	info.page_private = READ_ONCE(page->private);
	if (info.magic != KHOSER_KHO_PAGE_MAGIC) {
		*why = "not-preserved: page was not preserved";
		return false;
	}
	*order = info.order;
	return true;
}

/*
 * Page-aligned, representable, first and last page in online memory (with
 * a struct page whose KHO mark can be read): the first page, or NULL. Not page_is_ram(): it walks
 * the resource tree under a lock on every call, a large share of a
 * block's restore, and proves nothing more here: only the buddy
 * allocator's pages carry a KHO mark, which is checked next.
 */
static struct page *in_ram(u64 phys, unsigned int order, const char **why)
{
	unsigned long pfn = PHYS_PFN(phys), last = pfn + (1UL << order) - 1;
	struct page *page;

	if (!phys || (phys & ((PAGE_SIZE << order) - 1))) {
		*why = "misaligned: misaligned address";
		return NULL;
	}
	page = (u64)PFN_PHYS(pfn) == phys ? pfn_to_online_page(pfn) : NULL;
	if (!page || (order && !pfn_to_online_page(last))) {
		*why = "outside-ram: address outside RAM";
		return NULL;
	}
	return page;
}

/*
 * A zeroed, preserved block of 2^@order pages, or an ERR_PTR. Above order 0
 * it fails fast instead of reclaiming hard: the caller falls back to a
 * smaller order.
 */
void *khoser_kho_alloc_block(unsigned int order)
{
	struct folio *folio;
	void *mem;
	int err;

	if (!order) {
		mem = kho_alloc_preserve(PAGE_SIZE);
		if (!IS_ERR(mem))
			atomic_long_inc(&preserved);
		return mem;
	}
	folio = folio_alloc(GFP_KERNEL | __GFP_ZERO | __GFP_NORETRY |
			    __GFP_NOWARN, order);
	if (!folio)
		return ERR_PTR(-ENOMEM);
	err = kho_preserve_folio(folio);
	if (err) {
		folio_put(folio);
		return ERR_PTR(err);
	}
	atomic_long_add(1L << order, &preserved);
	return folio_address(folio);
}

/* One zeroed, preserved page, or an ERR_PTR. */
void *khoser_kho_alloc_page(void)
{
	return khoser_kho_alloc_block(0);
}

/* Unpreserve and free a block from khoser_kho_alloc_block(@order). */
void khoser_kho_free_block(void *block, unsigned int order)
{
	atomic_long_sub(1L << order, &preserved);
	kho_unpreserve_free(block);
}

/* Unpreserve and free a page from khoser_kho_alloc_page(). */
void khoser_kho_free_page(void *page)
{
	khoser_kho_free_block(page, 0);
}

/* Unpreserve a block from khoser_kho_alloc_block(), keeping it allocated. */
void khoser_kho_cut_block(void *block, unsigned int order)
{
	atomic_long_sub(1L << order, &preserved);
	kho_unpreserve_folio(virt_to_folio(block));
}

/* Unpreserve a page from khoser_kho_alloc_page(), keeping it allocated. */
void khoser_kho_cut_page(void *page)
{
	khoser_kho_cut_block(page, 0);
}

/* Free a page cut with khoser_kho_cut_page(). */
void khoser_kho_put_page(void *page)
{
	folio_put(virt_to_folio(page));
}

#if KHOSER_KHO_PAGES
static void *restore_pages(u64 phys, unsigned int order)
{
	return kho_restore_pages(phys, 1UL << order);
}
#else
static void *restore_pages(u64 phys, unsigned int order)
{
	return NULL;
}
#endif

/* Why a claim over pages of the ledger is refused. */
static const char *ledger_why(unsigned long room, bool owned)
{
	if (room)
		return "already-claimed: range overlaps pages claimed earlier this boot";
	return owned ? "already-claimed: page is held by khoser already" :
		       "already-claimed: page was claimed and released earlier this boot";
}

/**
 * struct claim - one claim of a range preserved by the previous kernel
 * @phys:  its first page's address (checked: aligned, in RAM)
 * @page:  that page
 * @min:   smallest order KHO's mark may give
 * @max:   largest order (@min == @max: exactly that order)
 * @order: the order found
 * @how:   what to do once every check passed
 */
struct claim {
	u64 phys;
	struct page *page;
	unsigned int min, max, order;
	enum { CLAIM_CHECK, CLAIM_FOLIO, CLAIM_PAGES } how;
};

/* KHO's mark of @c's first page gives an order @c accepts? */
static __always_inline bool claim_order(struct claim *c, const char **why)
{
	if (!read_kho_mark_order(c->page, &c->order, why))
		return false;
	if (c->order > KHOSER_KHO_MAX_MARK_ORDER) {
		*why = "bad-order: page mark has an impossible order";
		return false;
	}
	if (c->order < c->min || c->order > c->max) {
		*why = c->min == c->max ?
		       "wrong-order: page preserved with another order" :
		       "wrong-order: block preserved with a larger order than allowed";
		return false;
	}
	return true;
}

/*
 * Under the claim lock: check @c, in this order, so that nothing of a page
 * the ledger holds (someone else's by now) is read: the ledger at the
 * first page; KHO's mark there and its order; RAM to the range's end; the
 * ledger over the whole range; no inner page preserved on its own; then
 * restore it through KHO (unless only checking) and record it in the
 * ledger, which has an entry ready (khoser_ledger_reserve()). A restore
 * that returns nothing leaves no trace. Returns the restored folio or
 * page, @c->page when checking, or NULL with *@why set.
 */
static __always_inline void *claim_locked(struct claim *c, const char **why)
{
	unsigned long pfn = PHYS_PFN(c->phys), room;
	bool owned = false;
	void *got;

	room = khoser_ledger_room(pfn, 1UL << c->max, &owned);
	if (!room) {
		*why = ledger_why(0, owned);
		return NULL;
	}
	if (!claim_order(c, why))
		return NULL;
	if (c->order && !in_ram(c->phys, c->order, why))
		return NULL;
	if (room < 1UL << c->order) {
		*why = ledger_why(room, false);
		return NULL;
	}
	if (c->order && khoser_kho_inner_marked(c->phys, c->order)) {
		*why = "overlap-inner: a page inside the range is preserved on its own";
		return NULL;
	}
	if (c->how == CLAIM_CHECK)
		return c->page;
	if (c->how == CLAIM_FOLIO)
		got = kho_restore_folio(c->phys);
	else
		got = restore_pages(c->phys, c->order);
	if (!got) {
		*why = "not-preserved: page was not preserved";
		return NULL;
	}
	khoser_ledger_add(pfn, 1UL << c->order);
	return got;
}

/* claim_locked() under the claim lock, a ledger entry made ready first. */
static __always_inline void *claim(struct claim *c, const char **why)
{
	void *got = NULL;

	c->page = in_ram(c->phys, 0, why);
	if (!c->page)
		return NULL;
	mutex_lock(&claim_lock);
	if (c->how != CLAIM_CHECK && khoser_ledger_reserve())
		*why = "no-memory: out of memory";
	else
		got = claim_locked(c, why);
	mutex_unlock(&claim_lock);
	return got;
}

/*
 * Take ownership of one preserved order-0 page of the previous kernel, after
 * checking that @phys is page-aligned, in RAM, not claimed before this boot
 * and the first page of a range preserved with order 0. Returns its
 * address, or NULL with @why saying what was wrong ("reason-word: text").
 */
void *khoser_kho_claim_page(u64 phys, const char **why)
{
	struct claim c = { .phys = phys, .how = CLAIM_FOLIO };
	struct folio *folio = claim(&c, why);

	return folio ? folio_address(folio) : NULL;
}

/*
 * Claim a block of 2^order pages at @phys, order 0 to @max_order as KHO's
 * mark says, into *@order; checked as khoser_kho_claim_page() checks a page,
 * no page of it claimed before this boot, and no page inside the block
 * carrying a mark of its own (another preserved range overlapping it).
 * NULL with *@why set on failure.
 */
void *khoser_kho_claim_block(u64 phys, unsigned int max_order,
			     unsigned int *order, const char **why)
{
	struct claim c = { .phys = phys, .max = max_order,
			   .how = CLAIM_FOLIO };
	struct folio *folio = claim(&c, why);

	*order = c.order;
	return folio ? folio_address(folio) : NULL;
}

/*
 * Claim the page KHO names as subtree @phys (a descriptor): its mark also
 * proves, on a tree whose source was not probed, that KHO's mark layout is
 * the one read_kho_mark_order() expects.
 */
static void verify_mark_layout(u64 phys)
{
	union khoser_kho_page_info info;
	const char *why;
	struct page *page;

	if (mark_layout_known || mark_layout_differs || !in_ram(phys, 0, &why))
		return;
	page = pfn_to_online_page(PHYS_PFN(phys));
	if (!page)
		return;
	info.page_private = READ_ONCE(page->private);
	mutex_lock(&claim_lock);
	if (info.magic == KHOSER_KHO_PAGE_MAGIC && !info.order) {
		mark_layout_known = true;
		pr_info("KHO page-mark layout verified on a descriptor page\n");
	}
	mutex_unlock(&claim_lock);
}

/*
 * The 2^@order pages claimed at @pfn become spent in the ledger: khoser no
 * longer holds them. Pages the ledger does not hold as owned are a bug of
 * khoser's own (WARN).
 */
static void spend(unsigned long pfn, unsigned int order)
{
	bool found;

	mutex_lock(&claim_lock);
	found = khoser_ledger_spend(pfn, 1UL << order);
	mutex_unlock(&claim_lock);
	WARN_ON_ONCE(!found);
}

/*
 * Give back a page or block taken with khoser_kho_claim_page() or
 * khoser_kho_claim_block(); it stays in the ledger, spent.
 */
void khoser_kho_release_page(void *page)
{
	struct folio *folio = virt_to_folio(page);

	spend(folio_pfn(folio), folio_order(folio));
	folio_put(folio);
}

/*
 * The 2^@order pages claimed at @phys with khoser_kho_claim_pages() now
 * belong to someone else (a vbuf's mapping, which frees them): spent.
 */
void khoser_kho_disown_pages(u64 phys, unsigned int order)
{
	spend(PHYS_PFN(phys), order);
}

/* What the ledger holds now. */
void khoser_kho_ledger_stats(struct khoser_ledger_stats *st)
{
	mutex_lock(&claim_lock);
	khoser_ledger_stats(st);
	mutex_unlock(&claim_lock);
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
 * that the previous kernel preserved as one range of exactly that order,
 * and that no page of it was claimed this boot or is preserved on its own.
 * khoser_kho_claim_pages() checks again under the claim lock.
 */
int khoser_kho_check_pages(u64 phys, unsigned int order, const char **why)
{
	struct claim c = { .phys = phys, .min = order, .max = order,
			   .how = CLAIM_CHECK };

	if (order > KHOSER_KHO_MAX_MARK_ORDER) {
		*why = "bad-order: order out of range";
		return -EINVAL;
	}
	if (phys & ((PAGE_SIZE << order) - 1)) {
		*why = "misaligned: misaligned address";
		return -EINVAL;
	}
	return claim(&c, why) ? 0 : -EINVAL;
}

/*
 * Whether a page inside [@phys, + 2^@order pages), other than the first,
 * carries a KHO mark of its own: the previous kernel preserved it as (part
 * of) another range too, so the range overlaps something else.
 */
bool khoser_kho_inner_marked(u64 phys, unsigned int order)
{
	unsigned long pfn = PHYS_PFN(phys), i;
	union khoser_kho_page_info info;
	struct page *page;

	for (i = 1; i < 1UL << order; i++) {
		page = pfn_to_online_page(pfn + i);
		if (!page)
			return true;
		info.page_private = READ_ONCE(page->private);
		if (info.magic == KHOSER_KHO_PAGE_MAGIC)
			return true;
	}
	return false;
}

#if KHOSER_KHO_PAGES
int khoser_kho_preserve_pages(struct page *page, unsigned int order)
{
	int err = kho_preserve_pages(page, 1UL << order);

	if (!err)
		atomic_long_add(1L << order, &preserved);
	return err;
}

void khoser_kho_unpreserve_pages(struct page *page, unsigned int order)
{
	atomic_long_sub(1L << order, &preserved);
	kho_unpreserve_pages(page, 1UL << order);
}

/*
 * Take ownership of a range checked with khoser_kho_check_pages(): it
 * becomes 2^@order order-0 pages, given back with
 * khoser_kho_release_pages() or handed on with khoser_kho_disown_pages().
 * NULL, with *@why set, when a check fails now (claimed meanwhile).
 */
struct page *khoser_kho_claim_pages(u64 phys, unsigned int order,
				    const char **why)
{
	struct claim c = { .phys = phys, .min = order, .max = order,
			   .how = CLAIM_PAGES };

	if (order > KHOSER_KHO_MAX_MARK_ORDER) {
		*why = "bad-order: order out of range";
		return NULL;
	}
	if (phys & ((PAGE_SIZE << order) - 1)) {
		*why = "misaligned: misaligned address";
		return NULL;
	}
	return claim(&c, why);
}

/* Give back the pages of khoser_kho_claim_pages(@phys, @order). */
void khoser_kho_release_pages(u64 phys, unsigned int order)
{
	unsigned long pfn = PHYS_PFN(phys), i;

	khoser_kho_disown_pages(phys, order);
	for (i = 0; i < 1UL << order; i++)
		__free_page(pfn_to_page(pfn + i));
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
	verify_mark_layout(p);
	return 0;
}

/* Module exit: nothing claimed is khoser's any more. */
void khoser_kho_exit(void)
{
	mutex_lock(&claim_lock);
	khoser_ledger_clear();
	mutex_unlock(&claim_lock);
}

#endif /* KHOSER_KHO_API */
