// SPDX-License-Identifier: GPL-2.0-only
/*
 * The named root's view of a block set (khoser_block_kind, src/kind.h):
 * publish, the seal at reboot into kexec, the descriptor written and
 * checked, and the lookup's restore, each with the set's lock held by the
 * root. The set itself is block.c's; this file adds what a descriptor
 * says of it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <khoser/block.h>
#include <khoser/compatible.h>
#include "block_fmt.h"
#include "block_set.h"
#include "compat/kho.h"
#include "kind.h"
#include "life.h"

/*
 * What a descriptor counts of @n blocks of @bs, and of its bound: blocks
 * for format 1, pages for format 2 (include/khoser/abi/root.h).
 */
static u64 desc_units(const struct khoser_block_set *bs, unsigned long n)
{
	unsigned long i;
	u64 pages = 0;

	if (khoser_block_fmt(bs) != 2)
		return n;
	for (i = 0; i < n; i++)
		pages += 1UL << bs->blk[i].order;
	return pages;
}

/* Saturated: a bound of 2^60 blocks or more is U64_MAX pages. */
static u64 desc_bound(const struct khoser_block_set *bs, unsigned int format)
{
	u64 pages;

	if (format != 2)
		return bs->max_blocks;
	if (check_shl_overflow((u64)bs->max_blocks, KHOSER_BLOCK_V2_MAX_ORDER,
			       &pages))
		return U64_MAX;
	return pages;
}

/*
 * The chain as handed over: after the kexec seal, its first @nkept blocks
 * (an entry a racing writer counts in a block cut after them is not
 * handed over, and so not counted).
 */
static void kind_describe(void *obj, struct khoser_root_ser *desc)
{
	struct khoser_block_set *bs = obj;

	desc->kind = KHOSER_KIND_BLOCK;
	desc->phys = bs->head_pa;
	desc->size = bs->entry_size;
	desc->nblocks = desc_units(bs, bs->nkept);
	desc->entries = khoser_block_entries_of(bs, bs->nkept);
	desc->max_blocks = desc_bound(bs, khoser_block_fmt(bs));
}

static int kind_publish(void *obj, struct khoser_root_ser *desc)
{
	struct khoser_block_set *bs = obj;
	int err = khoser_block_check_state(bs, "publish", true);

	if (!err && khoser_block_compat_format(desc->compat) != khoser_block_fmt(bs)) {
		pr_err("publish: '%s' must name %s, the format the set writes\n",
		       desc->compat, khoser_block_set_compat(bs));
		err = -EINVAL;
	}
	if (!err)
		err = khoser_block_seal_locked(bs);
	if (!err)
		kind_describe(bs, desc);
	return err;
}

/*
 * At reboot into kexec: cut the chain after its last filled block and
 * unpreserve the blocks after it, keeping them allocated and listed (an
 * iterator of the owner may still point at them), compute the CRCs, then
 * make the set read-only. When an empty block sits between filled ones
 * (upstream's reader would refuse the chain), every block is cut and the
 * descriptor says so (no blocks, bound 0): the next kernel refuses the
 * set as "unsealed" instead of taking it for an empty one, and no page of
 * it stays reserved there.
 */
static void kind_kexec_seal(void *obj, struct khoser_root_ser *desc,
			    const char *label)
{
	struct khoser_block_set *bs = obj;
	unsigned long i, kept;
	long filled;

	if (bs->life.state != KHOSER_STATE_OUT)
		return;
	bs->life.state = KHOSER_STATE_SEALED;
	filled = khoser_block_filled(bs, label,
				     ": cannot seal block set, handing over none");
	kept = filled < 0 ? 0 : filled;
	if (kept)
		*khoser_block_nextp(&bs->blk[kept - 1]) = 0;
	else
		bs->head_pa = 0;
	for (i = kept; i < bs->nblocks; i++)
		khoser_kho_cut_block(bs->blk[i].hdr, bs->blk[i].order);
	bs->nkept = kept;
	khoser_block_seal_crcs(bs, kept);
	kind_describe(bs, desc);
	if (filled < 0)
		desc->max_blocks = 0;
}

/*
 * Before the compatible string is compared: the bounds are those of the
 * format the string names, or the loosest when it names none this build
 * reads (kind_restore() refuses it). A product that does not fit a u64
 * bounds nothing (every u64 is below it); checked, not wrapped, as a
 * wrapped one refused a count that is not the one at fault.
 */
