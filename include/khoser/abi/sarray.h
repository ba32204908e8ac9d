/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * khoser sparse-array format: u64 index -> u64 value, ascending indices.
 *
 * A chain of PAGE_SIZE pages. Each page holds whole runs (consecutive
 * indices); a run's values follow the page header upward, its 12-byte run
 * header sits in a table that grows down from the end of the page:
 *
 *	offset 0                16               free          end of page
 *	| page header | values v0 v1 v2 ... --> |    | <-- run[1] | run[0] |
 *
 * Run r is at PAGE_SIZE - (r + 1) * 12. Its values are values[voff] to
 * values[voff + len - 1] for indices first to first + len - 1. Runs are in
 * ascending index order, within a page and along the chain, and never
 * overlap; run r's voff is the sum of the lengths of runs 0 to r - 1, and
 * the lengths add up to the page's @nvals. A run that reaches the end of a
 * page continues as run 0 of the next page.
 *
 * Cost: 8 bytes per value, 12 per run, 16 per page. Dense data costs
 * 4096 / 508 = 8.06 bytes per entry with 4 KiB pages; an isolated entry
 * costs 20 bytes (plus its share of the page header: 4096 / 204 = 20.08).
 *
 * Multi-byte fields are in the byte order of the CPU (KHO hands over
 * between kernels of one architecture). Changing anything here means
 * bumping KHOSER_SARRAY_COMPAT.
 */
#ifndef _KHOSER_ABI_SARRAY_H
#define _KHOSER_ABI_SARRAY_H

#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <asm/page.h>

/**
 * DOC: sparse-array format contract
 *
 * Writer: pages in ascending index order, each with at least one run and
 * one value, runs packed as described above; @next links the pages, 0 in
 * the last. Reader: claims each page before reading it, checks the magic,
 * counts, every run (length, value offset, inside the page, ascending and
 * not overlapping along the whole chain, not wrapping past U64_MAX), and
 * then the descriptor's page and entry counts against the chain.
 */

#define KHOSER_SARRAY_COMPAT		"khoser-sarray-v1"

/* "KSA1" in the first bytes of every page header (little-endian view). */
#define KHOSER_SARRAY_PAGE_MAGIC	0x3141534bU

#define KHOSER_SARRAY_PAGE_SIZE		PAGE_SIZE
/* Bytes of one value; the named root records it as the object size. */
#define KHOSER_SARRAY_VALUE_SIZE	8

/**
 * struct khoser_sarray_page_hdr - header at the start of every page
 * @next:  physical address of the next page, 0 for the last page
 * @magic: %KHOSER_SARRAY_PAGE_MAGIC
 * @nruns: number of runs in this page, at least 1
 * @nvals: number of values in this page (sum of the run lengths), at least 1
 */
struct khoser_sarray_page_hdr {
	u64 next;
	u32 magic;
	u16 nruns;
	u16 nvals;
} __packed;

static_assert(sizeof(struct khoser_sarray_page_hdr) == 16);
static_assert(offsetof(struct khoser_sarray_page_hdr, next) == 0);
static_assert(offsetof(struct khoser_sarray_page_hdr, magic) == 8);
static_assert(offsetof(struct khoser_sarray_page_hdr, nruns) == 12);
static_assert(offsetof(struct khoser_sarray_page_hdr, nvals) == 14);

/**
 * struct khoser_sarray_run - header of one run of consecutive indices
 * @first: index of the run's first value
 * @info:  length (1 or more) and value offset, see KHOSER_SARRAY_RUN_*
 */
struct khoser_sarray_run {
	u64 first;
	u32 info;
} __packed;

static_assert(sizeof(struct khoser_sarray_run) == 12);
static_assert(offsetof(struct khoser_sarray_run, first) == 0);
static_assert(offsetof(struct khoser_sarray_run, info) == 8);

/* @info: bits 0-15 the run length, bits 16-31 the offset of its values. */
#define KHOSER_SARRAY_RUN_LEN_SHIFT	0
#define KHOSER_SARRAY_RUN_LEN_MASK	0xffffU
#define KHOSER_SARRAY_RUN_VOFF_SHIFT	16
#define KHOSER_SARRAY_RUN_VOFF_MASK	0xffffU

#define KHOSER_SARRAY_RUN_LEN(info)					\
	(((info) >> KHOSER_SARRAY_RUN_LEN_SHIFT) & KHOSER_SARRAY_RUN_LEN_MASK)
#define KHOSER_SARRAY_RUN_VOFF(info)					\
	(((info) >> KHOSER_SARRAY_RUN_VOFF_SHIFT) & KHOSER_SARRAY_RUN_VOFF_MASK)
#define KHOSER_SARRAY_RUN_INFO(len, voff)				\
	((u32)(((len) & KHOSER_SARRAY_RUN_LEN_MASK) <<			\
	       KHOSER_SARRAY_RUN_LEN_SHIFT) |				\
	 (u32)(((voff) & KHOSER_SARRAY_RUN_VOFF_MASK) <<		\
	       KHOSER_SARRAY_RUN_VOFF_SHIFT))

/* Offset of run @r's header in its page. */
#define KHOSER_SARRAY_RUN_OFFSET(r)					\
	(KHOSER_SARRAY_PAGE_SIZE -					\
	 ((r) + 1) * sizeof(struct khoser_sarray_run))

/* Bytes a page with @nruns runs and @nvals values uses. */
#define KHOSER_SARRAY_PAGE_BYTES(nruns, nvals)				\
	(sizeof(struct khoser_sarray_page_hdr) +			\
	 (u64)(nvals) * KHOSER_SARRAY_VALUE_SIZE +			\
	 (u64)(nruns) * sizeof(struct khoser_sarray_run))

/* Most values one page holds (one run); most runs (one value each). */
#define KHOSER_SARRAY_MAX_VALUES					\
	((KHOSER_SARRAY_PAGE_SIZE - sizeof(struct khoser_sarray_page_hdr) - \
	  sizeof(struct khoser_sarray_run)) / KHOSER_SARRAY_VALUE_SIZE)
#define KHOSER_SARRAY_MAX_RUNS						\
	((KHOSER_SARRAY_PAGE_SIZE - sizeof(struct khoser_sarray_page_hdr)) / \
	 (sizeof(struct khoser_sarray_run) + KHOSER_SARRAY_VALUE_SIZE))

/* Counts, lengths and offsets fit their 16-bit fields on any page size. */
static_assert(KHOSER_SARRAY_MAX_VALUES <= KHOSER_SARRAY_RUN_LEN_MASK);
static_assert(KHOSER_SARRAY_MAX_VALUES <= KHOSER_SARRAY_RUN_VOFF_MASK);

#endif /* _KHOSER_ABI_SARRAY_H */
