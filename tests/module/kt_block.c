// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoser_test block-set objects: base sets written in boot 1 and carried
 * through every hop, one new set per later hop, and (corrupt mode) sets
 * damaged at reboot that the next kernel must refuse, each for one expected
 * errno and reason word (the bad[] table).
 *
 * Every set is grown ahead of what it will hold, half filled, published
 * (which seals it), grown ahead again and filled to its count: the blocks
 * grown too many are left for the seal at kexec to release. The next boot
 * checks that the chain it got has exactly as many blocks as its entries
 * need, so an empty block handed over fails the run.
 *
 * Formats: with write_format=2 (the default) the base and generation sets
 * are written in khoser-block-v2, with the largest block order and CRC flag
 * of base_fmt[] and GEN_ORDER (a set whose entries do not fit a v2 block
 * stays v1, under a string naming v1); with write_format=1 every set is
 * written as a companion before v2 wrote it. Lookups accept both, and each
 * verified line says which one was found. The damaged sets of corrupt mode
 * are v1 (their damage is to v1 headers), except c2-crc.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include "kt.h"

static unsigned int esizes[8] = { 1, 24, 64, 4080 };
static int n_esizes = 4;
module_param_array(esizes, uint, &n_esizes, 0444);
MODULE_PARM_DESC(esizes, "entry sizes of the base block sets");

static unsigned int counts[8] = { 10000, 5000, 200000, 300 };
static int n_counts = 4;
module_param_array(counts, uint, &n_counts, 0444);
MODULE_PARM_DESC(counts, "entries of each base block set");

static unsigned int max_order = KHOSER_BLOCK_V2_MAX_ORDER;
module_param(max_order, uint, 0444);
MODULE_PARM_DESC(max_order, "write_format=2: largest block order of any set (default the format's largest)");

#define GEN_ESZ		24
#define GEN_COUNT	3000
#define BAD_ESZ		64
#define BAD_COUNT	(5 * 63)	/* five full blocks (v1, and v2 order 0) */

/* The bit c2-crc and c1-flip have flipped at reboot. */
#define FLIP_BLOCK	2
#define FLIP_ENTRY	10
#define FLIP_BYTE	5
#define FLIP_BIT	3

/*
 * write_format=2: the largest block order and the flags of base set k
 * (k modulo 4): order 0 and the largest, with and without a CRC. The
 * generation sets: GEN_ORDER, with a CRC.
 */
static const struct {
	unsigned int order;
	bool crc;
} base_fmt[4] = { { 0, true }, { 4, false }, { 4, true }, { 2, true } };
#define GEN_ORDER	2

enum {
	D_NONE, D_CYCLE, D_ZERO, D_OVER, D_MISALIGN, D_OUTRAM, D_UNPRESERVED,
	D_SHORT, D_ENTRIES, D_LONG, D_CHUNK, D_DESC_BLOCKS, D_COMPAT, D_TRUNC,
	D_FLIP_CRC, D_FLIP_V1,
};

/*
 * The damaged sets of corrupt mode: how each is damaged, and the errno and
 * the reason word of khoser's one "refused" line that its lookup in the
 * next boot must give. Unless said otherwise the damage is done to the
 * preserved blocks at reboot, after khoser's seal (five blocks of 63
 * entries: blocks 0 to 4).
 */
