// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoser_upstream: upstream Linux's block-set code and khoser's, across a
 * real kexec, both ways. Upstream's kernel/liveupdate/kho_block.c is built
 * into this module from the target kernel's own source (Kbuild), renamed
 * (ku_rename.h).
 *
 * In every boot it writes two chains of 40-byte entries (an entry size that
 * divides no block evenly) with deterministic content:
 *
 *  - "up": with upstream's API, as LUO does it: grown ahead of what it
 *    will hold (kho_block_set_grow()), partly filled, the blocks grown too
 *    many released again (kho_block_set_shrink());
 *  - "kh": with khoser's, in khoser-block-v1: grown ahead, partly filled,
 *    sealed (khoser_block_set_seal()), not published;
 *
 * and hands both heads over in a small preserved page published in
 * khoser's named root ("ku-info", khoser_publish()), with the seed, each
 * chain's entry and block counts and a digest of its entries. In a KHO boot
 * it first restores what the previous boot handed over, each chain by the
 * other side's code: "up" with khoser_block_set_restore(), "kh" with
 * upstream's kho_block_set_restore(), reads every entry back with that
 * side's iterator and checks every byte, the counts and the digest. Its
 * lines (khoser_upstream: ...):
 *
 *	upstream wrote N entries of 40 B: grown to G blocks, shrunk to B ...
 *	khoser wrote N entries of 40 B in khoser-block-v1: grown to G blocks,
 *		sealed to B ...
 *	upstream -> khoser: N entries of 40 B in B blocks ..., every byte as
 *		written ...
 *	khoser -> upstream: (the same)
 *	PASS 2 chains, N entries, M bytes verified
 *	failed: <what> (each failure, both ways checked), then
 *	FAIL <the first>
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/kexec_handover.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/string.h>
#include "ku_rename.h"
#include <linux/kho_block.h>
#include <khoser/khoser.h>

#define KU_ESZ		40
#define KU_UP_N		20011	/* upstream's chain: the last block part full */
#define KU_KH_N		30011	/* khoser's */
#define KU_AHEAD	3	/* blocks grown beyond what the entries need */
#define KU_MAX_BLOCKS	10000	/* upstream's reader's bound */
#define KU_INFO		"ku-info"
#define KU_COMPAT	"khoser_upstream-v1"
#define KU_MAGIC	0x316f666e695f756bULL	/* "ku_info1" */
#define KU_TAG_UP	1
#define KU_TAG_KH	2

/* One chain handed over: where, how much, and what it holds. */
struct ku_chain_ser {
	__le64 head;
	__le64 entries;
	__le64 blocks;
	__le64 digest;
} __packed;

/* The page published as "ku-info". */
struct ku_info_ser {
	__le64 magic;
	__le64 seed;
	__le64 entry_size;
	struct ku_chain_ser up;
	struct ku_chain_ser kh;
} __packed;

static struct kho_block_set up_out;
static bool up_used;
static struct khoser_block_set kh_out;
static bool kh_used;
static struct ku_info_ser *info_out;
static bool info_published;
static char fail[160];

