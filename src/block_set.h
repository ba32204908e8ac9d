/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A block set's insides shared by the files of the block set: the array of
 * blocks (block_arr.c) and the restore walk (block_restore.c), used by the
 * lifecycle (block.c); and the lifecycle's steps the named root's view
 * (block_kind.c) takes. The caller holds the set's lock.
 */
#ifndef _KHOSER_BLOCK_SET_H
#define _KHOSER_BLOCK_SET_H

#include <linux/compiler.h>
#include <linux/types.h>
#include <khoser/block.h>

int khoser_block_room(struct khoser_block_set *bs, unsigned long n,
		      unsigned long bound);
void khoser_block_free_empty(struct khoser_block_set *bs);
void khoser_block_drop_last(struct khoser_block_set *bs);
void khoser_block_drop_all(struct khoser_block_set *bs);
int khoser_block_restore_locked(struct khoser_block_set *bs, u64 head_pa,
				unsigned long bound, unsigned int want,
				const char *label, bool known);
int khoser_block_check_state(const struct khoser_block_set *bs,
			     const char *op, bool write);
long khoser_block_filled(struct khoser_block_set *bs, const char *label,
			 const char *then);
void khoser_block_seal_crcs(struct khoser_block_set *bs, unsigned long n);
int khoser_block_seal_locked(struct khoser_block_set *bs);
u64 khoser_block_entries_of(const struct khoser_block_set *bs,
			    unsigned long n);

/*
 * Append block @hdr of @order, holding @cap entries, to @bs's array (room
 * made). Alone for a restored chain, which is linked already (head_pa is
 * set after it).
 */
static __always_inline struct khoser_block *
khoser_block_put(struct khoser_block_set *bs, void *hdr, unsigned int order,
		 u32 cap)
{
	struct khoser_block *b = &bs->blk[bs->nblocks++];

	b->hdr = hdr;
	b->order = order;
	b->cap = cap;
	bs->nkept++;
	bs->capacity += cap;
	return b;
}

#endif /* _KHOSER_BLOCK_SET_H */
