// SPDX-License-Identifier: GPL-2.0-only
/*
 * The claim ledger (src/ledger.c) and issue 19's bug 1 and its retry
 * suspicion: a page khoser has claimed already, or claimed and released,
 * must never be claimed again, not even as an inner page of a larger
 * range whose own KHO mark is genuine. Before the ledger every case here
 * aborted in the shim ("restore ... not kept-and-unrestored") or restored
 * a page that was not the previous kernel's any more.
 */
#include "test.h"
#include <linux/rbtree.h>
#include "../../src/block_int.h"
#include "../../src/kho.h"

#define COMPAT_BLOCK2 "khoser_test-v1;khoser-block-v2"
#define COMPAT_BLOCK "khoser_test-v1;khoser-block-v1"
#define COMPAT_VBUF "khoser_test-v1;khoser-vbuf-v1"
/* 64-byte entries per v1 block: 63 with 4 KiB pages, 1023 with 64 KiB. */
#define PER64 KHOSER_BLOCK_CAPACITY(64)

/* Nothing left but what the previous kernel handed over unclaimed. */
static void check_clean(void)
{
	CHECK_EQ(shim_vmap_areas(), 0);
	test_exit();
	CHECK_EQ(shim_live_allocs(), 0);
	CHECK_EQ(shim_used_pages(), shim_unclaimed_pages());
	CHECK_EQ(shim_warns, 0);
}

/* 2^@order physically contiguous order-0 pages. */
static struct page *contiguous(unsigned int order)
{
	struct page *p = alloc_pages(GFP_KERNEL, order);

	split_page(p, order);
	return p;
}

/* A version 2 block header without CRC, @count entries of @esz bytes. */
static void v2_header(void *blk, u64 next, unsigned int order, u32 esz,
		      u64 count)
{
	struct khoser_block2_hdr *h = blk;

	memset(h, 0, sizeof(*h));
	h->next = next;
	h->magic = KHOSER_BLOCK2_MAGIC;
	h->version = KHOSER_BLOCK2_VERSION;
	h->order = order;
	h->entry_size = esz;
	h->count = count;
}

/*
 * Bug 1, case 1: block 1 of a v2 chain is an order-4 range (its KHO mark
 * genuine) that covers block 0, which the previous kernel also preserved
 * alone. Block 0 is claimed first, which clears its mark; block 1's inner
 * check then saw nothing and claimed block 0's page a second time.
 */
TEST(v2_block_covering_an_earlier_block)
{
	struct khoser_block_set bs;
	struct page *x;
	int lines;

	test_boot(true);
	x = contiguous(4);
	v2_header(page_address(x + 1), page_to_phys(x), 0, 64, 3);
	v2_header(page_address(x), 0, 4, 64, 5);
	CHECK_EQ(kho_preserve_pages(x + 1, 1), 0);
	CHECK_EQ(kho_preserve_pages(x, 16), 0);
	test_kexec(true);
	CHECK_EQ(khoser_block_set_init(&bs, 64), 0);
	lines = shim_err_lines;
	CHECK_EQ(khoser_block_set_restore(&bs, page_to_phys(x + 1)), -EINVAL);
	CHECK_EQ(shim_err_lines - lines, 1);
	CHECK(strstr(shim_last_log, "refused: already-claimed: range overlaps"));
	CHECK(strstr(shim_last_log, "block 1 at"));
	CHECK(khoser_block_set_is_empty(&bs));
	/* The order-4 range was never claimed: KHO keeps it (but X+1). */
	CHECK_EQ(shim_unclaimed_pages(), 15);
	check_clean();
}

/*
 * Bug 1, case 2 (lookup path): the previous kernel points the vbuf's
 * subtree at page X+1 (a copy of the real descriptor, preserved alone),
 * and the buffer's chunk (X, order 1) covers it. The root claims X+1 as
 * the descriptor; the chunk must not claim it again.
 */
