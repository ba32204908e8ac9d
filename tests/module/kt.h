/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * khoser_test: the companion module that preserves deterministic data before
 * kexec and verifies every byte after it. Shared declarations.
 *
 * It uses khoser's public API (include/khoser/) and the kernel's own; where
 * it calls KHO directly (raw subtrees, descriptors edited and pages preserved
 * by hand in corrupt mode, benchmark baselines), its own probe of the target
 * tree (probe.sh, KT_KHO_API) decides whether that API exists.
 */
#ifndef _KHOSER_TEST_KT_H
#define _KHOSER_TEST_KT_H

#include <linux/types.h>
#include <khoser/khoser.h>
#include <kt_probe.h>

#define KT_OWNER	"khoser_test"
#define KT_MAX_OBJS	48

/* What a run checks; "corrupt" damages objects at reboot, "off" expects
 * KHO to be unavailable.
 */
enum kt_mode { KT_NORMAL, KT_CORRUPT, KT_OFF, KT_MISMATCH };

/*
 * How a refused object came to be refused ("damage=" of its inventory line):
 * damaged in boot 1 at reboot, after khoser's seal (preserved memory damaged
 * across kexec); written wrong in boot 1, past khoser; its descriptor edited
 * in boot 2 before the lookup; not damaged at all (looked up as another
 * version).
 */
#define KT_AT_REBOOT	"reboot"
#define KT_WRITTEN	"written"
#define KT_IN_BOOT2	"boot2"
#define KT_INTACT	"none"

/* Reason word of a refusal that is a version mismatch, not a "refused" line. */
#define KT_VERSION_REASON	"version"

/**
 * struct kt_obj - one block set this boot publishes
 * @name:   object name
 * @tag:    content tag: entry bytes derive from seed, tag and index
 * @esz:    entry size
 * @count:  number of entries
 * @bs:     the outgoing set
 * @damage: corruption to apply at reboot (corrupt mode), 0 for none
 * @quiet:  not in the inventory (the next boot neither verifies nor
 *          refuses it: c1-flip)
 */
struct kt_obj {
	char name[KHOSER_NAME_LEN];
	u64 tag;
	u32 esz;
	u64 count;
	struct khoser_block_set bs;
	int damage;
	bool quiet;
};

/* Run state (kt_main.c). */
extern ulong kt_seed;
extern int kt_hop, kt_hops, kt_ver, kt_write_format;
extern bool kt_gens;
extern enum kt_mode kt_mode;
extern char kt_fail[160];

/**
 * kt_last_hop - this boot verifies and hands nothing over
 *
 * Only with hops= given: by default every boot re-preserves what it
 * verified, so any number of hops works.
 *
 * Return: true in boot @kt_hops and after it.
 */
static inline bool kt_last_hop(void)
{
	return kt_hops > 0 && kt_hop >= kt_hops;
}

/* kt_compat()'s block version that a lookup accepts: every one read. */
#define KT_BLOCK_ANY	0

void kt_failf(const char *fmt, ...) __printf(1, 2);
void kt_compat(char *buf, size_t len, int ver);
void kt_compat_fmt(char *buf, size_t len, int ver, unsigned int block_ver);

/* Entry content (kt_main.c). */
u64 kt_word(u64 tag, u64 idx, u32 w);
void kt_fill(void *entry, u32 esz, u64 tag, u64 idx);
bool kt_verify(const void *entry, u32 esz, u64 tag, u64 idx);

/**
 * struct kt_digest - running 64-bit digest of an object's logical content
 * @h:    FNV-1a state, one step per 64-bit little-endian word
 * @len:  bytes added
 * @word: bytes of an incomplete word, little-endian
 * @nbuf: bytes in @word
 */
struct kt_digest {
	u64 h;
	u64 len;
	u64 word;
	unsigned int nbuf;
};

