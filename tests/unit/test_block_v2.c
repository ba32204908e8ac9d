// SPDX-License-Identifier: GPL-2.0-only
/*
 * Block format version 2 ("khoser-block-v2"): self-describing headers,
 * CRC32C, blocks of order 0 to 4 with fallback, version sets on lookup, the
 * vbuf's chunk-list dependency and write_format.
 */
#include <linux/crc32c.h>
#include "test.h"
#include "../../src/block_int.h"

#define V2 "kt-v1;khoser-block-v2"
#define V1 "kt-v1;khoser-block-v1"
#define V12 "kt-v1;khoser-block-v1,2"

/* A v2 set of @esz-byte entries, largest order @order, @n entries written. */
static int write_v2(struct khoser_block_set *bs, size_t esz,
		    unsigned int order, unsigned int flags, u64 n, u64 seed)
{
	struct khoser_block_set_it it;
	u64 i;
	void *e;
	int err;

	err = khoser_block_set_init(bs, esz);
	if (!err)
		err = khoser_block_set_set_format(bs, 2, order, flags);
	if (!err)
		err = khoser_block_set_set_max_blocks(bs, 100000);
	if (!err)
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
	return 0;
}

/* Every entry of @bs as written by write_v2(@seed), @n of them. */
static bool all_there(struct khoser_block_set *bs, size_t esz, u64 n,
		      u64 seed)
{
	struct khoser_block_set_it it;
	u64 i = 0;
	void *e;

	khoser_block_set_it_init(&it, bs);
	while ((e = khoser_block_set_it_read_entry(&it)))
		if (i >= n || !test_verify(e, esz, seed, i++))
			return false;
	return i == n;
}

TEST(round_trip_orders_and_sizes)
{
	static const size_t sizes[] = { 1, 8, 64, 500, KHOSER_BLOCK2_MAX_ENTRY };
	unsigned int s, order;
	struct khoser_block_set out, in;
	u64 n;

	for (order = 0; order <= KHOSER_BLOCK_V2_MAX_ORDER; order += 4) {
		for (s = 0; s < ARRAY_SIZE(sizes); s++) {
			n = 3 * KHOSER_BLOCK2_CAPACITY(sizes[s], order) + 1;
			test_boot(true);
			CHECK_EQ(write_v2(&out, sizes[s], order, KHOSER_BLOCK_F_CRC,
					  n, s), 0);
			CHECK_EQ(out.nblocks, 4);
			CHECK_EQ(khoser_block_set_publish(&out, "s", V2), 0);
			test_kexec(true);
			CHECK_EQ(khoser_block_set_init(&in, sizes[s]), 0);
			CHECK_EQ(khoser_block_set_lookup(&in, "s", V12), 0);
			CHECK_EQ(khoser_block_set_format(&in), 2);
			CHECK_EQ(in.flags, KHOSER_BLOCK_F_CRC);
			CHECK_EQ(in.nblocks, 4);
			CHECK_EQ(in.blk[0].order, order);
			CHECK(all_there(&in, sizes[s], n, s));
			CHECK_EQ(khoser_block_set_destroy(&in), 0);
			test_exit();
			CHECK(test_all_freed());
		}
	}
}

/*
 * A full v2 set's descriptor passes the checks an older khoser (reading
 * only v1) runs before it compares compatible strings: its pages times a v1
 * page's capacity hold its entries, within its bound. That reader then
 * refuses it with -EPROTO naming both versions, not as corrupt.
 */
TEST(descriptor_plausible_to_a_v1_reader)
{
	static const size_t sizes[] = {
		1, 8, 64, 1000, 2048, KHOSER_BLOCK2_MAX_ENTRY	/* 4064 */
	};
	const struct khoser_root_ser *d;
	struct khoser_block_set bs;
	unsigned int s;
	u64 n;

	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		test_boot(true);
		n = 3 * KHOSER_BLOCK2_CAPACITY(sizes[s], 4);
		CHECK_EQ(write_v2(&bs, sizes[s], 4, KHOSER_BLOCK_F_CRC, n, s), 0);
		CHECK_EQ(khoser_block_set_publish(&bs, "p", V2), 0);
		test_kexec(true);
		d = test_incoming_desc("p");
		CHECK_EQ(d->nblocks, 3 << 4);		/* pages */
		CHECK_EQ(d->entries, n);
		CHECK(d->entries <= d->nblocks * KHOSER_BLOCK_CAPACITY(d->size));
		CHECK(d->nblocks <= d->max_blocks);
		CHECK(d->entries >= d->nblocks >> 4);
		CHECK_EQ(khoser_block_set_init(&bs, sizes[s]), 0);
		CHECK_EQ(khoser_block_set_lookup(&bs, "p", V2), 0);
		CHECK(all_there(&bs, sizes[s], n, s));
		CHECK_EQ(khoser_block_set_destroy(&bs), 0);
		test_exit();
	}
}