TEST(vbuf_chunk_covering_its_descriptor)
{
	struct khoser_vbuf vb;
	struct page *x, *pg[2];
	u8 *buf;

	test_boot(true);
	x = contiguous(1);
	pg[0] = x;
	pg[1] = x + 1;
	buf = vmap(pg, 2, VM_MAP, PAGE_KERNEL);
	CHECK(buf);
	khoser_vbuf_init(&vb);
	CHECK_EQ(khoser_vbuf_preserve(&vb, buf, 2 * PAGE_SIZE), 0);
	CHECK_EQ(khoser_vbuf_nchunks(&vb), 1);
	CHECK_EQ(khoser_vbuf_publish(&vb, "v", COMPAT_VBUF), 0);
	CHECK_EQ(kho_preserve_pages(x + 1, 1), 0);
	test_kexec(true);
	memcpy(page_address(x + 1), test_incoming_desc("v"),
	       sizeof(struct khoser_root_ser));
	shim_set_incoming_subtree("khoser-v", page_to_phys(x + 1),
				  sizeof(struct khoser_root_ser));
	khoser_vbuf_init(&vb);
	CHECK_EQ(khoser_vbuf_lookup(&vb, "v", COMPAT_VBUF), -EINVAL);
	CHECK(strstr(shim_last_log, "refused: already-claimed"));
	CHECK(strstr(shim_last_log, "chunk 0"));
	CHECK(!khoser_vbuf_addr(&vb));
	CHECK_EQ(khoser_release("v"), 0);
	check_clean();
}

/*
 * Bug 1, case 3: another object's page, claimed and given back. Set "a"
 * (one v1 block at X+1, then a corrupt link) is refused and its block
 * released; set "b"'s v2 order-1 block at X covers X+1. The released page
 * is the allocator's now: claiming it again would own a free page.
 */
TEST(range_over_a_released_page)
{
	struct khoser_block_hdr *a;
	struct khoser_block_set bs;
	struct page *x;

	test_boot(true);
	x = contiguous(1);
	a = page_address(x + 1);
	a->next = 0x1234000;		/* not preserved: refused there */
	a->count = 1;
	v2_header(page_address(x), 0, 1, 64, 2);
	CHECK_EQ(kho_preserve_pages(x + 1, 1), 0);
	CHECK_EQ(kho_preserve_pages(x, 2), 0);
	test_kexec(true);
	CHECK_EQ(khoser_block_set_init(&bs, 64), 0);
	CHECK_EQ(khoser_block_set_restore(&bs, page_to_phys(x + 1)), -EINVAL);
	CHECK(strstr(shim_last_log, "block 1 at"));
	CHECK_EQ(khoser_block_set_init(&bs, 64), 0);
	CHECK_EQ(khoser_block_set_restore(&bs, page_to_phys(x)), -EINVAL);
	CHECK(strstr(shim_last_log,
		     "already-claimed: range overlaps pages claimed earlier"));
	CHECK_EQ(shim_unclaimed_pages(), 1);	/* X, never claimed */
	check_clean();
}

/*
 * Suspicion: retrying a lookup after a failed restore read the KHO mark of
 * pages the failed restore had freed. A freed page is someone else's: its
 * page->private is theirs (here made to look like a mark, as nothing stops
 * a new owner's value from doing). The retry must be refused by the
 * ledger before that field is read, not claim the page.
 */
