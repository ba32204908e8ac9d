// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shim itself: each behaviour of Linux 7.2's KHO that it models
 * (overlapping preservations accepted, radix bits without counts, marks on
 * first pages only, restores that clear only the first page's mark and take
 * an unbounded order from it, subtrees in a one-page FDT), the aborts where
 * the kernel would corrupt memory, the kernel's allocation limits, and the
 * overflow helpers, and the mutex checks and race helper.
 */
#include <linux/overflow.h>
#include "test.h"

static unsigned long pfn_of(struct page *p)
{
	return page_to_pfn(p);
}

/* 2^@order contiguous order-0 pages, the first aligned to 2^@order. */
static unsigned long contiguous(unsigned int order)
{
	struct page *p = alloc_pages(GFP_KERNEL, order);

	split_page(p, order);
	return pfn_of(p);
}

static unsigned int mark_order(unsigned long pfn)
{
	unsigned int order = ~0u;

	return shim_kho_marked(pfn, &order) ? order : ~0u;
}

TEST(overlapping_preservations_accepted)
{
	struct page *f;
	unsigned long x;

	shim_boot(true);
	f = alloc_pages(GFP_KERNEL, 1);
	x = pfn_of(f);
	CHECK_EQ(x % 2, 0);
	/* A folio at order 1 at X, then X + 1 alone, then X twice. */
	CHECK_EQ(kho_preserve_folio(page_folio(f)), 0);
	CHECK_EQ(kho_preserve_pages(f + 1, 1), 0);
	CHECK_EQ(kho_preserve_pages(f, 1), 0);
	CHECK_EQ(kho_preserve_pages(f, 1), 0);
	CHECK(shim_kho_preserved(x, 1));
	CHECK(shim_kho_preserved(x + 1, 0));
	CHECK(shim_kho_preserved(x, 0));
	CHECK_EQ(shim_preserved_pages(), 2);
	CHECK_EQ(shim_warns, 0);
}

/* Bits, not counts: the second preservation of a page is no extra hold. */
TEST(preserve_twice_unpreserve_once)
{
	struct page *p;

	shim_boot(true);
	p = alloc_pages(GFP_KERNEL, 0);
	CHECK_EQ(kho_preserve_pages(p, 1), 0);
	CHECK_EQ(kho_preserve_pages(p, 1), 0);
	kho_unpreserve_pages(p, 1);
	CHECK(!shim_kho_preserved(pfn_of(p), 0));
	CHECK_EQ(shim_preserved_pages(), 0);
	__free_page(p);		/* no longer preserved: may be freed */
	CHECK_EQ(shim_warns, 0);
}

TEST(preserve_pages_splits_aligned)
{
	unsigned long x;

	shim_boot(true);
	x = contiguous(3);
	/* 7 pages at an 8-aligned pfn: orders 2, 1, 0. */
	CHECK_EQ(kho_preserve_pages(pfn_to_page(x), 7), 0);
	CHECK(shim_kho_preserved(x, 2));
	CHECK(shim_kho_preserved(x + 4, 1));
	CHECK(shim_kho_preserved(x + 6, 0));
	CHECK(!shim_kho_preserved(x, 0));
	CHECK_EQ(shim_preserved_pages(), 7);
	kho_unpreserve_pages(pfn_to_page(x), 7);
	CHECK_EQ(shim_preserved_pages(), 0);
	/* 6 pages from an odd pfn: 0, 1, 1, 0. */
	CHECK_EQ(kho_preserve_pages(pfn_to_page(x + 1), 6), 0);
	CHECK(shim_kho_preserved(x + 1, 0));
	CHECK(shim_kho_preserved(x + 2, 1));
	CHECK(shim_kho_preserved(x + 4, 1));
	CHECK(shim_kho_preserved(x + 6, 0));
	kho_unpreserve_pages(pfn_to_page(x + 1), 6);
	CHECK_EQ(shim_preserved_pages(), 0);
	/* Zero pages: nothing, no error. */
	CHECK_EQ(kho_preserve_pages(pfn_to_page(x), 0), 0);
	CHECK_EQ(shim_preserved_pages(), 0);
	CHECK_EQ(shim_warns, 0);
}

