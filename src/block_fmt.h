/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The block formats inside khoser (block_fmt.c, include/khoser/abi/block.h):
 * where a block's count and entries are, its capacity, its header written,
 * sealed and checked; used by the lifecycle (block.c), the iterators
 * (block_it.c) and khoser's own structures built on block sets (vbuf).
 */
#ifndef _KHOSER_BLOCK_FMT_H
#define _KHOSER_BLOCK_FMT_H

#include <linux/compiler.h>
#include <linux/kernel.h>
#include <linux/stddef.h>
#include <khoser/block.h>

/* Block format of khoser's own metadata (the write_format parameter). */
extern unsigned int khoser_own_format;

int khoser_block_set_restore_as(struct khoser_block_set *bs, u64 head_pa,
				unsigned int want, const char *label);
unsigned int khoser_block_compat_format(const char *compat);

/* The set's format: 1 or 2 (0 in a static initializer means 1). */
static inline unsigned int khoser_block_fmt(const struct khoser_block_set *bs)
{
	return bs->format == 2 ? 2 : 1;
}

static inline size_t khoser_block_hdr_size(unsigned int format)
{
	return format == 2 ? sizeof(struct khoser_block2_hdr) :
			     sizeof(struct khoser_block_hdr);
}

/*
 * In both formats the count is the header's last field: the u64 just
 * before the first entry (checked below), so the iterators reach it from
 * a block's data without asking the format again.
 */
static_assert(offsetof(struct khoser_block_hdr, count) + sizeof(u64) ==
	      sizeof(struct khoser_block_hdr));
static_assert(offsetof(struct khoser_block2_hdr, count) + sizeof(u64) ==
	      sizeof(struct khoser_block2_hdr));

/* Entries counted in the block whose first entry is at @data. */
static inline u64 khoser_block_data_count(const u8 *data, u32 cap)
{
	return min_t(u64, READ_ONCE(*(const u64 *)(data - sizeof(u64))), cap);
}

/* The count field of block @b. */
static inline u64 *khoser_block_countp(const struct khoser_block_set *bs,
				       const struct khoser_block *b)
{
	/* Headers start their page: the field is aligned. */
	return (u64 *)((u8 *)b->hdr + (khoser_block_fmt(bs) == 2 ?
		       offsetof(struct khoser_block2_hdr, count) :
		       offsetof(struct khoser_block_hdr, count)));
}

/* The first entry of block @b. */
static inline u8 *khoser_block_data(const struct khoser_block_set *bs,
				    const struct khoser_block *b)
{
	return (u8 *)b->hdr + khoser_block_hdr_size(khoser_block_fmt(bs));
}

/* Entries of @b, never more than it can hold. */
static inline u64 khoser_block_count(const struct khoser_block_set *bs,
				     const struct khoser_block *b)
{
	return min_t(u64, READ_ONCE(*khoser_block_countp(bs, b)), b->cap);
}

/* @next of block @b: at offset 0 in both formats. */
static inline u64 *khoser_block_nextp(const struct khoser_block *b)
{
	return (u64 *)b->hdr;
}

bool khoser_block_entry_size_ok(unsigned int format, size_t entry_size);
u32 khoser_block_capacity(unsigned int format, u32 entry_size,
			  unsigned int order);
void khoser_block_hdr_init(const struct khoser_block_set *bs,
			   const struct khoser_block *b);
void khoser_block_seal_crc(const struct khoser_block_set *bs,
			   const struct khoser_block *b);
unsigned int khoser_block_detect(const void *hdr, unsigned int order,
				 u32 entry_size);
const char *khoser_block_check_v2(struct khoser_block_set *bs,
				  struct khoser_block *b, unsigned long idx);

/*
 * Check every header field of claimed block @b, the @idx-th of @bs (whose
 * format, entry size and, for @idx > 0, flags are set; @b's order and
 * capacity are filled). The first block sets @bs's flags. Version 1 is
 * checked here, inline on the restore path; version 2 in block_fmt.c.
 * Return: NULL, or "reason-word: text".
 */
static inline const char *khoser_block_check(struct khoser_block_set *bs,
					     struct khoser_block *b,
					     unsigned long idx)
{
	u64 count;

	if (khoser_block_fmt(bs) == 2)
		return khoser_block_check_v2(bs, b, idx);
	count = READ_ONCE(*khoser_block_countp(bs, b));
	if (b->order)
		return "wrong-order: a khoser-block-v1 block is one page";
	if (!count)
		return "empty-block: block holds no entry";
	if (count > b->cap)
		return "count-over-capacity: count over the block capacity";
	return NULL;
}

#endif /* _KHOSER_BLOCK_FMT_H */
