/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * khoser block sets: chains of preserved pages holding fixed-size entries,
 * byte-compatible with upstream "kho-block-v1".
 *
 * Locking: khoser serializes its own calls on a set (see
 * include/khoser/state.h); the caller serializes its iterators with the
 * calls that change the set (grow, shrink, clear, seal, destroy), and
 * re-initializes them after shrink and clear.
 */
#ifndef _KHOSER_BLOCK_H
#define _KHOSER_BLOCK_H

#include <linux/compiler.h>
#include <linux/types.h>
#include <khoser/abi/block.h>
#include <khoser/state.h>

/* Former state names, kept for drivers that test them. */
#define KHOSER_BS_OUTGOING	KHOSER_STATE_OUT
#define KHOSER_BS_INCOMING	KHOSER_STATE_IN

/**
 * struct khoser_block - one block of a set (private to khoser)
 * @hdr:   the block's first page, header first
 * @cap:   entries the block can hold
 * @order: the block is 2^@order pages
 */
struct khoser_block {
	void *hdr;
	u32 cap;
	u8 order;
};

/**
 * struct khoser_block_set - a set of blocks holding entries of one size
 * @life:       state (OUT, SEALED at kexec, IN), lock, published flag
 * @blk:        the blocks, chain order (an array grown geometrically)
 * @nblocks:    number of blocks
 * @nkept:      blocks still preserved: @nblocks, except after the seal at
 *              kexec, which unpreserves (but keeps) trailing empty blocks
 * @nalloc:     room in @blk
 * @max_blocks: chain-length bound, for writing and for restoring
 * @capacity:   entries all the blocks can hold
 * @head_pa:    physical address of the first block header, 0 if none
 * @entry_size: size of each entry in bytes
 * @format:     block format written (outgoing) or found (incoming): 1 or 2;
 *              0 in a statically initialized set means 1
 * @order:      format 2: largest block order written
 * @flags:      format 2: KHOSER_BLOCK_F_* written, or found
 */
struct khoser_block_set {
	struct khoser_life life;
	struct khoser_block *blk;
	unsigned long nblocks;
	unsigned long nkept;
	unsigned long nalloc;
	unsigned long max_blocks;
	u64 capacity;
	u64 head_pa;
	u32 entry_size;
	u8 format;
	u8 order;
	u8 flags;
};

/**
 * struct khoser_block_set_it - cursor over the entries of a block set
 * @bs:         the set
 * @b:          index of the current block
 * @pos:        the next entry of the current block (NULL before the first)
 * @read_end:   end of the entries the inline read path may take (NULL:
 *              through khoser_block_set_it_read_slow())
 * @write_end:  end of the slots the inline reserve path may take (NULL:
 *              through khoser_block_set_it_reserve_slow())
 * @count:      the current block's count, while @write_end is set
 * @entry_size: the set's entry size
 * @read_full:  the current block was full when @read_end was set: it
 *              cannot have grown since, so the next read moves on at once
 */
struct khoser_block_set_it {
	struct khoser_block_set *bs;
	unsigned long b;
	u8 *pos;
	u8 *read_end;
	u8 *write_end;
	u64 *count;
	u32 entry_size;
	bool read_full;
};

/**
 * KHOSER_BLOCK_SET_INIT - static initializer of an outgoing block set
 * @_name:       the variable being initialized (a static one: the set's
 *               lock is initialized statically)
 * @_entry_size: entry size in bytes, 1 to KHOSER_BLOCK_MAX_ENTRY
 *
 * The set writes format 1 until khoser_block_set_set_format().
 */
#define KHOSER_BLOCK_SET_INIT(_name, _entry_size) {			\
	.life = KHOSER_LIFE_INIT((_name).life, KHOSER_STATE_OUT),	\
	.max_blocks = KHOSER_BLOCK_DEFAULT_MAX,				\
	.entry_size = (_entry_size),					\
}

int khoser_block_set_init(struct khoser_block_set *bs, size_t entry_size);
int khoser_block_set_set_format(struct khoser_block_set *bs,
				unsigned int version, unsigned int order,
				unsigned int flags);
unsigned int khoser_block_set_format(const struct khoser_block_set *bs);
const char *khoser_block_set_compat(const struct khoser_block_set *bs);
int khoser_block_set_set_max_blocks(struct khoser_block_set *bs,
				    unsigned long max_blocks);