/* A failed kho_preserve_pages() clears its bits, even ones set before. */
TEST(preserve_pages_failure_clears_shared_bits)
{
	unsigned long x;

	shim_boot(true);
	x = contiguous(2);
	CHECK_EQ(kho_preserve_pages(pfn_to_page(x + 1), 1), 0);
	/* (x+1, 0) again, then (x+2, 1), which fails. */
	shim_fail_reset(2);
	CHECK_EQ(kho_preserve_pages(pfn_to_page(x + 1), 3), -ENOMEM);
	shim_fail_reset(0);
	CHECK(!shim_kho_preserved(x + 1, 0));
	CHECK_EQ(shim_preserved_pages(), 0);
}

TEST(unpreserve_not_preserved)
{
	unsigned long x;

	shim_boot(true);
	x = contiguous(1);
	/* No radix node on the path: the kernel WARNs. */
	kho_unpreserve_pages(pfn_to_page(x), 1);
	CHECK_EQ(shim_warns, 1);
	/* The leaf exists (x + 1 is in it): silently nothing. */
	CHECK_EQ(kho_preserve_pages(pfn_to_page(x + 1), 1), 0);
	kho_unpreserve_pages(pfn_to_page(x), 1);
	CHECK_EQ(shim_warns, 1);
	CHECK(shim_kho_preserved(x + 1, 0));
}

TEST(kho_disabled)
{
	struct page *p;
	void *m;

	shim_boot(false);
	p = alloc_pages(GFP_KERNEL, 0);
	CHECK_EQ(kho_preserve_pages(p, 1), -EINVAL);
	CHECK_EQ(shim_warns, 1);
	m = kho_alloc_preserve(PAGE_SIZE);
	CHECK(m == ERR_PTR(-EINVAL));
	CHECK_EQ(shim_warns, 2);
	__free_page(p);
	CHECK_EQ(shim_used_pages(), 0);
	CHECK(!is_kho_boot());
}

static void add_subtree_disabled(void *arg)
{
	static u8 blob[8];

	shim_boot(false);
	kho_add_subtree("x", shim_alloc_pages(0), sizeof(blob));
}

TEST(subtree_with_kho_disabled_dies)
{
	CHECK(test_dies(add_subtree_disabled, NULL, "KHO disabled"));
}

TEST(alloc_preserve_limits)
{
	void *m;

	shim_boot(true);
	CHECK(kho_alloc_preserve(0) == ERR_PTR(-EINVAL));
	CHECK(kho_alloc_preserve((PAGE_SIZE << MAX_PAGE_ORDER) + 1) ==
	      ERR_PTR(-E2BIG));
	m = kho_alloc_preserve(PAGE_SIZE << MAX_PAGE_ORDER);
	CHECK(!IS_ERR(m));
	CHECK_EQ(folio_order(virt_to_folio(m)), MAX_PAGE_ORDER);
	CHECK(!memchr_inv(m, 0, PAGE_SIZE << MAX_PAGE_ORDER));
	kho_unpreserve_free(m);
	CHECK_EQ(shim_used_pages(), 0);
	CHECK_EQ(shim_preserved_pages(), 0);
	CHECK_EQ(shim_warns, 0);
}

/* X order 2 and X + 1 order 0: marks on X (order 2) and X + 1 only. */
TEST(marks_on_first_pages_only)
{
	struct page *f;
	unsigned long x;

	shim_boot(true);
	f = alloc_pages(GFP_KERNEL, 2);
	x = pfn_of(f);
	CHECK_EQ(kho_preserve_folio(page_folio(f)), 0);
	CHECK_EQ(kho_preserve_pages(f + 1, 1), 0);
	shim_kexec(true);
	CHECK(is_kho_boot());
	CHECK_EQ(mark_order(x), 2);
	CHECK_EQ(mark_order(x + 1), 0);
	CHECK(!shim_kho_marked(x + 2, NULL));
	CHECK(!shim_kho_marked(x + 3, NULL));
	CHECK_EQ(shim_unclaimed_pages(), 4);
	CHECK_EQ(pfn_to_page(x)->private, SHIM_KHO_MARK(2));
}

