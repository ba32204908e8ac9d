// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoser block sets: chains of preserved blocks of fixed-size entries, in
 * the upstream "kho-block-v1" layout or khoser's "khoser-block-v2"
 * (struct khoser_block_hdr, struct khoser_block2_hdr): the set, its
 * lifecycle and its array of blocks. The formats' headers are
 * khoser_block_formats[]'s, the iterators khoser_block_set_it_*(), the
 * restore walk and the named root's view khoser_block_set_restore()'s and
 * khoser_block_kind's.
 *
 * DOC: block-set lifecycle
 *
 * Outgoing sets are grown ahead of time (so that filling them cannot fail),
 * filled through an iterator, sealed (trailing unused blocks released, so
 * the chain handed over has no empty block, and version 2 CRCs computed)
 * and published. The blocks are kept in an array grown geometrically, so a
 * set of n blocks costs O(log n) small allocations. Incoming sets are
 * restored from a head address, claiming and checking every block before
 * reading it (khoser_chain_walk()), and are read-only.
 *
 * This file knows nothing of the named root: the root drives a set through
 * khoser_block_kind (&struct khoser_kind) with the set's lock held.
 * A published set stays writable by its owner; at reboot into kexec the
 * root seals it once more without freeing or unlinking anything
 * (kind_kexec_seal()): trailing empty blocks are cut from the chain and
 * unpreserved, and the set becomes read-only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <khoser/block.h>
#include <linux/slab.h>
#include "block_int.h"
#include "common.h"
#include "kho.h"
#include "compat/slab.h"

#define WHAT "block set"

/* Initialized, writable when @write, and (a static set) a usable size. */
int khoser_block_check_state(const struct khoser_block_set *bs,
			     const char *op, bool write)
{
	int err = khoser_life_check(&bs->life, WHAT, op, write);

	if (!err && !khoser_block_entry_size_ok(khoser_block_fmt(bs),
						bs->entry_size)) {
		pr_err("%s: entry size %u cannot fit a block\n", op,
		       bs->entry_size);
		err = -EINVAL;
	}
	return err;
}

/* Take @bs's lock for @op: 0 with it held, or the errno (unlocked). */
static int lock_set(struct khoser_block_set *bs, const char *op, bool write)
{
	int err = khoser_life_lock(&bs->life, WHAT, op, write);

	if (err)
		return err;
	err = khoser_block_check_state(bs, op, write);
	if (err)
		mutex_unlock(&bs->life.lock);
	return err;
}

/* khoser_block_put(), and link the block at the tail of an outgoing chain. */
static struct khoser_block *add_block(struct khoser_block_set *bs, void *hdr,
				      unsigned int order, u32 cap)
{
	struct khoser_block *b = khoser_block_put(bs, hdr, order, cap);

	if (b != bs->blk)
		*khoser_block_nextp(b - 1) = khoser_kho_phys(hdr);
	else
		bs->head_pa = khoser_kho_phys(hdr);
	return b;
}

/**
 * khoser_block_set_init - initialize an empty outgoing block set
 * @bs:         the block set
 * @entry_size: size of each entry, 1 to %KHOSER_BLOCK_MAX_ENTRY bytes
 *
 * The set holds no block until khoser_block_set_grow() and writes format 1
 * ("khoser-block-v1", upstream's) until khoser_block_set_set_format(). Its
 * chain-length bound starts at %KHOSER_BLOCK_DEFAULT_MAX (upstream's
 * reader limit).
 *
 * Context: Any context; @bs must not be in use.
 * Return: 0, or -EINVAL when @entry_size cannot fit a block (the set is
 * then left uninitialized).
 */
int khoser_block_set_init(struct khoser_block_set *bs, size_t entry_size)
{
	memset(bs, 0, sizeof(*bs));
	if (!khoser_block_entry_size_ok(1, entry_size)) {
		pr_err("init: entry size %zu does not fit a %lu-byte block\n",
		       entry_size, (unsigned long)KHOSER_BLOCK_SIZE);
		return -EINVAL;
	}
	khoser_life_init(&bs->life, KHOSER_STATE_OUT);
	bs->max_blocks = KHOSER_BLOCK_DEFAULT_MAX;
	bs->entry_size = entry_size;
	bs->format = 1;
	return 0;
}
EXPORT_SYMBOL_GPL(khoser_block_set_init);

