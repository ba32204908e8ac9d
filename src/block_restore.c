// SPDX-License-Identifier: GPL-2.0-only
/*
 * Restoring a block set: the chain walk's callbacks for block sets
 * (src/chain.c walks and claims; each block is kept here and its header
 * checked, block_fmt.h), for khoser_block_set_restore() and a lookup
 * (block.c), with the set's lock held.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/kernel.h>
#include <khoser/block.h>
#include "block_fmt.h"
#include "block_set.h"
#include "chain.h"
#include "compat/kho.h"
#include "life.h"

/*
 * Blocks a lookup makes room for before its walk: the descriptor's count,
 * but never more than this (16 KiB of array), as the count is only a
 * claim until the chain bears it out; the array grows geometrically
 * beyond, up to the count, as blocks are claimed.
 */
#define ROOM_AHEAD	1024UL

/*
 * Walk state of a restore: the set, the chain's bound, the format asked
 * for (0: any), and the capacity of a block of each order, once the
 * format is known.
 */
struct block_walk {
	struct khoser_block_set *bs;
	unsigned long bound;
	unsigned int want;
	u32 cap[KHOSER_BLOCK_V2_MAX_ORDER + 1];
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
	for (i = 0; i <= KHOSER_BLOCK_V2_MAX_ORDER; i++)
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
		.max_order = want == 1 ? 0 : KHOSER_BLOCK_V2_MAX_ORDER,
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