/* Log a failure; the first one is the verdict's. */
static __printf(1, 2) void ku_failf(const char *fmt, ...)
{
	char buf[sizeof(fail)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pr_err("failed: %s\n", buf);
	if (!fail[0])
		strscpy(fail, buf, sizeof(fail));
}

static u64 ku_word(u64 seed, u64 tag, u64 idx, u32 w)
{
	u64 x = seed * 0x9e3779b97f4a7c15ULL + tag * 0xff51afd7ed558ccdULL +
		idx * 0xbf58476d1ce4e5b9ULL + w * 0x94d049bb133111ebULL + 1;

	x ^= x >> 31;
	x *= 0xd6e8feb86659fd93ULL;
	x ^= x >> 32;
	return x;
}

static void ku_fill(void *entry, u64 seed, u64 tag, u64 idx)
{
	__le64 w;
	u32 i;

	for (i = 0; i < KU_ESZ / 8; i++) {
		w = cpu_to_le64(ku_word(seed, tag, idx, i));
		memcpy(entry + 8 * i, &w, sizeof(w));
	}
}

static bool ku_same(const void *entry, u64 seed, u64 tag, u64 idx)
{
	u8 want[KU_ESZ];

	ku_fill(want, seed, tag, idx);
	return !memcmp(entry, want, KU_ESZ);
}

/* FNV-1a over the entry as 64-bit little-endian words. */
static u64 ku_digest(u64 h, const void *entry)
{
	__le64 w;
	u32 i;

	for (i = 0; i < KU_ESZ / 8; i++) {
		memcpy(&w, entry + 8 * i, sizeof(w));
		h = (h ^ le64_to_cpu(w)) * 0x100000001b3ULL;
	}
	return h;
}

#define KU_FNV_OFFSET	0xcbf29ce484222325ULL

/*
 * Blocks of a chain, through the block headers (khoser's ABI, upstream's
 * layout), and the count of its last block. Only on chains a reader has
 * accepted or this boot wrote.
 */
static u64 ku_chain_blocks(u64 pa, u64 *last)
{
	const struct khoser_block_hdr *b;
	u64 n = 0;

	*last = 0;
	for (; pa && n <= KU_MAX_BLOCKS; pa = b->next, n++) {
		b = phys_to_virt(pa);
		*last = b->count;
	}
	return n;
}

/* Upstream's chain, written as LUO writes one: grow ahead, fill, shrink. */
static int ku_write_upstream(struct ku_chain_ser *c, u64 seed)
{
	struct kho_block_set_it it;
	u64 i, cap, grown, want, h = KU_FNV_OFFSET;
	void *e;
	int err;

	kho_block_set_init(&up_out, KU_ESZ);
	up_used = true;
	cap = up_out.count_per_block;
	err = kho_block_set_grow(&up_out, KU_UP_N + KU_AHEAD * cap);
	if (err) {
		ku_failf("upstream: kho_block_set_grow: error %d", err);
		return err;
	}
	grown = up_out.nblocks;
	kho_block_set_it_init(&it, &up_out);
	for (i = 0; i < KU_UP_N; i++) {
		e = kho_block_set_it_reserve_entry(&it);
		if (!e) {
			ku_failf("upstream: no room for entry %llu", i);
			return -ENOSPC;
		}
		ku_fill(e, seed, KU_TAG_UP, i);
		h = ku_digest(h, e);
	}
	/* Upstream's seal: the blocks grown ahead and left empty go. */
	kho_block_set_shrink(&up_out, KU_UP_N);
	want = DIV_ROUND_UP(KU_UP_N, cap);
	if (up_out.nblocks != want) {
		ku_failf("upstream: %ld blocks after shrink, expected %llu",
			 up_out.nblocks, want);
		return -EBADMSG;
	}
	c->head = cpu_to_le64(kho_block_set_head_pa(&up_out));
	c->entries = cpu_to_le64(KU_UP_N);
	c->blocks = cpu_to_le64(up_out.nblocks);
	c->digest = cpu_to_le64(h);
	pr_info("upstream wrote %u entries of %u B: grown to %llu blocks, shrunk to %ld (kho_block_set_shrink), %llu entries a block, digest %016llx\n",
		KU_UP_N, KU_ESZ, grown, up_out.nblocks, cap, h);
	return 0;
}

/* khoser's chain in khoser-block-v1: grow ahead, fill, seal. */
static int ku_write_khoser(struct ku_chain_ser *c, u64 seed)
{
	u64 i, cap = KHOSER_BLOCK_CAPACITY(KU_ESZ), grown, blocks, last, want;
	struct khoser_block_set_it it;
	u64 h = KU_FNV_OFFSET;
	void *e;
	int err;

	err = khoser_block_set_init(&kh_out, KU_ESZ);
	if (!err) {
		kh_used = true;
		err = khoser_block_set_set_format(&kh_out, 1, 0, 0);
	}
	if (!err)
		err = khoser_block_set_grow(&kh_out, KU_KH_N + KU_AHEAD * cap);
	if (err) {
		ku_failf("khoser: set-up and grow: error %d", err);
		return err;
	}
	grown = ku_chain_blocks(khoser_block_set_head_pa(&kh_out), &last);
	khoser_block_set_it_init(&it, &kh_out);
	for (i = 0; i < KU_KH_N; i++) {
		e = khoser_block_set_it_reserve_entry(&it);
		if (!e) {
			ku_failf("khoser: no room for entry %llu", i);
			return -ENOSPC;
		}
		ku_fill(e, seed, KU_TAG_KH, i);
		h = ku_digest(h, e);
	}
	err = khoser_block_set_seal(&kh_out);
	if (err) {
		ku_failf("khoser: seal: error %d", err);
		return err;
	}
	blocks = ku_chain_blocks(khoser_block_set_head_pa(&kh_out), &last);
	want = DIV_ROUND_UP(KU_KH_N, cap);
	if (blocks != want || last != KU_KH_N - (want - 1) * cap) {
		ku_failf("khoser: %llu blocks after seal (last holds %llu), expected %llu",
			 blocks, last, want);
		return -EBADMSG;
	}
	c->head = cpu_to_le64(khoser_block_set_head_pa(&kh_out));
	c->entries = cpu_to_le64(KU_KH_N);
	c->blocks = cpu_to_le64(blocks);
	c->digest = cpu_to_le64(h);
	pr_info("khoser wrote %u entries of %u B in khoser-block-v1: grown to %llu blocks, sealed to %llu (khoser_block_set_seal), %llu entries a block, digest %016llx\n",
		KU_KH_N, KU_ESZ, grown, blocks, cap, h);
	return 0;
}

static int ku_write(void)
{
	u64 seed = get_random_u64();
	int err;

	info_out = kho_alloc_preserve(sizeof(*info_out));
	if (IS_ERR(info_out)) {
		err = PTR_ERR(info_out);
		info_out = NULL;
		ku_failf("kho_alloc_preserve: error %d", err);
		return err;
	}
	info_out->magic = cpu_to_le64(KU_MAGIC);
	info_out->seed = cpu_to_le64(seed);
	info_out->entry_size = cpu_to_le64(KU_ESZ);
	err = ku_write_upstream(&info_out->up, seed);
	if (!err)
		err = ku_write_khoser(&info_out->kh, seed);
	if (!err)
		err = khoser_publish(KU_INFO, KU_COMPAT,
				     virt_to_phys(info_out), sizeof(*info_out));
	if (err) {
		ku_failf("handing over: error %d", err);
		return err;
	}
	info_published = true;
	return 0;
}

/* Upstream's chain, restored and read by khoser. */
static int ku_read_by_khoser(const struct ku_chain_ser *c, u64 seed)
{
	u64 n = le64_to_cpu(c->entries), i, blocks, last, h = KU_FNV_OFFSET;
	struct khoser_block_set_it it;
	struct khoser_block_set in;
	void *e;
	int err;

	khoser_block_set_init(&in, KU_ESZ);
	err = khoser_block_set_restore(&in, le64_to_cpu(c->head));
	if (err) {
		ku_failf("upstream -> khoser: khoser_block_set_restore: error %d",
			 err);
		return err;
	}
	err = -EBADMSG;
	blocks = ku_chain_blocks(khoser_block_set_head_pa(&in), &last);
	khoser_block_set_it_init(&it, &in);
	for (i = 0; (e = khoser_block_set_it_read_entry(&it)); i++) {
		if (i >= n || !ku_same(e, seed, KU_TAG_UP, i)) {
			ku_failf("upstream -> khoser: entry %llu of %llu differs",
				 i, n);
			goto out;
		}
		h = ku_digest(h, e);
	}
	if (i != n || khoser_block_set_entries(&in) != n) {
		ku_failf("upstream -> khoser: %llu entries read, %llu counted, %llu written",
			 i, khoser_block_set_entries(&in), n);
		goto out;
	}
	if (blocks != le64_to_cpu(c->blocks) || h != le64_to_cpu(c->digest)) {
		ku_failf("upstream -> khoser: %llu blocks, digest %016llx; written %llu, %016llx",
			 blocks, h, le64_to_cpu(c->blocks),
			 le64_to_cpu(c->digest));
		goto out;
	}
	pr_info("upstream -> khoser: %llu entries of %u B in %llu blocks (the last holding %llu), written by upstream's kho_block.c, restored by khoser_block_set_restore() and read by khoser's iterator: every byte as written, digest %016llx\n",
		n, KU_ESZ, blocks, last, h);
	err = 0;
out:
	khoser_block_set_destroy(&in);
	return err;
}

/* khoser's chain, restored and read by upstream's code. */
static int ku_read_by_upstream(const struct ku_chain_ser *c, u64 seed)
{
	u64 n = le64_to_cpu(c->entries), i, blocks, last, h = KU_FNV_OFFSET;
	struct kho_block_set_it it;
	struct kho_block_set in;
	void *e;
	int err;

	kho_block_set_init(&in, KU_ESZ);
	err = kho_block_set_restore(&in, le64_to_cpu(c->head));
	if (err) {
		ku_failf("khoser -> upstream: kho_block_set_restore: error %d",
			 err);
		return err;
	}
	err = -EBADMSG;
	blocks = ku_chain_blocks(kho_block_set_head_pa(&in), &last);
	kho_block_set_it_init(&it, &in);
	for (i = 0; (e = kho_block_set_it_read_entry(&it)); i++) {
		if (i >= n || !ku_same(e, seed, KU_TAG_KH, i)) {
			ku_failf("khoser -> upstream: entry %llu of %llu differs",
				 i, n);
			goto out;
		}
		h = ku_digest(h, e);
	}
	if (i != n) {
		ku_failf("khoser -> upstream: %llu entries read, %llu written",
			 i, n);
		goto out;
	}
	if (in.nblocks != le64_to_cpu(c->blocks) || blocks != in.nblocks ||
	    h != le64_to_cpu(c->digest)) {
		ku_failf("khoser -> upstream: %ld blocks, digest %016llx; written %llu, %016llx",
			 in.nblocks, h, le64_to_cpu(c->blocks),
			 le64_to_cpu(c->digest));
		goto out;
	}
	pr_info("khoser -> upstream: %llu entries of %u B in %ld blocks (the last holding %llu), written by khoser in khoser-block-v1, restored by upstream's kho_block_set_restore() and read by its iterator: every byte as written, digest %016llx\n",
		n, KU_ESZ, in.nblocks, last, h);
	err = 0;
out:
	/* Incoming: upstream gives every block back (kho_restore_free()). */
	kho_block_set_destroy(&in);
	return err;
}

/* What the previous boot handed over: find it, read both chains. */
static int ku_read(void)
{
	struct ku_info_ser info;
	struct folio *folio;
	phys_addr_t phys;
	u64 size, seed;
	int err;

	err = khoser_lookup(KU_INFO, KU_COMPAT, &phys, &size);
	if (err) {
		ku_failf("lookup %s: error %d", KU_INFO, err);
		return err;
	}
	folio = size == sizeof(info) ? kho_restore_folio(phys) : NULL;
	if (folio) {
		memcpy(&info, folio_address(folio), sizeof(info));
		folio_put(folio);
	}
	khoser_release(KU_INFO);
	if (!folio) {
		ku_failf("%s: %llu bytes at %pa, not one preserved page of %zu",
			 KU_INFO, size, &phys, sizeof(info));
		return -EBADMSG;
	}
	if (le64_to_cpu(info.magic) != KU_MAGIC ||
	    le64_to_cpu(info.entry_size) != KU_ESZ) {
		ku_failf("%s: bad magic or entry size", KU_INFO);
		return -EBADMSG;
	}
	seed = le64_to_cpu(info.seed);
	/* Both ways, whatever the first found: each logs its own result. */
	err = ku_read_by_khoser(&info.up, seed);
	err = ku_read_by_upstream(&info.kh, seed) ?: err;
	if (!err)
		pr_info("PASS 2 chains, %llu entries, %llu bytes verified\n",
			le64_to_cpu(info.up.entries) + le64_to_cpu(info.kh.entries),
			(le64_to_cpu(info.up.entries) +
			 le64_to_cpu(info.kh.entries)) * KU_ESZ);
	return err;
}

static int __init ku_init(void)
{
	if (!khoser_is_enabled()) {
		pr_info("KHO unavailable: nothing to hand over\n");
		return 0;
	}
	if (khoser_is_kho_boot())
		ku_read();
	/* Again for a further hop, whatever the reading found. */
	ku_write();
	if (fail[0])
		pr_err("FAIL %s\n", fail);
	return 0;
}

static void __exit ku_exit(void)
{
	if (info_published)
		khoser_unpublish(KU_INFO);
	if (info_out)
		kho_unpreserve_free(info_out);
	if (up_used)
		kho_block_set_destroy(&up_out);
	if (kh_used)
		khoser_block_set_destroy(&kh_out);
}

module_init(ku_init);
module_exit(ku_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("khoser and upstream's kho_block.c across kexec, both ways");