static const struct {
	const char *name;
	int damage;
	int err;
	const char *reason;
	const char *how;
} bad[] = {
	/* Block 3 links back to block 1. */
	{ "c-cycle", D_CYCLE, -EINVAL, "cycle", KT_AT_REBOOT },
	/* Block 2 holds no entry. */
	{ "c-zero", D_ZERO, -EINVAL, "empty-block", KT_AT_REBOOT },
	/* Block 1 holds one entry more than a block can. */
	{ "c-over", D_OVER, -EINVAL, "count-over-capacity", KT_AT_REBOOT },
	/* Block 1's next is 8 bytes past block 2. */
	{ "c-misalign", D_MISALIGN, -EINVAL, "misaligned", KT_AT_REBOOT },
	/* Block 1's next is past the end of RAM. */
	{ "c-outram", D_OUTRAM, -EINVAL, "outside-ram", KT_AT_REBOOT },
	/* Block 1's next is a page that was never preserved. */
	{ "c-unpres", D_UNPRESERVED, -EINVAL, "not-preserved", KT_AT_REBOOT },
	/* Block 2's next is 0: the chain ends after 3 of 5 blocks. */
	{ "c-short", D_SHORT, -EINVAL, "chain-short", KT_AT_REBOOT },
	/* Block 4 holds one entry less than the descriptor counts. */
	{ "c-entries", D_ENTRIES, -EINVAL, "count-mismatch", KT_AT_REBOOT },
	/*
	 * Block 4 links on to a sixth, well-formed preserved block: the chain
	 * is longer than the descriptor's block count.
	 */
	{ "c-long", D_LONG, -EINVAL, "chain-too-long", KT_AT_REBOOT },
	/*
	 * Block 1's next is the first page of an order>0 chunk of v-buf,
	 * which the same boot must still verify intact.
	 */
	{ "c-chunk", D_CHUNK, -EINVAL, "wrong-order", KT_AT_REBOOT },
	/* Intact chain; the descriptor's block count raised in boot 2. */
	{ "c-blocks", D_DESC_BLOCKS, -EINVAL, "chain-short", KT_IN_BOOT2 },
	/* Not damaged: looked up as the next version of this driver. */
	{ "c-compat", D_COMPAT, -EPROTO, KT_VERSION_REASON, KT_INTACT },
	/* A descriptor written short in boot 1, past khoser. */
	{ "c-trunc", D_TRUNC, -EINVAL, "desc-size", KT_WRITTEN },
	/*
	 * khoser-block-v2 with a CRC (write_format=2 only): one bit of an
	 * entry of block 2 flipped. The CRC names the block.
	 */
	{ "c2-crc", D_FLIP_CRC, -EINVAL, "crc", KT_AT_REBOOT },
	/*
	 * The same bit flipped in a khoser-block-v1 set, which has no CRC: by
	 * design the lookup succeeds and the entry reads back flipped. Not
	 * refused, not verified: checked here (the "undetected" line).
	 */
	{ "c1-flip", D_FLIP_V1, 0, NULL, KT_AT_REBOOT },
};

static struct kt_obj objs[KT_MAX_OBJS];
static unsigned int nobjs;
static struct page *stray;		/* never preserved */
/* One preserved, well-formed block (never published) c-long links to. */
static struct khoser_block_set tail;
static bool tail_used;

/*
 * The truncated-descriptor case talks to KHO directly. Trees without the
 * KHO API (kt_probe.h) build without it: there, every khoser call already
 * fails with -EOPNOTSUPP and corrupt mode cannot run.
 */
#if KT_KHO_API
#include <linux/kexec_handover.h>

#define TRUNC_LEN	100

static void *trunc_blob;		/* raw subtree with a short descriptor */

/* Publish a descriptor that is too short, bypassing khoser. */
static int trunc_publish(void)
{
	struct kt_digest d;
	struct kt_inv inv = { .kind = "raw", .bytes = TRUNC_LEN, .blocks = 1 };

	trunc_blob = kho_alloc_preserve(PAGE_SIZE);
	if (IS_ERR(trunc_blob)) {
		int err = PTR_ERR(trunc_blob);

		trunc_blob = NULL;
		return err;
	}
	memcpy(trunc_blob, KHOSER_ROOT_COMPAT, sizeof(KHOSER_ROOT_COMPAT));
	kt_digest_init(&d);
	kt_digest_add(&d, trunc_blob, TRUNC_LEN);
	inv.digest = kt_digest_final(&d);
	kt_preserved("c-trunc", &inv);
	return kho_add_subtree(KHOSER_NODE_PREFIX "c-trunc", trunc_blob,
			       TRUNC_LEN);
}

/* Take back the page behind the short descriptor khoser refused. */
static void trunc_reclaim(void)
{
	phys_addr_t phys;

	if (!kho_retrieve_subtree(KHOSER_NODE_PREFIX "c-trunc", &phys, NULL))
		kho_restore_free(phys_to_virt(phys));
}

