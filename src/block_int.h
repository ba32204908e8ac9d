/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A block set's insides, shared by the files of the block set: its block
 * formats (block_format.c), the array of blocks and the lifecycle's steps
 * (block.c), the iterators (block_iter.c) and the restore walk and the
 * named root's view (block_restore.c); and what khoser's own structures
 * built on block sets (vbuf.c) need of it.
 */
#ifndef _KHOSER_BLOCK_INT_H
#define _KHOSER_BLOCK_INT_H

#include <linux/compiler.h>
#include <linux/kernel.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <khoser/block.h>

/* ---- block formats ---- */

/**
 * struct khoser_block_format - one block format, as khoser reads and
 *                              writes it (khoser_block_formats[])
 * @version:    its number, a set's &khoser_block_set.format; the
 *              compatible component "khoser-block-v<version>"
 * @compat:     that component
 * @hdr_size:   bytes before a block's first entry; the count is the u64
 *              just before the first entry in every format
 * @max_entry:  largest entry size a block of the format holds
 * @max_order:  largest block order (0: blocks are one page)
 * @flags:      the flags a set may ask for; @own_flags those khoser's own
 *              metadata (a vbuf's chunk list) is written with
 * @own_flags:  see @flags
 * @desc_pages: a descriptor counts the set in pages (else in blocks)
 * @capacity:   entries of @esz bytes in a block of @order
 * @hdr_init:   optional: fill a new, zeroed block's header
 * @seal:       optional: make block @b ready to hand over (its CRC)
 * @is_first:   whether a claimed first block of @order reads as this
 *              format (asked in version order when no format is named)
 * @check:      every header field of claimed block @b, the @idx-th (see
 *              khoser_block_check()): NULL, or "reason-word: text"
 *
 * A new format is its ABI header (the layout and its compatible string),
 * one entry of khoser_block_formats[] (and %KHOSER_BLOCK_NFORMATS, and
 * %KHOSER_BLOCK_MAX_ORDER if its blocks are larger) and its string in the
 * formats list of khoser_compat_format().
 */
struct khoser_block_format {
	unsigned int version;
	const char *compat;
	size_t hdr_size;
	size_t max_entry;
	unsigned int max_order;
	u8 flags;
	u8 own_flags;
	bool desc_pages;
	u32 (*capacity)(u32 esz, unsigned int order);
	void (*hdr_init)(const struct khoser_block_set *bs,
			 const struct khoser_block *b);
	void (*seal)(const struct khoser_block_set *bs,
		     const struct khoser_block *b);
	bool (*is_first)(const void *hdr, unsigned int order, u32 esz);
	const char *(*check)(struct khoser_block_set *bs,
			     struct khoser_block *b, unsigned long idx);
};

/* Highest version; khoser_block_formats[v] for 1 <= v <= it ([0]: v1). */
#define KHOSER_BLOCK_NFORMATS 2
/* The largest &khoser_block_format.max_order of them all. */
#define KHOSER_BLOCK_MAX_ORDER KHOSER_BLOCK_V2_MAX_ORDER

extern const struct khoser_block_format khoser_block_v1;
extern const struct khoser_block_format *const
	khoser_block_formats[KHOSER_BLOCK_NFORMATS + 1];

/* Block format of khoser's own metadata (the write_format parameter). */
extern unsigned int khoser_own_format;

int khoser_block_set_restore_as(struct khoser_block_set *bs, u64 head_pa,
				unsigned int want, const char *label);
unsigned int khoser_block_compat_format(const char *compat);
unsigned int khoser_block_detect(const void *hdr, unsigned int order,
				 u32 entry_size);

/* Format @version, or NULL when this build has none of that number. */
static inline const struct khoser_block_format *
khoser_block_format(unsigned int version)
{
	return version && version <= KHOSER_BLOCK_NFORMATS ?
	       khoser_block_formats[version] : NULL;
}

/*
 * The set's format: khoser sets &khoser_block_set.format only to a
 * version of the table, and a static initializer's 0 is entry 0, version
 * 1. One load, on the iterators' per-block path.
 */
static inline const struct khoser_block_format *
khoser_block_fmt_of(const struct khoser_block_set *bs)
{
	return khoser_block_formats[bs->format];
}

/* The set's format number. */
static inline unsigned int khoser_block_fmt(const struct khoser_block_set *bs)
{
	return khoser_block_fmt_of(bs)->version;
}

static inline size_t khoser_block_hdr_size(unsigned int format)
{
	return khoser_block_format(format)->hdr_size;
}

/* An entry of @entry_size bytes fits a block of @format. */
static inline bool khoser_block_entry_size_ok(unsigned int format,
					      size_t entry_size)
{
	const struct khoser_block_format *f = khoser_block_format(format);

	return f && entry_size && entry_size <= f->max_entry;
}

