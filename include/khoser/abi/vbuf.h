/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * khoser vmalloc-style buffer format.
 *
 * One preserved header page (struct khoser_vbuf_hdr at its start) names the
 * buffer's byte length and a block set ("khoser-block-v1" chain, 8-byte
 * entries) listing the buffer's pages in order as chunks: each chunk is
 * 2^order physically contiguous pages, naturally aligned, preserved with
 * kho_preserve_pages() as one range of that order. The next kernel maps
 * the chunks, in list order, into one virtually contiguous range.
 *
 * Changing anything here means bumping KHOSER_VBUF_COMPAT.
 */
#ifndef _KHOSER_ABI_VBUF_H
#define _KHOSER_ABI_VBUF_H

#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>

/**
 * DOC: vbuf format contract
 *
 * Writer: the header page and the chunk-list blocks are preserved order-0
 * pages; each chunk is preserved as one range of exactly its order, lies
 * inside RAM, overlaps no other chunk, the header or the list, and the
 * chunks' pages add up to @nr_pages. Reader: checks the header, restores
 * the list (a block set), then checks every chunk and the chunks as a whole
 * before claiming any data page; maps them in list order.
 */

#define KHOSER_VBUF_COMPAT		"khoser-vbuf-v1"
#define KHOSER_VBUF_MAGIC_LEN		16

/*
 * Largest chunk order. Chunks stay within one buddy block of the kernel's
 * usual maximum order, so KHO never splits one across NUMA nodes and the
 * order it records is the chunk's.
 */
#define KHOSER_VBUF_MAX_ORDER		10
/* Most pages in one buffer (vmap() takes an unsigned int count). */
#define KHOSER_VBUF_MAX_PAGES		0xffffffffULL

/**
 * struct khoser_vbuf_hdr - the buffer's header, at the start of its page
 * @magic:    %KHOSER_VBUF_COMPAT, NUL-padded
 * @length:   buffer length in bytes, at least 1
 * @nr_pages: pages in the buffer, DIV_ROUND_UP(@length, PAGE_SIZE)
 * @nchunks:  entries in the chunk list, 1 to @nr_pages
 * @chunks:   physical address of the chunk list's first block
 * @nblocks:  blocks in the chunk list
 * @reserved: must be zero
 */
struct khoser_vbuf_hdr {
	char magic[KHOSER_VBUF_MAGIC_LEN];
	u64 length;
	u64 nr_pages;
	u64 nchunks;
	u64 chunks;
	u64 nblocks;
	u64 reserved[3];
} __packed;

static_assert(sizeof(struct khoser_vbuf_hdr) == 80);
static_assert(offsetof(struct khoser_vbuf_hdr, magic) == 0);
static_assert(offsetof(struct khoser_vbuf_hdr, length) == 16);
static_assert(offsetof(struct khoser_vbuf_hdr, nr_pages) == 24);
static_assert(offsetof(struct khoser_vbuf_hdr, nchunks) == 32);
static_assert(offsetof(struct khoser_vbuf_hdr, chunks) == 40);
static_assert(offsetof(struct khoser_vbuf_hdr, nblocks) == 48);
static_assert(offsetof(struct khoser_vbuf_hdr, reserved) == 56);

/*
 * One chunk-list entry, a u64: the chunk's physical address (page-aligned,
 * aligned to its size) with its order in the low bits.
 */
#define KHOSER_VBUF_CHUNK_SIZE		8
#define KHOSER_VBUF_CHUNK_ORDER_SHIFT	0
#define KHOSER_VBUF_CHUNK_ORDER_MASK	0x3fULL		/* bits 0-5 */
#define KHOSER_VBUF_CHUNK_RSVD_MASK	0xfc0ULL	/* bits 6-11: zero */
#define KHOSER_VBUF_CHUNK_PHYS_MASK	(~0xfffULL)	/* bits 12-63 */

#define KHOSER_VBUF_CHUNK(phys, order)					\
	(((u64)(phys) & KHOSER_VBUF_CHUNK_PHYS_MASK) |			\
	 (((u64)(order) & KHOSER_VBUF_CHUNK_ORDER_MASK) <<		\
	  KHOSER_VBUF_CHUNK_ORDER_SHIFT))
#define KHOSER_VBUF_CHUNK_PHYS(e)	((e) & KHOSER_VBUF_CHUNK_PHYS_MASK)
#define KHOSER_VBUF_CHUNK_ORDER(e)					\
	((unsigned int)(((e) >> KHOSER_VBUF_CHUNK_ORDER_SHIFT) &	\
			KHOSER_VBUF_CHUNK_ORDER_MASK))

static_assert(KHOSER_VBUF_MAX_ORDER <= KHOSER_VBUF_CHUNK_ORDER_MASK);

#endif /* _KHOSER_ABI_VBUF_H */