static void trunc_drop(void)
{
	if (trunc_blob) {
		kho_remove_subtree(trunc_blob);
		kho_unpreserve_free(trunc_blob);
		trunc_blob = NULL;
	}
}

/**
 * kt_incoming_desc - the descriptor the previous kernel published for @name
 * @name: object name
 *
 * Found as khoser finds it (the KHO subtree "khoser-@name"), before khoser
 * has claimed it, so that a test can edit it as a faulty previous kernel
 * would have left it.
 *
 * Return: the descriptor, or NULL when there is none of the expected size.
 */
struct khoser_root_ser *kt_incoming_desc(const char *name)
{
	char node[sizeof(KHOSER_NODE_PREFIX) + KHOSER_NAME_LEN];
	phys_addr_t phys;
	size_t size;

	snprintf(node, sizeof(node), KHOSER_NODE_PREFIX "%s", name);
	if (kho_retrieve_subtree(node, &phys, &size) ||
	    size != sizeof(struct khoser_root_ser))
		return NULL;
	return phys_to_virt(phys);
}
#else
static int trunc_publish(void)
{
	return -EOPNOTSUPP;
}

static void trunc_reclaim(void)
{
}

static void trunc_drop(void)
{
}

struct khoser_root_ser *kt_incoming_desc(const char *name)
{
	return NULL;
}
#endif

static struct kt_obj *new_obj(const char *name, u64 tag, u32 esz, u64 count)
{
	struct kt_obj *o;

	if (nobjs == KT_MAX_OBJS)
		return NULL;
	o = &objs[nobjs];
	memset(o, 0, sizeof(*o));
	strscpy(o->name, name, sizeof(o->name));
	o->tag = tag;
	o->esz = esz;
	o->count = count;
	if (khoser_block_set_init(&o->bs, esz))
		return NULL;
	nobjs++;
	return o;
}

/*
 * Write @o in khoser-block-v2 with blocks of order @order (or max_order) at
 * most and a CRC or not, when this run writes v2 and its entries fit a v2
 * block.
 */
static int use_v2(struct kt_obj *o, unsigned int order, bool crc)
{
	if (kt_write_format == 2 && o->esz <= KHOSER_BLOCK2_MAX_ENTRY)
		return khoser_block_set_set_format(&o->bs, 2,
						   min(order, max_order),
						   crc ? KHOSER_BLOCK_F_CRC : 0);
	return 0;
}

/* Entries the largest block of @o holds. */
static u64 block_cap(struct kt_obj *o)
{
	if (khoser_block_set_format(&o->bs) == 2)
		return KHOSER_BLOCK2_CAPACITY(o->esz, o->bs.order);
	return KHOSER_BLOCK_CAPACITY(o->esz);
}

/* Entries [@from, @to) of @o, from @r (an incoming set) or the seed. */
static int fill(struct kt_obj *o, struct khoser_block_set_it *w,
		struct khoser_block_set_it *r, u64 from, u64 to)
{
	void *e, *s = NULL;
	u64 i;

	for (i = from; i < to; i++) {
		e = khoser_block_set_it_reserve_entry(w);
		if (r)
			s = khoser_block_set_it_read_entry(r);
		if (!e || (r && !s))
			return -ENOSPC;
		if (r)
			memcpy(e, s, o->esz);
		else
			kt_fill(e, o->esz, o->tag, i);
	}
	return 0;
}

/* Log what @o hands over, read back from the outgoing set. */
static void inventory(struct kt_obj *o)
{
	struct kt_inv inv = { .kind = "block" };
	struct khoser_block_set_it it;
	struct kt_digest d;
	void *e;

	kt_digest_init(&d);
	khoser_block_set_it_init(&it, &o->bs);
	while ((e = khoser_block_set_it_read_entry(&it))) {
		kt_digest_add(&d, e, o->esz);
		inv.entries++;
	}
	inv.bytes = inv.entries * o->esz;
	inv.format = khoser_block_set_format(&o->bs);
	/*
	 * What the seal at kexec must leave: no empty block. v2 blocks have
	 * the orders grow could have: the blocks in use, through the headers.
	 */
	if (inv.format == 1) {
		inv.blocks = DIV_ROUND_UP(inv.entries,
					  KHOSER_BLOCK_CAPACITY(o->esz));
	} else {
		struct kt_chain c;

		kt_chain_walk(&c, khoser_block_set_head_pa(&o->bs), o->esz);
		inv.blocks = c.used;
	}
	inv.digest = kt_digest_final(&d);
	if (!o->quiet)
		kt_preserved(o->name, &inv);
}