/* One page recorded at orders 1 and 0: the lower order's mark, last. */
TEST(two_orders_on_one_page)
{
	struct page *f;
	unsigned long x;

	shim_boot(true);
	f = alloc_pages(GFP_KERNEL, 1);
	x = pfn_of(f);
	CHECK_EQ(kho_preserve_pages(f, 1), 0);
	CHECK_EQ(kho_preserve_folio(page_folio(f)), 0);
	shim_kexec(true);
	CHECK_EQ(mark_order(x), 0);
	CHECK(!shim_kho_marked(x + 1, NULL));
	CHECK_EQ(shim_unclaimed_pages(), 2);
}

/* A kexec into kho=off still takes the handover (7.2's kho_populate()). */
TEST(kexec_into_kho_off)
{
	struct page *p;

	shim_boot(true);
	p = alloc_pages(GFP_KERNEL, 0);
	CHECK_EQ(kho_preserve_pages(p, 1), 0);
	shim_kexec(false);
	CHECK(is_kho_boot());
	CHECK(!kho_is_enabled());
	CHECK_EQ(mark_order(pfn_of(p)), 0);
	CHECK_EQ(shim_unclaimed_pages(), 1);
}

struct pfns {
	unsigned long x;
	unsigned int n;
};

/* X order 1 and X + 1 order 0 preserved, kexec'd: the pfn of X. */
static unsigned long overlap_handed_over(void)
{
	struct page *f;

	shim_boot(true);
	f = alloc_pages(GFP_KERNEL, 1);
	if (kho_preserve_folio(page_folio(f)) || kho_preserve_pages(f + 1, 1))
		abort();
	shim_kexec(true);
	return pfn_of(f);
}

static void restore_pages_at(void *arg)
{
	struct pfns *p = arg;

	kho_restore_pages(PFN_PHYS(p->x), p->n);
}

/* kho_restore_pages() clears the first mark only: X + 1 restored twice. */
static void restore_inner_twice(void *arg)
{
	unsigned long x = overlap_handed_over();
	struct pfns p = { x + 1, 1 };

	if (!kho_restore_pages(PFN_PHYS(x), 2))
		abort();
	if (shim_kho_marked(x, NULL) || mark_order(x + 1) != 0)
		abort();
	restore_pages_at(&p);
}

TEST(restore_pages_clears_first_mark_only)
{
	unsigned long x = overlap_handed_over();

	CHECK(kho_restore_pages(PFN_PHYS(x), 2) == pfn_to_page(x));
	CHECK(!shim_kho_marked(x, NULL));
	CHECK_EQ(mark_order(x + 1), 0);	/* left for a second restore */
	CHECK_EQ(shim_unclaimed_pages(), 0);
	__free_page(pfn_to_page(x));
	__free_page(pfn_to_page(x + 1));
	CHECK_EQ(shim_used_pages(), 0);
	CHECK(test_dies(restore_inner_twice, NULL, "restored already"));
}

/* A folio restore of order > 0 clears its tail pages' private. */
TEST(restore_folio_clears_tail_marks)
{
	unsigned long x = overlap_handed_over();
	struct folio *f;

	f = kho_restore_folio(PFN_PHYS(x));
	CHECK(f);
	CHECK_EQ(folio_order(f), 1);
	CHECK(!shim_kho_marked(x, NULL));
	CHECK(!shim_kho_marked(x + 1, NULL));
	CHECK(!kho_restore_folio(PFN_PHYS(x + 1)));
	CHECK_EQ(shim_warns, 1);
	folio_put(f);
	CHECK_EQ(shim_used_pages(), 0);
}