TEST(lookup_retry_after_failed_restore)
{
	struct khoser_block_set bs;
	struct khoser_block_hdr *h;
	u64 head;
	int i;

	test_boot(true);
	CHECK_EQ(khoser_block_set_init(&bs, 64), 0);
	/* 4 blocks (200 entries) */
	CHECK_EQ(khoser_block_set_grow(&bs, 3 * PER64 + 11), 0);
	{
		struct khoser_block_set_it it;

		khoser_block_set_it_init(&it, &bs);
		for (i = 0; i < 3 * PER64 + 11; i++)
			test_fill(khoser_block_set_it_reserve_entry(&it), 64, 1,
				  i);
	}
	CHECK_EQ(khoser_block_set_publish(&bs, "b", COMPAT_BLOCK), 0);
	test_kexec(true);
	head = test_incoming_desc("b")->phys;
	h = phys_to_virt(head);
	((struct khoser_block_hdr *)phys_to_virt(h->next))->count = 0;
	CHECK_EQ(khoser_block_set_init(&bs, 64), 0);
	CHECK_EQ(khoser_block_set_lookup(&bs, "b", COMPAT_BLOCK), -EINVAL);
	CHECK(strstr(shim_last_log, "empty-block"));
	/* The head block was claimed and freed; a new owner's private. */
	pfn_to_page(PHYS_PFN(head))->private =
		(unsigned long)0x4b484f50U << 32;
	CHECK_EQ(khoser_block_set_init(&bs, 64), 0);
	CHECK_EQ(khoser_block_set_lookup(&bs, "b", COMPAT_BLOCK), -EINVAL);
	CHECK(strstr(shim_last_log, "already-claimed: page was claimed and released"));
	pfn_to_page(PHYS_PFN(head))->private = 0;
	CHECK_EQ(khoser_release("b"), 0);
	check_clean();
}

/* A restored, destroyed set: every page spent, one merged entry or few. */
TEST(ledger_spends_and_merges)
{
	struct khoser_ledger_stats st;
	struct khoser_block_set bs;
	u64 nblocks;

	test_boot(true);
	CHECK_EQ(khoser_block_set_init(&bs, 64), 0);
	CHECK_EQ(khoser_block_set_grow(&bs, PER64 * 40), 0);
	nblocks = bs.nblocks;
	CHECK_EQ(nblocks, 40);
	{
		struct khoser_block_set_it it;
		int i;

		khoser_block_set_it_init(&it, &bs);
		for (i = 0; i < PER64 * 40; i++)
			test_fill(khoser_block_set_it_reserve_entry(&it), 64, 2,
				  i);
	}
	CHECK_EQ(khoser_block_set_publish(&bs, "m", COMPAT_BLOCK), 0);
	test_kexec(true);
	CHECK_EQ(khoser_block_set_init(&bs, 64), 0);
	CHECK_EQ(khoser_block_set_lookup(&bs, "m", COMPAT_BLOCK), 0);
	khoser_kho_ledger_stats(&st);
	CHECK_EQ(st.owned, nblocks + 1);	/* and the descriptor */
	CHECK_EQ(st.ranges, 2);		/* contiguous blocks: one */
	CHECK_EQ(st.spent, 0);
	{
		char buf[512];

		CHECK(shim_debugfs_read("khoser/status", buf, sizeof(buf)) > 0);
		snprintf(buf + 256, 64, "claimed_pages\t%llu\n",
			 (unsigned long long)nblocks + 1);
		CHECK(strstr(buf, buf + 256));
		CHECK(strstr(buf, "released_pages\t0\nledger_ranges\t2\n"));
	}
	CHECK_EQ(khoser_block_set_destroy(&bs), 0);
	CHECK_EQ(khoser_release("m"), 0);
	khoser_kho_ledger_stats(&st);
	CHECK_EQ(st.owned, 0);
	CHECK_EQ(st.spent, nblocks + 1);
	/* The shim allocates blocks in address order: they merge. */
	CHECK(st.ranges <= 2);
	check_clean();
}