/**
 * struct kt_inv - one object of an inventory line
 * @kind:    "block", "sarray", "vbuf" or "raw"
 * @entries: block-set or sparse-array entries, vbuf pages, 0 for raw
 * @bytes:   logical bytes: entries times entry size (block), 16 per entry
 *           (sarray: index and value), the buffer length (vbuf), the blob
 *           length (raw)
 * @blocks:  blocks of the chain handed over (block), pages (sarray),
 *           physically contiguous chunks (vbuf), pages (raw)
 * @digest:  kt_digest_final() of the logical content, in order
 * @format:  block format written ("preserved") or found ("verified") of a
 *           block set or of a vbuf's chunk list, 0 for none (a line ends
 *           "wrote=vN" or "read=vN"; run.sh does not compare it)
 */
struct kt_inv {
	const char *kind;
	u64 entries;
	u64 bytes;
	u64 blocks;
	u64 digest;
	unsigned int format;
};

#define KT_FNV_OFFSET	0xcbf29ce484222325ULL
#define KT_FNV_PRIME	0x100000001b3ULL

/**
 * kt_digest_word - add one 64-bit word at a word boundary of the stream
 * @d: the digest, with no incomplete word pending
 * @w: the word's value (its bytes taken little-endian)
 *
 * The same as kt_digest_u64(), for loops over aligned buffers.
 */
static inline void kt_digest_word(struct kt_digest *d, u64 w)
{
	d->h = (d->h ^ w) * KT_FNV_PRIME;
	d->len += 8;
}

/* Digests and inventory lines (kt_inv.c). */
void kt_digest_init(struct kt_digest *d);
void kt_digest_add(struct kt_digest *d, const void *p, size_t len);
void kt_digest_u64(struct kt_digest *d, u64 v);
u64 kt_digest_final(struct kt_digest *d);
void kt_preserved(const char *name, const struct kt_inv *inv);
void kt_verified(const char *name, const struct kt_inv *inv);
void kt_refused(const char *name, int err, const char *reason,
		const char *damage, const char *target, const char *says);
void kt_api_result(void);
void kt_inv_totals(u64 *objs, u64 *entries, u64 *bytes);
bool kt_say_verdict(char *buf, size_t len);

/**
 * struct kt_blk - one block of a chain, version 1 or 2, through the ABI
 * @hdr:     the header
 * @next:    its next field
 * @count:   its count field
 * @entries: the first entry
 * @format:  1 or 2
 * @order:   the block is 2^@order pages (0 in version 1)
 * @crc:     version 2 with KHOSER_BLOCK_F_CRC
 */
struct kt_blk {
	void *hdr;
	u64 *next;
	u64 *count;
	u8 *entries;
	unsigned int format;
	unsigned int order;
	bool crc;
};

/**
 * struct kt_chain - what a walk of a chain found
 * @blocks:  blocks
 * @used:    blocks holding at least one entry
 * @entries: entries, all blocks
 * @orders:  blocks of each order (version 2)
 * @format:  the first block's format, 0 for an empty chain
 * @crc:     every block carries a CRC (version 2)
 * @bad:     what is wrong with it, NULL when nothing (an empty block
 *           before a used one, a count over the capacity, another entry
 *           size, formats or flags that differ from block to block)
 */
struct kt_chain {
	u64 blocks;
	u64 used;
	u64 entries;
	u64 orders[8];
	unsigned int format;
	bool crc;
	const char *bad;
};

/* Base block sets a run can have (the esizes= and counts= arrays). */
#define KT_CONF_BASE	8

/**
 * struct kt_conf - what a run's objects are made of (its size parameters)
 * @nbase:   base block sets
 * @esizes:  their entry sizes
 * @counts:  their entry counts
 * @dense:   entries of the dense sparse array
 * @vbuf_mb: MiB of the vbuf
 */
struct kt_conf {
	u32 nbase;
	u32 esizes[KT_CONF_BASE];
	u32 counts[KT_CONF_BASE];
	u32 dense;
	u32 vbuf_mb;
};

