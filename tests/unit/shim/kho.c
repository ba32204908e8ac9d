// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel-API shim: KHO memory preservation, modelled on Linux 7.2's
 * kernel/liveupdate/kexec_handover.c (shim function <- 7.2 function):
 *
 * kho_is_enabled(), is_kho_boot()	<- the same: KHO enabled at boot; the
 *	previous kernel had KHO enabled and handed over (kho_populate() runs
 *	whatever this kernel's kho= says).
 * kho_preserve_folio()	<- the same: sets the radix bit (folio pfn, folio
 *	order) (kho_radix_add_page(), kho_radix.c). Overlapping or repeated
 *	preservations are accepted: bits, not ranges, and no count; preserving
 *	a page twice and unpreserving it once leaves it unpreserved.
 * kho_unpreserve_folio()	<- the same: clears that bit
 *	(kho_radix_del_page(): WARNs only when the tree has no node on the
 *	path; a clear bit under an existing leaf is silent).
 * kho_preserve_pages()	<- the same: splits [pfn, pfn + nr) into
 *	naturally aligned power-of-2 ranges (__kho_preserve_pages_order(),
 *	one NUMA node here), one bit each; on failure clears the bits of the
 *	ranges it set (even bits another preservation had set). nr 0
 *	preserves nothing.
 * kho_unpreserve_pages()	<- the same split, one delete each.
 *	With KHO disabled the tree has no root: every add WARNs and fails
 *	with -EINVAL, every delete WARNs (kho_radix_*: WARN_ON_ONCE(!root)).
 * kho_alloc_preserve(), kho_unpreserve_free(), kho_restore_free()	<- the
 *	same: size 0 -EINVAL, order above MAX_PAGE_ORDER -E2BIG, zeroed
 *	folio_alloc() then kho_preserve_folio() (its error returned as is);
 *	kho_restore_free() WARNs when the restore fails.
 * shim_kho_kexec() <- kho_mem_retrieve() + kho_preserved_memory_reserve()
 *	in the next kernel: the tree is walked in key order (higher orders of
 *	a pfn first) and each (pfn, order) reserves its pages and writes the
 *	mark { order, 'KHOP' } into page->private of its FIRST page only. A
 *	page inside a range keeps its own mark when it has one (X order 1 and
 *	X+1 order 0: both marked); a page recorded at two orders ends with the
 *	lowest order's mark (written last).
 * kho_restore_folio(), kho_restore_pages()	<- the same, through
 *	kho_restore_page(): the page of PHYS_PFN(phys) (unaligned phys is
 *	truncated; not RAM: NULL, no WARN) must carry the mark (else WARN,
 *	NULL); the order comes from the mark and is not bounded; the mark is
 *	cleared; a folio restore makes one folio of that order and clears
 *	page->private of its tail pages (prep_compound_tail()), a pages
 *	restore makes 2^order order-0 pages and leaves inner marks alone.
 *	kho_restore_pages() walks [phys, + nr) in aligned power-of-2 steps of
 *	its own (not the marks' orders) and returns NULL at the first failure,
 *	leaving what it restored so far restored.
 *
 * Where the kernel corrupts memory, the shim aborts with a message instead:
 * a restore whose mark's range covers a page that is not kept-and-
 * unrestored (restored already, in use, free) or lies outside RAM (a huge
 * order reaches this check: the kernel would initialize struct pages it
 * does not own); a kexec that hands over a preserved range that is free in
 * the old kernel or outside RAM. Freeing a page still preserved aborts too
 * (mm.c).
 *
 * Deliberate differences: failure injection fails any radix add (the
 * kernel fails only when it must allocate a node); kho_scratch_overlap()
 * checks (CONFIG_KEXEC_HANDOVER_DEBUG) and NUMA splits are not modelled;
 * kho_preserve_vmalloc() and friends and the exported kho_radix_* calls
 * are not provided (khoser uses neither); WARN_ON_ONCE counts every time.
 * Subtrees: kho_subtree.c.
 */
#include "internal.h"
#include <linux/kexec_handover.h>

static bool kho_on;	/* this kernel: kho=on */
static bool kho_booted;	/* the previous kernel handed over */
static struct shim_radix *out_tree;	/* NULL with KHO disabled */

#define meta shim_meta
#define pages shim_pages

bool kho_is_enabled(void)
{
	return READ_ONCE(kho_on);
}

bool is_kho_boot(void)
{
	return READ_ONCE(kho_booted);
}

/* Count (@delta 1 or -1) a preservation of [pfn, + 2^order) in pcov. */
static void cover(unsigned long pfn, unsigned int order, int delta)
{
	unsigned long base = pfn >> order << order, j;
	long i;

	for (j = 0; j < 1UL << order; j++) {
		i = shim_pfn_index(base + j);
		if (i >= 0)
			meta[i].pcov += delta;
	}
}

/* kho_radix_add_page() on the outgoing tree. */
static int radix_add(unsigned long pfn, unsigned int order)
{
	bool added;
	int err;

	if (order > 64 - PAGE_SHIFT)
		shim_die("KHO preservation of order %u: key out of range",
			 order);
	shim_lock();
	if (!out_tree) {
		shim_unlock();
		shim_warn("kho_radix_add_page: KHO disabled, no tree");
		return -EINVAL;
	}
	err = -ENOMEM;
	if (!shim_should_fail()) {
		err = shim_radix_add(out_tree, pfn, order, &added);
		if (!err && added)
			cover(pfn, order, 1);
	}
	shim_unlock();
	return err;
}

/* kho_radix_del_page() on the outgoing tree. */
static void radix_del(unsigned long pfn, unsigned int order)
{
	bool removed;
	int err = -EINVAL;

	if (order > 64 - PAGE_SHIFT)
		shim_die("KHO unpreservation of order %u: key out of range",
			 order);
	shim_lock();
	if (out_tree) {
		err = shim_radix_del(out_tree, pfn, order, &removed);
		if (removed)
			cover(pfn, order, -1);
	}
	shim_unlock();
	if (err == -EINVAL)
		shim_warn("kho_radix_del_page: KHO disabled, no tree");
	else if (err)
		shim_warn("kho_radix_del_page: range was never preserved");
}

int kho_preserve_folio(struct folio *folio)
{
	return radix_add(folio_pfn(folio), folio_order(folio));
}

void kho_unpreserve_folio(struct folio *folio)
{
	radix_del(folio_pfn(folio), folio_order(folio));
}

/* __kho_preserve_pages_order(): the largest aligned step at @pfn. */
static unsigned int step_order(unsigned long pfn, unsigned long end)
{
	unsigned int tz = pfn ? __builtin_ctzl(pfn) : 64;

	return min(tz, (unsigned int)ilog2(end - pfn));
}

static void unpreserve_range(unsigned long pfn, unsigned long end)
{
	unsigned int order;

	for (; pfn < end; pfn += 1UL << order) {
		order = step_order(pfn, end);
		radix_del(pfn, order);
	}
}

int kho_preserve_pages(struct page *page, unsigned long nr_pages)
{
	unsigned long start = page_to_pfn(page), end = start + nr_pages, pfn;
	unsigned int order;
	int err = 0;

	for (pfn = start; pfn < end; pfn += 1UL << order) {
		order = step_order(pfn, end);
		err = radix_add(pfn, order);
		if (err)
			break;
	}
	if (err)
		unpreserve_range(start, pfn);
	return err;
}

void kho_unpreserve_pages(struct page *page, unsigned long nr_pages)
{
	unsigned long start = page_to_pfn(page);

	unpreserve_range(start, start + nr_pages);
}

void *kho_alloc_preserve(size_t size)
{
	unsigned int order = 0;
	struct folio *folio;
	int err;

	if (!size)
		return ERR_PTR(-EINVAL);
	while ((PAGE_SIZE << order) < size && order <= MAX_PAGE_ORDER)
		order++;
	if (order > MAX_PAGE_ORDER)
		return ERR_PTR(-E2BIG);
	folio = folio_alloc(GFP_KERNEL | __GFP_ZERO, order);
	if (!folio)
		return ERR_PTR(-ENOMEM);
	err = kho_preserve_folio(folio);
	if (err) {
		folio_put(folio);
		return ERR_PTR(err);
	}
	return folio_address(folio);
}

void kho_unpreserve_free(void *mem)
{
	struct folio *folio;

	if (!mem)
		return;
	folio = virt_to_folio(mem);
	kho_unpreserve_folio(folio);
	folio_put(folio);
}

/* Abort: the mark at page @i (order @order) covers page @j, not kept. */
static void __attribute__((noreturn))
restore_corrupts(phys_addr_t phys, bool is_folio, unsigned int order,
		 unsigned long j)
{
	const char *fn = is_folio ? "kho_restore_folio" : "kho_restore_pages";

	if (j == ~0UL)
		shim_die("%s(%#llx): mark of order %u reaches beyond RAM; the kernel would initialize struct pages it does not own",
			 fn, (unsigned long long)phys, order);
	shim_die("%s(%#llx): mark of order %u covers pfn %#lx, which is %s; the kernel would hand out memory someone else owns",
		 fn, (unsigned long long)phys, order,
		 (unsigned long)(SHIM_FIRST_PFN + j),
		 meta[j].state == PG_FREE ? "free" :
		 "in use (restored already?)");
}

/*
 * kho_restore_page(): claim the range the mark at PHYS_PFN(@phys) names;
 * the index of its first page, or -1.
 */
static long restore_page(phys_addr_t phys, bool is_folio)
{
	long i = shim_pfn_index(PHYS_PFN(phys));
	unsigned long n, j, end;
	unsigned int order;

	if (i < 0)
		return -1;	/* pfn_to_online_page() */
	shim_lock();
	if (pages[i].private >> 32 != SHIM_KHO_MAGIC) {
		shim_unlock();
		shim_warn("kho_restore_page: page without KHO's mark");
		return -1;
	}
	order = (unsigned int)pages[i].private;
	/* The kernel computes 1 << order and initializes that many pages. */
	if (order >= 64 - PAGE_SHIFT ||
	    (1UL << order) > shim_ram_pages - (unsigned long)i)
		restore_corrupts(phys, is_folio, order, ~0UL);
	n = 1UL << order;
	end = i + n;
	for (j = i; j < end; j++)
		if (meta[j].state != PG_KHO)
			restore_corrupts(phys, is_folio, order, j);
	pages[i].private = 0;
	for (j = i; j < end; j++) {
		meta[j].state = PG_USED;
		meta[j].head = !is_folio || j == (unsigned long)i;
		meta[j].order = 0;
		if (is_folio && j > (unsigned long)i)
			pages[j].private = 0;	/* prep_compound_tail() */
	}
	if (is_folio)
		meta[i].order = order;
	shim_unlock();
	return i;
}

struct folio *kho_restore_folio(phys_addr_t phys)
{
	long i = restore_page(phys, true);

	return i < 0 ? NULL : &shim_folios[i];
}

struct page *kho_restore_pages(phys_addr_t phys, unsigned long nr_pages)
{
	unsigned long start = PHYS_PFN(phys), end = start + nr_pages, pfn;
	unsigned int order;

	for (pfn = start; pfn < end; pfn += 1UL << order) {
		order = step_order(pfn, end);
		if (restore_page(PFN_PHYS(pfn), false) < 0)
			return NULL;
	}
	return pfn_to_page(start);
}

void kho_restore_free(void *mem)
{
	struct folio *folio;

	if (!mem)
		return;
	folio = kho_restore_folio(virt_to_phys(mem));
	if (!folio)
		shim_warn("kho_restore_free: restore failed");
	else
		folio_put(folio);
}

/* --- test hooks --------------------------------------------------- */

bool shim_kho_marked(unsigned long pfn, unsigned int *order)
{
	long i = shim_pfn_index(pfn);
	unsigned long v;

	if (i < 0)
		return false;
	v = READ_ONCE(pages[i].private);
	if (order)
		*order = (unsigned int)v;
	return v >> 32 == SHIM_KHO_MAGIC;
}

bool shim_kho_preserved(unsigned long pfn, unsigned int order)
{
	bool r;

	shim_lock();
	r = out_tree && shim_radix_test(out_tree, pfn, order);
	shim_unlock();
	return r;
}

/* --- boots -------------------------------------------------------- */

void shim_kho_boot(bool enabled)
{
	shim_lock();
	shim_radix_free(out_tree);
	out_tree = enabled ? shim_radix_new() : NULL;
	kho_on = enabled;
	kho_booted = false;
	shim_subtree_boot(enabled, false);
	shim_unlock();
}

/* A preserved range must be RAM the old kernel owns. */
static int check_range(u64 phys, unsigned int order, void *arg)
{
	unsigned long pfn = PHYS_PFN(phys), j;
	long i = shim_pfn_index(pfn);

	if (i < 0 || order >= 64 - PAGE_SHIFT ||
	    (1UL << order) > shim_ram_pages - (unsigned long)i)
		shim_die("kexec: preserved range %#llx order %u is not RAM",
			 (unsigned long long)phys, order);
	for (j = i; j < i + (1UL << order); j++)
		if (meta[j].state == PG_FREE)
			shim_die("kexec: preserved range %#llx order %u holds free pfn %#lx (preserved after being freed?)",
				 (unsigned long long)phys, order,
				 (unsigned long)(SHIM_FIRST_PFN + j));
	return 0;
}

/* kho_preserved_memory_reserve(): the mark on the range's first page. */
static int mark_range(u64 phys, unsigned int order, void *arg)
{
	pages[shim_pfn_index(PHYS_PFN(phys))].private = SHIM_KHO_MARK(order);
	return 0;
}

/*
 * Hand the old kernel's preservations over (when it had KHO enabled) and
 * start the new kernel's KHO. RAM outside preserved ranges is wiped here.
 */
void shim_kho_kexec(bool enabled)
{
	bool handover;
	unsigned long i;

	shim_lock();
	handover = kho_on;
	if (handover)
		shim_radix_walk(out_tree, check_range, NULL);
	for (i = 0; i < shim_ram_pages; i++) {
		bool kept = handover && meta[i].pcov;

		if (meta[i].state != PG_FREE && !kept)
			memset(shim_ram + (i << PAGE_SHIFT), SHIM_POISON,
			       PAGE_SIZE);
		pages[i].private = 0;
		meta[i] = (struct pmeta){ .state = kept ? PG_KHO : PG_FREE };
	}
	if (handover)
		shim_radix_walk(out_tree, mark_range, NULL);
	shim_radix_free(out_tree);
	out_tree = enabled ? shim_radix_new() : NULL;
	shim_subtree_boot(enabled, handover);
	kho_booted = handover;
	kho_on = enabled;
	shim_unlock();
}

void shim_kho_fini(void)
{
	shim_lock();
	shim_radix_free(out_tree);
	out_tree = NULL;
	shim_subtree_boot(false, false);
	shim_unlock();
}