static const char *kind_check_desc(const struct khoser_root_ser *d)
{
	unsigned int format = khoser_block_compat_format(d->compat);
	u64 cap, most;

	if (!d->max_blocks && !d->phys && !d->nblocks && !d->entries)
		return "unsealed: the previous kernel could not seal the set and handed over none";
	if (!khoser_block_entry_size_ok(format == 2 ? 2 : 1, d->size))
		return "entry-size: entry size out of range";
	if (!PAGE_ALIGNED(d->phys))
		return "misaligned: block head misaligned";
	if (!d->phys != !d->nblocks)
		return "desc-blocks: head and block count disagree";
	if (d->nblocks > d->max_blocks)
		return "desc-blocks: more blocks than the writer's bound";
	/* Both formats: no more entries than version 1 pages would hold. */
	cap = khoser_block_capacity(1, d->size, 0);
	if (!check_mul_overflow(d->nblocks, cap, &most) && d->entries > most)
		return "desc-entries: entry count impossible for the blocks";
	/* At least one entry a block: a v2 block is up to 2^4 pages. */
	if ((format == 1 && d->entries < d->nblocks) ||
	    (format == 2 &&
	     !check_shl_overflow(d->entries, KHOSER_BLOCK_V2_MAX_ORDER, &most) &&
	     most < d->nblocks))
		return "desc-entries: entry count impossible for the blocks";
	return NULL;
}

static int kind_restore(void *obj, const struct khoser_root_ser *d,
			const char *label)
{
	unsigned int format = khoser_block_compat_format(d->compat);
	const char *units = format == 2 ? "pages" : "blocks";
	struct khoser_block_set *bs = obj;
	/* The set's own format, kept if the restore fails. */
	u8 fmt0 = bs->format, order0 = bs->order, flags0 = bs->flags;
	unsigned long ver = 0;
	u64 entries, found;
	int err;

	if (bs->nblocks)
		return -EBUSY;
	/*
	 * A version this build does not read, which the caller's string
	 * named too: refused, not read as whichever format the chain has.
	 */
	if (!format) {
		khoser_compat_version(d->compat, KHOSER_BLOCK_BASE, &ver);
		khoser_refused(label, "unknown-format: a block format this khoser does not read",
			       "%s-v%lu", KHOSER_BLOCK_BASE, ver);
		return -EPROTO;
	}
	if (d->size != bs->entry_size) {
		khoser_refused(label, "entry-size: entries of another size",
			       "entry size %llu, expected %u",
			       (unsigned long long)d->size, bs->entry_size);
		return -EPROTO;
	}
	if (d->nblocks > desc_bound(bs, format)) {
		khoser_refused(label, "over-bound: more blocks than this set's bound",
			       "%llu %s, bound %lu blocks",
			       (unsigned long long)d->nblocks, units,
			       bs->max_blocks);
		return -EINVAL;
	}
	/* Bounded by the descriptor: a longer chain is refused as it is read. */
	/* A failed walk leaves the set, format included, as it was. */
	err = khoser_block_restore_locked(bs, d->phys,
					  min_t(u64, d->nblocks, bs->max_blocks),
					  format, label, true);
	if (err)
		return err;
	entries = khoser_block_set_entries(bs);
	found = desc_units(bs, bs->nblocks);
	if (found != d->nblocks || entries != d->entries) {
		khoser_refused(label, found != d->nblocks ?
			       "chain-short: chain ends before the descriptor's block count" :
			       "count-mismatch: entries differ from the descriptor",
			       "descriptor: %llu %s, %llu entries; chain: %llu, %llu",
			       (unsigned long long)d->nblocks, units,
			       (unsigned long long)d->entries,
			       (unsigned long long)found,
			       (unsigned long long)entries);
		khoser_block_drop_all(bs);
		bs->life.state = KHOSER_STATE_OUT;
		bs->format = fmt0;
		bs->order = order0;
		bs->flags = flags0;
		return -EINVAL;
	}
	return 0;
}

const struct khoser_kind khoser_block_kind = {
	.id = KHOSER_KIND_BLOCK,
	.name = "block",
	.once = true,
	.life = offsetof(struct khoser_block_set, life),
	.publish = kind_publish,
	.kexec_seal = kind_kexec_seal,
	.describe = kind_describe,
	.check_desc = kind_check_desc,
	.restore = kind_restore,
};