/*
 * Grow @o ahead, fill half, publish, grow ahead again, fill the rest: the
 * blocks grown too many stay for the seal at kexec. Entries come from @src
 * (an incoming set) or the seed.
 */
static int publish(struct kt_obj *o, struct khoser_block_set *src, int ver)
{
	u64 slack = 2 * block_cap(o) + 1, half = o->count / 2;
	struct khoser_block_set_it w, r, *rp = NULL;
	char compat[KHOSER_COMPAT_LEN];
	u64 n = 0;
	int err;

	err = khoser_block_set_set_max_blocks(&o->bs, 1UL << 20);
	if (!err)
		err = khoser_block_set_grow(&o->bs, o->count + slack);
	if (err)
		return err;
	khoser_block_set_it_init(&w, &o->bs);
	if (src) {
		khoser_block_set_it_init(&r, src);
		rp = &r;
	}
	err = fill(o, &w, rp, 0, half);
	if (err)
		return err;
	kt_compat_fmt(compat, sizeof(compat), ver,
		      khoser_block_set_format(&o->bs));
	/* Publishing seals: the empty blocks grown so far are released. */
	err = khoser_block_set_publish(&o->bs, o->name, compat);
	if (!err)
		err = khoser_block_set_grow(&o->bs, o->count + slack);
	if (err)
		return err;
	/* Append: an iterator that read to the end reserves after it. */
	khoser_block_set_it_init(&w, &o->bs);
	while (khoser_block_set_it_read_entry(&w))
		n++;
	if (n != half)
		return -EBADMSG;
	err = fill(o, &w, rp, half, o->count);
	if (!err)
		inventory(o);
	return err;
}

/* Restore @name into @in, check every entry against @tag, log it. */
static int check_set(const char *name, struct khoser_block_set *in, u32 esz,
		     u64 count, u64 tag)
{
	struct kt_inv inv = { .kind = "block" };
	struct khoser_block_set_it it;
	char compat[KHOSER_COMPAT_LEN], orders[48];
	struct kt_digest d;
	struct kt_chain c;
	void *e;
	u64 i;
	int err;

	kt_compat_fmt(compat, sizeof(compat), kt_ver, KT_BLOCK_ANY);
	khoser_block_set_init(in, esz);
	khoser_block_set_set_max_blocks(in, 1UL << 20);
	err = khoser_block_set_lookup(in, name, compat);
	if (err) {
		kt_failf("%s: lookup error %d", name, err);
		return err;
	}
	kt_digest_init(&d);
	khoser_block_set_it_init(&it, in);
	for (i = 0; (e = khoser_block_set_it_read_entry(&it)); i++) {
		if (i >= count || !kt_verify(e, esz, tag, i)) {
			kt_failf("%s: entry %llu of %llu differs", name, i,
				 count);
			return -EBADMSG;
		}
		kt_digest_add(&d, e, esz);
	}
	if (i != count || khoser_block_set_entries(in) != count) {
		kt_failf("%s: %llu entries, expected %llu", name, i, count);
		return -EBADMSG;
	}
	inv.format = khoser_block_set_format(in);
	kt_chain_walk(&c, khoser_block_set_head_pa(in), esz);
	if (c.bad || c.used != c.blocks || c.entries != count ||
	    c.format != inv.format) {
		kt_failf("%s: chain of %llu blocks (%llu used), %llu entries, v%u for v%u: %s",
			 name, c.blocks, c.used, c.entries, c.format,
			 inv.format, c.bad ?: "counts differ");
		return -EBADMSG;
	}
	/* v1: one page a block, each full but the last. */
	if (c.format == 1 &&
	    c.blocks != DIV_ROUND_UP(count, KHOSER_BLOCK_CAPACITY(esz))) {
		kt_failf("%s: v1 chain of %llu blocks for %llu entries",
			 name, c.blocks, count);
		return -EBADMSG;
	}
	if (c.format == 2) {
		kt_chain_orders(&c, orders, sizeof(orders));
		pr_info("read %s in khoser-block-v2: %llu blocks of orders %s, %s\n",
			name, c.blocks, orders, c.crc ? "each CRC32C checked" : "no CRC");
	}
	inv.entries = i;
	inv.bytes = i * esz;
	inv.blocks = c.blocks;
	inv.digest = kt_digest_final(&d);
	kt_verified(name, &inv);
	return 0;
}