/* The header as the ABI says, CRC included, recomputed independently. */
TEST(header_bytes_and_crc)
{
	struct khoser_block_set bs;
	const struct khoser_block2_hdr *h;
	const u8 *p;
	u32 crc;

	test_boot(true);
	CHECK_EQ(write_v2(&bs, 24, 1, KHOSER_BLOCK_F_CRC, 5, 7), 0);
	CHECK_EQ(khoser_block_set_seal(&bs), 0);
	h = bs.blk[0].hdr;
	p = (const u8 *)h;
	CHECK_EQ(h->next, 0);
	CHECK(!memcmp(p + 8, "KBS2", 4));
	CHECK_EQ(h->version, 2);
	CHECK_EQ(h->order, 1);
	CHECK_EQ(h->flags, KHOSER_BLOCK_F_CRC);
	CHECK_EQ(h->entry_size, 24);
	CHECK_EQ(h->count, 5);
	CHECK(test_verify(p + 32, 24, 7, 0));
	/* The shim's crc32c() is CRC32C: the check value of "123456789". */
	CHECK_EQ(~crc32c(~0U, "123456789", 9), 0xe3069283);
	CHECK_EQ(~crc32c(~0U, "123456789abcdefgh", 17),
		 ~crc32c(crc32c(~0U, "123456789", 9), "abcdefgh", 8));
	crc = crc32c(~0U, p, 20);
	crc = ~crc32c(crc, p + 24, 8 + 5 * 24);
	CHECK_EQ(h->crc, crc);
	/* A version 1 reader sees a count no block can hold. */
	CHECK(((const struct khoser_block_hdr *)h)->count >
	      KHOSER_BLOCK_CAPACITY(1));
	CHECK_EQ(khoser_block_set_destroy(&bs), 0);
	test_exit();
	CHECK(test_all_freed());
}

TEST(grow_falls_back_to_smaller_orders)
{
	struct khoser_block_set bs, in;
	u64 cap4 = KHOSER_BLOCK2_CAPACITY(64, 4);
	u64 n = 2 * cap4 + 3 * KHOSER_BLOCK2_CAPACITY(64, 1);
	struct khoser_block_set_it it;
	u64 i;

	test_boot(true);
	CHECK_EQ(khoser_block_set_init(&bs, 64), 0);
	CHECK_EQ(khoser_block_set_set_format(&bs, 2, 4, KHOSER_BLOCK_F_CRC), 0);
	CHECK_EQ(khoser_block_set_grow(&bs, 2 * cap4), 0);
	shim_frag_order = 1;		/* no more than 2 pages at once */
	CHECK_EQ(khoser_block_set_grow(&bs, n), 0);
	CHECK_EQ(bs.nblocks, 5);
	CHECK_EQ(bs.blk[1].order, 4);
	CHECK_EQ(bs.blk[2].order, 1);
	shim_frag_order = 0;		/* only pages */
	CHECK_EQ(khoser_block_set_grow(&bs, n + 1), 0);
	CHECK_EQ(bs.blk[5].order, 0);
	shim_frag_order = MAX_PAGE_ORDER;
	khoser_block_set_it_init(&it, &bs);
	for (i = 0; i < n + 1; i++)
		test_fill(khoser_block_set_it_reserve_entry(&it), 64, 3, i);
	CHECK(!khoser_block_set_it_reserve_entry(&it) ||
	      khoser_block_set_entries(&bs) > n + 1);
	CHECK_EQ(khoser_block_set_shrink(&bs, n + 1), 0);
	CHECK_EQ(khoser_block_set_publish(&bs, "mix", V2), 0);
	test_kexec(true);
	CHECK_EQ(khoser_block_set_init(&in, 64), 0);
	CHECK_EQ(khoser_block_set_lookup(&in, "mix", V2), 0);
	CHECK_EQ(in.nblocks, 6);
	CHECK_EQ(in.blk[0].order + in.blk[2].order + in.blk[5].order, 5);
	CHECK(all_there(&in, 64, n + 1, 3));
	CHECK_EQ(khoser_block_set_destroy(&in), 0);
	test_exit();
	CHECK(test_all_freed());
}

