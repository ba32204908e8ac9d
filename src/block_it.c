// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoser block-set iterators: the out-of-line halves of the inline paths in
 * include/khoser/block.h, the batch calls and stepping back.
 *
 * DOC: block-set iterators
 *
 * The inline paths touch only the cursor, an end pointer and (reserve) the
 * block's count: while @pos is below @write_end, the count equals the
 * index of @pos, so reserving is one increment of it. The slow paths below
 * run at block boundaries and after a change of direction; they re-read the
 * block's count (another iterator may have written since), move between
 * blocks and set the end pointers again. A NULL end sends the next call to
 * its slow path. No lock is taken: the caller serializes its iterators with
 * the calls that change the set.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/export.h>
#include <linux/kernel.h>
#include <khoser/block.h>
#include "block_fmt.h"

/**
 * khoser_block_set_it_init - start an iterator at the first entry
 * @it: the iterator
 * @bs: the block set
 *
 * Context: Any context; the caller serializes against calls that change
 * the set.
 */
void khoser_block_set_it_init(struct khoser_block_set_it *it,
			      struct khoser_block_set *bs)
{
	it->bs = bs;
	it->b = 0;
	it->pos = NULL;		/* the first access takes a slow path */
	it->read_end = NULL;
	it->write_end = NULL;
	it->count = NULL;
	it->entry_size = bs->entry_size;
}
EXPORT_SYMBOL_GPL(khoser_block_set_it_init);

/* The current block, or NULL when the set has none (or lost it). */
static struct khoser_block *it_block(const struct khoser_block_set_it *it)
{
	const struct khoser_block_set *bs = it->bs;

	return it->b < bs->nblocks ? &bs->blk[it->b] : NULL;
}

/* The cursor in block @b (NULL: the block's start). */
static u8 *it_cursor(const struct khoser_block_set_it *it,
		     const struct khoser_block *b)
{
	return it->pos ? it->pos : khoser_block_data(it->bs, b);
}

/* Index in block @b of the cursor: a division, off the common paths. */
static u64 it_index(const struct khoser_block_set_it *it,
		    const struct khoser_block *b)
{
	u8 *data = khoser_block_data(it->bs, b);

	return it->pos ? (u64)(it->pos - data) / it->entry_size : 0;
}

/**
 * khoser_block_set_it_reserve_slow - reserve, at a block boundary
 * @it: an iterator
 *
 * The out-of-line part of khoser_block_set_it_reserve_entry(), not meant to
 * be called directly: checks the set is writable, moves to the next block
 * when the current one is full, sets the block's count to the reserved
 * slot's index plus one, and lets the inline path run to the end of the
 * block.
 *
 * Context: Any context; the caller serializes access to the set.
 * Return: the slot, or NULL when the capacity is used up or the set is not
 * writable.
 */
void *khoser_block_set_it_reserve_slow(struct khoser_block_set_it *it)
{
	const struct khoser_block_set *bs = it->bs;
	struct khoser_block *b = it_block(it);
	u8 *data, *cur, *end;
	u64 idx;

	if (READ_ONCE(bs->life.state) != KHOSER_STATE_OUT || !b)
		return NULL;
	data = khoser_block_data(bs, b);
	cur = it_cursor(it, b);
	end = data + (u64)b->cap * it->entry_size;
	if (cur >= end) {
		if (it->b + 1 >= bs->nblocks)
			return NULL;
		b = &bs->blk[++it->b];
		data = khoser_block_data(bs, b);
		cur = data;
		end = data + (u64)b->cap * it->entry_size;
	}
	/* At a block's start (the usual case) no division is needed. */
	idx = cur == data ? 0 : (u64)(cur - data) / it->entry_size;
	it->count = khoser_block_countp(bs, b);
	*it->count = idx + 1;
	it->pos = cur + it->entry_size;
	it->write_end = end;
	it->read_end = NULL;	/* a read after writes must check the count */
	return cur;
}
EXPORT_SYMBOL_GPL(khoser_block_set_it_reserve_slow);

/**
 * khoser_block_set_it_read_slow - read, at a block boundary
 * @it: an iterator
 *
 * The out-of-line part of khoser_block_set_it_read_entry(), not meant to be
 * called directly: re-reads the block's count (it may have grown since),
 * moves on to the next block when this one is done and the next holds
 * entries, and lets the inline path run to its count. A reader that reached
 * the end sees entries reserved later.
 *
 * Context: Any context; the caller serializes access to the set.
 * Return: the entry, or NULL after the last one.
 */
