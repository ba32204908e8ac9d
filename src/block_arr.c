// SPDX-License-Identifier: GPL-2.0-only
/*
 * The array of a block set's blocks (struct khoser_block_set @blk): room
 * made geometrically, blocks dropped from the tail, no memory held when
 * empty. Shared by the lifecycle (block.c) and the restore walk
 * (block_restore.c) through block_set.h; the caller holds the set's lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <khoser/block.h>
#include "array.h"
#include "block_fmt.h"
#include "block_set.h"
#include "compat/kho.h"

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