/* A published 3-block v2 set of 16-byte entries, after kexec. */
static void three_blocks(unsigned int flags)
{
	struct khoser_block_set bs;

	test_boot(true);
	if (write_v2(&bs, 16, 0, flags, 2 * KHOSER_BLOCK2_CAPACITY(16, 0) + 9,
		     5) ||
	    khoser_block_set_publish(&bs, "t", V2))
		abort();
	test_kexec(true);
}

static struct khoser_block2_hdr *block(unsigned int i)
{
	u64 pa = test_incoming_desc("t")->phys;

	while (i--)
		pa = ((struct khoser_block2_hdr *)phys_to_virt(pa))->next;
	return phys_to_virt(pa);
}

/* The lookup is refused with @err and one line naming @why and block @idx. */
static void refused(int err, const char *why, unsigned int idx)
{
	struct khoser_block_set bs;
	char where[32];
	int lines = shim_err_lines;

	CHECK_EQ(khoser_block_set_init(&bs, 16), 0);
	CHECK_EQ(khoser_block_set_lookup(&bs, "t", V12), err);
	CHECK_EQ(shim_err_lines, lines + 1);
	CHECK(strstr(shim_last_log, why));
	snprintf(where, sizeof(where), "block %u ", idx);
	CHECK(strstr(shim_last_log, where));
	CHECK(khoser_block_set_is_empty(&bs));
	CHECK_EQ(bs.blk, NULL);
	test_exit();
	CHECK_EQ(shim_live_allocs(), 0);
	CHECK_EQ(shim_used_pages(), shim_unclaimed_pages());
}

TEST(every_field_checked)
{
	three_blocks(KHOSER_BLOCK_F_CRC);
	block(1)->magic ^= 1;
	refused(-EINVAL, "bad-magic", 1);
	three_blocks(KHOSER_BLOCK_F_CRC);
	block(2)->version = 3;
	refused(-EINVAL, "bad-version", 2);
	three_blocks(KHOSER_BLOCK_F_CRC);
	block(0)->order = 1;
	refused(-EINVAL, "order-mismatch", 0);
	three_blocks(KHOSER_BLOCK_F_CRC);
	block(1)->flags |= 0x80;
	refused(-EINVAL, "bad-flags", 1);
	three_blocks(KHOSER_BLOCK_F_CRC);
	block(2)->flags = 0;
	refused(-EINVAL, "flags-mixed", 2);
	three_blocks(KHOSER_BLOCK_F_CRC);
	block(1)->entry_size = 8;
	refused(-EINVAL, "entry-size", 1);
	three_blocks(0);
	block(1)->count = 0;
	refused(-EINVAL, "empty-block", 1);
	three_blocks(0);
	block(2)->count = KHOSER_BLOCK2_CAPACITY(16, 0) + 1;
	refused(-EINVAL, "count-over-capacity", 2);
	three_blocks(0);
	block(0)->crc = 1;
	refused(-EINVAL, "bad-crc-field", 0);
	three_blocks(KHOSER_BLOCK_F_CRC);
	((u8 *)(block(1) + 1))[77] ^= 0x10;	/* one bit of an entry */
	refused(-EINVAL, "crc: CRC32C of the block does not match", 1);
	three_blocks(KHOSER_BLOCK_F_CRC);
	block(2)->crc ^= 1;
	refused(-EINVAL, "crc:", 2);
	three_blocks(0);		/* a CRC would cover the link */
	block(1)->next = test_incoming_desc("t")->phys;
	refused(-EINVAL, "cycle", 2);
	three_blocks(KHOSER_BLOCK_F_CRC);
	block(1)->next = test_incoming_desc("t")->phys;
	refused(-EINVAL, "crc:", 1);
}

/* Without the CRC flag, a flipped bit is not detected: by design. */
TEST(flip_without_crc_goes_unnoticed)
{
	struct khoser_block_set bs;

	three_blocks(0);
	((u8 *)(block(1) + 1))[77] ^= 0x10;
	CHECK_EQ(khoser_block_set_init(&bs, 16), 0);
	CHECK_EQ(khoser_block_set_lookup(&bs, "t", V2), 0);
	CHECK(!all_there(&bs, 16, 2 * KHOSER_BLOCK2_CAPACITY(16, 0) + 9, 5));
	CHECK_EQ(khoser_block_set_destroy(&bs), 0);
}

