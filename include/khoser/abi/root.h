/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * khoser named-root descriptor format.
 *
 * Every object published through khoser_publish() gets one preserved
 * descriptor, registered with KHO as subtree "khoser-<name>". The next kernel
 * finds it with kho_retrieve_subtree() and validates every field before use.
 *
 * Changing anything here means bumping KHOSER_ROOT_COMPAT.
 */
#ifndef _KHOSER_ABI_ROOT_H
#define _KHOSER_ABI_ROOT_H

#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>

/**
 * DOC: descriptor contract
 *
 * Writer: one descriptor page per published object, preserved, registered
 * as KHO subtree "khoser-<name>" with its exact size; every string field
 * NUL-terminated and NUL-padded; reserved fields zero; the payload fields
 * describe the payload as handed over (a block set's are refreshed when the
 * kernel reboots into kexec).
 *
 * Reader: claims the page KHO names, refuses a wrong size, magic, name,
 * an unterminated or unpadded string, an unknown kind, non-zero reserved
 * fields, payload fields impossible for the kind; compares the composite
 * compatible string before touching the payload; after restoring the
 * payload, cross-checks every payload field with what it found.
 */

#define KHOSER_ROOT_COMPAT	"khoser-root-v1"

/* Prefix of the KHO subtree name of every khoser object. */
#define KHOSER_NODE_PREFIX	"khoser-"

#define KHOSER_MAGIC_LEN	16
/* Field sizes include the terminating NUL. */
#define KHOSER_NAME_LEN		48
#define KHOSER_COMPAT_LEN	256

/*
 * What the payload of a descriptor is. Kinds are only ever added; a reader
 * refuses kinds above the KHOSER_KIND_MAX it was built with.
 */
#define KHOSER_KIND_RAW		1	/* opaque: phys and size are the driver's */
#define KHOSER_KIND_BLOCK	2	/* block set: phys = head, size = entry size */
#define KHOSER_KIND_SARRAY	3	/* sparse array: phys = head, size = 8 */
#define KHOSER_KIND_VBUF	4	/* vbuf: phys = header, size = length */
#define KHOSER_KIND_MAX		KHOSER_KIND_VBUF

/**
 * struct khoser_root_ser - one published object
 * @magic:    KHOSER_ROOT_COMPAT, NUL-padded
 * @name:     object name, NUL-terminated and NUL-padded
 * @compat:   composite compatible string, NUL-terminated and NUL-padded
 * @kind:     KHOSER_KIND_*
 * @phys:     payload physical address (block set, sparse array: first page,
 *            0 when empty; vbuf: header page)
 * @size:     payload size in bytes (block set: entry size; sparse array:
 *            value size; vbuf: buffer length)
 * @nblocks:  block set: blocks in the chain (version 2: pages in its
 *            blocks, so that a version 1 reader's bound on entries per
 *            page holds); sparse array: pages in the chain; vbuf: pages
 *            in the buffer; otherwise 0
 * @entries:  block set, sparse array: entries; vbuf: chunks; otherwise 0
 * @max_blocks: block set, sparse array: chain-length bound the writer used
 *            (block set version 2: in pages, the bound in blocks times
 *            2^%KHOSER_BLOCK_V2_MAX_ORDER, U64_MAX when that does not
 *            fit); a block set with no blocks, no entries and bound 0:
 *            the writer could not seal it at kexec (an empty block
 *            between filled ones) and handed over nothing, and a reader
 *            refuses it ("unsealed"); otherwise 0
 * @reserved: must be zero
 */
struct khoser_root_ser {
	char magic[KHOSER_MAGIC_LEN];
	char name[KHOSER_NAME_LEN];
	char compat[KHOSER_COMPAT_LEN];
	u64 kind;
	u64 phys;
	u64 size;
	u64 nblocks;
	u64 entries;
	u64 max_blocks;
	u64 reserved[2];
} __packed;

static_assert(offsetof(struct khoser_root_ser, magic) == 0);
static_assert(offsetof(struct khoser_root_ser, name) == 16);
static_assert(offsetof(struct khoser_root_ser, compat) == 64);
static_assert(offsetof(struct khoser_root_ser, kind) == 320);
static_assert(offsetof(struct khoser_root_ser, phys) == 328);
static_assert(offsetof(struct khoser_root_ser, size) == 336);
static_assert(offsetof(struct khoser_root_ser, nblocks) == 344);
static_assert(offsetof(struct khoser_root_ser, entries) == 352);
static_assert(offsetof(struct khoser_root_ser, max_blocks) == 360);
static_assert(offsetof(struct khoser_root_ser, reserved) == 368);
static_assert(sizeof(struct khoser_root_ser) == 384);