/**
 * khoser_block_set_set_format - choose the block format a set writes
 * @bs:      an outgoing, writable block set without blocks
 * @version: 1 ("khoser-block-v1", upstream's) or 2 ("khoser-block-v2")
 * @order:   version 2: largest block order, 0 to
 *           %KHOSER_BLOCK_V2_MAX_ORDER (grow falls back to smaller blocks
 *           when large ones cannot be had); version 1: 0
 * @flags:   version 2: %KHOSER_BLOCK_F_CRC or 0; version 1: 0
 *
 * The format decides the compatible string the set is published under
 * (khoser_block_set_compat()); write version 1 for a reader that knows
 * only upstream's format or an older khoser. Restores read either format
 * whatever is set here.
 *
 * Context: Process context (may sleep); takes the set's lock.
 * Return: 0; -EINVAL on a version, order or flag out of range, or an
 * entry size version 2 blocks cannot hold; -EBUSY when the set has
 * blocks; -EPERM on a sealed or incoming set.
 */
int khoser_block_set_set_format(struct khoser_block_set *bs,
				unsigned int version, unsigned int order,
				unsigned int flags)
{
	const struct khoser_block_format *f = khoser_block_format(version);
	int err = lock_set(bs, "set_format", true);

	if (err)
		return err;
	if (bs->nblocks) {
		err = -EBUSY;
	} else if (!f || order > f->max_order || (flags & ~f->flags) ||
		   !khoser_block_entry_size_ok(version, bs->entry_size)) {
		pr_err("set_format: version %u, order %u, flags %#x, entry size %u: unsupported\n",
		       version, order, flags, bs->entry_size);
		err = -EINVAL;
	} else {
		bs->format = version;
		bs->order = order;
		bs->flags = flags;
	}
	mutex_unlock(&bs->life.lock);
	return err;
}
EXPORT_SYMBOL_GPL(khoser_block_set_set_format);

/**
 * khoser_block_set_format - the block format of a set
 * @bs: the block set
 *
 * Context: Any context; the caller serializes against calls that change
 * the set.
 * Return: 1 or 2: the format the set writes, or for an incoming set the
 * format its chain was found in.
 */
unsigned int khoser_block_set_format(const struct khoser_block_set *bs)
{
	return khoser_block_fmt(bs);
}
EXPORT_SYMBOL_GPL(khoser_block_set_format);

/**
 * khoser_block_set_compat - the compatible component of a set's format
 * @bs: the block set
 *
 * For building the set's compatible string with khoser_compat_build().
 *
 * Context: Any context; the caller serializes against calls that change
 * the set.
 * Return: %KHOSER_BLOCK_COMPAT or %KHOSER_BLOCK_COMPAT_V2.
 */
const char *khoser_block_set_compat(const struct khoser_block_set *bs)
{
	return khoser_block_fmt_of(bs)->compat;
}
EXPORT_SYMBOL_GPL(khoser_block_set_compat);

/**
 * khoser_block_set_set_max_blocks - set the chain-length bound
 * @bs:         an outgoing, writable block set
 * @max_blocks: most blocks the set may hold when written or restored
 *
 * The default, %KHOSER_BLOCK_DEFAULT_MAX, is what upstream's reader accepts;
 * raise it (on both sides of the kexec) to hand over larger sets to khoser.
 * Set it before khoser_block_set_restore() or _lookup() to bound what is
 * accepted from the previous kernel.
 *
 * Context: Process context (may sleep); takes the set's lock.
 * Return: 0; -EINVAL when @max_blocks is 0 or below the current size, or
 * the set is uninitialized; -EPERM on a sealed or incoming set.
 */
int khoser_block_set_set_max_blocks(struct khoser_block_set *bs,
				    unsigned long max_blocks)
{
	return khoser_life_set_bound(&bs->life, WHAT, "set_max_blocks",
				     &bs->max_blocks, &bs->nblocks, max_blocks);
}
EXPORT_SYMBOL_GPL(khoser_block_set_set_max_blocks);

/* A new preserved block of @*order or, failing that, of a smaller one. */
static void *alloc_block(unsigned int *order)
{
	void *hdr;

	for (;;) {
		hdr = khoser_kho_alloc_block(*order);
		if (!IS_ERR(hdr) || !*order)
			return hdr;
		(*order)--;
	}
}