TEST(format_named_must_be_found)
{
	struct khoser_root_ser *d;
	struct khoser_block_set bs;
	char *v;

	three_blocks(KHOSER_BLOCK_F_CRC);
	d = test_incoming_desc("t");
	v = strstr(d->compat, "block-v2");
	CHECK(v);
	v[7] = '1';			/* the descriptor now says v1 */
	refused(-EINVAL, "format-mismatch", 0);
	CHECK(strstr(shim_last_log, "khoser-block-v1 named, v2 found"));
	/* A failed lookup leaves the set's own format as it was. */
	three_blocks(KHOSER_BLOCK_F_CRC);
	block(1)->magic ^= 1;
	CHECK_EQ(khoser_block_set_init(&bs, 16), 0);
	CHECK_EQ(khoser_block_set_lookup(&bs, "t", V12), -EINVAL);
	CHECK_EQ(khoser_block_set_format(&bs), 1);
	CHECK_EQ(bs.flags, 0);
	/* A v1-only reader refuses v2 data by its string, before the chain. */
	three_blocks(KHOSER_BLOCK_F_CRC);
	CHECK_EQ(khoser_block_set_init(&bs, 16), 0);
	CHECK_EQ(khoser_block_set_lookup(&bs, "t", V1), -EPROTO);
	CHECK(strstr(shim_last_log, "khoser-block: expected v1, found v2"));
	CHECK(khoser_block_set_is_empty(&bs));
}

TEST(raw_restore_tells_the_format)
{
	struct khoser_block_set bs, in;
	u64 head;

	test_boot(true);
	CHECK_EQ(write_v2(&bs, 40, 2, KHOSER_BLOCK_F_CRC, 500, 1), 0);
	CHECK_EQ(khoser_block_set_seal(&bs), 0);
	head = khoser_block_set_head_pa(&bs);
	test_kexec(true);
	CHECK_EQ(khoser_block_set_init(&in, 40), 0);
	CHECK_EQ(khoser_block_set_restore(&in, head), 0);
	CHECK_EQ(khoser_block_set_format(&in), 2);
	CHECK_EQ(strcmp(khoser_block_set_compat(&in), "khoser-block-v2"), 0);
	CHECK(all_there(&in, 40, 500, 1));
	CHECK_EQ(khoser_block_set_destroy(&in), 0);
	test_exit();
	CHECK(test_all_freed());
}

/* Entries written after publish are covered: the kexec seal redoes CRCs. */
TEST(kexec_seal_refreshes_crc)
{
	struct khoser_block_set bs, in;
	struct khoser_block_set_it it;
	u64 i, n = KHOSER_BLOCK2_CAPACITY(32, 0);

	test_boot(true);
	/* Publish seals: the one block it keeps is filled up afterwards. */
	CHECK_EQ(write_v2(&bs, 32, 0, KHOSER_BLOCK_F_CRC, 10, 4), 0);
	CHECK_EQ(khoser_block_set_publish(&bs, "late", V2), 0);
	khoser_block_set_it_init(&it, &bs);
	for (i = 0; i < n; i++)
		test_fill(khoser_block_set_it_reserve_entry(&it), 32, 4, i);
	test_kexec(true);
	CHECK_EQ(khoser_block_set_init(&in, 32), 0);
	CHECK_EQ(khoser_block_set_lookup(&in, "late", V2), 0);
	CHECK(all_there(&in, 32, n, 4));
	CHECK_EQ(khoser_block_set_destroy(&in), 0);
}