TEST(restore_twice_warns)
{
	struct page *p;
	unsigned long x;
	struct folio *f;

	shim_boot(true);
	p = alloc_pages(GFP_KERNEL, 0);
	x = pfn_of(p);
	CHECK_EQ(kho_preserve_pages(p, 1), 0);
	shim_kexec(true);
	/* An unaligned address: its pfn's page. */
	f = kho_restore_folio(PFN_PHYS(x) + 100);
	CHECK(f);
	CHECK_EQ(folio_pfn(f), x);
	CHECK(!kho_restore_folio(PFN_PHYS(x)));
	CHECK(!kho_restore_pages(PFN_PHYS(x), 1));
	CHECK_EQ(shim_warns, 2);
	/* Outside RAM: NULL without a WARN (no online page). */
	CHECK(!kho_restore_folio(1ULL << 50));
	CHECK_EQ(shim_warns, 2);
	folio_put(f);
}

/* kho_restore_pages() steps by its own orders, not by the marks'. */
TEST(restore_pages_own_steps)
{
	unsigned long x;

	shim_boot(true);
	x = contiguous(1);
	CHECK_EQ(kho_preserve_pages(pfn_to_page(x), 1), 0);
	CHECK_EQ(kho_preserve_pages(pfn_to_page(x + 1), 1), 0);
	shim_kexec(true);
	/* One step of order 1 at X: X's mark (order 0) restores X only. */
	CHECK(kho_restore_pages(PFN_PHYS(x), 2) == pfn_to_page(x));
	CHECK_EQ(shim_unclaimed_pages(), 1);
	CHECK_EQ(mark_order(x + 1), 0);
	CHECK_EQ(shim_warns, 0);
}

/* The order in a mark is not bounded: a larger one is taken as it is. */
TEST(forged_order_reaches_restore)
{
	unsigned long x;
	struct folio *f;

	shim_boot(true);
	x = contiguous(2);
	CHECK_EQ(kho_preserve_pages(pfn_to_page(x), 1), 0);
	CHECK_EQ(kho_preserve_pages(pfn_to_page(x + 1), 1), 0);
	CHECK_EQ(kho_preserve_pages(pfn_to_page(x + 2), 2), 0);
	shim_kexec(true);
	pfn_to_page(x)->private = SHIM_KHO_MARK(2);
	f = kho_restore_folio(PFN_PHYS(x));
	CHECK(f);
	CHECK_EQ(folio_order(f), 2);
	CHECK_EQ(shim_unclaimed_pages(), 0);
	CHECK(!shim_kho_marked(x + 1, NULL));	/* a tail now */
	CHECK(!shim_kho_marked(x + 2, NULL));
	folio_put(f);
	CHECK_EQ(shim_warns, 0);
}

static void restore_huge(void *arg)
{
	struct page *p;
	unsigned long x;

	shim_boot(true);
	p = alloc_pages(GFP_KERNEL, 0);
	x = pfn_of(p);
	if (kho_preserve_pages(p, 1))
		abort();
	shim_kexec(true);
	pfn_to_page(x)->private = SHIM_KHO_MARK(*(unsigned int *)arg);
	kho_restore_folio(PFN_PHYS(x));
}

TEST(huge_order_reaches_restore)
{
	unsigned int order = 40;

	CHECK(test_dies(restore_huge, &order,
			"mark of order 40 reaches beyond RAM"));
	order = 3;	/* within RAM, over pages nobody preserved */
	CHECK(test_dies(restore_huge, &order, "mark of order 3 covers"));
}

static void free_preserved(void *arg)
{
	struct page *p;

	shim_boot(true);
	p = alloc_pages(GFP_KERNEL, 0);
	kho_preserve_pages(p, 1);
	__free_page(p);
}

static void double_free(void *arg)
{
	struct page *p;

	shim_boot(true);
	p = alloc_pages(GFP_KERNEL, 0);
	__free_page(p);
	__free_page(p);
}

static void free_unrestored(void *arg)
{
	struct page *p;

	shim_boot(true);
	p = alloc_pages(GFP_KERNEL, 0);
	kho_preserve_pages(p, 1);
	shim_kexec(true);
	__free_page(p);
}

