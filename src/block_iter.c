// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoser block-set iterators: the out-of-line halves of the inline paths in
 * khoser_block_set_it_reserve_entry() and _read_entry(), the batch calls
 * and stepping back.
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
 *
 * A reader that entered a full block (@read_full) moves on at its end
 * without counting it again: a full block cannot grow.
 *
 * When a slow path enters a block, it asks the CPU for what comes next
 * (it_prefetch_write(), it_prefetch_read()): the CPU's own prefetchers
 * stop at page boundaries, and waiting for memory at each block's start
 * made 64-byte entries cost half as much again as in a flat buffer, in
 * both directions. The price is the prefetches themselves, paid also when
 * the next block is already cached: make bench reports both, block_*
 * (from RAM) and block_*_hot (from the cache).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cache.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/prefetch.h>
#include <khoser/block.h>
#include "block_int.h"

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
	it->read_full = false;
}
EXPORT_SYMBOL_GPL(khoser_block_set_it_init);

/* The current block, or NULL when the set has none (or lost it). */
static struct khoser_block *it_block(const struct khoser_block_set_it *it)
{
	const struct khoser_block_set *bs = it->bs;

	return it->b < bs->nblocks ? &bs->blk[it->b] : NULL;
}

/* Index in block @b of the cursor: a division, off the common paths. */
static u64 it_index(const struct khoser_block_set_it *it,
		    const struct khoser_block *b)
{
	u8 *data = khoser_block_data(it->bs, b);

	return it->pos ? (u64)(it->pos - data) / it->entry_size : 0;
}

/*
 * prefetcht0 every line from @p up to @end, and up to three lines past it
 * within the page, four a turn: cheaper per line than one a turn when the
 * lines are cached already. (Not for writing: there, from RAM, one a turn
 * appended small entries faster; the figures are in the bench's README.)
 */
static __always_inline void it_prefetch_lines(const u8 *p, const u8 *end)
{
	for (; p < end; p += 4 * L1_CACHE_BYTES) {
		__builtin_prefetch(p, 0, 3);
		__builtin_prefetch(p + L1_CACHE_BYTES, 0, 3);
		__builtin_prefetch(p + 2 * L1_CACHE_BYTES, 0, 3);
		__builtin_prefetch(p + 3 * L1_CACHE_BYTES, 0, 3);
	}
}

/*
 * Ask for block @next's first page for writing, as far as its slots go:
 * every line of it is about to be written (see the DOC above). With
 * prefetcht0, as for reading: prefetchw cost more on lines already cached
 * and saved nothing more from RAM.
 */
static __always_inline void it_prefetch_write(const struct khoser_block *next,
					      size_t hsz, size_t esz)
{
	const u8 *p = next->hdr;
	const u8 *end = p + min_t(size_t, PAGE_SIZE, hsz + next->cap * esz);

	for (; p < end; p += L1_CACHE_BYTES)
		__builtin_prefetch(p, 0, 3);
}

/*
 * Ask for what a reader of the set needs after block @b, whose first entry
 * it is at (see the DOC above). Small entries (at most a line): every line
 * of block @i + 1's first page, as each holds entries any reader touches.
 * Larger ones: only the header's line, which holds the count and the first
 * entry's start, eight blocks ahead, as a block of few entries is read in
 * nanoseconds.
 *
 * prefetcht0 (__builtin_prefetch(p, 0, 3)), not prefetch(), which is
 * prefetchnta on x86-64, which was much slower with a whole page
 * prefetched per 2 KiB entry read from the cache. The helpers are
 * inlined: a function holding only prefetches counts as pure, and its
 * calls may be dropped.
 */