int khoser_block_set_grow(struct khoser_block_set *bs, u64 count);
int khoser_block_set_shrink(struct khoser_block_set *bs, u64 count);
int khoser_block_set_seal(struct khoser_block_set *bs);
int khoser_block_set_clear(struct khoser_block_set *bs);
int khoser_block_set_destroy(struct khoser_block_set *bs);
int khoser_block_set_restore(struct khoser_block_set *bs, u64 head_pa);
u64 khoser_block_set_entries(const struct khoser_block_set *bs);

int khoser_block_set_publish(struct khoser_block_set *bs, const char *name,
			     const char *compat);
int khoser_block_set_lookup(struct khoser_block_set *bs, const char *name,
			    const char *compat);

void khoser_block_set_it_init(struct khoser_block_set_it *it,
			      struct khoser_block_set *bs);
void *khoser_block_set_it_reserve_slow(struct khoser_block_set_it *it);
void *khoser_block_set_it_read_slow(struct khoser_block_set_it *it);
void *khoser_block_set_it_prev(struct khoser_block_set_it *it);
void *khoser_block_set_it_reserve_batch(struct khoser_block_set_it *it,
					u64 want, u64 *got);
void *khoser_block_set_it_read_batch(struct khoser_block_set_it *it,
				     u64 want, u64 *got);

/**
 * khoser_block_set_it_reserve_entry - reserve the next slot for writing
 * @it: an iterator on an outgoing block set
 *
 * Moves to the next block when the current one is full and counts the entry
 * in its block's header, whose count then ends at this slot: reserving
 * where the iterator read or stepped back to (khoser_block_set_it_prev())
 * rewrites the block from there, as upstream's does. Never allocates: grow
 * the set first. Inline within a block;
 * khoser_block_set_it_reserve_slow() handles block boundaries.
 *
 * Context: Any context; caller serializes access to the set.
 * Return: the slot (entry_size bytes), or NULL when the grown capacity is
 * used up or the set is not writable.
 */
static inline void *
khoser_block_set_it_reserve_entry(struct khoser_block_set_it *it)
{
	u8 *entry = it->pos;

	if (unlikely(entry >= it->write_end))
		return khoser_block_set_it_reserve_slow(it);
	/* A set end pointer comes with a cursor: tell the caller's NULL test. */
	if (!entry)
		__builtin_unreachable();
	it->pos = entry + it->entry_size;
	(*it->count)++;
	return entry;
}

/**
 * khoser_block_set_it_read_entry - the next written entry
 * @it: an iterator
 *
 * Inline within a block; khoser_block_set_it_read_slow() handles block
 * boundaries and entries counted after the iterator entered the block.
 *
 * Context: Any context; caller serializes access to the set.
 * Return: the entry, or NULL after the last one.
 */
static inline void *khoser_block_set_it_read_entry(struct khoser_block_set_it *it)
{
	u8 *entry = it->pos;

	if (unlikely(entry >= it->read_end))
		return khoser_block_set_it_read_slow(it);
	/* A set end pointer comes with a cursor: tell the caller's NULL test. */
	if (!entry)
		__builtin_unreachable();
	it->pos = entry + it->entry_size;
	return entry;
}

/**
 * khoser_block_set_head_pa - physical address of the first block header
 * @bs: the block set
 *
 * Context: Any context; caller serializes against changes to @bs.
 * Return: the head address, or 0 when the set has no blocks.
 */
static inline u64 khoser_block_set_head_pa(const struct khoser_block_set *bs)
{
	return bs->head_pa;
}

/**
 * khoser_block_set_is_empty - whether the set has no blocks
 * @bs: the block set
 *
 * Context: Any context; caller serializes against changes to @bs.
 * Return: true when no block is allocated or restored.
 */
static inline bool khoser_block_set_is_empty(const struct khoser_block_set *bs)
{
	return !bs->nblocks;
}

/**
 * khoser_block_set_is_incoming - whether the set was restored (read-only)
 * @bs: the block set
 *
 * Context: Any context.
 * Return: true for a set restored from the previous kernel.
 */
static inline bool
khoser_block_set_is_incoming(const struct khoser_block_set *bs)
{
	return bs->life.state == KHOSER_STATE_IN;
}

#endif /* _KHOSER_BLOCK_H */