static void preserve_free_then_kexec(void *arg)
{
	struct page *p;

	shim_boot(true);
	p = alloc_pages(GFP_KERNEL, 0);
	__free_page(p);
	kho_preserve_pages(p, 1);	/* the kernel accepts it... */
	shim_kexec(true);		/* ...and hands over a free page */
}

TEST(misuse_dies)
{
	CHECK(test_dies(free_preserved, NULL, "still preserved"));
	CHECK(test_dies(double_free, NULL, "double free"));
	CHECK(test_dies(free_unrestored, NULL, "never restored"));
	CHECK(test_dies(preserve_free_then_kexec, NULL, "holds free pfn"));
}

/* ---- subtrees ------------------------------------------------------ */

TEST(subtree_fdt_is_one_page)
{
	char name[16];
	void *blob;
	long room;
	int i, err;

	shim_boot(true);
	blob = shim_alloc_pages(0);
	room = shim_kho_fdt_room();
	CHECK_EQ(room, PAGE_SIZE - 233);
	/*
	 * "s000".."s067" with 4 KiB pages ("s1165" with 64 KiB): 4 + 8 +
	 * 40 + 4 bytes each.
	 */
	for (i = 0;; i++) {
		snprintf(name, sizeof(name), "s%03d", i);
		err = kho_add_subtree(name, blob, 8);
		if (err)
			break;
	}
	CHECK_EQ(err, -ENOMEM);
	CHECK_EQ(i, room / 56);
	CHECK_EQ(kho_add_subtree("s000", blob, 8), -EEXIST);
	CHECK_EQ(kho_add_subtree("kexec-metadata", blob, 8), -EEXIST);
	kho_remove_subtree(blob);	/* the newest: s<i-1> */
	CHECK_EQ(kho_add_subtree(name, blob, 8), 0);
	CHECK_EQ(shim_warns, 0);
}

TEST(subtree_name_match_and_remove_order)
{
	phys_addr_t phys;
	size_t size;
	u8 *a, *b;

	shim_boot(true);
	a = shim_alloc_pages(0);
	b = shim_alloc_pages(0);
	CHECK_EQ(kho_add_subtree("dev@1", a, 16), 0);
	/* libfdt's name match: "dev" is "dev@1". */
	CHECK_EQ(kho_add_subtree("dev", b, 16), -EEXIST);
	CHECK_EQ(kho_add_subtree("one", b, 1), 0);
	CHECK_EQ(kho_add_subtree("two", b, 2), 0);
	kho_remove_subtree(b);		/* the newest with b: "two" */
	kho_remove_subtree(a + 8);	/* no node records it */
	shim_kexec(true);
	CHECK_EQ(kho_retrieve_subtree("dev", &phys, &size), 0);
	CHECK_EQ(phys, virt_to_phys(a));
	CHECK_EQ(size, 16);
	CHECK_EQ(kho_retrieve_subtree("one", &phys, NULL), 0);
	CHECK_EQ(kho_retrieve_subtree("two", &phys, &size), -ENOENT);
	CHECK_EQ(kho_retrieve_subtree("one", NULL, &size), -EINVAL);
	shim_kexec(true);		/* nothing re-added: all gone */
	CHECK_EQ(kho_retrieve_subtree("one", &phys, &size), -ENOENT);
}

/* ---- allocation limits ----------------------------------------------- */