TEST(set_format_refusals)
{
	struct khoser_block_set bs;

	test_boot(true);
	CHECK_EQ(khoser_block_set_init(&bs, 64), 0);
	CHECK_EQ(khoser_block_set_format(&bs), 1);
	CHECK_EQ(khoser_block_set_set_format(&bs, 3, 0, 0), -EINVAL);
	CHECK_EQ(khoser_block_set_set_format(&bs, 1, 1, 0), -EINVAL);
	CHECK_EQ(khoser_block_set_set_format(&bs, 1, 0, KHOSER_BLOCK_F_CRC),
		 -EINVAL);
	CHECK_EQ(khoser_block_set_set_format(&bs, 2, 5, 0), -EINVAL);
	CHECK_EQ(khoser_block_set_set_format(&bs, 2, 0, 2), -EINVAL);
	CHECK_EQ(khoser_block_set_grow(&bs, 1), 0);
	CHECK_EQ(khoser_block_set_set_format(&bs, 2, 0, 0), -EBUSY);
	CHECK_EQ(khoser_block_set_destroy(&bs), 0);
	CHECK_EQ(khoser_block_set_init(&bs, KHOSER_BLOCK2_MAX_ENTRY + 1), 0);
	CHECK_EQ(khoser_block_set_set_format(&bs, 2, 0, 0), -EINVAL);
	/* The string must name the format the set writes. */
	CHECK_EQ(khoser_block_set_init(&bs, 64), 0);
	CHECK_EQ(khoser_block_set_set_format(&bs, 2, 0, 0), 0);
	CHECK_EQ(khoser_block_set_grow(&bs, 1), 0);
	CHECK(khoser_block_set_it_reserve_entry(
		&(struct khoser_block_set_it){ .bs = &bs, .entry_size = 64 }));
	CHECK_EQ(khoser_block_set_publish(&bs, "w", V1), -EINVAL);
	CHECK(strstr(shim_last_log, "must name khoser-block-v2"));
	CHECK_EQ(khoser_block_set_publish(&bs, "w", V2), 0);
	test_exit();
}

TEST(fail_nth_grow_and_restore)
{
	struct khoser_block_set bs;
	u64 n = 3 * KHOSER_BLOCK2_CAPACITY(64, 2);
	long k;
	int err;

	/* Order 0: every allocation is one that can fail the grow. */
	for (k = 1;; k++) {
		test_boot(true);
		shim_fail_reset(k);
		err = write_v2(&bs, 64, 0, KHOSER_BLOCK_F_CRC,
			       3 * KHOSER_BLOCK2_CAPACITY(64, 0), 2);
		shim_fail_reset(0);
		if (!err)
			break;
		CHECK_EQ(err, -ENOMEM);
		CHECK(khoser_block_set_is_empty(&bs));
		test_exit();
		CHECK(test_all_freed());
	}
	CHECK(k > 4);	/* the array, three blocks and KHO's own */
	CHECK_EQ(khoser_block_set_destroy(&bs), 0);
	/* Order 2: a failed large block falls back to a smaller one. */
	test_boot(true);
	shim_fail_reset(2);
	CHECK_EQ(write_v2(&bs, 64, 2, KHOSER_BLOCK_F_CRC, n, 2), 0);
	shim_fail_reset(0);
	CHECK_EQ(bs.blk[0].order, 1);
	CHECK_EQ(khoser_block_set_destroy(&bs), 0);
	for (k = 1;; k++) {
		test_boot(true);
		if (write_v2(&bs, 64, 2, KHOSER_BLOCK_F_CRC, n, 2) ||
		    khoser_block_set_publish(&bs, "f", V2))
			abort();
		test_kexec(true);
		CHECK_EQ(khoser_block_set_init(&bs, 64), 0);
		shim_fail_reset(k);
		err = khoser_block_set_lookup(&bs, "f", V12);
		shim_fail_reset(0);
		if (!err)
			break;
		CHECK_EQ(err, -ENOMEM);
		CHECK(khoser_block_set_is_empty(&bs));
		test_exit();
		CHECK_EQ(shim_live_allocs(), 0);
		CHECK_EQ(shim_used_pages(), shim_unclaimed_pages());
	}
	CHECK(all_there(&bs, 64, n, 2));
	CHECK_EQ(khoser_block_set_destroy(&bs), 0);
}