static __always_inline void it_prefetch_read(const struct khoser_block_set *bs,
					     const struct khoser_block *b,
					     size_t esz)
{
	unsigned long left = bs->blk + bs->nblocks - b;	/* @b and after */

	if (esz > L1_CACHE_BYTES) {
		if (left > 8)
			__builtin_prefetch(b[8].hdr, 0, 3);
	} else if (left > 1) {
		it_prefetch_lines(b[1].hdr, (const u8 *)b[1].hdr + PAGE_SIZE);
	}
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
	const struct khoser_block *b;
	size_t esz = it->entry_size, hsz;
	u8 *data, *cur, *end;
	u64 idx;

	if (READ_ONCE(bs->life.state) != KHOSER_STATE_OUT ||
	    it->b >= bs->nblocks)
		return NULL;
	hsz = khoser_block_fmt_of(bs)->hdr_size;
	b = &bs->blk[it->b];
	data = (u8 *)b->hdr + hsz;
	cur = it->pos ? it->pos : data;
	end = data + b->cap * esz;
	if (cur >= end) {
		if (it->b + 1 >= bs->nblocks)
			return NULL;
		it->b++;
		b++;
		data = (u8 *)b->hdr + hsz;
		cur = data;
		end = data + b->cap * esz;
	}
	/* At a block's start (the usual case) no division is needed. */
	if (cur == data) {
		idx = 0;
		if (it->b + 1 < bs->nblocks)
			it_prefetch_write(b + 1, hsz, esz);
	} else {
		idx = (u64)(cur - data) / esz;
	}
	it->count = khoser_block_countp(bs, b);
	*it->count = idx + 1;
	it->pos = cur + esz;
	it->write_end = end;
	it->read_end = NULL;	/* a read after writes must check the count */
	return cur;
}
EXPORT_SYMBOL_GPL(khoser_block_set_it_reserve_slow);

/* Read on from @cur in block @b, whose first entry is at @data, of @n. */
static __always_inline void it_read_set(struct khoser_block_set_it *it,
					const struct khoser_block *b, u8 *cur,
					u8 *data, u64 n)
{
	it->pos = cur + it->entry_size;
	it->read_end = data + n * it->entry_size;
	it->read_full = n == b->cap;
	it->write_end = NULL;	/* a reserve after reads must check the state */
}

/*
 * Move on to the next block and return its first entry, or NULL when there
 * is none or it is empty: then stay, as a writer may fill ours first.
 */
static void *it_read_next(struct khoser_block_set_it *it, size_t hsz)
{
	const struct khoser_block_set *bs = it->bs;
	unsigned long i = it->b + 1;
	const struct khoser_block *b;
	u8 *data;
	u64 n;

	if (unlikely(i >= bs->nblocks))
		return NULL;
	b = &bs->blk[i];
	data = (u8 *)b->hdr + hsz;
	n = khoser_block_data_count(data, b->cap);
	if (unlikely(!n))
		return NULL;
	it_prefetch_read(bs, b, it->entry_size);
	it->b = i;
	it_read_set(it, b, data, data, n);
	return data;
}

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
	size_t hsz = khoser_block_fmt_of(bs)->hdr_size;
	unsigned long i = it->b;
	const struct khoser_block *b;
	u8 *cur, *data;
	u64 n;

	/*
	 * Read to the end of a block that was full when entered: no need to
	 * count it again. (The batch call comes here from mid-block too.)
	 */
	if (likely(it->read_full && it->read_end && it->pos >= it->read_end))
		return it_read_next(it, hsz);
	if (unlikely(i >= bs->nblocks))
		return NULL;
	b = &bs->blk[i];
	data = (u8 *)b->hdr + hsz;
	cur = it->pos ? it->pos : data;
	n = khoser_block_data_count(data, b->cap);
	if (cur >= data + n * it->entry_size)
		return it_read_next(it, hsz);
	it_read_set(it, b, cur, data, n);
	if (cur == data)
		it_prefetch_read(bs, b, it->entry_size);
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
 * next reserve or read returns that slot again. This call changes no
 * count. A reserve after it rewrites the slot and, as upstream's does,
 * ends its block's entries there: the block's count becomes the slot's
 * index plus one, dropping the entries after it in that block; later
 * blocks keep theirs until the writer reaches them (each block is then
 * counted again from its first slot). To drop entries from the end of an
 * outgoing set, use khoser_block_set_shrink().
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