/* The ledger alone: room, merging claims, carving releases. */
TEST(ledger_ranges)
{
	struct khoser_ledger_stats st;
	bool owned = false;

	test_boot(true);
	khoser_ledger_init();
	CHECK_EQ(khoser_ledger_reserve(), 0);
	khoser_ledger_add(100, 4);		/* [100, 104) */
	CHECK_EQ(khoser_ledger_reserve(), 0);
	khoser_ledger_add(104, 4);		/* extends it: [100, 108) */
	CHECK_EQ(khoser_ledger_reserve(), 0);
	khoser_ledger_add(120, 1);
	khoser_ledger_stats(&st);
	CHECK_EQ(st.ranges, 2);
	CHECK_EQ(st.owned, 9);
	CHECK_EQ(khoser_ledger_room(96, 16, &owned), 4);
	CHECK_EQ(khoser_ledger_room(107, 1, &owned), 0);
	CHECK(owned);
	CHECK_EQ(khoser_ledger_room(108, 100, &owned), 12);
	CHECK_EQ(khoser_ledger_room(121, 1024, &owned), 1024);
	CHECK(!khoser_ledger_spend(99, 2));	/* not all owned */
	CHECK(!khoser_ledger_spend(107, 2));
	CHECK(khoser_ledger_spend(101, 1));	/* a hole in the middle */
	khoser_ledger_stats(&st);
	CHECK_EQ(st.ranges, 4);
	CHECK(!khoser_ledger_spend(101, 1));	/* spent already */
	CHECK_EQ(khoser_ledger_room(101, 1, &owned), 0);
	CHECK(!owned);
	CHECK_EQ(khoser_ledger_room(102, 1, &owned), 0);
	CHECK(owned);
	CHECK(khoser_ledger_spend(100, 1));	/* joins the hole */
	CHECK(khoser_ledger_spend(106, 2));	/* the tail, on its own */
	khoser_ledger_stats(&st);
	CHECK_EQ(st.ranges, 4);
	CHECK(khoser_ledger_spend(102, 4));	/* joins both neighbours */
	CHECK(khoser_ledger_spend(120, 1));
	khoser_ledger_stats(&st);
	CHECK_EQ(st.ranges, 2);
	CHECK_EQ(st.spent, 9);
	CHECK_EQ(st.owned, 0);
	CHECK_EQ(khoser_ledger_room(95, 16, &owned), 5);
	CHECK_EQ(khoser_ledger_reserve(), 0);
	khoser_ledger_add(10, 1);		/* below every entry */
	CHECK_EQ(khoser_ledger_room(10, 1, &owned), 0);
	CHECK_EQ(khoser_ledger_room(11, 200, &owned), 89);
	khoser_ledger_clear();
	test_exit();
	CHECK(test_all_freed());
}

/*
 * Claims in random address order, and releases of any part of them,
 * against a flat map of the same pages: room, owned or spent, and which
 * releases are refused agree with it everywhere, across chunks.
 */
TEST(ledger_random_against_a_map)
{
	static signed char map[4096];	/* 0 free, 1 owned, -1 spent */
	static unsigned long starts[4096], lens[4096];
	unsigned long pfn, n, i, k, nr = 0, room, want, a, b;
	struct khoser_ledger_stats st;
	long owned_pages = 0;
	bool owned, all;
	u64 seed = 3;
	int round;

	test_boot(true);
	khoser_ledger_init();
	memset(map, 0, sizeof(map));
	for (round = 0; round < 30000; round++) {
		pfn = test_rand(&seed) % 4000;
		n = 1 + test_rand(&seed) % 8;
		room = khoser_ledger_room(pfn, n, &owned);
		for (want = 0; want < n && !map[pfn + want]; want++)
			;
		CHECK_EQ(room, want);
		if (!room)
			CHECK_EQ(owned, map[pfn] > 0);
		if (room == n && test_rand(&seed) % 2) {
			CHECK_EQ(khoser_ledger_reserve(), 0);
			khoser_ledger_add(pfn, n);
			for (i = 0; i < n; i++)
				map[pfn + i] = 1;
			owned_pages += n;
			starts[nr] = pfn;
			lens[nr++] = n;
		} else if (nr) {
			k = test_rand(&seed) % nr;
			a = test_rand(&seed) % lens[k];
			b = 1 + test_rand(&seed) % (lens[k] - a);
			all = true;
			for (i = 0; i < b; i++)
				all &= map[starts[k] + a + i] == 1;
			CHECK_EQ(khoser_ledger_spend(starts[k] + a, b), all);
			if (all) {
				for (i = 0; i < b; i++)
					map[starts[k] + a + i] = -1;
				owned_pages -= b;
			}
		}
		khoser_ledger_stats(&st);
		CHECK_EQ(st.owned, owned_pages);
	}
	khoser_ledger_clear();
	test_exit();
	CHECK(test_all_freed());
}