TEST(kmalloc_limits)
{
	void *p;

	shim_boot(true);
	CHECK(!kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL));
	CHECK_EQ(shim_warns, 1);
	CHECK(!kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL | __GFP_NOWARN));
	CHECK_EQ(shim_warns, 1);
	p = kmalloc(KMALLOC_MAX_SIZE, GFP_KERNEL);
	CHECK(p);
	kfree(p);
	CHECK(!kvcalloc(1UL << 28, 8, GFP_KERNEL));	/* 2 GiB > INT_MAX */
	CHECK_EQ(shim_warns, 2);
	CHECK(!kvmalloc(INT_MAX + 1UL, GFP_KERNEL | __GFP_NOWARN));
	CHECK_EQ(shim_warns, 2);
	CHECK(!kvmalloc_array(SIZE_MAX / 2, 4, GFP_KERNEL)); /* overflow */
	CHECK_EQ(shim_warns, 2);
	/* What was refused was not allocated; the largest block is told. */
	shim_alloc_largest = 0;
	p = kvmalloc(3 * PAGE_SIZE, GFP_KERNEL);
	CHECK(!kvmalloc(INT_MAX + 1UL, GFP_KERNEL | __GFP_NOWARN));
	CHECK_EQ(shim_alloc_largest, 3 * PAGE_SIZE);
	kvfree(p);
	CHECK(kmalloc(0, GFP_KERNEL) == ZERO_SIZE_PTR);
	kfree(ZERO_SIZE_PTR);
	CHECK(!alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER + 1));
	CHECK_EQ(shim_warns, 3);
	CHECK_EQ(shim_live_allocs(), 0);
}

/* <linux/overflow.h>: as 7.2's, including check_shl_overflow()'s cases. */
TEST(overflow_helpers)
{
	unsigned int u;
	u64 d;
	int s;

	CHECK(!check_mul_overflow(1ULL << 31, 1ULL << 32, &d) &&
	      d == 1ULL << 63);
	CHECK(check_mul_overflow(1ULL << 62, 4ULL, &d) && d == 0);
	CHECK(check_mul_overflow(1ULL << 62, 255ULL, &d) && d == 3ULL << 62);
	CHECK(check_add_overflow(U64_MAX, 1ULL, &d) && d == 0);
	CHECK(!check_sub_overflow(5ULL, 3ULL, &d) && d == 2);
	CHECK(check_sub_overflow(3ULL, 5ULL, &d));
	CHECK(!check_shl_overflow(1ULL << 59, 4, &d) && d == 1ULL << 63);
	CHECK(check_shl_overflow(1ULL << 60, 4, &d) && d == 0);
	CHECK(check_shl_overflow(U64_MAX, 4, &d) && d == U64_MAX << 4);
	/* A shift too wide or negative stores @a unshifted. */
	CHECK(check_shl_overflow(1ULL, 64, &d) && d == 1);
	CHECK(check_shl_overflow(1, -1, &s) && s == 1);
	/* A negative @a or result. */
	CHECK(check_shl_overflow(-1, 1, &s));
	CHECK(check_shl_overflow(1, 31, &s));
	CHECK(!check_shl_overflow(1U, 31, &u) && u == 1U << 31);
	CHECK(check_shl_overflow(1U, 32, &u) && u == 1);
}

/* ---- locks and threads ----------------------------------------------- */

static DEFINE_MUTEX(lk);

static void lock_twice(void *arg)
{
	mutex_lock(&lk);
	mutex_lock(&lk);
}

static void unlock_free(void *arg)
{
	mutex_unlock(&lk);
}

static void *locker(void *arg)
{
	mutex_lock(&lk);
	return NULL;
}

static void unlock_other(void *arg)
{
	pthread_t t;

	pthread_create(&t, NULL, locker, NULL);
	pthread_join(t, NULL);
	mutex_unlock(&lk);
}

static void destroy_held(void *arg)
{
	mutex_lock(&lk);
	mutex_destroy(&lk);
}

static void uninitialized(void *arg)
{
	struct mutex m;

	memset(&m, 0, sizeof(m));
	mutex_lock(&m);
}

static void assert_unheld(void *arg)
{
	lockdep_assert_held(&lk);
}

TEST(mutex_debug_checks)
{
	mutex_lock(&lk);
	CHECK(mutex_is_locked(&lk));
	lockdep_assert_held(&lk);
	CHECK_EQ(mutex_trylock(&lk), 0);
	mutex_unlock(&lk);
	CHECK(!mutex_is_locked(&lk));
	lockdep_assert_not_held(&lk);
	{
		guard(mutex)(&lk);
		lockdep_assert_held(&lk);
	}
	lockdep_assert_not_held(&lk);
	scoped_guard(mutex, &lk)
		lockdep_assert_held(&lk);
	lockdep_assert_not_held(&lk);
	CHECK(test_dies(lock_twice, NULL, "recursive locking"));
	CHECK(test_dies(unlock_free, NULL, "not locked"));
	CHECK(test_dies(unlock_other, NULL, "does not hold it"));
	CHECK(test_dies(destroy_held, NULL, "is held"));
	CHECK(test_dies(uninitialized, NULL, "not initialized"));
	CHECK(test_dies(assert_unheld, NULL, "lockdep: &lk not held"));
}