/*
 * Whether blocks of @cap entries, as many as @bs's bound lets it have
 * more, bring it to @count entries; *@more: how many it takes (0: it holds
 * them already), rounded up without an addition that could wrap.
 */
static bool blocks_fit(const struct khoser_block_set *bs, u64 count, u32 cap,
		       u64 *more)
{
	*more = count <= bs->capacity ? 0 :
		(count - bs->capacity - 1) / cap + 1;
	return *more <= bs->max_blocks - bs->nblocks;
}

static int grow_locked(struct khoser_block_set *bs, u64 count)
{
	unsigned int format = khoser_block_fmt(bs);
	unsigned int order = bs->order, cap_order;	/* 0 unless it may be */
	unsigned long orig = bs->nblocks;
	void *hdr;
	u64 more;
	u32 cap;
	int err;

	/* Refused before allocating when even the largest blocks cannot do. */
	cap = khoser_block_capacity(format, bs->entry_size, order);
	if (!blocks_fit(bs, count, cap, &more))
		return -ENOSPC;
	if (!more)
		return 0;
	/* Room for them all at once; a fallback to smaller blocks adds room. */
	err = khoser_block_room(bs, bs->nblocks + more, bs->max_blocks);
	if (err)
		goto rollback;
	while (bs->capacity < count) {
		err = -ENOSPC;
		if (bs->nblocks == bs->max_blocks)
			goto rollback;
		err = khoser_block_room(bs, bs->nblocks + 1, bs->max_blocks);
		if (err)
			goto rollback;
		cap_order = order;
		hdr = alloc_block(&order);
		if (IS_ERR(hdr)) {
			err = PTR_ERR(hdr);
			goto rollback;
		}
		/* The capacity is computed again only when the order fell. */
		if (order != cap_order)
			cap = khoser_block_capacity(format, bs->entry_size,
						    order);
		khoser_block_hdr_init(bs, add_block(bs, hdr, order, cap));
		/*
		 * No block after it is larger: refused at once, rather than
		 * at the bound, when blocks of this order cannot do.
		 */
		err = -ENOSPC;
		if (order != cap_order && !blocks_fit(bs, count, cap, &more))
			goto rollback;
	}
	return 0;

rollback:
	while (bs->nblocks > orig)
		khoser_block_drop_last(bs);
	khoser_block_free_empty(bs);
	return err;
}

/**
 * khoser_block_set_grow - preallocate preserved blocks for @count entries
 * @bs:    an outgoing block set
 * @count: number of entries the set must be able to hold
 *
 * Allocates and preserves blocks until @count entries fit, so that writing
 * them later cannot fail. A version 2 set allocates blocks of its largest
 * order, falling back to smaller orders when those cannot be had. On
 * failure every block added by this call is released and the set is as it
 * was.
 *
 * Context: Process context (may sleep); takes the set's lock; the caller
 * serializes its iterators on @bs with this call.
 * Return: 0; -EOPNOTSUPP without KHO; -EPERM on an incoming or sealed set;
 * -EINVAL on an uninitialized set; -ENOSPC beyond the chain-length bound,
 * before anything is allocated (and as soon as a fallback to smaller
 * blocks makes the bound too short); -ENOMEM (also for more blocks than
 * one kvmalloc()'d array can list) or another errno from preservation.
 */
int khoser_block_set_grow(struct khoser_block_set *bs, u64 count)
{
	int err = lock_set(bs, "grow", true);

	if (err)
		return err;
	err = khoser_kho_usable() ? grow_locked(bs, count) : -EOPNOTSUPP;
	mutex_unlock(&bs->life.lock);
	return err;
}
EXPORT_SYMBOL_GPL(khoser_block_set_grow);

/**
 * khoser_block_set_shrink - release blocks not needed for @count entries
 * @bs:    an outgoing block set
 * @count: number of entries to keep
 *
 * Entries are removed last-in first-out: blocks past the first @count entries
 * are released and the count of the new last block is cut to what remains.
 * Iterators on @bs must be re-initialized afterwards.
 *
 * Context: Process context (may sleep); takes the set's lock; the caller
 * serializes its iterators on @bs with this call.
 * Return: 0; -EPERM on an incoming or sealed set; -EINVAL on an
 * uninitialized set.
 */
