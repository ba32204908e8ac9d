// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoser block formats: the headers of version 1 (upstream "kho-block-v1")
 * and version 2 blocks (include/khoser/abi/block.h) -- written, sealed with
 * their CRC, recognized and checked.
 *
 * DOC: block headers
 *
 * A set writes one format, chosen before its first block. A version 2
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
#include "block_fmt.h"

/* The write_format module parameter (src/main.c). */
unsigned int khoser_own_format = 2;

/* The block format @compat names: 1 when it names none, 0 when unknown. */
unsigned int khoser_block_compat_format(const char *compat)
{
	unsigned long ver;
	int err = khoser_compat_version(compat, KHOSER_BLOCK_BASE, &ver);

	if (err == -ENOENT)
		return 1;
	return !err && (ver == 1 || ver == 2) ? ver : 0;
}

bool khoser_block_entry_size_ok(unsigned int format, size_t entry_size)
{
	return entry_size && entry_size <= (format == 2 ?
					    KHOSER_BLOCK2_MAX_ENTRY :
					    KHOSER_BLOCK_MAX_ENTRY);
}

u32 khoser_block_capacity(unsigned int format, u32 entry_size,
			  unsigned int order)
{
	return format == 2 ? KHOSER_BLOCK2_CAPACITY(entry_size, order) :
			     KHOSER_BLOCK_CAPACITY(entry_size);
}

/* Fill a new, zeroed block's header (version 1: nothing to fill). */
void khoser_block_hdr_init(const struct khoser_block_set *bs,
			   const struct khoser_block *b)
{
	struct khoser_block2_hdr *h = b->hdr;

	if (khoser_block_fmt(bs) != 2)
		return;
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

/* Before hand-over: a version 2 block with the CRC flag gets its CRC. */
void khoser_block_seal_crc(const struct khoser_block_set *bs,
			   const struct khoser_block *b)
{
	struct khoser_block2_hdr *h = b->hdr;

	if (khoser_block_fmt(bs) == 2 && (h->flags & KHOSER_BLOCK_F_CRC))
		h->crc = block_crc(h, khoser_block_count(bs, b));
}

/*
 * The format of a claimed first block of @order: 1 when it reads as an
 * upstream block (order 0, a count a page can hold), 2 when it carries the
 * version 2 magic, 0 when neither.
 */
unsigned int khoser_block_detect(const void *hdr, unsigned int order,
				 u32 entry_size)
{
	const struct khoser_block2_hdr *h2 = hdr;
	const struct khoser_block_hdr *h1 = hdr;

	if (!order && h1->count <= KHOSER_BLOCK_CAPACITY(entry_size))
		return 1;
	return h2->magic == KHOSER_BLOCK2_MAGIC ? 2 : 0;
}

static const char *check_v2(struct khoser_block_set *bs,
			    const struct khoser_block *b, unsigned long idx,
			    u64 count)
{
	const struct khoser_block2_hdr *h = b->hdr;

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

/* khoser_block_check() of a version 2 block (block_fmt.h). */
const char *khoser_block_check_v2(struct khoser_block_set *bs,
				  struct khoser_block *b, unsigned long idx)
{
	return check_v2(bs, b, idx, READ_ONCE(*khoser_block_countp(bs, b)));
}