struct counter {
	struct mutex lock;
	unsigned long n, unlocked, setups, checks;
};

static void bump(void *arg, unsigned long iter)
{
	struct counter *c = arg;
	int i;

	for (i = 0; i < 100; i++) {
		mutex_lock(&c->lock);
		lockdep_assert_held(&c->lock);
		c->n++;
		mutex_unlock(&c->lock);
	}
}

static void setup(void *arg, unsigned long iter)
{
	struct counter *c = arg;

	c->setups++;
}

static void check(void *arg, unsigned long iter)
{
	struct counter *c = arg;

	if (c->n != (iter + 1) * 300)
		c->unlocked++;
	c->checks++;
}

static void *foreign_main(void *arg)
{
	kfree(kmalloc(8, GFP_KERNEL));
	return NULL;
}

static void foreign_thread(void *arg)
{
	pthread_t t;

	pthread_create(&t, NULL, foreign_main, NULL);
	pthread_join(t, NULL);
}

TEST(race_helper)
{
	struct counter c = { .n = 0 };
	struct shim_race r = {
		.setup = setup, .fn = { bump, bump, bump }, .check = check,
		.arg = &c,
	};

	mutex_init(&c.lock);
	shim_race(&r, 200);
	CHECK_EQ(c.n, 200 * 300);
	CHECK_EQ(c.setups, 200);
	CHECK_EQ(c.checks, 200);
	CHECK_EQ(c.unlocked, 0);
	shim_race2(bump, bump, &c, 10);
	CHECK_EQ(c.n, 200 * 300 + 10 * 200);
	mutex_destroy(&c.lock);
	/* The shim only takes its lock for shim_race()'s threads. */
	CHECK(test_dies(foreign_thread, NULL, "did not start"));
}

/* Allocator, KHO and printk state shared by threads stays consistent. */
static void churn(void *arg, unsigned long iter)
{
	struct page *p[8];
	void *k[8];
	int i;

	for (i = 0; i < 8; i++) {
		p[i] = alloc_pages(GFP_KERNEL, i % 3);
		k[i] = kmalloc(64 + i, GFP_KERNEL);
		if (!p[i] || !k[i])
			abort();
		if (kho_preserve_folio(page_folio(p[i])))
			abort();
		shim_printk(KERN_INFO, "churn %lu %d\n", iter, i);
	}
	for (i = 0; i < 8; i++) {
		kho_unpreserve_folio(page_folio(p[i]));
		folio_put(page_folio(p[i]));
		kfree(k[i]);
	}
}

/* ---- page size ------------------------------------------------------ */

/*
 * The page size the shim is built with (SHIM_PAGE_SHIFT) and what follows
 * from it, as on x86-64 (4 KiB pages) and on arm64 with 64 KiB pages: the
 * largest buddy order and kmalloc()'s limit, 8 GiB of RAM, addresses
 * aligned as the kernel's (the linear map to the allocation's order, vmap
 * areas to a page), and KHO's radix keys up to the largest order.
 */