/* The run header's object name, and the objects it can list. */
#define KT_HDR_NAME	"kt-hdr"
#define KT_HDR_OBJS	56
#define KT_HDR_MAGIC	0x7264685f74736574ULL	/* "test_hdr" */
#define KT_HDR_LAYOUT	1
/* The boot that wrote it damaged objects at reboot (mode=corrupt). */
#define KT_HDR_F_CORRUPT	0x1

/**
 * struct kt_hdr_ser - the run header a boot hands over with its objects
 * @magic:   %KT_HDR_MAGIC
 * @layout:  %KT_HDR_LAYOUT
 * @hop:     the boot that wrote it (1 for the first)
 * @seed:    the content seed of every object
 * @flags:   %KT_HDR_F_CORRUPT or 0
 * @nobjs:   objects listed in @names
 * @nbase:   base block sets (&struct kt_conf)
 * @dense:   entries of the dense sparse array
 * @vbuf_mb: MiB of the vbuf
 * @reserved: 0
 * @esizes:  entry sizes of the base block sets
 * @counts:  their entry counts
 * @names:   every object handed over with it, NUL-padded
 *
 * One entry of a one-block khoser-block-v1 set, published as %KT_HDR_NAME.
 * With it, a boot loaded without parameters knows which hop it is, the
 * seed, what to look up and check (the previous boot's size parameters)
 * and, from the list, that it checked everything handed over.
 */
struct kt_hdr_ser {
	__le64 magic;
	__le32 layout;
	__le32 hop;
	__le64 seed;
	__le32 flags;
	__le32 nobjs;
	__le32 nbase;
	__le32 dense;
	__le32 vbuf_mb;
	__le32 reserved;
	__le32 esizes[KT_CONF_BASE];
	__le32 counts[KT_CONF_BASE];
	char names[KT_HDR_OBJS][KHOSER_NAME_LEN];
} __packed;

/* The run header (kt_hdr.c). */
int kt_hdr_find(void);
const struct kt_hdr_ser *kt_hdr_in(void);
void kt_hdr_conf(struct kt_conf *conf);
bool kt_hdr_lists(const char *name);
void kt_hdr_seen(const char *name);
void kt_hdr_add(const char *name);
int kt_hdr_check(void);
int kt_hdr_publish(void);
void kt_hdr_cleanup(void);

/* Chains through the block headers (kt_chain.c). */
unsigned int kt_blk_format(const void *hdr);
void kt_blk_at(struct kt_blk *b, void *hdr);
struct kt_blk *kt_blk_nth(struct kt_blk *b, u64 head_pa, unsigned int n);
void kt_blk_reseal(struct kt_blk *b, u32 esz);
void kt_chain_walk(struct kt_chain *c, u64 head_pa, u32 esz);
void kt_chain_orders(const struct kt_chain *c, char *buf, size_t len);

/* Block-set objects (kt_block.c). */
int kt_block_preserve(void);
int kt_block_verify(void);
int kt_block_damage(void);
struct khoser_root_ser *kt_incoming_desc(const char *name);
void kt_block_cleanup(void);
int kt_block_mismatch(void);
void kt_block_conf(struct kt_conf *conf);
void kt_block_set_conf(const struct kt_conf *conf);

/* Sparse arrays and vbufs (kt_struct.c). */
int kt_struct_preserve(void);
int kt_struct_verify(void);
int kt_struct_mismatch(void);
int kt_struct_damage(void);
u64 kt_struct_vbuf_chunk(void);
void kt_struct_cleanup(void);
void kt_struct_conf(struct kt_conf *conf);
void kt_struct_set_conf(const struct kt_conf *conf);

/* Every export with KHO unavailable (kt_api.c). */
int kt_api_unavailable(void);

/* Benchmarks (kt_bench.c). */
int kt_bench(void);
void kt_bench_cleanup(void);

#endif /* _KHOSER_TEST_KT_H */