int khoser_block_set_shrink(struct khoser_block_set *bs, u64 count)
{
	struct khoser_block *last;
	u64 before, *cnt;
	int err;

	err = lock_set(bs, "shrink", true);
	if (err)
		return err;
	while (bs->nblocks &&
	       count <= bs->capacity - bs->blk[bs->nblocks - 1].cap)
		khoser_block_drop_last(bs);
	if (bs->nblocks) {
		last = &bs->blk[bs->nblocks - 1];
		before = bs->capacity - last->cap;
		cnt = khoser_block_countp(bs, last);
		if (*cnt > count - before)
			*cnt = count - before;
	}
	mutex_unlock(&bs->life.lock);
	return 0;
}
EXPORT_SYMBOL_GPL(khoser_block_set_shrink);

/*
 * Blocks up to the last one holding entries (0: none), or -EINVAL when an
 * empty block sits between filled ones (one line with @label, ending with
 * @then).
 */
long khoser_block_filled(struct khoser_block_set *bs, const char *label,
			 const char *then)
{
	unsigned long i, filled = 0, first_empty = 0;
	bool empty_seen = false;

	for (i = 0; i < bs->nblocks; i++) {
		if (READ_ONCE(*khoser_block_countp(bs, &bs->blk[i]))) {
			if (empty_seen) {
				pr_err("%s: block %lu is empty but block %lu is not%s\n",
				       label, first_empty, i, then);
				return -EINVAL;
			}
			filled = i + 1;
		} else if (!empty_seen) {
			first_empty = i;
			empty_seen = true;
		}
	}
	return filled;
}

/* The CRCs of the blocks handed over. */
void khoser_block_seal_crcs(struct khoser_block_set *bs, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		khoser_block_seal_crc(bs, &bs->blk[i]);
}

/* khoser_block_set_seal() with the lock held (also the root's publish). */
int khoser_block_seal_locked(struct khoser_block_set *bs)
{
	long filled = khoser_block_filled(bs, "seal", "");

	if (filled < 0)
		return filled;
	while (bs->nblocks > filled)
		khoser_block_drop_last(bs);
	khoser_block_seal_crcs(bs, bs->nblocks);
	return 0;
}

/**
 * khoser_block_set_seal - make the chain ready to hand over
 * @bs: an outgoing block set
 *
 * Releases trailing blocks that hold no entry (grown but never filled), so
 * that the chain has no empty block, as upstream's reader demands, and
 * computes the CRC of every version 2 block that carries one: seal after
 * the last write. The set stays writable. Sets published with
 * khoser_block_set_publish() are sealed again automatically when the
 * kernel reboots into kexec.
 *
 * Context: Process context (may sleep); takes the set's lock; the caller
 * serializes its iterators on @bs with this call.
 * Return: 0; -EPERM on an incoming or sealed set; -EINVAL on an
 * uninitialized set or when an empty block sits between filled ones.
 */
int khoser_block_set_seal(struct khoser_block_set *bs)
{
	int err = lock_set(bs, "seal", true);

	if (err)
		return err;
	err = khoser_block_seal_locked(bs);
	mutex_unlock(&bs->life.lock);
	return err;
}
EXPORT_SYMBOL_GPL(khoser_block_set_seal);

/**
 * khoser_block_set_clear - forget every entry, keep the blocks
 * @bs: an outgoing block set
 *
 * Zeroes every block's count and entries so the set can be written again
 * from the start. Iterators on @bs must be re-initialized afterwards, as
 * after khoser_block_set_shrink(): one left in a block would count its
 * next entry as the block's first, and every block is empty now, so the
 * next khoser_block_set_seal() or _publish() releases the blocks such an
 * iterator still points into.
 *
 * Context: Process context (may sleep); takes the set's lock; the caller
 * serializes its iterators on @bs with this call.
 * Return: 0; -EPERM on an incoming or sealed set; -EINVAL on an
 * uninitialized set.
 */