static void base_name(char *buf, unsigned int k)
{
	snprintf(buf, KHOSER_NAME_LEN, "b1-e%u-%u", esizes[k], k);
}

static void gen_name(char *buf, int hop)
{
	snprintf(buf, KHOSER_NAME_LEN, "g%d-e%u", hop, GEN_ESZ);
}

/*
 * One block of one entry, preserved by khoser but never published: a block
 * a chain may link to that KHO hands over and that is well formed.
 */
static int tail_preserve(void)
{
	struct khoser_block_set_it it;
	void *e;
	int err;

	err = khoser_block_set_init(&tail, BAD_ESZ);
	if (err)
		return err;
	tail_used = true;
	err = khoser_block_set_grow(&tail, 1);
	if (err)
		return err;
	khoser_block_set_it_init(&it, &tail);
	e = khoser_block_set_it_reserve_entry(&it);
	if (!e)
		return -ENOSPC;
	kt_fill(e, BAD_ESZ, 99, 0);
	return khoser_block_set_seal(&tail);
}

static int preserve_bad(void)
{
	unsigned int k;
	struct kt_obj *o;
	int err;

	for (k = 0; k < ARRAY_SIZE(bad); k++) {
		if (bad[k].damage == D_TRUNC) {
			err = trunc_publish();
			if (err)
				return err;
			continue;
		}
		if (bad[k].damage == D_FLIP_CRC &&
		    kt_write_format != 2)
			continue;
		o = new_obj(bad[k].name, 100 + k, BAD_ESZ, BAD_COUNT);
		if (!o)
			return -ENOMEM;
		o->damage = bad[k].damage;
		o->quiet = bad[k].damage == D_FLIP_V1;
		err = bad[k].damage == D_FLIP_CRC ? use_v2(o, 0, true) : 0;
		if (!err)
			err = publish(o, NULL, kt_ver);
		if (err)
			return err;
	}
	stray = alloc_page(GFP_KERNEL);
	if (!stray)
		return -ENOMEM;
	return tail_preserve();
}

/* Copy generation set @h (written by boot @h) forward, checking it. */
static int copy_gen(int h)
{
	struct khoser_block_set in;
	char name[KHOSER_NAME_LEN];
	struct kt_obj *o;
	int err;

	gen_name(name, h);
	o = new_obj(name, 1000 + h, GEN_ESZ, GEN_COUNT);
	if (!o)
		return -ENOMEM;
	err = use_v2(o, GEN_ORDER, true);
	if (err)
		return err;
	err = check_set(name, &in, GEN_ESZ, GEN_COUNT, 1000 + h);
	if (!err)
		err = publish(o, &in, kt_ver);
	khoser_block_set_destroy(&in);
	khoser_release(name);
	return err;
}

/**
 * kt_block_preserve - publish this boot's block sets for the next kernel
 *
 * Hop 1 writes the base sets from the seed; later hops copy the sets they
 * verified (still holding boot 1's bytes), each generation set handed over
 * too, and with kt_gens (hop= given) add one new set of their own.
 *
 * Return: 0 or an errno.
 */
