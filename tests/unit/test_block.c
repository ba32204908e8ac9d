// SPDX-License-Identifier: GPL-2.0-only
/*
 * Block sets: round trips across a simulated kexec, grow/shrink churn,
 * upstream byte format both ways, every corruption, allocation failure at
 * every point, state checks.
 */
#include "test.h"

#define COMPAT "khoser_test-v1;khoser-block-v1"
#define HDR sizeof(struct khoser_block_hdr)
/*
 * Entries per block, from the page size: 64-byte entries 63 with 4 KiB
 * pages (1023 with 64 KiB), 24-byte 170 (2730), 8-byte 510 (8190).
 */
#define PER64 KHOSER_BLOCK_CAPACITY(64)
#define PER24 KHOSER_BLOCK_CAPACITY(24)
#define PER8 KHOSER_BLOCK_CAPACITY(8)

static void check_destroyed_cleanly(struct khoser_block_set *bs);

static bool quick(void)
{
	return getenv("TEST_QUICK") != NULL;
}

/* Blocks needed for @n entries of @esz bytes. */
static unsigned long blocks_for(u64 n, size_t esz)
{
	u32 per = KHOSER_BLOCK_CAPACITY(esz);

	return n / per + !!(n % per);
}

/* Write @n entries into a new set published as @name. */
static int write_set(struct khoser_block_set *bs, const char *name,
		     size_t esz, u64 n, u64 seed)
{
	struct khoser_block_set_it it;
	unsigned long need = blocks_for(n, esz);
	u64 i;
	void *e;
	int err;

	err = khoser_block_set_init(bs, esz);
	if (err)
		return err;
	if (need > KHOSER_BLOCK_DEFAULT_MAX)
		khoser_block_set_set_max_blocks(bs, need);
	err = khoser_block_set_grow(bs, n);
	if (err)
		return err;
	khoser_block_set_it_init(&it, bs);
	for (i = 0; i < n; i++) {
		e = khoser_block_set_it_reserve_entry(&it);
		if (!e)
			return -ENOSPC;
		test_fill(e, esz, seed, i);
	}
	/* grow gives whole blocks, no more */
	if (n % KHOSER_BLOCK_CAPACITY(esz) == 0 &&
	    khoser_block_set_it_reserve_entry(&it))
		return -EFBIG;
	return name ? khoser_block_set_publish(bs, name, COMPAT) : 0;
}

static void round_trip(size_t esz, u64 n)
{
	struct khoser_block_set out, in;
	struct khoser_block_set_it it;
	unsigned long need = blocks_for(n, esz);
	u64 i, seed = esz * 1000003 + n;
	void *e;

	test_boot(true);
	CHECK_EQ(write_set(&out, "rt", esz, n, seed), 0);
	CHECK_EQ(out.nblocks, need);
	CHECK_EQ(shim_preserved_pages(), need + 1);	/* + descriptor */

	test_kexec(true);
	CHECK_EQ(khoser_block_set_init(&in, esz), 0);
	if (need > KHOSER_BLOCK_DEFAULT_MAX)
		CHECK_EQ(khoser_block_set_set_max_blocks(&in, need), 0);
	CHECK_EQ(khoser_block_set_lookup(&in, "rt", COMPAT), 0);
	CHECK(khoser_block_set_is_incoming(&in));
	CHECK_EQ(in.nblocks, need);
	CHECK_EQ(khoser_block_set_entries(&in), n);
	khoser_block_set_it_init(&it, &in);
	for (i = 0; i < n; i++) {
		e = khoser_block_set_it_read_entry(&it);
		CHECK(e);
		if (!test_verify(e, esz, seed, i)) {
			CHECK_EQ(i, -1);
		}
	}
	CHECK(!khoser_block_set_it_read_entry(&it));
	CHECK_EQ(shim_unclaimed_pages(), 0);
	CHECK_EQ(khoser_block_set_destroy(&in), 0);
	test_exit();
	CHECK(test_all_freed());
	CHECK_EQ(shim_warns, 0);
}

/* Up to the largest entry: 2040 and 4080 bytes with 4 KiB pages. */
static const size_t sizes[] = {
	1, 8, 24, 64, KHOSER_BLOCK_MAX_ENTRY / 2, KHOSER_BLOCK_MAX_ENTRY
};

/*
 * A million entries of these, whatever the page size: the memory they
 * take (4 GiB at 4080 bytes) does not grow with it.
 */
static const size_t million_sizes[] = { 1, 8, 24, 64, 2040, 4080 };

TEST(round_trip_small_counts)
{
	unsigned int s;
	u64 per;

	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		per = KHOSER_BLOCK_CAPACITY(sizes[s]);
		round_trip(sizes[s], 0);
		round_trip(sizes[s], 1);
		round_trip(sizes[s], per);
		round_trip(sizes[s], per + 1);
		round_trip(sizes[s], 3 * per - 1);
	}
}

TEST(round_trip_million)
{
	unsigned int s;

	for (s = 0; s < ARRAY_SIZE(million_sizes); s++)
		if (million_sizes[s] <= 64)
			round_trip(million_sizes[s], 1000000);
}

/* 2040 and 4080 bytes: 2 and 4 GiB; skipped under valgrind (TEST_QUICK). */
TEST(round_trip_million_large)
{
	unsigned int s;

	for (s = 0; s < ARRAY_SIZE(million_sizes); s++)
		if (million_sizes[s] > 64)
			round_trip(million_sizes[s], 1000000);
}

