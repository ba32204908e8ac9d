/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Block-set calls for khoser's own structures built on block sets (vbuf).
 */
#ifndef _KHOSER_BLOCK_PRIV_H
#define _KHOSER_BLOCK_PRIV_H

#include <khoser/block.h>

int khoser_block_set_restore_as(struct khoser_block_set *bs, u64 head_pa,
				const char *label);

#endif /* _KHOSER_BLOCK_PRIV_H */