/*
 * The ledger lives as long as the module (README): after an unload and a
 * load in the same boot, an object the earlier load restored cannot be
 * looked up again, its KHO marks being gone; and nothing leaks.
 */
TEST(ledger_starts_empty_after_reload)
{
	struct khoser_ledger_stats st;
	struct khoser_block_set bs;

	test_boot(true);
	CHECK_EQ(khoser_block_set_init(&bs, 64), 0);
	CHECK_EQ(khoser_block_set_grow(&bs, 10), 0);
	{
		struct khoser_block_set_it it;

		khoser_block_set_it_init(&it, &bs);
		test_fill(khoser_block_set_it_reserve_entry(&it), 64, 4, 0);
	}
	CHECK_EQ(khoser_block_set_publish(&bs, "r", COMPAT_BLOCK), 0);
	test_kexec(true);
	CHECK_EQ(khoser_block_set_init(&bs, 64), 0);
	CHECK_EQ(khoser_block_set_lookup(&bs, "r", COMPAT_BLOCK), 0);
	CHECK_EQ(khoser_block_set_destroy(&bs), 0);
	test_exit();
	CHECK_EQ(shim_module_init(), 0);
	khoser_kho_ledger_stats(&st);
	CHECK_EQ(st.ranges, 0);
	CHECK_EQ(khoser_block_set_init(&bs, 64), 0);
	CHECK_EQ(khoser_block_set_lookup(&bs, "r", COMPAT_BLOCK), -EINVAL);
	CHECK(strstr(shim_last_log, "not-preserved"));
	check_clean();
}

/*
 * Real threads: a v1 chain whose block is X+1 against a v2 chain whose
 * order-4 block X covers it, each restored by two threads at once, over
 * and over. The claim lock makes the ledger check and the restore one
 * step: exactly one restore wins, the others are refused (by the ledger,
 * or by X+1's own mark), no page is claimed twice, nothing WARNs.
 */
#define OVERLAP_RACES 300

struct overlap_race {
	struct page *x[OVERLAP_RACES];
	struct khoser_block_set bs[4];
	int err[4];
};

static void overlap_setup(void *arg, unsigned long iter)
{
	struct overlap_race *r = arg;
	int i;

	for (i = 0; i < 4; i++)
		if (khoser_block_set_init(&r->bs[i], 64))
			abort();
}

/* Threads 0 and 1 restore the v1 chain at X+1, 2 and 3 the v2 one at X. */
static void overlap_one(struct overlap_race *r, unsigned long iter, int t)
{
	r->err[t] = khoser_block_set_restore(&r->bs[t],
					     page_to_phys(r->x[iter] +
							  (t < 2)));
}

static void overlap_0(void *arg, unsigned long iter)
{
	overlap_one(arg, iter, 0);
}

static void overlap_1(void *arg, unsigned long iter)
{
	overlap_one(arg, iter, 1);
}

static void overlap_2(void *arg, unsigned long iter)
{
	overlap_one(arg, iter, 2);
}

static void overlap_3(void *arg, unsigned long iter)
{
	overlap_one(arg, iter, 3);
}

static void overlap_check(void *arg, unsigned long iter)
{
	struct overlap_race *r = arg;
	int i, won = 0;

	for (i = 0; i < 4; i++) {
		if (r->err[i] && r->err[i] != -EINVAL)
			abort();
		if (!r->err[i] && khoser_block_set_entries(&r->bs[i]) !=
				  (i < 2 ? 3 : 5))
			abort();
		won += !r->err[i];
	}
	if (won != 1 || shim_warns)
		abort();
	for (i = 0; i < 4; i++)
		if (khoser_block_set_destroy(&r->bs[i]))
			abort();
}