TEST(page_size_and_what_follows)
{
	unsigned int order, mark;
	struct folio *f;
	struct page *pg[2];
	unsigned long pfn;
	u8 *v;

	CHECK(PAGE_SHIFT == 12 || PAGE_SHIFT == 16);
	CHECK_EQ(PAGE_SIZE, 1UL << PAGE_SHIFT);
	CHECK_EQ(MAX_PAGE_ORDER, PAGE_SHIFT == 12 ? 10 : 13);
	CHECK_EQ(KMALLOC_MAX_SIZE, PAGE_SHIFT == 12 ? 4UL << 20 : 512UL << 20);
	shim_boot(true);
	CHECK_EQ((u64)shim_ram_pages << PAGE_SHIFT, 8ULL << 30);
	for (order = 0; order <= MAX_PAGE_ORDER; order++) {
		f = folio_alloc(GFP_KERNEL, order);
		CHECK(f);
		CHECK_EQ(folio_pfn(f) & ((1UL << order) - 1), 0);
		CHECK_EQ((uintptr_t)folio_address(f) &
			 ((PAGE_SIZE << order) - 1), 0);
		folio_put(f);
	}
	v = vmalloc(1);
	CHECK(v && PAGE_ALIGNED(v));
	vfree(v);
	pg[0] = alloc_pages(GFP_KERNEL, 0);
	pg[1] = alloc_pages(GFP_KERNEL, 0);
	v = vmap(pg, 2, VM_MAP, PAGE_KERNEL);
	CHECK(v && PAGE_ALIGNED(v));
	CHECK(vmalloc_to_page(v + PAGE_SIZE) == pg[1]);
	vunmap(v);
	__free_page(pg[0]);
	__free_page(pg[1]);
	/* A preservation of the largest order, marked in the next boot. */
	f = folio_alloc(GFP_KERNEL, MAX_PAGE_ORDER);
	CHECK(f);
	pfn = folio_pfn(f);
	CHECK_EQ(kho_preserve_folio(f), 0);
	CHECK(shim_kho_preserved(pfn, MAX_PAGE_ORDER));
	shim_kexec(true);
	CHECK(shim_kho_marked(pfn, &mark));
	CHECK_EQ(mark, MAX_PAGE_ORDER);
	f = kho_restore_folio(PFN_PHYS(pfn));
	CHECK(f);
	CHECK_EQ(folio_order(f), MAX_PAGE_ORDER);
	folio_put(f);
	CHECK_EQ(shim_used_pages(), 0);
	CHECK_EQ(shim_warns, 0);
}

TEST(shim_is_thread_safe)
{
	shim_boot(true);
	shim_race2(churn, churn, NULL, 300);
	CHECK_EQ(shim_used_pages(), 0);
	CHECK_EQ(shim_preserved_pages(), 0);
	CHECK_EQ(shim_live_allocs(), 0);
	CHECK_EQ(shim_warns, 0);
}

static const struct test_case cases[] = {
	TEST_ENTRY(overlapping_preservations_accepted),
	TEST_ENTRY(preserve_twice_unpreserve_once),
	TEST_ENTRY(preserve_pages_splits_aligned),
	TEST_ENTRY(preserve_pages_failure_clears_shared_bits),
	TEST_ENTRY(unpreserve_not_preserved),
	TEST_ENTRY(kho_disabled),
	TEST_ENTRY(subtree_with_kho_disabled_dies),
	TEST_ENTRY(alloc_preserve_limits),
	TEST_ENTRY(marks_on_first_pages_only),
	TEST_ENTRY(two_orders_on_one_page),
	TEST_ENTRY(kexec_into_kho_off),
	TEST_ENTRY(restore_pages_clears_first_mark_only),
	TEST_ENTRY(restore_folio_clears_tail_marks),
	TEST_ENTRY(restore_twice_warns),
	TEST_ENTRY(restore_pages_own_steps),
	TEST_ENTRY(forged_order_reaches_restore),
	TEST_ENTRY(huge_order_reaches_restore),
	TEST_ENTRY(misuse_dies),
	TEST_ENTRY(subtree_fdt_is_one_page),
	TEST_ENTRY(subtree_name_match_and_remove_order),
	TEST_ENTRY(kmalloc_limits),
	TEST_ENTRY(overflow_helpers),
	TEST_ENTRY(mutex_debug_checks),
	TEST_ENTRY(race_helper),
	TEST_ENTRY(shim_is_thread_safe),
	TEST_ENTRY(page_size_and_what_follows),
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, ARRAY_SIZE(cases));
}
