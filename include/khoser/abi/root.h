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

#endif /* _KHOSER_ABI_ROOT_H */