/* The vbuf's chunk list: v2 names itself in the string; write_format=1 not. */
TEST(vbuf_chunk_list_dependency)
{
	static const unsigned int fmts[] = { 2, 1 };
	struct khoser_vbuf vb, in;
	unsigned int f;
	char buf[KHOSER_COMPAT_LEN];
	u8 *data;

	for (f = 0; f < ARRAY_SIZE(fmts); f++) {
		test_boot(true);
		snprintf(buf, sizeof(buf), "%u\n", fmts[f]);
		CHECK_EQ(shim_param_write("write_format", buf), 0);
		data = vmalloc(5 * PAGE_SIZE);
		CHECK(data);
		test_fill(data, 5 * PAGE_SIZE, 9, f);
		khoser_vbuf_init(&vb);
		CHECK_EQ(khoser_vbuf_preserve(&vb, data, 5 * PAGE_SIZE), 0);
		CHECK_EQ(khoser_vbuf_publish(&vb, "vb", "kt-v1;khoser-vbuf-v1"), 0);
		test_kexec(true);
		CHECK(khoser_incoming_compat("vb", buf, sizeof(buf)) > 0);
		CHECK_EQ(strcmp(buf, fmts[f] == 2 ?
				"kt-v1;khoser-block-v2;khoser-vbuf-v1" :
				"kt-v1;khoser-vbuf-v1"), 0);
		khoser_vbuf_init(&in);
		CHECK_EQ(khoser_vbuf_lookup(&in, "vb", "kt-v1;khoser-vbuf-v1"), 0);
		CHECK_EQ(khoser_block_set_format(&in.chunks), fmts[f]);
		CHECK(test_verify(khoser_vbuf_addr(&in), 5 * PAGE_SIZE, 9, f));
		CHECK_EQ(khoser_vbuf_destroy(&in), 0);
		test_exit();
		CHECK(test_all_freed());
	}
}

TEST(write_format_parameter)
{
	char buf[16];

	test_boot(true);
	CHECK_EQ(shim_param_read("write_format", buf, sizeof(buf)), 2);
	CHECK_EQ(strcmp(buf, "2\n"), 0);
	CHECK_EQ(shim_param_write("write_format", "1"), 0);
	CHECK_EQ(khoser_own_format, 1);
	CHECK_EQ(shim_param_write("write_format", "3"), -EINVAL);
	CHECK_EQ(shim_param_write("write_format", "0"), -EINVAL);
	CHECK_EQ(shim_param_write("write_format", "two"), -EINVAL);
	CHECK_EQ(shim_param_write("write_format", ""), -EINVAL);
	CHECK_EQ(khoser_own_format, 1);
	CHECK_EQ(shim_param_write("write_format", "0x2"), 0);
	CHECK_EQ(khoser_own_format, 2);
	test_exit();
}

/* A bit flipped in a v2 chunk list: refused by its CRC, nothing mapped. */
TEST(vbuf_chunk_list_crc)
{
	struct khoser_vbuf vb, in;
	struct khoser_vbuf_hdr *h;
	u8 *data;

	test_boot(true);
	data = vmalloc(3 * PAGE_SIZE);
	CHECK(data);
	khoser_vbuf_init(&vb);
	CHECK_EQ(khoser_vbuf_preserve(&vb, data, 3 * PAGE_SIZE), 0);
	CHECK_EQ(khoser_vbuf_publish(&vb, "vb", "kt-v1;khoser-vbuf-v1"), 0);
	test_kexec(true);
	h = phys_to_virt(test_incoming_desc("vb")->phys);
	((u8 *)phys_to_virt(h->chunks))[32] ^= 0x40;
	khoser_vbuf_init(&in);
	CHECK_EQ(khoser_vbuf_lookup(&in, "vb", "kt-v1;khoser-vbuf-v1"), -EINVAL);
	CHECK(strstr(shim_last_log, "crc"));
	test_exit();
	CHECK_EQ(shim_live_allocs(), 0);
	CHECK_EQ(shim_used_pages(), shim_unclaimed_pages());
}

static const struct test_case cases[] = {
	TEST_ENTRY(round_trip_orders_and_sizes),
	TEST_ENTRY(descriptor_plausible_to_a_v1_reader),
	TEST_ENTRY(header_bytes_and_crc),
	TEST_ENTRY(grow_falls_back_to_smaller_orders),
	TEST_ENTRY(every_field_checked),
	TEST_ENTRY(flip_without_crc_goes_unnoticed),
	TEST_ENTRY(format_named_must_be_found),
	TEST_ENTRY(raw_restore_tells_the_format),
	TEST_ENTRY(kexec_seal_refreshes_crc),
	TEST_ENTRY(set_format_refusals),
	TEST_ENTRY(fail_nth_grow_and_restore),
	TEST_ENTRY(vbuf_chunk_list_dependency),
	TEST_ENTRY(write_format_parameter),
	TEST_ENTRY(vbuf_chunk_list_crc),
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, ARRAY_SIZE(cases));
}