void *khoser_block_set_it_read_slow(struct khoser_block_set_it *it)
{
	const struct khoser_block_set *bs = it->bs;
	struct khoser_block *b = it_block(it);
	u8 *cur, *end;

	if (!b)
		return NULL;
	cur = it_cursor(it, b);
	end = khoser_block_data(bs, b) +
	      khoser_block_count(bs, b) * it->entry_size;
	while (cur >= end) {
		/* Stay before an empty block: a writer may fill ours first. */
		if (it->b + 1 >= bs->nblocks ||
		    !khoser_block_count(bs, b + 1))
			return NULL;
		b = &bs->blk[++it->b];
		cur = khoser_block_data(bs, b);
		end = cur + khoser_block_count(bs, b) * it->entry_size;
	}
	it->pos = cur + it->entry_size;
	it->read_end = end;
	it->write_end = NULL;	/* a reserve after reads must check the state */
	return cur;
}
EXPORT_SYMBOL_GPL(khoser_block_set_it_read_slow);

/* After a slow path returned @first, take up to @want in all below @end. */
static u64 it_extend(struct khoser_block_set_it *it, u8 *first, u8 *end,
		     u64 want)
{
	u64 n = min_t(u64, want, (u64)(end - first) / it->entry_size);

	it->pos = first + n * it->entry_size;
	return n;
}

/**
 * khoser_block_set_it_reserve_batch - reserve up to @want consecutive slots
 * @it:   an iterator on an outgoing block set
 * @want: slots wanted, at least 1
 * @got:  slots reserved, all in one block: 1 to @want, 0 on NULL
 *
 * Like @want calls of khoser_block_set_it_reserve_entry(), but stops at the
 * end of the current block, so the slots are contiguous (@got times the
 * entry size) and counted with one header update. Call again for the rest.
 *
 * Context: Any context; the caller serializes access to the set.
 * Return: the first slot, or NULL when the capacity is used up, @want is 0
 * or the set is not writable.
 */
void *khoser_block_set_it_reserve_batch(struct khoser_block_set_it *it,
					u64 want, u64 *got)
{
	u8 *first = want ? khoser_block_set_it_reserve_slow(it) : NULL;

	*got = first ? it_extend(it, first, it->write_end, want) : 0;
	if (first)
		*it->count += *got - 1;
	return first;
}
EXPORT_SYMBOL_GPL(khoser_block_set_it_reserve_batch);

/**
 * khoser_block_set_it_read_batch - read up to @want consecutive entries
 * @it:   an iterator
 * @want: entries wanted, at least 1
 * @got:  entries returned, all in one block: 1 to @want, 0 on NULL
 *
 * Like @want calls of khoser_block_set_it_read_entry(), but stops at the end
 * of the current block's entries, so they are contiguous. Call again for
 * the rest.
 *
 * Context: Any context; the caller serializes access to the set.
 * Return: the first entry, or NULL after the last one or when @want is 0.
 */
void *khoser_block_set_it_read_batch(struct khoser_block_set_it *it,
				     u64 want, u64 *got)
{
	u8 *first = want ? khoser_block_set_it_read_slow(it) : NULL;

	*got = first ? it_extend(it, first, it->read_end, want) : 0;
	return first;
}
EXPORT_SYMBOL_GPL(khoser_block_set_it_read_batch);

/**
 * khoser_block_set_it_prev - step back one entry
 * @it: an iterator
 *
 * Returns the entry before the cursor and moves the cursor onto it, so the
 * next reserve or read returns that slot again. Counts are not changed: to
 * drop entries from an outgoing set, use khoser_block_set_shrink().
 *
 * Context: Any context; the caller serializes access to the set.
 * Return: the previous entry, or NULL at the start of the set.
 */
void *khoser_block_set_it_prev(struct khoser_block_set_it *it)
{
	const struct khoser_block_set *bs = it->bs;
	struct khoser_block *b = it_block(it);
	u64 idx;

	it->read_end = NULL;	/* back to the slow paths: they re-check */
	it->write_end = NULL;
	if (!b)
		return NULL;
	idx = it_index(it, b);
	while (!idx) {
		if (!it->b) {
			it->pos = NULL;		/* the start of block 0 */
			return NULL;
		}
		b = &bs->blk[--it->b];
		idx = khoser_block_count(bs, b);
	}
	it->pos = khoser_block_data(bs, b) + (idx - 1) * it->entry_size;
	return it->pos;
}
EXPORT_SYMBOL_GPL(khoser_block_set_it_prev);