int khoser_block_set_clear(struct khoser_block_set *bs)
{
	size_t hsz = khoser_block_fmt_of(bs)->hdr_size;
	struct khoser_block *b;
	unsigned long i;
	int err;

	err = lock_set(bs, "clear", true);
	if (err)
		return err;
	for (i = 0; i < bs->nblocks; i++) {
		b = &bs->blk[i];
		*khoser_block_countp(bs, b) = 0;
		memset((u8 *)b->hdr + hsz, 0, (KHOSER_BLOCK_SIZE << b->order) - hsz);
	}
	mutex_unlock(&bs->life.lock);
	return 0;
}
EXPORT_SYMBOL_GPL(khoser_block_set_clear);

/**
 * khoser_block_set_destroy - release every block of a set
 * @bs: an outgoing or incoming block set
 *
 * Outgoing blocks are unpreserved and freed; incoming blocks (claimed from
 * the previous kernel) are freed. The set is left empty and outgoing, as
 * after khoser_block_set_init(), so it can be reused; it keeps its format.
 *
 * Context: Process context (may sleep); takes the set's lock; no iterator
 * of the caller may be in use on @bs.
 * Return: 0; -EBUSY while the set is published (unpublish first);
 * -EINVAL on an uninitialized set.
 */
int khoser_block_set_destroy(struct khoser_block_set *bs)
{
	int err = khoser_life_lock(&bs->life, WHAT, "destroy", false);

	if (err)
		return err;
	if (bs->life.published) {
		pr_err("destroy: block set is published; unpublish it first\n");
		err = -EBUSY;
	} else {
		khoser_block_drop_all(bs);
		bs->life.state = KHOSER_STATE_OUT;
	}
	mutex_unlock(&bs->life.lock);
	return err;
}
EXPORT_SYMBOL_GPL(khoser_block_set_destroy);

/* The entries of the first @n blocks of @bs. */
u64 khoser_block_entries_of(const struct khoser_block_set *bs,
			    unsigned long n)
{
	unsigned long i;
	u64 entries = 0;

	for (i = 0; i < n; i++)
		entries += khoser_block_count(bs, &bs->blk[i]);
	return entries;
}

/**
 * khoser_block_set_entries - number of entries in the set
 * @bs: the block set
 *
 * Context: Any context; the caller serializes against calls that change
 * the set.
 * Return: the sum of the block counts.
 */
u64 khoser_block_set_entries(const struct khoser_block_set *bs)
{
	return khoser_block_entries_of(bs, bs->nblocks);
}
EXPORT_SYMBOL_GPL(khoser_block_set_entries);

/* --- the array of blocks ---------------------------------------------- */

/*
 * Room for @n blocks in @bs->blk, growing it geometrically up to @bound
 * blocks. -ENOMEM also when @n is above @bound or above what one
 * kvmalloc() holds (nothing allocated, no WARN).
 */
int khoser_block_room(struct khoser_block_set *bs, unsigned long n,
		      unsigned long bound)
{
	struct khoser_block *blk = khoser_array_room(bs->blk, sizeof(*blk),
						     bs->nblocks, &bs->nalloc,
						     n, 8, bound);

	if (!blk)
		return -ENOMEM;
	bs->blk = blk;
	return 0;
}

/* An empty set holds no memory, whatever led to it. */
void khoser_block_free_empty(struct khoser_block_set *bs)
{
	if (bs->nblocks)
		return;
	kvfree(bs->blk);
	bs->blk = NULL;
	bs->nalloc = 0;
}

/* Unlink and free the last block of the chain. */
void khoser_block_drop_last(struct khoser_block_set *bs)
{
	struct khoser_block *last = &bs->blk[bs->nblocks - 1];

	if (bs->life.state == KHOSER_STATE_IN)
		khoser_kho_release_page(last->hdr);
	else if (bs->nblocks > bs->nkept)
		khoser_kho_put_page(last->hdr);		/* cut at kexec */
	else
		khoser_kho_free_block(last->hdr, last->order);
	if (bs->nkept == bs->nblocks)	/* the dropped block was kept */
		bs->nkept--;
	bs->nblocks--;
	bs->capacity -= last->cap;

	if (bs->nblocks && bs->nkept == bs->nblocks) {
		*khoser_block_nextp(last - 1) = 0;
	} else if (!bs->nblocks) {
		bs->head_pa = 0;
		khoser_block_free_empty(bs);
	}
}

/* Unlink and free every block. */
void khoser_block_drop_all(struct khoser_block_set *bs)
{
	while (bs->nblocks)
		khoser_block_drop_last(bs);
}
