// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sparse arrays: round trips across a simulated kexec (dense, 2^k, top of
 * the index range, random fill, 0 and 1 entries, millions), bytes per entry,
 * the page format byte for byte, lookups and seeks against a reference,
 * allocation failure at every point, the xarray bridge, state checks.
 * Corruption: test_sarray_corrupt.c.
 */
#include "sarray_test.h"
#include <linux/xarray.h>

#define COMPAT "khoser_test-v1;khoser-sarray-v1"
#define RUN_SZ sizeof(struct khoser_sarray_run)
/*
 * Values of one page in one run (508 with 4 KiB pages, 8188 with 64 KiB),
 * isolated values one page holds (204, 3276).
 */
#define VALS KHOSER_SARRAY_MAX_VALUES
#define RUNS KHOSER_SARRAY_MAX_RUNS

/*
 * Write @l, publish, kexec, look up, compare. Returns the preserved bytes
 * per entry of the chain (the descriptor page not counted), -1 on failure.
 */
static double round_trip(const struct idx_list *l, u64 seed)
{
	struct khoser_sarray out, in;
	long preserved, pages;
	double bpe = 0;

	test_boot(true);
	khoser_sarray_init(&out);
	if (add_all(&out, l, seed) || !matches(&out, l, seed))
		return -1;
	pages = khoser_sarray_pages(&out);
	if (khoser_sarray_publish(&out, "rt", COMPAT))
		return -1;
	preserved = shim_preserved_pages();
	if (preserved != pages + 1)	/* + descriptor */
		return -1;
	if (l->n)
		bpe = (double)pages * PAGE_SIZE / l->n;

	test_kexec(true);
	khoser_sarray_init(&in);
	if (khoser_sarray_lookup(&in, "rt", COMPAT) ||
	    !khoser_sarray_is_incoming(&in) ||
	    khoser_sarray_pages(&in) != (unsigned long)pages ||
	    shim_unclaimed_pages() != 0 || !matches(&in, l, seed))
		return -1;
	if (khoser_sarray_add(&in, U64_MAX, 1) != -EPERM ||
	    khoser_sarray_destroy(&in))
		return -1;
	test_exit();
	if (!test_all_freed() || shim_warns)
		return -1;
	return bpe;
}

TEST(capacities)
{
	CHECK(PAGE_SIZE == 4096 || PAGE_SIZE == 65536);
	CHECK_EQ(KHOSER_SARRAY_MAX_VALUES, PAGE_SIZE == 4096 ? 508 : 8188);
	CHECK_EQ(KHOSER_SARRAY_MAX_RUNS, PAGE_SIZE == 4096 ? 204 : 3276);
	CHECK_EQ(KHOSER_SARRAY_PAGE_BYTES(1, VALS), PAGE_SIZE - 4);
	CHECK_EQ(KHOSER_SARRAY_PAGE_BYTES(RUNS, RUNS), PAGE_SIZE);
	CHECK(KHOSER_SARRAY_PAGE_BYTES(1, VALS + 1) > PAGE_SIZE);
	CHECK(KHOSER_SARRAY_PAGE_BYTES(RUNS + 1, RUNS + 1) > PAGE_SIZE);
}

TEST(round_trip_small)
{
	static const u64 counts[] = {
		0, 1, 2, VALS - 1, VALS, VALS + 1, 2 * VALS, 2 * VALS + 1
	};
	struct idx_list l = { 0 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(counts); i++) {
		l.n = 0;
		dense(&l, 1000, counts[i]);
		CHECK(round_trip(&l, i) >= 0);
	}
	/* Isolated entries, 203 to 205 (one page holds RUNS, 204). */
	for (i = RUNS - 1; i <= RUNS + 1; i++) {
		unsigned int k;

		l.n = 0;
		for (k = 0; k < i; k++)
			push(&l, 10 * (u64)k);
		CHECK(round_trip(&l, i) >= 0);
	}
	free(l.v);
}

TEST(round_trip_one_entry)
{
	static const u64 where[] = { 0, 1, 4095, 1ULL << 63, U64_MAX };
	struct idx_list l = { 0 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(where); i++) {
		l.n = 0;
		push(&l, where[i]);
		CHECK(round_trip(&l, 5) >= 0);	/* val(.., 5) of 0 is 0 */
	}
	free(l.v);
}

