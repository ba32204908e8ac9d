// SPDX-License-Identifier: GPL-2.0-only
/*
 * Restoring a block set: the chain walk's callbacks for block sets
 * (khoser_chain_walk() walks and claims; each block is kept here and its
 * header checked, khoser_block_check()), for khoser_block_set_restore()
 * and a lookup, with the set's lock held; and the named root's view of a
 * set (khoser_block_kind): publish, the seal at reboot into kexec, the
 * descriptor written and checked, and the lookup's restore, with the
 * publish and lookup doors.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/kernel.h>
#include <khoser/block.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <khoser/compatible.h>
#include <linux/export.h>
#include <linux/mutex.h>
#include "block_int.h"
#include "common.h"
#include "kho.h"

/*
 * Blocks a lookup makes room for before its walk: the descriptor's count,
 * but never more than this (16 KiB of array), as the count is only a
 * claim until the chain bears it out; the array grows geometrically
 * beyond, up to the count, as blocks are claimed.
 */
#define ROOM_AHEAD	1024UL

#define WHAT "block set"

/*
 * Walk state of a restore: the set, the chain's bound, the format asked
 * for (0: any), and the capacity of a block of each order, once the
 * format is known.
 */
struct block_walk {
	struct khoser_block_set *bs;
	unsigned long bound;
	unsigned int want;
	u32 cap[KHOSER_BLOCK_MAX_ORDER + 1];
	char detail[64];
};

/*
 * The chain's first block, claimed: it tells the format (unless the
 * descriptor named one) and so the capacity per order. 0, or -EINVAL with
 * the block kept (for release) and *@why set.
 */
static noinline int visit_first(struct block_walk *w, void *hdr,
				unsigned int order, const char **why)
{
	struct khoser_block_set *bs = w->bs;
	unsigned int found, i;

	found = khoser_block_detect(hdr, order, bs->entry_size);
	bs->format = w->want ? w->want : found ? found : 1;
	for (i = 0; i <= KHOSER_BLOCK_MAX_ORDER; i++)
		w->cap[i] = khoser_block_entry_size_ok(bs->format,
						       bs->entry_size) ?
			    khoser_block_capacity(bs->format, bs->entry_size,
						  i) : 0;
	if (w->want && found && found != w->want) {
		khoser_block_put(bs, hdr, order, w->cap[order]);
		snprintf(w->detail, sizeof(w->detail),
			 "khoser-block-v%u named, v%u found", w->want, found);
		*why = "format-mismatch: chain not in the format named";
		return -EINVAL;
	}
	if (!khoser_block_entry_size_ok(bs->format, bs->entry_size)) {
		khoser_block_put(bs, hdr, order, 0);
		*why = "entry-size: entries too large for the chain's format";
		return -EINVAL;
	}
	return 0;
}

/*
 * Before block @idx is kept: room in the array, and the first block's
 * format. 0, or an errno with *@why set (the block released or kept).
 */
static noinline int visit_prepare(struct block_walk *w, void *hdr,
				  unsigned int order, unsigned long idx,
				  const char **why)
{
	if (idx >= w->bs->nalloc &&
	    khoser_block_room(w->bs, idx + 1, w->bound)) {
		khoser_kho_release_page(hdr);
		*why = "no-memory: out of memory";
		return -ENOMEM;
	}
	return idx ? 0 : visit_first(w, hdr, order, why);
}

/* One claimed block: keep it, tell its format if first, check it. */
static int visit_block(void *ctx, void *hdr, unsigned int order,
		       unsigned long idx, u64 *next, const char **why)
{
	struct block_walk *w = ctx;
	struct khoser_block_set *bs = w->bs;
	struct khoser_block *b;
	int err;

	if (unlikely(!idx || idx >= bs->nalloc)) {
		err = visit_prepare(w, hdr, order, idx, why);
		if (err)
			return err;
	}
	b = khoser_block_put(bs, hdr, order, w->cap[order]);
	*why = khoser_block_check(bs, b, idx);
	if (*why)
		return -EINVAL;
	*next = READ_ONCE(*khoser_block_nextp(b));
	return 0;
}

/* Whether @pa lies in a block claimed so far (a cycle). */
static bool seen_block(void *ctx, u64 pa)
{
	const struct khoser_block_set *bs = ((struct block_walk *)ctx)->bs;
	const struct khoser_block *b;
	u64 start;

	for (b = bs->blk; b < bs->blk + bs->nblocks; b++) {
		start = khoser_kho_phys(b->hdr);
		if (pa >= start && pa - start < (KHOSER_BLOCK_SIZE << b->order))
			return true;
	}
	return false;
}

/*
 * Restore the chain at @head_pa into locked, empty, outgoing @bs; @want:
 * the format the caller's descriptor names (0: either). With @known, a
 * descriptor gave @bound (checked against the set's own): room for that
 * many blocks, up to ROOM_AHEAD, is made before the walk, so that the
 * walk of a usual chain needs no more; a forged count costs no more.
 */
