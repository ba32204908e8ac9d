/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * khoser block-set format.
 *
 * Byte-compatible with upstream Linux "kho-block-v1" chains: a linked list of
 * PAGE_SIZE blocks, each starting with this header and followed by @count
 * fixed-size entries. @next is the physical address of the next block header
 * or 0 at the end of the chain.
 *
 * Changing anything here means bumping KHOSER_BLOCK_COMPAT.
 */
#ifndef _KHOSER_ABI_BLOCK_H
#define _KHOSER_ABI_BLOCK_H

#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <asm/page.h>

/**
 * DOC: block-set format contract
 *
 * Writer: every block is one preserved order-0 page; @count is 1 to
 * KHOSER_BLOCK_CAPACITY(entry size) in every block handed over (no empty
 * block: upstream's reader refuses one); @next links the blocks in order
 * and is 0 in the last. The entry size is not in the chain: both sides
 * agree on it (khoser's named root records it in the descriptor).
 *
 * Reader: follows @next from the head, claiming each page through KHO
 * before reading it; refuses a misaligned or never-preserved page, a cycle,
 * more blocks than its bound (upstream: 10000), a count of 0 or above the
 * capacity. Upstream's kho_block.c and khoser read and write these bytes
 * alike; tests/unit/test_block.c checks both directions byte for byte.
 */

#define KHOSER_BLOCK_COMPAT		"khoser-block-v1"
/* khoser's own, self-describing format (struct khoser_block2_hdr). */
#define KHOSER_BLOCK_COMPAT_V2		"khoser-block-v2"
/* Base name of both, for khoser_compat_version(). */
#define KHOSER_BLOCK_BASE		"khoser-block"

/* One block is one page, as upstream: KHO never crosses page sizes. */
#define KHOSER_BLOCK_SIZE		PAGE_SIZE

/* Upstream reader's chain-length limit; the default of every block set. */
#define KHOSER_BLOCK_DEFAULT_MAX	10000UL

/**
 * struct khoser_block_hdr - header at the start of every block
 * @next:  physical address of the next block header, 0 for the last block
 * @count: number of valid entries following the header in this block
 */
struct khoser_block_hdr {
	u64 next;
	u64 count;
} __packed;

static_assert(sizeof(struct khoser_block_hdr) == 16);
static_assert(offsetof(struct khoser_block_hdr, next) == 0);
static_assert(offsetof(struct khoser_block_hdr, count) == 8);

/* Entries per block for @esz-byte entries, @esz > 0 (0: does not fit). */
#define KHOSER_BLOCK_CAPACITY(esz)					\
	((u32)((KHOSER_BLOCK_SIZE - sizeof(struct khoser_block_hdr)) / (esz)))

/* Largest entry that fits one block. */
#define KHOSER_BLOCK_MAX_ENTRY						\
	(KHOSER_BLOCK_SIZE - sizeof(struct khoser_block_hdr))

#endif /* _KHOSER_ABI_BLOCK_H */
