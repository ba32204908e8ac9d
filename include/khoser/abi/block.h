/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * khoser block-set formats.
 *
 * Version 1 is byte-compatible with upstream Linux "kho-block-v1" chains: a
 * linked list of PAGE_SIZE blocks, each starting with struct
 * khoser_block_hdr and followed by @count fixed-size entries. Version 2 is
 * khoser's own: the same chain of blocks, each block 2^order pages with a
 * self-describing header (struct khoser_block2_hdr) and an optional CRC32C.
 * @next, in both, is the physical address of the next block header or 0 at
 * the end of the chain. All fields are in the CPU's byte order, as upstream's.
 *
 * Changing anything here means a new format version.
 */
#ifndef _KHOSER_ABI_BLOCK_H
#define _KHOSER_ABI_BLOCK_H

#include <linux/build_bug.h>
#include <linux/minmax.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <asm/page.h>

/**
 * DOC: block format version 1 ("khoser-block-v1", upstream "kho-block-v1")
 *
 * =========== ====== =====================================================
 * offset      size   field
 * =========== ====== =====================================================
 * 0           8      @next: physical address of the next block, 0 at the end
 * 8           8      @count: entries in this block, 1 to
 *                    KHOSER_BLOCK_CAPACITY(entry size)
 * 16          ...    the entries, packed
 * =========== ====== =====================================================
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

/**
 * DOC: block format version 2 ("khoser-block-v2")
 *
 * A chain of blocks as in version 1, but each block describes itself:
 *
 * =========== ====== =====================================================
 * offset      size   field
 * =========== ====== =====================================================
 * 0           8      @next: physical address of the next block, 0 at the end
 * 8           4      @magic: %KHOSER_BLOCK2_MAGIC ("KBS2" in memory)
 * 12          2      @version: 2
 * 14          1      @order: the block is 2^@order pages, 0 to
 *                    %KHOSER_BLOCK_V2_MAX_ORDER, preserved as one folio of
 *                    that order (KHO's mark says the same order)
 * 15          1      @flags: %KHOSER_BLOCK_F_CRC or 0; no other bit
 * 16          4      @entry_size: 1 to %KHOSER_BLOCK2_MAX_ENTRY, the same in
 *                    every block of a chain
 * 20          4      @crc: with %KHOSER_BLOCK_F_CRC, CRC32C (Castagnoli,
 *                    seed ~0, final value inverted) of bytes 0-19, then
 *                    bytes 24-31, then the @count entries; otherwise 0
 * 24          8      @count: entries in this block, 1 to
 *                    KHOSER_BLOCK2_CAPACITY(@entry_size, @order): what
 *                    fits after the header, at most 2^@order times what a
 *                    version 1 page holds
 * 32          ...    the entries, packed
 * =========== ====== =====================================================
 *
 * Writer: every block of a chain has the same @entry_size and @flags;
 * orders may differ from block to block (a writer falls back to smaller
 * blocks when large ones cannot be had); no empty block; the CRC is computed
 * when the set is sealed for hand-over, the last time when the kernel
 * reboots into kexec, so it covers @next as handed over.
 *
 * Reader: claims each block with the order KHO's mark gives (at most
 * %KHOSER_BLOCK_V2_MAX_ORDER) before reading it, then checks every field:
 * magic, version, order equal to the mark's, known flags equal to the first
 * block's, entry size, count within the capacity, reserved bits, and the CRC
 * when flagged. Each failure has its own reason word in the log line, which
 * names the set and the block index. A version 1 reader sees a version 2
 * header's magic and version as a count far above any capacity and refuses
 * the chain.
 *
 * Bytes of a block after its @count entries are not covered by the CRC and
 * carry no meaning. A version 1 block has no CRC: a bit flipped in its
 * entries across kexec is not detected.
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

#define KHOSER_BLOCK2_MAGIC		0x3253424bU	/* "KBS2" */
#define KHOSER_BLOCK2_VERSION		2
/* Largest block: 2^4 pages, 64 KiB with 4 KiB pages. */
#define KHOSER_BLOCK_V2_MAX_ORDER	4
/* The block carries a CRC32C of its header and entries. */
#define KHOSER_BLOCK_F_CRC		0x1
#define KHOSER_BLOCK2_FLAGS		KHOSER_BLOCK_F_CRC

/**
 * struct khoser_block2_hdr - header at the start of every version 2 block
 * @next:       physical address of the next block header, 0 for the last
 * @magic:      %KHOSER_BLOCK2_MAGIC
 * @version:    %KHOSER_BLOCK2_VERSION
 * @order:      the block is 2^@order pages
 * @flags:      KHOSER_BLOCK_F_*
 * @entry_size: bytes per entry
 * @crc:        CRC32C of the block (see the format above), 0 without
 *              %KHOSER_BLOCK_F_CRC
 * @count:      entries in this block
 */
struct khoser_block2_hdr {
	u64 next;
	u32 magic;
	u16 version;
	u8 order;
	u8 flags;
	u32 entry_size;
	u32 crc;
	u64 count;
} __packed;

static_assert(sizeof(struct khoser_block2_hdr) == 32);
static_assert(offsetof(struct khoser_block2_hdr, next) == 0);
static_assert(offsetof(struct khoser_block2_hdr, magic) == 8);
static_assert(offsetof(struct khoser_block2_hdr, version) == 12);
static_assert(offsetof(struct khoser_block2_hdr, order) == 14);
static_assert(offsetof(struct khoser_block2_hdr, flags) == 15);
static_assert(offsetof(struct khoser_block2_hdr, entry_size) == 16);
static_assert(offsetof(struct khoser_block2_hdr, crc) == 20);
static_assert(offsetof(struct khoser_block2_hdr, count) == 24);

/**
 * khoser_block2_capacity - entries a version 2 block holds
 * @esz:   entry size in bytes, 1 to %KHOSER_BLOCK2_MAX_ENTRY
 * @order: the block is 2^@order pages
 *
 * What fits after the header, but never more than 2^@order version 1 pages
 * hold, so that a descriptor of a version 2 set (which counts pages) is
 * plausible to a reader that knows only version 1 and reaches its
 * compatible-string check (see include/khoser/abi/root.h).
 *
 * Context: Any context.
 * Return: the capacity in entries.
 */
static inline u32 khoser_block2_capacity(u32 esz, unsigned int order)
{
	return min_t(u64, ((KHOSER_BLOCK_SIZE << order) -
			   sizeof(struct khoser_block2_hdr)) / esz,
		     (u64)KHOSER_BLOCK_CAPACITY(esz) << order);
}

#define KHOSER_BLOCK2_CAPACITY(esz, order) khoser_block2_capacity(esz, order)

/* Largest version 2 entry: it fits a block of any order. */
#define KHOSER_BLOCK2_MAX_ENTRY						\
	(KHOSER_BLOCK_SIZE - sizeof(struct khoser_block2_hdr))

#endif /* _KHOSER_ABI_BLOCK_H */