int khoser_block_restore_locked(struct khoser_block_set *bs, u64 head_pa,
				unsigned long bound, unsigned int want,
				const char *label, bool known)
{
	struct block_walk w = { .bs = bs, .bound = bound, .want = want };
	struct khoser_chain chain = {
		.label = label, .what = "block", .bound = bound,
		.max_order = want ? khoser_block_format(want)->max_order :
				    KHOSER_BLOCK_MAX_ORDER,
		.visit = visit_block, .seen = seen_block, .ctx = &w,
		.detail = w.detail,
	};
	u8 fmt0 = bs->format, order0 = bs->order, flags0 = bs->flags;
	unsigned long claimed;
	int err;

	if (known && head_pa &&
	    khoser_block_room(bs, min(bound, ROOM_AHEAD), bound)) {
		khoser_refused(label, "no-memory: out of memory",
			       "room for %lu blocks", min(bound, ROOM_AHEAD));
		return -ENOMEM;
	}
	bs->life.state = KHOSER_STATE_IN;
	bs->flags = 0;
	bs->order = 0;
	err = khoser_chain_walk(&chain, head_pa, &claimed);
	if (err) {
		khoser_block_drop_all(bs);
		khoser_block_free_empty(bs);
		bs->life.state = KHOSER_STATE_OUT;
		bs->format = fmt0;	/* as the owner set it */
		bs->order = order0;
		bs->flags = flags0;
		return err;
	}
	bs->head_pa = head_pa;
	return 0;
}

/* --- raw restore --------------------------------------------------------- */

/*
 * khoser_block_set_restore() of a chain in format @want (0: either),
 * naming @label in the log line.
 */
int khoser_block_set_restore_as(struct khoser_block_set *bs, u64 head_pa,
				unsigned int want, const char *label)
{
	int err = khoser_life_lock_idle(&bs->life, WHAT, "restore");

	if (err)
		return err;
	err = khoser_block_check_state(bs, "restore", false);
	if (!err && bs->nblocks)
		err = -EBUSY;
	if (!err)
		err = khoser_block_restore_locked(bs, head_pa, bs->max_blocks,
						  want, label, false);
	mutex_unlock(&bs->life.lock);
	return err;
}

/**
 * khoser_block_set_restore - take over a chain handed over by the last kernel
 * @bs:      an initialized, empty block set, with the entry size (and chain
 *           bound) the writer used
 * @head_pa: physical address of the first block, 0 for an empty set
 *
 * Reads a "kho-block-v1" chain, written by khoser or by upstream Linux, or
 * a "khoser-block-v2" one; the first block tells which, and
 * khoser_block_set_format() says it afterwards. Every block is checked
 * (aligned, in RAM, really preserved with an order its format allows, not
 * visited before, within the chain bound) and claimed before its header is
 * read; then every header field is checked (struct khoser_block2_hdr),
 * the CRC too when the block has one. On any failure, one line is logged
 * naming the problem and the block index, every block claimed so far is
 * released and @bs is left empty and outgoing. Blocks after the bad one are
 * not touched: they cannot be trusted.
 *
 * Context: Process context (may sleep); takes the set's lock.
 * Return: 0 and @bs is incoming (read-only); -EOPNOTSUPP without KHO;
 * -EBUSY when @bs is not empty, not outgoing or published; -EINVAL on an
 * uninitialized set or a corrupt chain; -ENOMEM.
 */
int khoser_block_set_restore(struct khoser_block_set *bs, u64 head_pa)
{
	return khoser_block_set_restore_as(bs, head_pa, 0, "block set restore");
}
EXPORT_SYMBOL_GPL(khoser_block_set_restore);

/* --- the named root's view (khoser_block_kind) ----------------------- */

/*
 * What a descriptor counts of @n blocks of @bs, and of its bound: blocks
 * for format 1, pages for format 2 (struct khoser_root_ser).
 */
static u64 desc_units(const struct khoser_block_set *bs, unsigned long n)
{
	unsigned long i;
	u64 pages = 0;

	if (!khoser_block_fmt_of(bs)->desc_pages)
		return n;
	for (i = 0; i < n; i++)
		pages += 1UL << bs->blk[i].order;
	return pages;
}

/*
 * The set's bound in the units of @format's descriptors, saturated: in
 * pages, a bound of 2^(64 - max_order) blocks or more is U64_MAX.
 */
static u64 desc_bound(const struct khoser_block_set *bs, unsigned int format)
{
	const struct khoser_block_format *f = khoser_block_format(format);
	u64 pages;

	if (!f->desc_pages)
		return bs->max_blocks;
	if (check_shl_overflow((u64)bs->max_blocks, f->max_order, &pages))
		return U64_MAX;
	return pages;
}

/*
 * The chain as handed over: after the kexec seal, its first @nkept blocks
 * (an entry a racing writer counts in a block cut after them is not
 * handed over, and so not counted).
 */