/**
 * DOC: restore treats preserved memory as untrusted
 *
 * Every page of the previous kernel is claimed in one place (the claim
 * layer, khoser_kho_claim_block() and its kin) and only after KHO's own mark
 * in its `struct page` says it is the first page of a range preserved with
 * the expected order (0 for a block or a page of a chain): a pointer to a
 * page that was not preserved, or into another object's order-3 range, is
 * refused before `kho_restore_folio()` runs, so it neither `WARN`s nor turns
 * someone else's memory into a folio. The check and the restore happen under
 * one lock, so two restores racing on overlapping data cannot both claim a
 * page.
 *
 * KHO's mark alone cannot tell that a page was claimed already: claiming
 * clears it. So every range khoser claims is also recorded, under that lock,
 * in a ledger of the boot's claims (a red-black tree of disjoint page
 * ranges), and a claim that overlaps any of them is refused as
 * `already-claimed` before a mark is read: block 1 of a v2 chain whose
 * order-4 range covers block 0, a vbuf chunk over the object's own
 * descriptor, a range over another object's page. A range khoser releases
 * stays in the ledger as released: such a page is the allocator's again,
 * never preserved memory, and a later claim over it (a retried lookup, a
 * larger range covering it) must not read it, let alone own it. Ranges that
 * touch are merged, so a chain in contiguous memory is one entry; claims in
 * address order need no tree descent; entries come in chunks of about a
 * page. debugfs `khoser/status` shows `claimed_pages` (held now),
 * `released_pages`, `ledger_ranges` and `ledger_bytes`. The ledger lives as
 * long as the module: after khoser is unloaded and loaded again in the same
 * boot, objects the earlier load claimed cannot be looked up again (their
 * KHO marks are gone), and the new ledger does not know their pages. The
 * mark's layout is private to KHO: the build's probe of the target tree
 * checks it in the target tree's `kernel/liveupdate/kexec_handover.c` when
 * the tree has the source, refusing every claim when it differs; against
 * headers only, the first descriptor page (which KHO itself names) must
 * carry the expected mark before anything else is claimed.
 *
 * Block sets and sparse arrays are chains walked by one walker
 * (khoser_chain_walk()): each link is page-aligned, in RAM, within the bound
 * (the set's, and for a lookup the descriptor's block count, which sizes
 * nothing before the chain bears it out: a block set's array of blocks is
 * made for at most 1024 of them ahead and grows as blocks are claimed; a
 * forged count of millions is refused as `chain-short` with 16 KiB
 * allocated, `test_block_bounds.c` `bug2_*`), then claimed with the order
 * KHO's mark gives (0 for v1 blocks and sparse-array pages, at most 4 for v2
 * blocks, no page inside a block preserved on its own), then checked. A
 * chain that comes back to an earlier link is refused as a `cycle` without a
 * set of visited addresses of its own: the ledger refuses the second claim,
 * and only then is the address looked up among the links. A v1 block's count
 * must be 1 to the capacity; a v2 block's every header field is checked,
 * each with its own reason word (`bad-magic`, `bad-version`,
 * `order-mismatch`, `bad-flags`, `flags-mixed`, `entry-size`, `empty-block`,
 * `count-over-capacity`, `bad-crc-field`, `crc`), and a chain in another
 * format than its string names is `format-mismatch`; a sparse-array page's
 * runs their length, where their values sit, inside the page, indices
 * ascending and not overlapping along the whole chain, not wrapping past
 * `U64_MAX`. Descriptors are checked field by field before anything is
 * claimed (magic, name, NUL-padded strings, kind, reserved fields, entry
 * size, head alignment, counts possible for the kind), and after the walk
 * every count is cross-checked with what was found: a chain cut short
 * (`chain-short`) or with other entry counts (`count-mismatch`) is refused,
 * and everything it claimed released.
 *
 * A vbuf's header (magic, length, page, chunk and block counts,
 * cross-checked with the descriptor) and chunk list are checked, then every
 * chunk (order at most 10, aligned to its size, in RAM, preserved by KHO
 * with exactly that order, no inner page preserved on its own), then the
 * chunks as a whole (none overlapping another, none covering the header or a
 * chunk-list page, pages adding up) before a single page of the buffer is
 * claimed or mapped. A buffer that maps one page twice is refused when it is
 * preserved. Buffers whose page array kvmalloc() cannot hold (2^28 pages and
 * more) are refused with `-E2BIG` before anything is allocated.
 *
 * Any failure returns an errno (`-EINVAL` for corrupt data) and logs one
 * line of a fixed form, `khoser: NAME: refused: REASON: text (where)`, where
 * REASON is a stable word (`cycle`, `already-claimed`, `misaligned`,
 * `outside-ram`, `not-preserved`, `wrong-order`, `bad-order`,
 * `chain-too-long`, `empty-block`, `count-over-capacity`, `chain-short`,
 * `count-mismatch`, `overlap-chunks`, `overlap-header`, `overlap-list`,
 * `overlap-inner`, `desc-entries`, `wrong-kind`, `entry-size`,
 * `unknown-format`, `unsealed`, ...), and releases everything claimed so
 * far. Pages the refused object never reached (after a bad block, or a
 * refused vbuf's chunks) are not claimed: they stay reserved by KHO for the
 * rest of that boot, since nothing can tell whose they are.
 */

#endif /* _KHOSER_ABI_ROOT_H */