int kt_block_preserve(void)
{
	struct khoser_block_set in;
	char name[KHOSER_NAME_LEN];
	struct kt_obj *o;
	unsigned int k;
	int h, err;

	for (k = 0; k < n_esizes && k < n_counts; k++) {
		base_name(name, k);
		o = new_obj(name, k, esizes[k], counts[k]);
		if (!o)
			return -ENOMEM;
		err = use_v2(o, base_fmt[k % 4].order, base_fmt[k % 4].crc);
		if (err)
			return err;
		if (kt_hop == 1) {
			err = publish(o, NULL, kt_ver);
		} else {
			err = check_set(name, &in, o->esz, o->count, k);
			if (!err)
				err = publish(o, &in, kt_ver);
			khoser_block_set_destroy(&in);
			khoser_release(name);
		}
		if (err)
			return err;
	}
	for (h = 2; h < kt_hop; h++) {
		gen_name(name, h);
		if (!kt_hdr_lists(name))
			continue;
		err = copy_gen(h);
		if (err)
			return err;
	}
	if (kt_gens && kt_hop >= 2) {
		gen_name(name, kt_hop);
		o = new_obj(name, 1000 + kt_hop, GEN_ESZ, GEN_COUNT);
		if (!o)
			return -ENOMEM;
		err = use_v2(o, GEN_ORDER, true);
		if (!err)
			err = publish(o, NULL, kt_ver);
		if (err)
			return err;
	}
	if (kt_mode == KT_CORRUPT && kt_hop == 1)
		return preserve_bad();
	return 0;
}

/**
 * kt_block_conf - the base block sets' sizes, for the run header
 * @conf: its nbase, esizes and counts are filled
 */
void kt_block_conf(struct kt_conf *conf)
{
	unsigned int k;

	conf->nbase = min(n_esizes, n_counts);
	for (k = 0; k < conf->nbase; k++) {
		conf->esizes[k] = esizes[k];
		conf->counts[k] = counts[k];
	}
}

/**
 * kt_block_set_conf - take the base block sets' sizes from a run header
 * @conf: the sizes the previous boot wrote with
 */
void kt_block_set_conf(const struct kt_conf *conf)
{
	unsigned int k;

	n_esizes = min_t(u32, conf->nbase, ARRAY_SIZE(esizes));
	n_counts = n_esizes;
	for (k = 0; k < n_esizes; k++) {
		esizes[k] = conf->esizes[k];
		counts[k] = conf->counts[k];
	}
}

/* c-blocks: one block more in the descriptor than in the chain. */
static int edit_desc_blocks(const char *name)
{
	struct khoser_root_ser *d = kt_incoming_desc(name);

	if (!d || d->kind != KHOSER_KIND_BLOCK || !d->nblocks) {
		kt_failf("%s: no block-set descriptor to edit", name);
		return -ENOENT;
	}
	d->nblocks++;
	return 0;
}

/* The entry and the bit flipped in c2-crc and c1-flip. */
static u64 flip_entry(void)
{
	return FLIP_BLOCK * KHOSER_BLOCK_CAPACITY(BAD_ESZ) + FLIP_ENTRY;
}

/*
 * c1-flip: v1 has no CRC, so the lookup succeeds and the one flipped bit
 * reads back flipped, every other byte intact. That is the design; this
 * checks it is still so (a v1 reader that suddenly "detected" it would
 * have changed the format).
 */
static int check_flip_v1(const char *name, u64 tag)
{
	char compat[KHOSER_COMPAT_LEN];
	struct khoser_block_set_it it;
	struct khoser_block_set in;
	u8 want[BAD_ESZ], *e;
	u64 i, diff = 0;
	unsigned int fmt;
	int err;

	kt_compat_fmt(compat, sizeof(compat), kt_ver, KT_BLOCK_ANY);
	khoser_block_set_init(&in, BAD_ESZ);
	err = khoser_block_set_lookup(&in, name, compat);
	if (err) {
		kt_failf("%s: lookup returned %d, expected 0 (a v1 block has no CRC)",
			 name, err);
		return -EBADMSG;
	}
	khoser_block_set_it_init(&it, &in);
	for (i = 0; (e = khoser_block_set_it_read_entry(&it)); i++) {
		kt_fill(want, BAD_ESZ, tag, i);
		if (i == flip_entry())
			want[FLIP_BYTE] ^= 1 << FLIP_BIT;
		if (memcmp(e, want, BAD_ESZ))
			diff++;
	}
	fmt = khoser_block_set_format(&in);
	khoser_block_set_destroy(&in);
	khoser_release(name);
	if (i != BAD_COUNT || diff || fmt != 1) {
		kt_failf("%s: %llu entries in v%u, %llu not as written with one bit flipped",
			 name, i, fmt, diff);
		return -EBADMSG;
	}
	/* One line: run.sh counts it. */
	pr_info("undetected %s: entry %llu (block %u) read back flipped, v1 has no CRC\n",
		name, flip_entry(), FLIP_BLOCK);
	return 0;
}