/* Entries per block: (PAGE_SIZE - 16) / size, as upstream's format says. */
TEST(capacities)
{
	static const struct {
		u32 esz, at4k, at64k;
	} caps[] = {
		{ 1, 4080, 65520 }, { 8, 510, 8190 }, { 24, 170, 2730 },
		{ 64, 63, 1023 }, { 2040, 2, 32 }, { 4080, 1, 16 },
		{ 4081, 0, 16 }, { 65520, 0, 1 }, { 65521, 0, 0 },
	};
	unsigned int i;

	CHECK(PAGE_SIZE == 4096 || PAGE_SIZE == 65536);
	CHECK_EQ(KHOSER_BLOCK_MAX_ENTRY, PAGE_SIZE - 16);
	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		CHECK_EQ(KHOSER_BLOCK_CAPACITY(caps[i].esz),
			 PAGE_SIZE == 4096 ? caps[i].at4k : caps[i].at64k);
		CHECK_EQ(KHOSER_BLOCK_CAPACITY(caps[i].esz),
			 (PAGE_SIZE - 16) / caps[i].esz);
	}
}

/* A little-endian u64 at @b. */
static u64 le64(const u8 *b)
{
	u64 v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

/* Walk the raw chain as upstream's 7.2 reader would: 0 if it accepts it. */
static int upstream_accepts(u64 head, size_t esz, u64 *entries)
{
	u64 per = KHOSER_BLOCK_CAPACITY(esz), pa = head, slow = head, n = 0;
	unsigned long blocks = 0;
	struct khoser_block_hdr *h;

	while (pa) {
		if (++blocks > KHOSER_BLOCK_DEFAULT_MAX)
			return -1;
		h = phys_to_virt(pa);
		if (!h->count || h->count > per)
			return -2;
		n += h->count;
		pa = h->next;
		if (blocks % 2 == 0) {
			slow = ((struct khoser_block_hdr *)phys_to_virt(slow))->next;
			if (slow == pa && pa)
				return -3;
		}
	}
	*entries = n;
	return 0;
}

TEST(format_written_is_upstream_bytes)
{
	struct khoser_block_set bs;
	struct khoser_block_hdr *h;
	const u8 *b;
	u64 n = 0, next;

	/*
	 * 64-byte entries, PER64 (63) per block; PER64 + 37 (100) entries =
	 * 2 blocks (PER64 + 37).
	 */
	test_boot(true);
	CHECK_EQ(write_set(&bs, NULL, 64, PER64 + 37, 7), 0);
	CHECK_EQ(upstream_accepts(bs.head_pa, 64, &n), 0);
	CHECK_EQ(n, PER64 + 37);
	b = phys_to_virt(bs.head_pa);
	h = (struct khoser_block_hdr *)b;
	next = h->next;
	/* Little-endian u64 next at 0, u64 count at 8, entries from 16. */
	CHECK_EQ(le64(b + 8), PER64);
	CHECK_EQ(le64(b), next);
	CHECK(test_verify(b + 16, 64, 7, 0));
	CHECK(test_verify(b + 16 + (PER64 - 1) * 64, 64, 7, PER64 - 1));
	b = phys_to_virt(next);
	CHECK(!memchr_inv(b, 0, 8));	/* last block: next = 0 */
	CHECK_EQ(le64(b + 8), 37);
	CHECK(test_verify(b + 16 + 36 * 64, 64, 7, PER64 + 36));
	/* Grown but unused blocks never reach the chain handed over. */
	CHECK_EQ(khoser_block_set_grow(&bs, 10 * PER64), 0);
	CHECK_EQ(khoser_block_set_publish(&bs, "fmt", COMPAT), 0);
	CHECK_EQ(bs.nblocks, 2);
	CHECK_EQ(upstream_accepts(bs.head_pa, 64, &n), 0);
	khoser_root_kexec_seal();
	test_kexec(true);
	CHECK_EQ(shim_unclaimed_pages(), 3);
}

/* Lay out a chain by hand, as upstream's writer does, and read it. */
TEST(format_upstream_chain_is_read)
{
	static const u8 entry[24] = "upstream-entry-24-bytes";
	struct khoser_block_set bs;
	struct khoser_block_set_it it;
	u8 *blk[3];
	u64 pa[3], i;
	const u8 *e;
	unsigned int b;

	test_boot(true);
	for (b = 0; b < 3; b++) {
		blk[b] = kho_alloc_preserve(PAGE_SIZE);
		pa[b] = virt_to_phys(blk[b]);
	}
	/* Blocks 0 and 1 full (PER24, 170, entries of 24 bytes), block 2 5. */
	for (b = 0; b < 3; b++) {
		u64 next = b < 2 ? pa[b + 1] : 0, count = b < 2 ? PER24 : 5;

		for (i = 0; i < 8; i++) {
			blk[b][i] = (u8)(next >> (8 * i));
			blk[b][8 + i] = (u8)(count >> (8 * i));
		}
		for (i = 0; i < count; i++) {
			memcpy(blk[b] + 16 + i * 24, entry, 24);
			blk[b][16 + i * 24] = (u8)(b * 200 + i);
		}
	}
	test_kexec(true);
	CHECK_EQ(khoser_block_set_init(&bs, 24), 0);
	CHECK_EQ(khoser_block_set_restore(&bs, pa[0]), 0);
	CHECK_EQ(bs.nblocks, 3);
	CHECK_EQ(khoser_block_set_entries(&bs), 2 * PER24 + 5);
	khoser_block_set_it_init(&it, &bs);
	for (i = 0; i < 2 * PER24 + 5; i++) {
		b = i / PER24;
		e = khoser_block_set_it_read_entry(&it);
		CHECK(e);
		CHECK_EQ(e[0], (u8)(b * 200 + i % PER24));
		CHECK(!memcmp(e + 1, entry + 1, 23));
	}
	CHECK(!khoser_block_set_it_read_entry(&it));
	/* Backwards from the end. */
	e = khoser_block_set_it_prev(&it);
	CHECK(e && e[0] == (u8)(400 + 4));
	CHECK_EQ(khoser_block_set_destroy(&bs), 0);
	test_exit();
	CHECK(test_all_freed());
}

/* A written 5-block chain of 64-byte entries, after kexec, not restored. */
static u64 chain_pa[5];

static void five_blocks(void)
{
	struct khoser_block_set bs;
	struct khoser_block *blk;
	unsigned int i = 0;

	test_boot(true);
	if (write_set(&bs, NULL, 64, 5 * PER64, 99))
		abort();
	for (blk = bs.blk; blk < bs.blk + bs.nblocks; blk++)
		chain_pa[i++] = virt_to_phys(blk->hdr);
	test_kexec(true);
}

static struct khoser_block_hdr *hdr(unsigned int i)
{
	return phys_to_virt(chain_pa[i]);
}

/* Restore must fail with @err, one log line containing @what, nothing kept. */
static void expect_refused_used(struct khoser_block_set *bs, int err,
				const char *what, long unclaimed, long used,
				int warns)
{
	int lines = shim_err_lines;

	CHECK_EQ(khoser_block_set_restore(bs, chain_pa[0]), err);
	CHECK_EQ(shim_err_lines - lines, 1);
	CHECK(strstr(shim_last_log, what));
	CHECK(khoser_block_set_is_empty(bs));
	CHECK(!khoser_block_set_is_incoming(bs));
	CHECK_EQ(shim_warns, warns);
	/* Every claimed block released; unreached ones still preserved. */
	CHECK_EQ(shim_unclaimed_pages(), unclaimed);
	CHECK_EQ(shim_used_pages(), used);
	test_exit();
	CHECK_EQ(shim_live_allocs(), 0);
}

static void expect_refused(struct khoser_block_set *bs, int err,
			   const char *what, long unclaimed, int warns)
{
	expect_refused_used(bs, err, what, unclaimed, unclaimed, warns);
}

static void init64(struct khoser_block_set *bs)
{
	if (khoser_block_set_init(bs, 64))
		abort();
}

TEST(corrupt_cycle)
{
	struct khoser_block_set bs;

	five_blocks();
	hdr(3)->next = chain_pa[1];
	init64(&bs);
	expect_refused(&bs, -EINVAL, "block 4 at", 1, 0);
	CHECK(strstr(shim_last_log, "cycle"));
}

TEST(corrupt_self_loop)
{
	struct khoser_block_set bs;

	five_blocks();
	hdr(0)->next = chain_pa[0];
	init64(&bs);
	expect_refused(&bs, -EINVAL, "cycle", 4, 0);
}

TEST(corrupt_zero_count)
{
	struct khoser_block_set bs;

	five_blocks();
	hdr(2)->count = 0;
	init64(&bs);
	expect_refused(&bs, -EINVAL, "block 2 at", 2, 0);
	CHECK(strstr(shim_last_log, "empty-block"));
}

TEST(corrupt_count_over_capacity)
{
	struct khoser_block_set bs;

	five_blocks();
	hdr(4)->count = PER64 + 1;
	init64(&bs);
	expect_refused(&bs, -EINVAL, "count over the block capacity", 0, 0);
}

TEST(corrupt_huge_count)
{
	struct khoser_block_set bs;

	five_blocks();
	hdr(0)->count = ~0ULL;
	init64(&bs);
	expect_refused(&bs, -EINVAL, "block 0 at", 4, 0);
}

TEST(corrupt_misaligned_next)
{
	struct khoser_block_set bs;

	five_blocks();
	hdr(1)->next = chain_pa[2] + 8;
	init64(&bs);
	expect_refused(&bs, -EINVAL, "misaligned", 3, 0);
	CHECK(strstr(shim_last_log, "block 2 at"));
}

TEST(corrupt_next_outside_ram)
{
	struct khoser_block_set bs;

	five_blocks();
	hdr(1)->next = 0xfff0000000000000ULL;
	init64(&bs);
	expect_refused(&bs, -EINVAL, "outside RAM", 3, 0);
}

TEST(corrupt_next_never_preserved)
{
	struct khoser_block_set bs;
	void *page;

	five_blocks();
	page = shim_alloc_pages(0);
	hdr(1)->next = virt_to_phys(page);
	init64(&bs);
	/* Refused before kho_restore_folio() could WARN about it. */
	expect_refused_used(&bs, -EINVAL, "not preserved", 3, 3 + 1, 0);
}

TEST(corrupt_chain_over_bound)
{
	struct khoser_block_set bs;

	five_blocks();
	init64(&bs);
	CHECK_EQ(khoser_block_set_set_max_blocks(&bs, 4), 0);
	expect_refused(&bs, -EINVAL, "chain-too-long", 1, 0);
}

TEST(corrupt_head_misaligned)
{
	struct khoser_block_set bs;
	int lines;

	five_blocks();
	init64(&bs);
	lines = shim_err_lines;
	CHECK_EQ(khoser_block_set_restore(&bs, chain_pa[0] + 1), -EINVAL);
	CHECK_EQ(shim_err_lines - lines, 1);
	CHECK(strstr(shim_last_log, "block 0 at"));
	CHECK_EQ(shim_unclaimed_pages(), 5);
}

TEST(entry_size_cannot_fit)
{
	/* Above every format's largest entry (5000 with 4 KiB pages). */
	struct khoser_block_set bs, st = KHOSER_BLOCK_SET_INIT(st,
							       PAGE_SIZE + 904);

	test_boot(true);
	CHECK_EQ(khoser_block_set_init(&bs, 0), -EINVAL);
	CHECK_EQ(khoser_block_set_init(&bs, KHOSER_BLOCK_MAX_ENTRY + 1),
		 -EINVAL);
	CHECK_EQ(khoser_block_set_grow(&bs, 1), -EINVAL);
	CHECK_EQ(khoser_block_set_init(&bs, KHOSER_BLOCK_MAX_ENTRY), 0);
	CHECK_EQ(st.nblocks, 0);
	CHECK_EQ(khoser_block_set_grow(&st, 1), -EINVAL);
	CHECK_EQ(khoser_block_set_restore(&st, 0x200000), -EINVAL);
	CHECK(strstr(shim_last_log, "cannot fit"));
	test_exit();
	CHECK(test_all_freed());
}

/* Entry-size mismatch between writer and reader is caught before reading. */
TEST(lookup_entry_size_mismatch)
{
	struct khoser_block_set bs;

	test_boot(true);
	CHECK_EQ(write_set(&bs, "sz", 24, 10, 1), 0);
	test_kexec(true);
	CHECK_EQ(khoser_block_set_init(&bs, 32), 0);
	CHECK_EQ(khoser_block_set_lookup(&bs, "sz", COMPAT), -EPROTO);
	CHECK(strstr(shim_last_log, "entry size 24, expected 32"));
	CHECK_EQ(shim_unclaimed_pages(), 1);	/* chain untouched */
	CHECK_EQ(khoser_block_set_init(&bs, 24), 0);
	CHECK_EQ(khoser_block_set_lookup(&bs, "sz", COMPAT), 0);
	CHECK_EQ(khoser_block_set_entries(&bs), 10);
	/* A second restore of the same object is refused. */
	{
		struct khoser_block_set again;

		CHECK_EQ(khoser_block_set_init(&again, 24), 0);
		CHECK_EQ(khoser_block_set_lookup(&again, "sz", COMPAT),
			 -EALREADY);
	}
	CHECK_EQ(khoser_block_set_destroy(&bs), 0);
	test_exit();
	CHECK(test_all_freed());
}

TEST(random_corruption)
{
	unsigned int round, rounds = quick() ? 50 : 400;
	struct khoser_block_set bs;
	u64 st = 0x1234567;
	int err;

	for (round = 0; round < rounds; round++) {
		unsigned int victim, k, nmut = 1 + test_rand(&st) % 3;

		five_blocks();
		for (k = 0; k < nmut; k++) {
			victim = test_rand(&st) % 5;
			switch (test_rand(&st) % 4) {
			case 0:
				hdr(victim)->next = test_rand(&st);
				break;
			case 1:
				hdr(victim)->count = test_rand(&st) %
						     (2 * PER64 + 2);
				break;
			case 2:
				hdr(victim)->next = chain_pa[test_rand(&st) % 5] +
						    (test_rand(&st) % 2) * 8;
				break;
			default:
				((u8 *)hdr(victim))[test_rand(&st) % 16] ^=
					1u << (test_rand(&st) % 8);
			}
		}
		init64(&bs);
		err = khoser_block_set_restore(&bs, chain_pa[0]);
		CHECK(err == 0 || err == -EINVAL);
		if (!err) {
			CHECK(khoser_block_set_entries(&bs) <= 5 * PER64);
			CHECK_EQ(khoser_block_set_destroy(&bs), 0);
		}
		test_exit();
		CHECK_EQ(shim_live_allocs(), 0);
		CHECK_EQ(shim_used_pages(), shim_unclaimed_pages());
	}
}

/* Check list, links, head and counts agree. */
static bool consistent(const struct khoser_block_set *bs)
{
	const struct khoser_block_hdr *h, *prev = NULL;
	u64 cap = 0;
	unsigned long n;

	for (n = 0; n < bs->nblocks; n++) {
		h = bs->blk[n].hdr;
		if (prev ? prev->next != virt_to_phys(h) :
			   bs->head_pa != virt_to_phys(h))
			return false;
		if (h->count > bs->blk[n].cap)
			return false;
		cap += bs->blk[n].cap;
		prev = h;
	}
	if (prev && prev->next)
		return false;
	if (!prev && bs->head_pa)
		return false;
	return cap == bs->capacity;
}

/* Entries of 20 to a block (204 bytes with 4 KiB pages). */
#define CHURN_ESZ (KHOSER_BLOCK_MAX_ENTRY / 20)

TEST(grow_shrink_churn)
{
	struct khoser_block_set bs;
	struct khoser_block_set_it it;
	u64 st = 42, cap, target, written = 0, i;
	unsigned int round;
	void *e;

	test_boot(true);
	CHECK_EQ(KHOSER_BLOCK_CAPACITY(CHURN_ESZ), 20);
	CHECK_EQ(khoser_block_set_init(&bs, CHURN_ESZ), 0);
	for (round = 0; round < 2000; round++) {
		target = test_rand(&st) % 400;
		if (test_rand(&st) % 2) {
			CHECK_EQ(khoser_block_set_grow(&bs, target), 0);
			CHECK(bs.nblocks * 20 >= target);
		} else {
			CHECK_EQ(khoser_block_set_shrink(&bs, target), 0);
			CHECK(bs.nblocks == 0 ||
			      (bs.nblocks - 1) * 20 < target);
			if (written > target)
				written = target;
		}
		CHECK(consistent(&bs));
		cap = bs.nblocks * 20;
		if (written > cap)
			written = cap;
		/* Top up to a random fill with the LIFO discipline. */
		khoser_block_set_it_init(&it, &bs);
		for (i = 0; i < written; i++)
			CHECK(khoser_block_set_it_read_entry(&it));
		target = written + test_rand(&st) % (cap - written + 1);
		khoser_block_set_it_init(&it, &bs);
		for (i = 0; i < target; i++) {
			e = khoser_block_set_it_reserve_entry(&it);
			CHECK(e);
			if (i >= written)
				test_fill(e, CHURN_ESZ, 5, i);
		}
		written = target;
		CHECK_EQ(khoser_block_set_entries(&bs), written);
	}
	khoser_block_set_it_init(&it, &bs);
	for (i = 0; i < written; i++) {
		e = khoser_block_set_it_read_entry(&it);
		CHECK(e && test_verify(e, CHURN_ESZ, 5, i));
	}
	CHECK_EQ(khoser_block_set_shrink(&bs, 0), 0);
	CHECK(khoser_block_set_is_empty(&bs));
	CHECK_EQ(khoser_block_set_head_pa(&bs), 0);
	CHECK_EQ(shim_preserved_pages(), 0);
	test_exit();
	CHECK(test_all_freed());
}

TEST(iterator_prev_and_shrink_lifo)
{
	struct khoser_block_set bs;
	struct khoser_block_set_it it;
	u64 *e;
	u64 i;

	test_boot(true);
	CHECK_EQ(khoser_block_set_init(&bs, 8), 0);
	/* 2 blocks of PER8 (510) */
	CHECK_EQ(khoser_block_set_grow(&bs, 2 * PER8), 0);
	khoser_block_set_it_init(&it, &bs);
	CHECK(!khoser_block_set_it_prev(&it));
	for (i = 0; i < PER8 + 1; i++) {
		e = khoser_block_set_it_reserve_entry(&it);
		*e = i;
	}
	/* Remove the last entry: step back, then shrink to PER8. */
	e = khoser_block_set_it_prev(&it);
	CHECK_EQ(*e, PER8);
	e = khoser_block_set_it_prev(&it);
	CHECK_EQ(*e, PER8 - 1);
	CHECK_EQ(khoser_block_set_shrink(&bs, PER8), 0);
	CHECK_EQ(bs.nblocks, 1);
	CHECK_EQ(khoser_block_set_entries(&bs), PER8);
	/* Shrinking within a block cuts the count. */
	CHECK_EQ(khoser_block_set_shrink(&bs, 100), 0);
	CHECK_EQ(khoser_block_set_entries(&bs), 100);
	CHECK_EQ(khoser_block_set_clear(&bs), 0);
	CHECK_EQ(khoser_block_set_entries(&bs), 0);
	CHECK_EQ(bs.nblocks, 1);
	CHECK_EQ(khoser_block_set_seal(&bs), 0);
	CHECK_EQ(bs.nblocks, 0);
	CHECK_EQ(bs.head_pa, 0);
	test_exit();
	CHECK(test_all_freed());
}

TEST(iterator_mixed_use)
{
	struct khoser_block_set bs;
	struct khoser_block_set_it w, r;
	u64 i, *e;

	test_boot(true);
	CHECK_EQ(khoser_block_set_init(&bs, 8), 0);
	/* 2 blocks of PER8 (510) */
	CHECK_EQ(khoser_block_set_grow(&bs, 2 * PER8), 0);
	khoser_block_set_it_init(&w, &bs);
	khoser_block_set_it_init(&r, &bs);
	CHECK(!khoser_block_set_it_read_entry(&r));	/* nothing written */
	for (i = 0; i < 5; i++)
		*(u64 *)khoser_block_set_it_reserve_entry(&w) = i;
	/* Reading on the writer's cursor: past the count, as upstream. */
	CHECK(!khoser_block_set_it_read_entry(&w));
	/* A reader that hit the end sees entries written afterwards. */
	for (i = 0; i < 5; i++)
		CHECK_EQ(*(u64 *)khoser_block_set_it_read_entry(&r), i);
	CHECK(!khoser_block_set_it_read_entry(&r));
	/* 90 into the second block */
	for (i = 5; i < PER8 + 90; i++)
		*(u64 *)khoser_block_set_it_reserve_entry(&w) = i;
	for (i = 5; i < PER8 + 90; i++) {
		e = khoser_block_set_it_read_entry(&r);
		CHECK(e && *e == i);
	}
	CHECK(!khoser_block_set_it_read_entry(&r));
	/* Reserving on a reader's cursor rewrites from there, as upstream. */
	khoser_block_set_it_init(&r, &bs);
	for (i = 0; i < 3; i++)
		khoser_block_set_it_read_entry(&r);
	*(u64 *)khoser_block_set_it_reserve_entry(&r) = 77;
	CHECK_EQ(khoser_block_set_entries(&bs), 4 + 90);
	khoser_block_set_it_init(&r, &bs);
	for (i = 0; i < 4; i++)
		e = khoser_block_set_it_read_entry(&r);
	CHECK_EQ(*e, 77);
	/* Writes stop at the grown capacity. */
	khoser_block_set_it_init(&w, &bs);
	for (i = 0; i < 2 * PER8; i++)
		CHECK(khoser_block_set_it_reserve_entry(&w));
	CHECK(!khoser_block_set_it_reserve_entry(&w));
	CHECK(!khoser_block_set_it_reserve_entry(&w));
	CHECK_EQ(khoser_block_set_entries(&bs), 2 * PER8);
	CHECK_EQ(khoser_block_set_destroy(&bs), 0);
	test_exit();
	CHECK(test_all_freed());
}

TEST(iterator_batches)
{
	struct khoser_block_set bs;
	struct khoser_block_set_it it;
	u64 st = 7, i = 0, n = 29 * PER24 + 70, got, k, want;	/* 5000 */
	u8 *e;

	test_boot(true);
	CHECK_EQ(write_set(&bs, NULL, 24, 0, 0), 0);
	/* 30 blocks of PER24 */
	CHECK_EQ(khoser_block_set_grow(&bs, n), 0);
	khoser_block_set_it_init(&it, &bs);
	CHECK(!khoser_block_set_it_reserve_batch(&it, 0, &got) && !got);
	while (i < n) {
		if (test_rand(&st) % 3 == 0) {
			test_fill(khoser_block_set_it_reserve_entry(&it), 24, 9,
				  i++);
			continue;
		}
		want = 1 + test_rand(&st) % 400;
		e = khoser_block_set_it_reserve_batch(&it, want, &got);
		CHECK(e && got >= 1 && got <= want);
		CHECK(got == want || (it.pos == it.write_end && got < want));
		for (k = 0; k < got && i < n; k++)
			test_fill(e + k * 24, 24, 9, i++);
		/* Reserved but unused slots at the end are dropped below. */
		if (i == n && k < got)
			CHECK_EQ(khoser_block_set_shrink(&bs, n), 0);
	}
	CHECK_EQ(khoser_block_set_entries(&bs), n);
	CHECK_EQ(khoser_block_set_publish(&bs, "batch", COMPAT), 0);
	test_kexec(true);
	CHECK_EQ(khoser_block_set_init(&bs, 24), 0);
	CHECK_EQ(khoser_block_set_lookup(&bs, "batch", COMPAT), 0);
	khoser_block_set_it_init(&it, &bs);
	for (i = 0; i < n;) {
		if (test_rand(&st) % 3 == 0) {
			e = khoser_block_set_it_read_entry(&it);
			CHECK(e && test_verify(e, 24, 9, i));
			i++;
			continue;
		}
		want = 1 + test_rand(&st) % 400;
		e = khoser_block_set_it_read_batch(&it, want, &got);
		CHECK(e && got >= 1 && got <= want && i + got <= n);
		for (k = 0; k < got; k++, i++)
			CHECK(test_verify(e + k * 24, 24, 9, i));
	}
	CHECK(!khoser_block_set_it_read_batch(&it, 10, &got) && !got);
	CHECK(!khoser_block_set_it_read_entry(&it));
	/* Incoming sets take no reservations. */
	khoser_block_set_it_init(&it, &bs);
	CHECK(!khoser_block_set_it_reserve_batch(&it, 5, &got) && !got);
	check_destroyed_cleanly(&bs);
}

TEST(seal_refuses_hole)
{
	struct khoser_block_set bs;
	struct khoser_block_hdr *second;

	test_boot(true);
	/* 3 blocks (1500 entries) */
	CHECK_EQ(write_set(&bs, NULL, 8, 2 * PER8 + 480, 3), 0);
	second = bs.blk[1].hdr;
	second->count = 0;
	CHECK_EQ(khoser_block_set_seal(&bs), -EINVAL);
	CHECK(strstr(shim_last_log, "block 1 is empty but block 2 is not"));
	CHECK_EQ(khoser_block_set_publish(&bs, "hole", COMPAT), -EINVAL);
	CHECK_EQ(bs.nblocks, 3);
	CHECK_EQ(khoser_block_set_destroy(&bs), 0);
	test_exit();
	CHECK(test_all_freed());
}

/* Entries written after publish are handed over: the reboot hook reseals. */
TEST(reseal_at_reboot)
{
	struct khoser_block_set bs;
	struct khoser_block_set_it it;
	u64 i;

	test_boot(true);
	CHECK_EQ(khoser_block_set_init(&bs, 64), 0);
	/* 8 blocks (500 entries); PER64 + 37 (100) of them written */
	CHECK_EQ(khoser_block_set_grow(&bs, 8 * PER64 - 4), 0);
	CHECK_EQ(khoser_block_set_publish(&bs, "late", COMPAT), 0);
	CHECK_EQ(bs.nblocks, 0);	/* sealed: nothing written yet */
	CHECK_EQ(khoser_block_set_grow(&bs, 8 * PER64 - 4), 0);
	khoser_block_set_it_init(&it, &bs);
	for (i = 0; i < PER64 + 37; i++)
		test_fill(khoser_block_set_it_reserve_entry(&it), 64, 11, i);
	CHECK_EQ(khoser_block_set_destroy(&bs), -EBUSY);
	khoser_root_kexec_seal();
	/* Cut after block 2 and unpreserved, but nothing freed or unlinked. */
	CHECK_EQ(bs.nkept, 2);
	CHECK_EQ(bs.nblocks, 8);
	CHECK_EQ(shim_preserved_pages(), 2 + 1);	/* + the descriptor */
	/* Sealed for kexec: read-only, a racing iterator gets nothing. */
	CHECK_EQ(khoser_block_set_grow(&bs, 10 * PER64), -EPERM);
	CHECK_EQ(khoser_block_set_clear(&bs), -EPERM);
	test_kexec(true);
	CHECK_EQ(khoser_block_set_init(&bs, 64), 0);
	CHECK_EQ(khoser_block_set_lookup(&bs, "late", COMPAT), 0);
	CHECK_EQ(khoser_block_set_entries(&bs), PER64 + 37);
	CHECK_EQ(shim_unclaimed_pages(), 0);	/* no block leaked */
	khoser_block_set_it_init(&it, &bs);
	for (i = 0; i < PER64 + 37; i++)
		CHECK(test_verify(khoser_block_set_it_read_entry(&it), 64, 11,
				  i));
	CHECK_EQ(khoser_block_set_destroy(&bs), 0);
	test_exit();
	CHECK(test_all_freed());
}

TEST(incoming_is_read_only)
{
	struct khoser_block_set bs, zero;
	struct khoser_block_set_it it;
	u64 before;

	memset(&zero, 0, sizeof(zero));
	test_boot(true);
	CHECK_EQ(write_set(&bs, "ro", 64, 100, 1), 0);
	test_kexec(true);
	CHECK_EQ(khoser_block_set_init(&bs, 64), 0);
	CHECK_EQ(khoser_block_set_lookup(&bs, "ro", COMPAT), 0);
	before = khoser_block_set_entries(&bs);
	CHECK_EQ(khoser_block_set_grow(&bs, 1000), -EPERM);
	CHECK_EQ(khoser_block_set_shrink(&bs, 0), -EPERM);
	CHECK_EQ(khoser_block_set_clear(&bs), -EPERM);
	CHECK_EQ(khoser_block_set_seal(&bs), -EPERM);
	CHECK_EQ(khoser_block_set_restore(&bs, 0), -EBUSY);
	CHECK_EQ(khoser_block_set_publish(&bs, "again", COMPAT), -EPERM);
	khoser_block_set_it_init(&it, &bs);
	CHECK(!khoser_block_set_it_reserve_entry(&it));
	CHECK_EQ(khoser_block_set_entries(&bs), before);
	/* Never-initialized sets are refused, not freed. */
	CHECK_EQ(khoser_block_set_destroy(&zero), -EINVAL);
	CHECK_EQ(khoser_block_set_grow(&zero, 1), -EINVAL);
	CHECK_EQ(khoser_block_set_restore(&zero, 0), -EINVAL);
	/* Destroying the incoming set frees its claimed pages. */
	CHECK_EQ(khoser_block_set_destroy(&bs), 0);
	CHECK(!khoser_block_set_is_incoming(&bs));
	test_exit();
	CHECK(test_all_freed());
	CHECK_EQ(shim_warns, 0);
}

TEST(grow_bound)
{
	struct khoser_block_set bs;

	test_boot(true);
	/* One entry per block */
	CHECK_EQ(khoser_block_set_init(&bs, KHOSER_BLOCK_MAX_ENTRY), 0);
	CHECK_EQ(khoser_block_set_set_max_blocks(&bs, 3), 0);
	CHECK_EQ(khoser_block_set_grow(&bs, 4), -ENOSPC);
	CHECK_EQ(bs.nblocks, 0);
	CHECK_EQ(khoser_block_set_grow(&bs, 3), 0);
	CHECK_EQ(khoser_block_set_set_max_blocks(&bs, 2), -EINVAL);
	CHECK_EQ(khoser_block_set_set_max_blocks(&bs, 0), -EINVAL);
	CHECK_EQ(khoser_block_set_destroy(&bs), 0);
	test_exit();
	CHECK(test_all_freed());
}

TEST(fail_nth_grow)
{
	struct khoser_block_set bs;
	long n, pages, allocs;
	int err;

	for (n = 1;; n++) {
		test_boot(true);
		CHECK_EQ(khoser_block_set_init(&bs, 64), 0);
		/* 2 blocks (100 entries) */
		CHECK_EQ(khoser_block_set_grow(&bs, PER64 + 37), 0);
		pages = shim_used_pages();
		allocs = shim_live_allocs();
		shim_fail_reset(n);
		/* to 7 blocks (400 entries) */
		err = khoser_block_set_grow(&bs, 7 * PER64 - 41);
		shim_fail_reset(0);
		if (!err) {
			CHECK(n > 10);	/* 5 blocks: page + preserve + kmalloc */
			CHECK_EQ(bs.nblocks, 7);
			break;
		}
		CHECK_EQ(err, -ENOMEM);
		CHECK_EQ(bs.nblocks, 2);
		CHECK(consistent(&bs));
		CHECK_EQ(shim_used_pages(), pages);
		CHECK_EQ(shim_live_allocs(), allocs);
		CHECK_EQ(shim_preserved_pages(), 2);
		CHECK_EQ(shim_warns, 0);
	}
	CHECK_EQ(khoser_block_set_destroy(&bs), 0);
	test_exit();
	CHECK(test_all_freed());
}

/* A restore or lookup that failed for memory: nothing kept or leaked. */
static void check_failed_cleanly(struct khoser_block_set *bs, int err)
{
	CHECK_EQ(err, -ENOMEM);
	CHECK(khoser_block_set_is_empty(bs));
	test_exit();
	CHECK_EQ(shim_live_allocs(), 0);
	CHECK_EQ(shim_used_pages(), shim_unclaimed_pages());
	CHECK_EQ(shim_warns, 0);
}

/* Destroy @bs and shut khoser down: everything freed. */
static void check_destroyed_cleanly(struct khoser_block_set *bs)
{
	CHECK_EQ(khoser_block_set_destroy(bs), 0);
	test_exit();
	CHECK(test_all_freed());
}

TEST(fail_nth_restore)
{
	struct khoser_block_set bs;
	long n;
	int err;

	for (n = 1;; n++) {
		five_blocks();
		init64(&bs);
		shim_fail_reset(n);
		err = khoser_block_set_restore(&bs, chain_pa[0]);
		shim_fail_reset(0);
		if (!err) {
			/*
			 * Two allocations for five blocks: the block array,
			 * and the claim ledger's first chunk of entries.
			 */
			CHECK_EQ(n, 3);
			check_destroyed_cleanly(&bs);
			break;
		}
		check_failed_cleanly(&bs, err);
	}
}

TEST(fail_nth_publish_and_lookup)
{
	struct khoser_block_set bs;
	long n, allocs, pages;
	int err;

	for (n = 1;; n++) {
		test_boot(true);
		/* 3 blocks (400 entries) */
		CHECK_EQ(write_set(&bs, NULL, 24, 2 * PER24 + 60, 2), 0);
		allocs = shim_live_allocs();
		pages = shim_used_pages();
		shim_fail_reset(n);
		err = khoser_block_set_publish(&bs, "pub", COMPAT);
		shim_fail_reset(0);
		if (!err)
			break;
		CHECK_EQ(err, -ENOMEM);
		CHECK(!bs.life.published);
		CHECK_EQ(shim_live_allocs(), allocs);
		CHECK_EQ(shim_used_pages(), pages);
		CHECK_EQ(khoser_block_set_destroy(&bs), 0);
		test_exit();
		CHECK(test_all_freed());
	}
	for (n = 1;; n++) {
		test_boot(true);
		CHECK_EQ(write_set(&bs, "pub", 24, 2 * PER24 + 60, 2), 0);
		test_kexec(true);
		CHECK_EQ(khoser_block_set_init(&bs, 24), 0);
		shim_fail_reset(n);
		err = khoser_block_set_lookup(&bs, "pub", COMPAT);
		shim_fail_reset(0);
		if (!err) {
			CHECK_EQ(khoser_block_set_entries(&bs),
				 2 * PER24 + 60);
			check_destroyed_cleanly(&bs);
			break;
		}
		check_failed_cleanly(&bs, err);
	}
}

TEST(kho_unavailable)
{
	struct khoser_block_set bs;

	test_boot(false);
	CHECK(!khoser_is_enabled());
	CHECK(!khoser_is_kho_boot());
	CHECK_EQ(khoser_block_set_init(&bs, 64), 0);
	CHECK_EQ(khoser_block_set_grow(&bs, 1), -EOPNOTSUPP);
	CHECK_EQ(khoser_block_set_restore(&bs, 0x200000), -EOPNOTSUPP);
	CHECK_EQ(khoser_block_set_publish(&bs, "x", COMPAT), -EOPNOTSUPP);
	CHECK_EQ(khoser_block_set_lookup(&bs, "x", COMPAT), -EOPNOTSUPP);
	CHECK_EQ(khoser_block_set_destroy(&bs), 0);
	test_exit();
	CHECK(test_all_freed());
	/* A boot with kho=on but no handover: nothing to find. */
	test_boot(true);
	CHECK(khoser_is_enabled());
	CHECK(!khoser_is_kho_boot());
	CHECK_EQ(khoser_block_set_init(&bs, 64), 0);
	CHECK_EQ(khoser_block_set_lookup(&bs, "x", COMPAT), -ENOENT);
	test_exit();
	CHECK(test_all_freed());
	/*
	 * Preserved with KHO on, next kernel booted with kho=off: 7.2 still
	 * takes the handover (kho_populate() ignores kho=), so the block and
	 * the descriptor stay reserved, but khoser, seeing KHO disabled, does
	 * not use them: they stay unclaimed for that boot.
	 */
	test_boot(true);
	CHECK_EQ(write_set(&bs, "x", 64, 10, 1), 0);
	test_kexec(false);
	CHECK(is_kho_boot());
	CHECK(!kho_is_enabled());
	CHECK(!khoser_is_kho_boot());
	CHECK_EQ(khoser_block_set_init(&bs, 64), 0);
	CHECK_EQ(khoser_block_set_lookup(&bs, "x", COMPAT), -EOPNOTSUPP);
	test_exit();
	CHECK_EQ(shim_live_allocs(), 0);
	CHECK_EQ(shim_unclaimed_pages(), 2);
	CHECK_EQ(shim_used_pages(), 2);
	CHECK_EQ(shim_warns, 0);
}

/* Restore, re-preserve, kexec again: data of boot 1 verified in boot 3. */
TEST(multi_hop)
{
	struct khoser_block_set in, out;
	struct khoser_block_set_it r, w;
	unsigned int hop;
	u64 i, n = 5 * PER24 + 150;	/* 6 blocks (1000 entries) */
	void *e, *d;

	test_boot(true);
	CHECK_EQ(write_set(&out, "hop", 24, n, 77), 0);
	for (hop = 0; hop < 3; hop++) {
		test_kexec(true);
		CHECK_EQ(khoser_block_set_init(&in, 24), 0);
		CHECK_EQ(khoser_block_set_lookup(&in, "hop", COMPAT), 0);
		CHECK_EQ(khoser_block_set_init(&out, 24), 0);
		CHECK_EQ(khoser_block_set_grow(&out, n + 10), 0);
		khoser_block_set_it_init(&r, &in);
		khoser_block_set_it_init(&w, &out);
		for (i = 0; i < n; i++) {
			e = khoser_block_set_it_read_entry(&r);
			CHECK(e && test_verify(e, 24, 77, i));
			d = khoser_block_set_it_reserve_entry(&w);
			memcpy(d, e, 24);
		}
		CHECK_EQ(khoser_block_set_destroy(&in), 0);
		CHECK_EQ(khoser_release("hop"), 0);
		CHECK_EQ(khoser_block_set_publish(&out, "hop", COMPAT), 0);
		CHECK_EQ(out.nblocks, blocks_for(n, 24));
	}
	CHECK_EQ(khoser_unpublish("hop"), 0);
	CHECK_EQ(khoser_block_set_destroy(&out), 0);
	test_exit();
	CHECK(test_all_freed());
}

static const struct test_case cases[] = {
	TEST_ENTRY(capacities),
	TEST_ENTRY(round_trip_small_counts),
	TEST_ENTRY(round_trip_million),
	TEST_ENTRY_SLOW(round_trip_million_large,
			"1e6 entries of 2040 and 4080 bytes (2 and 4 GiB)"),
	TEST_ENTRY(format_written_is_upstream_bytes),
	TEST_ENTRY(format_upstream_chain_is_read),
	TEST_ENTRY(corrupt_cycle),
	TEST_ENTRY(corrupt_self_loop),
	TEST_ENTRY(corrupt_zero_count),
	TEST_ENTRY(corrupt_count_over_capacity),
	TEST_ENTRY(corrupt_huge_count),
	TEST_ENTRY(corrupt_misaligned_next),
	TEST_ENTRY(corrupt_next_outside_ram),
	TEST_ENTRY(corrupt_next_never_preserved),
	TEST_ENTRY(corrupt_chain_over_bound),
	TEST_ENTRY(corrupt_head_misaligned),
	TEST_ENTRY(entry_size_cannot_fit),
	TEST_ENTRY(lookup_entry_size_mismatch),
	TEST_ENTRY(random_corruption),
	TEST_ENTRY(grow_shrink_churn),
	TEST_ENTRY(iterator_prev_and_shrink_lifo),
	TEST_ENTRY(iterator_mixed_use),
	TEST_ENTRY(iterator_batches),
	TEST_ENTRY(seal_refuses_hole),
	TEST_ENTRY(reseal_at_reboot),
	TEST_ENTRY(incoming_is_read_only),
	TEST_ENTRY(grow_bound),
	TEST_ENTRY(fail_nth_grow),
	TEST_ENTRY(fail_nth_restore),
	TEST_ENTRY(fail_nth_publish_and_lookup),
	TEST_ENTRY(kho_unavailable),
	TEST_ENTRY(multi_hop),
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, ARRAY_SIZE(cases));
}
