// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoser block formats: the table of formats (khoser_block_formats[]), one
 * &struct khoser_block_format each: version 1 (upstream "kho-block-v1",
 * struct khoser_block_hdr) and version 2 (struct khoser_block2_hdr), their
 * headers written, sealed with their CRC, recognized and checked.
 *
 * DOC: block headers
 *
 * A set writes one format, chosen before its first block, and every
 * format-dependent step goes through its table entry. A version 2
 * header is filled when its block is allocated; its CRC is computed when
 * the set is sealed for hand-over. On restore, the first block tells the
 * format when the caller did not name one (khoser_block_detect()), and
 * khoser_block_check() checks every field of every block before the set
 * uses it. Nothing here takes a lock: the set's owner holds the set's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/crc32c.h>
#include <linux/kernel.h>
#include <linux/stddef.h>
#include <linux/errno.h>
#include <khoser/abi/block.h>
#include <khoser/compatible.h>
#include "block_int.h"

/* The write_format module parameter (set_write_format()). */
unsigned int khoser_own_format = 2;

/*
 * The count is the u64 just before the first entry in every format: the
 * iterators reach it from a block's data without asking the format.
 */
static_assert(offsetof(struct khoser_block_hdr, count) + sizeof(u64) ==
	      sizeof(struct khoser_block_hdr));
static_assert(offsetof(struct khoser_block2_hdr, count) + sizeof(u64) ==
	      sizeof(struct khoser_block2_hdr));

/* --- version 1: upstream's kho-block-v1 ---------------------------------- */

static u32 v1_capacity(u32 esz, unsigned int order)
{
	return KHOSER_BLOCK_CAPACITY(esz);
}

/* An upstream block: one page, a count a page can hold. */
static bool v1_is_first(const void *hdr, unsigned int order, u32 esz)
{
	const struct khoser_block_hdr *h = hdr;

	return !order && h->count <= KHOSER_BLOCK_CAPACITY(esz);
}

static const char *v1_check(struct khoser_block_set *bs,
			    struct khoser_block *b, unsigned long idx)
{
	return khoser_block_check_v1(b, READ_ONCE(*khoser_block_countp(bs, b)));
}

const struct khoser_block_format khoser_block_v1 = {
	.version = 1,
	.compat = KHOSER_BLOCK_COMPAT,
	.hdr_size = sizeof(struct khoser_block_hdr),
	.max_entry = KHOSER_BLOCK_MAX_ENTRY,
	.capacity = v1_capacity,
	.is_first = v1_is_first,
	.check = v1_check,
};

/* --- version 2: khoser's own, self-describing ----------------------------- */

static u32 v2_capacity(u32 esz, unsigned int order)
{
	return KHOSER_BLOCK2_CAPACITY(esz, order);
}

/* Fill a new, zeroed block's header. */
static void v2_hdr_init(const struct khoser_block_set *bs,
			const struct khoser_block *b)
{
	struct khoser_block2_hdr *h = b->hdr;

	h->magic = KHOSER_BLOCK2_MAGIC;
	h->version = KHOSER_BLOCK2_VERSION;
	h->order = b->order;
	h->flags = bs->flags;
	h->entry_size = bs->entry_size;
}

/* CRC32C of @h's header and first @count entries, as the format says. */
static u32 block_crc(const struct khoser_block2_hdr *h, u64 count)
{
	u32 crc = crc32c(~0U, h, offsetof(struct khoser_block2_hdr, crc));

	crc = crc32c(crc, &h->count, sizeof(h->count));
	return ~crc32c(crc, h + 1, count * h->entry_size);
}

/* Before hand-over: a block with the CRC flag gets its CRC. */
static void v2_seal(const struct khoser_block_set *bs,
		    const struct khoser_block *b)
{
	struct khoser_block2_hdr *h = b->hdr;

	if (h->flags & KHOSER_BLOCK_F_CRC)
		h->crc = block_crc(h, khoser_block_count(bs, b));
}

static bool v2_is_first(const void *hdr, unsigned int order, u32 esz)
{
	const struct khoser_block2_hdr *h = hdr;

	return h->magic == KHOSER_BLOCK2_MAGIC;
}

static const char *v2_check(struct khoser_block_set *bs,
			    struct khoser_block *b, unsigned long idx)
{
	const struct khoser_block2_hdr *h = b->hdr;
	u64 count = READ_ONCE(*khoser_block_countp(bs, b));

	if (h->magic != KHOSER_BLOCK2_MAGIC)
		return "bad-magic: block header is not a khoser-block-v2 one";
	if (h->version != KHOSER_BLOCK2_VERSION)
		return "bad-version: block header version is not 2";
	if (h->order != b->order)
		return "order-mismatch: header order differs from KHO's";
	if (h->flags & ~KHOSER_BLOCK2_FLAGS)
		return "bad-flags: unknown flags in the block header";
	if (!idx)
		bs->flags = h->flags;
	else if (h->flags != bs->flags)
		return "flags-mixed: block flags differ from the first block's";
	if (h->entry_size != bs->entry_size)
		return "entry-size: block entry size differs from the set's";
	if (!count)
		return "empty-block: block holds no entry";
	if (count > b->cap)
		return "count-over-capacity: count over the block capacity";
	if (!(h->flags & KHOSER_BLOCK_F_CRC))
		return h->crc ? "bad-crc-field: CRC set in a block without the CRC flag" :
				NULL;
	if (h->crc != block_crc(h, count))
		return "crc: CRC32C of the block does not match";
	return NULL;
}

static const struct khoser_block_format khoser_block_v2 = {
	.version = 2,
	.compat = KHOSER_BLOCK_COMPAT_V2,
	.hdr_size = sizeof(struct khoser_block2_hdr),
	.max_entry = KHOSER_BLOCK2_MAX_ENTRY,
	.max_order = KHOSER_BLOCK_V2_MAX_ORDER,
	.flags = KHOSER_BLOCK2_FLAGS,
	.own_flags = KHOSER_BLOCK_F_CRC,
	.desc_pages = true,
	.capacity = v2_capacity,
	.hdr_init = v2_hdr_init,
	.seal = v2_seal,
	.is_first = v2_is_first,
	.check = v2_check,
};

/* --- the formats ---------------------------------------------------------- */

const struct khoser_block_format *const
	khoser_block_formats[KHOSER_BLOCK_NFORMATS + 1] = {
	[0] = &khoser_block_v1,		/* a statically initialized set */
	[1] = &khoser_block_v1,
	[2] = &khoser_block_v2,
};

/* The block format @compat names: 1 when it names none, 0 when unknown. */
unsigned int khoser_block_compat_format(const char *compat)
{
	unsigned long ver;
	int err = khoser_compat_version(compat, KHOSER_BLOCK_BASE, &ver);

	if (err == -ENOENT)
		return 1;
	return !err && khoser_block_format(ver) ? ver : 0;
}

/*
 * The format of a claimed first block of @order: the first, in version
 * order, it reads as (an upstream block: order 0, a count a page can
 * hold; else one carrying the version 2 magic), 0 when none.
 */
unsigned int khoser_block_detect(const void *hdr, unsigned int order,
				 u32 entry_size)
{
	unsigned int v;

	for (v = 1; v <= KHOSER_BLOCK_NFORMATS; v++)
		if (khoser_block_formats[v]->is_first(hdr, order, entry_size))
			return v;
	return 0;
}