static int verify_bad(void)
{
	struct khoser_block_set in;
	char compat[KHOSER_COMPAT_LEN];
	unsigned int k;
	int err;

	for (k = 0; k < ARRAY_SIZE(bad); k++) {
		if (bad[k].damage == D_DESC_BLOCKS &&
		    edit_desc_blocks(bad[k].name))
			return -EBADMSG;
		if (bad[k].damage == D_FLIP_V1) {
			if (check_flip_v1(bad[k].name, 100 + k))
				return -EBADMSG;
			continue;
		}
		/* Written by a run with write_format=2 only. */
		if (bad[k].damage == D_FLIP_CRC &&
		    kt_write_format != 2)
			continue;
		/* c-compat is looked up as the next version of this driver. */
		kt_compat_fmt(compat, sizeof(compat),
			      kt_ver + (bad[k].damage == D_COMPAT),
			      KT_BLOCK_ANY);
		khoser_block_set_init(&in, BAD_ESZ);
		err = khoser_block_set_lookup(&in, bad[k].name, compat);
		if (err != bad[k].err) {
			kt_failf("%s: lookup returned %d, expected %d",
				 bad[k].name, err, bad[k].err);
			if (!err)
				khoser_block_set_destroy(&in);
			return -EBADMSG;
		}
		if (!khoser_block_set_is_empty(&in)) {
			kt_failf("%s: refused but not empty", bad[k].name);
			return -EBADMSG;
		}
		khoser_release(bad[k].name);
		kt_refused(bad[k].name, err, bad[k].reason, bad[k].how,
			   bad[k].damage == D_CHUNK ? "v-buf" : NULL, NULL);
	}
	/* Take back the page behind the short descriptor khoser refused. */
	trunc_reclaim();
	return 0;
}

/**
 * kt_block_verify - verify what the previous boot handed over
 *
 * Base and generation sets are verified where they are copied for the next
 * hop (kt_block_preserve()); on the last hop, or when nothing follows, they
 * are verified and freed here.
 *
 * Return: 0 or an errno; kt_fail says what.
 */
int kt_block_verify(void)
{
	struct khoser_block_set in;
	char name[KHOSER_NAME_LEN];
	unsigned int k;
	int h, err = 0;

	if (kt_mode == KT_CORRUPT && kt_hop == 2)
		err = verify_bad();
	if (err || !kt_last_hop())
		return err;
	for (k = 0; k < n_esizes && k < n_counts && !err; k++) {
		base_name(name, k);
		err = check_set(name, &in, esizes[k], counts[k], k);
		khoser_block_set_destroy(&in);
		khoser_release(name);
	}
	for (h = 2; h < kt_hop && !err; h++) {
		gen_name(name, h);
		if (!kt_hdr_lists(name))
			continue;
		err = check_set(name, &in, GEN_ESZ, GEN_COUNT, 1000 + h);
		khoser_block_set_destroy(&in);
		khoser_release(name);
	}
	return err;
}

/**
 * kt_block_mismatch - a build with another own version must be refused
 *
 * Every base set was published by a build of another version: each lookup
 * must fail with -EPROTO before anything is restored.
 *
 * Return: 0 or -EBADMSG with kt_fail set.
 */