/* 0, 1, 2, 4, ..., 2^63, U64_MAX: every gap different, both ends. */
TEST(round_trip_powers_of_two)
{
	struct idx_list l = { 0 };
	unsigned int k;

	push(&l, 0);
	for (k = 0; k < 64; k++)
		push(&l, 1ULL << k);
	push(&l, U64_MAX);
	CHECK(round_trip(&l, 3) >= 0);
	free(l.v);
}

TEST(round_trip_top_of_range)
{
	struct idx_list l = { 0 };
	struct khoser_sarray sa;
	u64 v;

	push(&l, 7);
	/* 5 pages (2501 entries), ending at U64_MAX */
	dense(&l, U64_MAX - (5 * VALS - 40), 5 * VALS - 39);
	CHECK_EQ(l.v[l.n - 1], U64_MAX);
	CHECK(round_trip(&l, 9) >= 0);

	test_boot(true);
	khoser_sarray_init(&sa);
	CHECK_EQ(khoser_sarray_add(&sa, U64_MAX, 0), 0);
	CHECK_EQ(khoser_sarray_add(&sa, U64_MAX, 1), -EINVAL);
	CHECK_EQ(khoser_sarray_add(&sa, 0, 1), -EINVAL);
	CHECK_EQ(khoser_sarray_get(&sa, U64_MAX, &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(khoser_sarray_get(&sa, U64_MAX - 1, &v), -ENOENT);
	CHECK_EQ(khoser_sarray_entries(&sa), 1);
	CHECK_EQ(khoser_sarray_destroy(&sa), 0);
	test_exit();
	CHECK(test_all_freed());
	free(l.v);
}

/* Bytes per entry, asserted: dense <= 8.1, isolated <= 24, and 1% fill. */
TEST(round_trip_millions_and_bounds)
{
	u64 n = quick() ? 200000 : 3000000, st = 77, i;
	struct idx_list l = { 0 };
	double bpe;

	dense(&l, 12345, n);
	bpe = round_trip(&l, 1);
	printf("measure: dense %llu entries: %.3f bytes/entry\n",
	       (unsigned long long)n, bpe);
	CHECK(bpe > 0);
	CHECK(bpe <= 8.1);

	/* Isolated: every other index, and gaps of 2^40 (huge gaps). */
	l.n = 0;
	for (i = 0; i < n / 3; i++)
		push(&l, 2 * i);
	bpe = round_trip(&l, 2);
	printf("measure: isolated (stride 2) %zu entries: %.3f bytes/entry\n",
	       l.n, bpe);
	CHECK(bpe > 0);
	CHECK(bpe <= 24);
	l.n = 0;
	for (i = 0; i < (quick() ? 20000 : 1ULL << 20); i++)
		push(&l, i << 40);
	bpe = round_trip(&l, 3);
	printf("measure: isolated (stride 2^40) %zu entries: %.3f bytes/entry\n",
	       l.n, bpe);
	CHECK(bpe > 0);
	CHECK(bpe <= 24);

	/* Random 1% fill of a range of 100 n indices. */
	l.n = 0;
	for (i = 0; i < 100 * n; i++)
		if (test_rand(&st) % 100 == 0)
			push(&l, i);
	bpe = round_trip(&l, 4);
	printf("measure: random 1%% fill %zu entries: %.3f bytes/entry\n",
	       l.n, bpe);
	CHECK(bpe > 0);
	CHECK(bpe <= 24);
	free(l.v);
}

/* The page layout of abi/sarray.h, byte for byte. */
TEST(format_bytes)
{
	struct khoser_sarray sa;
	const u8 *p;
	u64 w;
	u32 info;

	test_boot(true);
	khoser_sarray_init(&sa);
	CHECK_EQ(khoser_sarray_add(&sa, 5, 0xa0), 0);
	CHECK_EQ(khoser_sarray_add(&sa, 6, 0xa1), 0);
	CHECK_EQ(khoser_sarray_add(&sa, 10, 0), 0);
	CHECK_EQ(khoser_sarray_pages(&sa), 1);
	p = phys_to_virt(khoser_sarray_head_pa(&sa));
	CHECK(!memchr_inv(p, 0, 8));			/* next */
	CHECK(!memcmp(p + 8, "KSA1", 4));		/* magic */
	CHECK(p[12] == 2 && p[13] == 0);		/* nruns */
	CHECK(p[14] == 3 && p[15] == 0);		/* nvals */
	memcpy(&w, p + 16, 8);
	CHECK_EQ(w, 0xa0);
	memcpy(&w, p + 24, 8);
	CHECK_EQ(w, 0xa1);
	memcpy(&w, p + 32, 8);
	CHECK_EQ(w, 0);
	CHECK(!memchr_inv(p + 40, 0, PAGE_SIZE - 40 - 2 * RUN_SZ));
	memcpy(&w, p + PAGE_SIZE - 12, 8);		/* run 0 */
	memcpy(&info, p + PAGE_SIZE - 4, 4);
	CHECK_EQ(w, 5);
	CHECK_EQ(info, 2 | 0 << 16);
	memcpy(&w, p + PAGE_SIZE - 24, 8);		/* run 1 */
	memcpy(&info, p + PAGE_SIZE - 16, 4);
	CHECK_EQ(w, 10);
	CHECK_EQ(info, 1 | 2 << 16);
	CHECK_EQ(khoser_sarray_destroy(&sa), 0);
	test_exit();
	CHECK(test_all_freed());
}

TEST(add_and_states)
{
	struct khoser_sarray sa, zero, st = KHOSER_SARRAY_INIT(st);
	u64 v;

	memset(&zero, 0, sizeof(zero));
	test_boot(true);
	khoser_sarray_init(&sa);
	CHECK_EQ(khoser_sarray_get(&sa, 0, &v), -ENOENT);
	CHECK_EQ(khoser_sarray_add(&sa, 100, 1), 0);
	CHECK_EQ(khoser_sarray_add(&sa, 100, 2), -EINVAL);	/* equal */
	CHECK_EQ(khoser_sarray_add(&sa, 99, 2), -EINVAL);	/* below */
	CHECK_EQ(khoser_sarray_entries(&sa), 1);
	CHECK_EQ(khoser_sarray_get(&sa, 100, &v), 0);
	CHECK_EQ(v, 1);
	CHECK_EQ(khoser_sarray_set_max_pages(&sa, 0), -EINVAL);
	CHECK_EQ(khoser_sarray_restore(&sa, 0), -EBUSY);
	CHECK_EQ(khoser_sarray_seal(&sa), 0);
	CHECK_EQ(khoser_sarray_seal(&sa), 0);
	CHECK_EQ(khoser_sarray_add(&sa, 101, 2), -EPERM);
	CHECK_EQ(khoser_sarray_restore(&sa, 0), -EBUSY);
	CHECK_EQ(khoser_sarray_get(&sa, 100, &v), 0);
	/* Published: no destroy until unpublished. */
	CHECK_EQ(khoser_sarray_publish(&sa, "st", COMPAT), 0);
	CHECK_EQ(khoser_sarray_publish(&sa, "st2", COMPAT), -EBUSY);
	CHECK_EQ(khoser_sarray_destroy(&sa), -EBUSY);
	CHECK_EQ(khoser_unpublish("st"), 0);
	CHECK_EQ(khoser_sarray_destroy(&sa), 0);
	/* Reusable after destroy; static initializer works. */
	CHECK_EQ(khoser_sarray_add(&sa, 3, 3), 0);
	CHECK_EQ(khoser_sarray_add(&st, 3, 3), 0);
	CHECK_EQ(khoser_sarray_set_max_pages(&st, 1), 0);
	CHECK_EQ(khoser_sarray_add(&st, 5000, 3), 0);	/* same page */
	CHECK_EQ(khoser_sarray_destroy(&st), 0);
	CHECK_EQ(khoser_sarray_destroy(&sa), 0);
	/* Never-initialized arrays are refused. */
	CHECK_EQ(khoser_sarray_add(&zero, 1, 1), -EINVAL);
	CHECK_EQ(khoser_sarray_destroy(&zero), -EINVAL);
	CHECK_EQ(khoser_sarray_restore(&zero, 0), -EINVAL);
	CHECK_EQ(khoser_sarray_publish(&zero, "z", COMPAT), -EINVAL);
	test_exit();
	CHECK(test_all_freed());
}

TEST(page_bound)
{
	struct khoser_sarray sa;
	u64 i;
	int err = 0;

	test_boot(true);
	khoser_sarray_init(&sa);
	CHECK_EQ(khoser_sarray_set_max_pages(&sa, 2), 0);
	for (i = 0; i < 4 * VALS && !err; i++)
		err = khoser_sarray_add(&sa, i, i);
	CHECK_EQ(err, -ENOSPC);
	CHECK_EQ(khoser_sarray_entries(&sa), 2 * VALS);
	CHECK_EQ(khoser_sarray_pages(&sa), 2);
	CHECK_EQ(khoser_sarray_set_max_pages(&sa, 1), -EINVAL);
	CHECK_EQ(khoser_sarray_destroy(&sa), 0);
	test_exit();
	CHECK(test_all_freed());
}

/* ---- allocation failure ---------------------------------------------- */

TEST(fail_nth_add)
{
	struct khoser_sarray sa;
	struct idx_list l = { 0 };
	long n, fails = 0;
	bool failed;
	size_t i;
	int err;

	dense(&l, 0, 20 * VALS);	/* 20 pages: index grows twice */
	/* 15 pages of isolated entries (3000) */
	for (i = 0; i < 15 * RUNS - 60; i++)
		push(&l, 20 * VALS + 3 * i);
	for (n = 1;; n++) {
		test_boot(true);
		khoser_sarray_init(&sa);
		shim_fail_reset(n);
		for (i = 0; i < l.n; i++) {
			u64 entries = khoser_sarray_entries(&sa);
			unsigned long pages = khoser_sarray_pages(&sa);

			err = khoser_sarray_add(&sa, l.v[i], val(l.v[i], 6));
			if (err) {
				/* Nothing changed; the same add then works. */
				CHECK_EQ(err, -ENOMEM);
				CHECK_EQ(khoser_sarray_entries(&sa), entries);
				CHECK_EQ(khoser_sarray_pages(&sa), pages);
				CHECK_EQ(shim_preserved_pages(), pages);
				CHECK_EQ(shim_warns, 0);
				fails++;
				CHECK_EQ(khoser_sarray_add(&sa, l.v[i],
							   val(l.v[i], 6)), 0);
			}
		}
		failed = shim_failed;
		shim_fail_reset(0);
		CHECK(matches(&sa, &l, 6));
		CHECK_EQ(khoser_sarray_destroy(&sa), 0);
		test_exit();
		CHECK(test_all_freed());
		if (!failed)
			break;
	}
	CHECK(fails > 40);	/* 30 pages (2 calls each) + index growth */
	free(l.v);
}

TEST(fail_nth_publish_and_lookup)
{
	struct khoser_sarray sa;
	struct idx_list l = { 0 };
	long n, pages;
	int err;

	/* 24 pages (12000 entries): the restore index grows */
	dense(&l, 5, 24 * VALS - 192);
	for (n = 1;; n++) {
		test_boot(true);
		khoser_sarray_init(&sa);
		CHECK_EQ(add_all(&sa, &l, 8), 0);
		pages = shim_used_pages();
		shim_fail_reset(n);
		err = khoser_sarray_publish(&sa, "fp", COMPAT);
		shim_fail_reset(0);
		if (!err)
			break;
		CHECK_EQ(err, -ENOMEM);
		CHECK(!sa.life.published);
		CHECK_EQ(khoser_sarray_add(&sa, 1ULL << 40, 1), 0); /* writable */
		CHECK_EQ(shim_used_pages(), pages);
		CHECK_EQ(khoser_sarray_destroy(&sa), 0);
		test_exit();
		CHECK(test_all_freed());
	}
	for (n = 1;; n++) {
		test_boot(true);
		khoser_sarray_init(&sa);
		CHECK_EQ(add_all(&sa, &l, 8), 0);
		CHECK_EQ(khoser_sarray_publish(&sa, "fp", COMPAT), 0);
		test_kexec(true);
		khoser_sarray_init(&sa);
		shim_fail_reset(n);
		err = khoser_sarray_lookup(&sa, "fp", COMPAT);
		shim_fail_reset(0);
		if (!err) {
			CHECK(n > 3);
			CHECK(matches(&sa, &l, 8));
			CHECK_EQ(khoser_sarray_destroy(&sa), 0);
			test_exit();
			CHECK(test_all_freed());
			break;
		}
		CHECK_EQ(err, -ENOMEM);
		CHECK_EQ(khoser_sarray_entries(&sa), 0);
		CHECK_EQ(khoser_sarray_pages(&sa), 0);
		test_exit();
		CHECK_EQ(shim_live_allocs(), 0);
		CHECK_EQ(shim_used_pages(), shim_unclaimed_pages());
		CHECK_EQ(shim_warns, 0);
	}
	free(l.v);
}

/* ---- xarray bridge ---------------------------------------------------- */

/* Entries for fail_nth_xarray: 4000 with 4 KiB pages, as many pages. */
#define XA_FAIL_ENTRIES (4000 * (PAGE_SIZE / 4096))

static void fill_xa(struct xarray *xa, unsigned long n, u64 *st)
{
	unsigned long i, idx = 0;

	xa_init(xa);
	xa_store(xa, 0, xa_mk_value(0), GFP_KERNEL);
	for (i = 0; i < n; i++) {
		idx += 1 + test_rand(st) % (i % 3 ? 3 : 100000);
		xa_store(xa, idx, xa_mk_value(test_rand(st) & LONG_MAX),
			 GFP_KERNEL);
	}
	xa_store(xa, ULONG_MAX, xa_mk_value(LONG_MAX), GFP_KERNEL);
}

static bool same_xa(struct xarray *a, struct xarray *b)
{
	unsigned long index, n = 0, m = 0;
	void *e;

	xa_for_each(a, index, e) {
		if (xa_load(b, index) != e || !xa_is_value(e))
			return false;
		n++;
	}
	xa_for_each(b, index, e)
		m++;
	return n == m;
}

TEST(xarray_round_trip)
{
	struct xarray src, dst;
	struct khoser_sarray sa;
	u64 st = 31;

	test_boot(true);
	fill_xa(&src, quick() ? 5000 : 100000, &st);
	khoser_sarray_init(&sa);
	CHECK_EQ(khoser_sarray_from_xarray(&sa, &src), 0);
	CHECK_EQ(khoser_sarray_from_xarray(&sa, &src), -EBUSY);
	CHECK_EQ(khoser_sarray_publish(&sa, "xa", COMPAT), 0);
	/* The xarray is this kernel's; hand its contents over by hand. */
	xa_init(&dst);
	test_kexec(true);
	khoser_sarray_init(&sa);
	CHECK_EQ(khoser_sarray_lookup(&sa, "xa", COMPAT), 0);
	CHECK_EQ(khoser_sarray_get(&sa, ULONG_MAX, NULL), 0);
	xa_init(&dst);
	CHECK_EQ(khoser_sarray_to_xarray(&sa, &dst), 0);
	CHECK_EQ(khoser_sarray_to_xarray(&sa, &dst), -EBUSY);
	/* Rebuild the source the same way (its memory died at kexec). */
	st = 31;
	fill_xa(&src, quick() ? 5000 : 100000, &st);
	CHECK(same_xa(&src, &dst));
	/* And a change is seen: the comparison can fail. */
	xa_store(&dst, 12345678, xa_mk_value(1), GFP_KERNEL);
	xa_store(&src, 12345678, xa_mk_value(2), GFP_KERNEL);
	CHECK(!same_xa(&src, &dst));
	xa_destroy(&src);
	xa_destroy(&dst);
	CHECK_EQ(khoser_sarray_destroy(&sa), 0);
	test_exit();
	CHECK(test_all_freed());
	CHECK_EQ(shim_warns, 0);
}

TEST(xarray_refusals)
{
	static int obj;
	struct khoser_sarray sa;
	struct xarray xa;

	test_boot(true);
	xa_init(&xa);
	xa_store(&xa, 1, xa_mk_value(1), GFP_KERNEL);
	xa_store(&xa, 2, &obj, GFP_KERNEL);		/* a pointer entry */
	khoser_sarray_init(&sa);
	CHECK_EQ(khoser_sarray_from_xarray(&sa, &xa), -EINVAL);
	CHECK(strstr(shim_last_log, "entry 2 is not a value entry"));
	CHECK_EQ(khoser_sarray_entries(&sa), 0);
	CHECK_EQ(shim_preserved_pages(), 0);
	xa_destroy(&xa);
	/* Values above LONG_MAX have no value entry. */
	CHECK_EQ(khoser_sarray_add(&sa, 1, 5), 0);
	CHECK_EQ(khoser_sarray_add(&sa, 2, (u64)LONG_MAX + 1), 0);
	CHECK_EQ(khoser_sarray_to_xarray(&sa, &xa), -ERANGE);
	CHECK(xa_empty(&xa));
	CHECK_EQ(shim_warns, 0);	/* xa_mk_value() never saw it */
	CHECK_EQ(khoser_sarray_destroy(&sa), 0);
	test_exit();
	CHECK(test_all_freed());
}

TEST(fail_nth_xarray)
{
	struct xarray src, dst;
	struct khoser_sarray sa;
	long n;
	u64 st;
	int err;

	/* from_xarray: at every failure point, the array is left empty. */
	for (n = 1;; n++) {
		test_boot(true);
		st = 5;
		fill_xa(&src, XA_FAIL_ENTRIES, &st);
		khoser_sarray_init(&sa);
		shim_fail_reset(n);
		err = khoser_sarray_from_xarray(&sa, &src);
		shim_fail_reset(0);
		xa_destroy(&src);
		if (err) {
			CHECK_EQ(err, -ENOMEM);
			CHECK_EQ(khoser_sarray_entries(&sa), 0);
			CHECK_EQ(shim_preserved_pages(), 0);
		}
		CHECK_EQ(khoser_sarray_destroy(&sa), 0);
		test_exit();
		CHECK(test_all_freed());
		if (!err)
			break;
	}
	CHECK(n > 20);
	/* to_xarray: at every failure point, the xarray is left empty. */
	for (n = 1;; n++) {
		test_boot(true);
		st = 5;
		fill_xa(&src, XA_FAIL_ENTRIES, &st);
		khoser_sarray_init(&sa);
		CHECK_EQ(khoser_sarray_from_xarray(&sa, &src), 0);
		xa_init(&dst);
		shim_fail_reset(n);
		err = khoser_sarray_to_xarray(&sa, &dst);
		shim_fail_reset(0);
		if (err) {
			CHECK_EQ(err, -ENOMEM);
			CHECK(xa_empty(&dst));
		} else {
			CHECK(same_xa(&src, &dst));
		}
		xa_destroy(&src);
		xa_destroy(&dst);
		CHECK_EQ(khoser_sarray_destroy(&sa), 0);
		test_exit();
		CHECK(test_all_freed());
		if (!err)
			break;
	}
	CHECK(n > 5);
}

/* ---- across boots ----------------------------------------------------- */

TEST(kho_unavailable)
{
	struct khoser_sarray sa;

	test_boot(false);
	khoser_sarray_init(&sa);
	CHECK_EQ(khoser_sarray_add(&sa, 1, 1), -EOPNOTSUPP);
	CHECK_EQ(khoser_sarray_restore(&sa, 0x200000), -EOPNOTSUPP);
	CHECK_EQ(khoser_sarray_lookup(&sa, "x", COMPAT), -EOPNOTSUPP);
	CHECK_EQ(khoser_sarray_publish(&sa, "x", COMPAT), -EOPNOTSUPP);
	CHECK_EQ(khoser_sarray_add(&sa, 1, 1), -EOPNOTSUPP);	/* not sealed */
	CHECK_EQ(khoser_sarray_destroy(&sa), 0);
	test_exit();
	CHECK(test_all_freed());
}

TEST(lookup_mismatches)
{
	struct khoser_sarray sa;
	struct khoser_block_set bs;

	test_boot(true);
	khoser_sarray_init(&sa);
	CHECK_EQ(khoser_sarray_add(&sa, 1, 1), 0);
	CHECK_EQ(khoser_sarray_publish(&sa, "mm", COMPAT), 0);
	CHECK_EQ(khoser_block_set_init(&bs, 8), 0);
	CHECK_EQ(khoser_block_set_publish(&bs, "blk",
					  "khoser_test-v1;khoser-block-v1"), 0);
	test_kexec(true);
	khoser_sarray_init(&sa);
	CHECK_EQ(khoser_sarray_lookup(&sa, "mm",
				      "khoser_test-v1;khoser-sarray-v2"),
		 -EPROTO);
	CHECK(strstr(shim_last_log, "khoser-sarray: expected v2, found v1"));
	CHECK_EQ(khoser_sarray_lookup(&sa, "blk",
				      "khoser_test-v1;khoser-block-v1"),
		 -EPROTO);
	CHECK(strstr(shim_last_log, "kind"));
	CHECK_EQ(shim_unclaimed_pages(), 1);	/* the array, untouched */
	CHECK_EQ(khoser_sarray_lookup(&sa, "mm", COMPAT), 0);
	CHECK_EQ(khoser_sarray_lookup(&sa, "mm", COMPAT), -EBUSY);
	{
		struct khoser_sarray again;

		khoser_sarray_init(&again);
		CHECK_EQ(khoser_sarray_lookup(&again, "mm", COMPAT),
			 -EALREADY);
	}
	CHECK_EQ(khoser_sarray_destroy(&sa), 0);
	test_exit();
	CHECK_EQ(shim_live_allocs(), 0);
}

/* Restore, copy into a new array, publish again: boot 1's data in boot 4. */
TEST(multi_hop)
{
	struct khoser_sarray in, out;
	struct khoser_sarray_it it;
	struct idx_list l = { 0 };
	unsigned int hop, k;
	u64 index, value;

	push(&l, 0);
	for (k = 2; k < 64; k++)
		dense(&l, (1ULL << k) + 1, 3);
	dense(&l, U64_MAX - 9, 10);
	test_boot(true);
	khoser_sarray_init(&out);
	CHECK_EQ(add_all(&out, &l, 13), 0);
	CHECK_EQ(khoser_sarray_publish(&out, "hop", COMPAT), 0);
	for (hop = 0; hop < 3; hop++) {
		test_kexec(true);
		khoser_sarray_init(&in);
		CHECK_EQ(khoser_sarray_lookup(&in, "hop", COMPAT), 0);
		CHECK(matches(&in, &l, 13));
		khoser_sarray_init(&out);
		khoser_sarray_for_each(&in, &it, index, value)
			CHECK_EQ(khoser_sarray_add(&out, index, value), 0);
		CHECK_EQ(khoser_sarray_destroy(&in), 0);
		CHECK_EQ(khoser_release("hop"), 0);
		CHECK_EQ(khoser_sarray_publish(&out, "hop", COMPAT), 0);
	}
	CHECK_EQ(khoser_unpublish("hop"), 0);
	CHECK_EQ(khoser_sarray_destroy(&out), 0);
	test_exit();
	CHECK(test_all_freed());
	free(l.v);
}

static const struct test_case cases[] = {
	TEST_ENTRY(capacities),
	TEST_ENTRY(round_trip_small),
	TEST_ENTRY(round_trip_one_entry),
	TEST_ENTRY(round_trip_powers_of_two),
	TEST_ENTRY(round_trip_top_of_range),
	TEST_ENTRY(round_trip_millions_and_bounds),
	TEST_ENTRY(format_bytes),
	TEST_ENTRY(add_and_states),
	TEST_ENTRY(page_bound),
	TEST_ENTRY(fail_nth_add),
	TEST_ENTRY(fail_nth_publish_and_lookup),
	TEST_ENTRY(xarray_round_trip),
	TEST_ENTRY(xarray_refusals),
	TEST_ENTRY(fail_nth_xarray),
	TEST_ENTRY(kho_unavailable),
	TEST_ENTRY(lookup_mismatches),
	TEST_ENTRY(multi_hop),
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, ARRAY_SIZE(cases));
}