static void block_kind_describe(void *obj, struct khoser_root_ser *desc)
{
	struct khoser_block_set *bs = obj;

	desc->kind = KHOSER_KIND_BLOCK;
	desc->phys = bs->head_pa;
	desc->size = bs->entry_size;
	desc->nblocks = desc_units(bs, bs->nkept);
	desc->entries = khoser_block_entries_of(bs, bs->nkept);
	desc->max_blocks = desc_bound(bs, khoser_block_fmt(bs));
}

static int block_kind_publish(void *obj, struct khoser_root_ser *desc)
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
		block_kind_describe(bs, desc);
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
static void block_kind_kexec_seal(void *obj, struct khoser_root_ser *desc,
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
	block_kind_describe(bs, desc);
	if (filled < 0)
		desc->max_blocks = 0;
}

/*
 * Before the compatible string is compared: the bounds are those of the
 * format the string names, or the loosest when it names none this build
 * reads (block_kind_restore() refuses it). A product that does not fit a u64
 * bounds nothing (every u64 is below it); checked, not wrapped, as a
 * wrapped one refused a count that is not the one at fault.
 */
static const char *block_kind_check_desc(const struct khoser_root_ser *d)
{
	unsigned int format = khoser_block_compat_format(d->compat);
	const struct khoser_block_format *f = khoser_block_format(format);
	u64 cap, most;

	if (!d->max_blocks && !d->phys && !d->nblocks && !d->entries)
		return "unsealed: the previous kernel could not seal the set and handed over none";
	/* A format this build does not read is refused at the lookup. */
	if (!f)
		f = &khoser_block_v1;
	if (!khoser_block_entry_size_ok(f->version, d->size))
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
	/* At least one entry a block, of up to 2^max_order pages. */
	if ((!f->desc_pages && d->entries < d->nblocks) ||
	    (f->desc_pages &&
	     !check_shl_overflow(d->entries, f->max_order, &most) &&
	     most < d->nblocks))
		return "desc-entries: entry count impossible for the blocks";
	return NULL;
}

static int block_kind_restore(void *obj, const struct khoser_root_ser *d,
			      const char *label)
{
	unsigned int format = khoser_block_compat_format(d->compat);
	const struct khoser_block_format *f = khoser_block_format(format);
	const char *units = f && f->desc_pages ? "pages" : "blocks";
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
	.publish = block_kind_publish,
	.kexec_seal = block_kind_kexec_seal,
	.describe = block_kind_describe,
	.check_desc = block_kind_check_desc,
	.restore = block_kind_restore,
};

/* --- publish and lookup ------------------------------------------------ */

/**
 * khoser_block_set_publish - seal a set and publish it under a name
 * @bs:     an outgoing block set
 * @name:   object name (see khoser_name_valid())
 * @compat: composite compatible string naming %KHOSER_BLOCK_COMPAT
 *
 * The set stays writable by its owner; when the kernel reboots into kexec
 * it is sealed again (trailing empty blocks cut; every block, when an
 * empty one sits between filled ones, and the next kernel then refuses
 * the set), its descriptor updated, and it becomes read-only. Unpublish
 * it with khoser_unpublish() before destroying it.
 *
 * Context: Process context (may sleep); takes the registry lock, then the
 * set's; the caller serializes its iterators on @bs with this call.
 * Return: 0; -EOPNOTSUPP without KHO; -EBUSY when already published; -EEXIST
 * when @name is taken; -EPERM on an incoming set; -EINVAL on a bad name,
 * string or set; -ENOMEM.
 */
int khoser_block_set_publish(struct khoser_block_set *bs, const char *name,
			     const char *compat)
{
	return khoser_root_publish(&khoser_block_kind, bs, name, compat);
}
EXPORT_SYMBOL_GPL(khoser_block_set_publish);

/**
 * khoser_block_set_lookup - find a published block set and restore it
 * @bs:     an initialized, empty, unpublished outgoing block set with the
 *          expected entry size (and chain bound)
 * @name:   object name
 * @compat: the composite compatible string this driver expects
 *
 * Compares @compat with the one the previous kernel published before
 * anything is restored, then checks the descriptor against @bs, restores
 * the chain (bounded by the descriptor's block count) and checks that its
 * blocks and entries match the descriptor. A set can be restored once.
 *
 * Context: Process context (may sleep); takes the registry lock, then the
 * set's.
 * Return: 0; -EOPNOTSUPP without KHO; -ENOENT when not published; -EPROTO on
 * a compatible-string, kind or entry-size mismatch; -EALREADY when restored
 * before; -EBUSY when @bs is not empty, not outgoing or published; -EINVAL
 * on corrupt data; -ENOMEM.
 */
int khoser_block_set_lookup(struct khoser_block_set *bs, const char *name,
			    const char *compat)
{
	return khoser_root_lookup(&khoser_block_kind, bs, name, compat);
}
EXPORT_SYMBOL_GPL(khoser_block_set_lookup);