int kt_block_mismatch(void)
{
	struct khoser_block_set in;
	char compat[KHOSER_COMPAT_LEN], name[KHOSER_NAME_LEN];
	unsigned int k;
	int err;

	kt_compat_fmt(compat, sizeof(compat), kt_ver, KT_BLOCK_ANY);
	for (k = 0; k < n_esizes && k < n_counts; k++) {
		base_name(name, k);
		khoser_block_set_init(&in, esizes[k]);
		err = khoser_block_set_lookup(&in, name, compat);
		if (err != -EPROTO || !khoser_block_set_is_empty(&in)) {
			kt_failf("%s: lookup by v%d returned %d, expected %d",
				 name, kt_ver, err, -EPROTO);
			if (!err)
				khoser_block_set_destroy(&in);
			return -EBADMSG;
		}
		khoser_release(name);
		kt_refused(name, err, KT_VERSION_REASON, KT_INTACT, NULL, NULL);
	}
	pr_info("data of another version refused: %u objects\n", k);
	return 0;
}

/* Block @n of @o's chain, found through the headers (the ABI). */
static struct kt_blk *nth_block(struct kt_blk *b, struct kt_obj *o,
				unsigned int n)
{
	return kt_blk_nth(b, khoser_block_set_head_pa(&o->bs), n);
}

/**
 * kt_block_damage - corrupt the chosen sets (reboot notifier, after sealing)
 *
 * Return: the number of sets damaged, or -ENOENT when a set is shorter than
 * expected or v-buf has no chunk of order 1 or more.
 */
int kt_block_damage(void)
{
	struct kt_blk b1, b2, b3, b4;
	unsigned int k;
	int n = 0;
	u64 pa;

	for (k = 0; k < nobjs; k++) {
		struct kt_obj *o = &objs[k];

		if (o->damage == D_NONE || o->damage == D_COMPAT ||
		    o->damage == D_DESC_BLOCKS)
			continue;
		if (!nth_block(&b1, o, 1) || !nth_block(&b2, o, 2) ||
		    !nth_block(&b3, o, 3) || !nth_block(&b4, o, 4) ||
		    *b4.next)
			return -ENOENT;
		switch (o->damage) {
		case D_CYCLE:
			*b3.next = virt_to_phys(b1.hdr);
			break;
		case D_ZERO:
			*b2.count = 0;
			break;
		case D_OVER:
			*b1.count = KHOSER_BLOCK_CAPACITY(o->esz) + 1;
			break;
		case D_MISALIGN:
			*b1.next += 8;
			break;
		case D_OUTRAM:
			*b1.next = 1ULL << 46;
			break;
		case D_UNPRESERVED:
			*b1.next = page_to_phys(stray);
			break;
		case D_SHORT:
			*b2.next = 0;
			break;
		case D_ENTRIES:
			(*b4.count)--;
			break;
		case D_LONG:
			pa = khoser_block_set_head_pa(&tail);
			if (!pa)
				return -ENOENT;
			*b4.next = pa;
			break;
		case D_CHUNK:
			pa = kt_struct_vbuf_chunk();
			if (!pa)
				return -ENOENT;
			*b1.next = pa;
			break;
		case D_FLIP_CRC:
		case D_FLIP_V1:
			/* The format each must be in, or the test means nothing. */
			if (b2.format != (o->damage == D_FLIP_CRC ? 2 : 1) ||
			    (o->damage == D_FLIP_CRC && !b2.crc) ||
			    *b2.count <= FLIP_ENTRY)
				return -ENOENT;
			b2.entries[FLIP_ENTRY * o->esz + FLIP_BYTE] ^=
				1 << FLIP_BIT;
			if (o->damage == D_FLIP_V1) {
				pr_info("flipped bit %u of byte %u of entry %llu of %s (v1, no CRC), to go undetected\n",
					FLIP_BIT, FLIP_BYTE, flip_entry(),
					o->name);
				continue;	/* not counted: not refused */
			}
			break;
		}
		n++;
	}
	return n;
}

/**
 * kt_block_cleanup - unpublish and free everything (module unload)
 */
void kt_block_cleanup(void)
{
	unsigned int k;

	for (k = 0; k < nobjs; k++) {
		khoser_unpublish(objs[k].name);
		khoser_block_set_destroy(&objs[k].bs);
	}
	nobjs = 0;
	if (tail_used)
		khoser_block_set_destroy(&tail);
	tail_used = false;
	trunc_drop();
	if (stray)
		__free_page(stray);
	stray = NULL;
}