/* Entries of @entry_size bytes in a block of @format and @order. */
static inline u32 khoser_block_capacity(unsigned int format, u32 entry_size,
					unsigned int order)
{
	return khoser_block_format(format)->capacity(entry_size, order);
}

/* Entries counted in the block whose first entry is at @data. */
static inline u64 khoser_block_data_count(const u8 *data, u32 cap)
{
	return min_t(u64, READ_ONCE(*(const u64 *)(data - sizeof(u64))), cap);
}

/* The first entry of block @b. */
static inline u8 *khoser_block_data(const struct khoser_block_set *bs,
				    const struct khoser_block *b)
{
	return (u8 *)b->hdr + khoser_block_fmt_of(bs)->hdr_size;
}

/* The count field of block @b: the u64 before its first entry. */
static inline u64 *khoser_block_countp(const struct khoser_block_set *bs,
				       const struct khoser_block *b)
{
	/* Headers start their page: the field is aligned. */
	return (u64 *)(khoser_block_data(bs, b) - sizeof(u64));
}

/* Entries of @b, never more than it can hold. */
static inline u64 khoser_block_count(const struct khoser_block_set *bs,
				     const struct khoser_block *b)
{
	return min_t(u64, READ_ONCE(*khoser_block_countp(bs, b)), b->cap);
}

/* @next of block @b: at offset 0 in every format. */
static inline u64 *khoser_block_nextp(const struct khoser_block *b)
{
	return (u64 *)b->hdr;
}

/* Fill a new, zeroed block's header, as its format says. */
static inline void khoser_block_hdr_init(const struct khoser_block_set *bs,
					 const struct khoser_block *b)
{
	const struct khoser_block_format *f = khoser_block_fmt_of(bs);

	if (f->hdr_init)
		f->hdr_init(bs, b);
}

/* Before hand-over: what the format seals (a CRC). */
static inline void khoser_block_seal_crc(const struct khoser_block_set *bs,
					 const struct khoser_block *b)
{
	const struct khoser_block_format *f = khoser_block_fmt_of(bs);

	if (f->seal)
		f->seal(bs, b);
}

/* Version 1's header check, inline on the restore path (its check op). */
static inline const char *khoser_block_check_v1(struct khoser_block *b,
						u64 count)
{
	if (b->order)
		return "wrong-order: a khoser-block-v1 block is one page";
	if (!count)
		return "empty-block: block holds no entry";
	if (count > b->cap)
		return "count-over-capacity: count over the block capacity";
	return NULL;
}

/*
 * Check every header field of claimed block @b, the @idx-th of @bs (whose
 * format, entry size and, for @idx > 0, flags are set; @b's order and
 * capacity are filled). The first block sets @bs's flags. Upstream's
 * format, the common one, is checked inline; the others through their
 * table. Return: NULL, or "reason-word: text".
 */
static inline const char *khoser_block_check(struct khoser_block_set *bs,
					     struct khoser_block *b,
					     unsigned long idx)
{
	const struct khoser_block_format *f = khoser_block_fmt_of(bs);

	if (likely(f == &khoser_block_v1))
		return khoser_block_check_v1(b,
					     READ_ONCE(*khoser_block_countp(bs, b)));
	return f->check(bs, b, idx);
}

/* ---- the set's insides ---- */

/*
 * The array of blocks and the lifecycle's steps the restore walk and the
 * named root's view take. The caller holds the set's lock.
 */

int khoser_block_room(struct khoser_block_set *bs, unsigned long n,
		      unsigned long bound);
void khoser_block_free_empty(struct khoser_block_set *bs);
void khoser_block_drop_last(struct khoser_block_set *bs);
void khoser_block_drop_all(struct khoser_block_set *bs);
int khoser_block_restore_locked(struct khoser_block_set *bs, u64 head_pa,
				unsigned long bound, unsigned int want,
				const char *label, bool known);
int khoser_block_check_state(const struct khoser_block_set *bs,
			     const char *op, bool write);
long khoser_block_filled(struct khoser_block_set *bs, const char *label,
			 const char *then);
void khoser_block_seal_crcs(struct khoser_block_set *bs, unsigned long n);
int khoser_block_seal_locked(struct khoser_block_set *bs);
u64 khoser_block_entries_of(const struct khoser_block_set *bs,
			    unsigned long n);

/*
 * Append block @hdr of @order, holding @cap entries, to @bs's array (room
 * made). Alone for a restored chain, which is linked already (head_pa is
 * set after it).
 */
static __always_inline struct khoser_block *
khoser_block_put(struct khoser_block_set *bs, void *hdr, unsigned int order,
		 u32 cap)
{
	struct khoser_block *b = &bs->blk[bs->nblocks++];

	b->hdr = hdr;
	b->order = order;
	b->cap = cap;
	bs->nkept++;
	bs->capacity += cap;
	return b;
}

#endif /* _KHOSER_BLOCK_INT_H */