TEST(overlapping_restores_race)
{
	static struct overlap_race r;
	struct shim_race race = {
		.setup = overlap_setup,
		.fn = { overlap_0, overlap_1, overlap_2, overlap_3 },
		.check = overlap_check, .arg = &r,
	};
	struct khoser_block_hdr *h;
	unsigned int i;

	test_boot(true);
	for (i = 0; i < OVERLAP_RACES; i++) {
		r.x[i] = contiguous(4);
		h = page_address(r.x[i] + 1);
		h->next = 0;
		h->count = 3;
		v2_header(page_address(r.x[i]), 0, 4, 64, 5);
		CHECK_EQ(kho_preserve_pages(r.x[i] + 1, 1), 0);
		CHECK_EQ(kho_preserve_pages(r.x[i], 16), 0);
	}
	test_kexec(true);
	shim_race(&race, OVERLAP_RACES);
	CHECK_EQ(shim_warns, 0);
	check_clean();
}

/* Red-black invariants of the shim's tree under random inserts/erases. */
struct num {
	struct rb_node node;
	u64 key;
};

TEST(shim_rbtree_balanced)
{
	struct rb_root root = RB_ROOT;
	static struct num nums[4096];
	struct rb_node **link, *parent, *n;
	u64 st = 7, prev;
	unsigned int i, live = 0, depth, maxdepth;

	for (i = 0; i < ARRAY_SIZE(nums); i++) {
		nums[i].key = test_rand(&st) % 100000;
		link = &root.rb_node;
		parent = NULL;
		while (*link) {
			parent = *link;
			link = nums[i].key < rb_entry(parent, struct num,
						      node)->key ?
			       &parent->rb_left : &parent->rb_right;
		}
		rb_link_node(&nums[i].node, parent, link);
		rb_insert_color(&nums[i].node, &root);
		live++;
		if (i % 3 == 2) {	/* erase an earlier one */
			rb_erase(&nums[i / 2].node, &root);
			nums[i / 2].key = U64_MAX;	/* erased */
			live--;
		}
		CHECK(shim_rb_valid(&root));
	}
	/* In order, every live node once; height within 2 log2(n + 1). */
	prev = 0;
	i = 0;
	for (n = rb_first(&root); n; n = rb_next(n), i++) {
		CHECK(rb_entry(n, struct num, node)->key >= prev);
		prev = rb_entry(n, struct num, node)->key;
	}
	CHECK_EQ(i, live);
	maxdepth = 0;
	for (n = rb_first(&root); n; n = rb_next(n)) {
		const struct rb_node *p = n;

		for (depth = 0; p; depth++)
			p = rb_parent(p);
		maxdepth = max(maxdepth, depth);
	}
	CHECK(maxdepth <= 2 * (ilog2(live + 1) + 1));
	for (n = rb_last(&root), i = 0; n; n = rb_prev(n))
		i++;
	CHECK_EQ(i, live);
}

static const struct test_case cases[] = {
	TEST_ENTRY(v2_block_covering_an_earlier_block),
	TEST_ENTRY(vbuf_chunk_covering_its_descriptor),
	TEST_ENTRY(range_over_a_released_page),
	TEST_ENTRY(lookup_retry_after_failed_restore),
	TEST_ENTRY(overlapping_restores_race),
	TEST_ENTRY(ledger_starts_empty_after_reload),
	TEST_ENTRY(ledger_spends_and_merges),
	TEST_ENTRY(ledger_ranges),
	TEST_ENTRY(ledger_random_against_a_map),
	TEST_ENTRY(shim_rbtree_balanced),
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, ARRAY_SIZE(cases));
}
