// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoser_test: block chains read and damaged through the ABI headers
 * (include/khoser/abi/block.h), not khoser's bookkeeping, in either format:
 * version 1 (upstream's 16-byte header, one page a block) and version 2
 * (a 32-byte header with a magic at byte 8, 2^order pages a block, an
 * optional CRC32C). A version 1 header holds its count at byte 8, never a
 * number as large as the magic, so the magic tells the two apart.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/crc32c.h>
#include <linux/string.h>
#include "kt.h"

/**
 * kt_blk_format - the format of the block whose header is at @hdr
 * @hdr: a block header
 *
 * Return: 2 for a version 2 header (its magic), else 1.
 */
unsigned int kt_blk_format(const void *hdr)
{
	const struct khoser_block2_hdr *h = hdr;

	if (h->magic == KHOSER_BLOCK2_MAGIC)
		return 2;
	return 1;
}

/**
 * kt_blk_at - view the block whose header is at @hdr
 * @b:   filled in
 * @hdr: a block header
 */
void kt_blk_at(struct kt_blk *b, void *hdr)
{
	struct khoser_block_hdr *h1 = hdr;

	memset(b, 0, sizeof(*b));
	b->hdr = hdr;
	b->format = kt_blk_format(hdr);
	if (b->format == 2) {
		struct khoser_block2_hdr *h2 = hdr;

		b->next = &h2->next;
		b->count = &h2->count;
		b->entries = (u8 *)(h2 + 1);
		b->order = h2->order;
		b->crc = h2->flags & KHOSER_BLOCK_F_CRC;
		return;
	}
	b->next = &h1->next;
	b->count = &h1->count;
	b->entries = (u8 *)(h1 + 1);
}

/**
 * kt_blk_nth - block @n of the chain at @head_pa
 * @b:       filled in
 * @head_pa: physical address of the first block, 0 for none
 * @n:       index, 0 for the first
 *
 * Return: @b, or NULL when the chain is shorter.
 */
struct kt_blk *kt_blk_nth(struct kt_blk *b, u64 head_pa, unsigned int n)
{
	u64 pa = head_pa;

	while (pa) {
		kt_blk_at(b, phys_to_virt(pa));
		if (!n--)
			return b;
		pa = *b->next;
	}
	return NULL;
}

/**
 * kt_blk_reseal - recompute a version 2 block's CRC after editing it
 * @b:   the block
 * @esz: the chain's entry size
 *
 * Damage meant for another check (an entry of a vbuf's chunk list) must not
 * be caught by the CRC first. Version 1 blocks and blocks without a CRC are
 * left alone.
 */
void kt_blk_reseal(struct kt_blk *b, u32 esz)
{
	struct khoser_block2_hdr *h = b->hdr;
	u32 crc;

	if (b->format != 2 || !b->crc)
		return;
	crc = crc32c(~0U, h, offsetof(struct khoser_block2_hdr, crc));
	crc = crc32c(crc, &h->count, sizeof(h->count));
	h->crc = ~crc32c(crc, h + 1, h->count * esz);
}

static u32 capacity(const struct kt_blk *b, u32 esz)
{
	if (b->format == 2)
		return KHOSER_BLOCK2_CAPACITY(esz, b->order);
	return KHOSER_BLOCK_CAPACITY(esz);
}

/**
 * kt_chain_walk - walk the chain at @head_pa, check what a reader checks
 * @c:       filled in
 * @head_pa: physical address of the first block, 0 for none
 * @esz:     the set's entry size
 *
 * Trailing empty blocks are counted in @c->blocks, not in @c->used: an
 * outgoing set may hold them until the seal at kexec releases them.
 */
void kt_chain_walk(struct kt_chain *c, u64 head_pa, u32 esz)
{
	struct kt_blk b;
	u64 pa;

	memset(c, 0, sizeof(*c));
	for (pa = head_pa; pa && c->blocks < (1ULL << 24); pa = *b.next) {
		kt_blk_at(&b, phys_to_virt(pa));
		if (!c->blocks) {
			c->format = b.format;
			c->crc = b.crc;
		} else if (b.format != c->format || b.crc != c->crc) {
			c->bad = "formats or flags differ from block to block";
		}
		if (b.format == 2 &&
		    ((struct khoser_block2_hdr *)b.hdr)->entry_size != esz)
			c->bad = "another entry size";
		if (*b.count > capacity(&b, esz))
			c->bad = "a count over the block's capacity";
		if (*b.count && c->used != c->blocks)
			c->bad = "an empty block before a used one";
		if (*b.count)
			c->used++;
		c->blocks++;
		c->entries += *b.count;
		c->orders[min_t(unsigned int, b.order, 7)]++;
	}
}

/**
 * kt_chain_orders - "4x195,0x1": the blocks of each order, largest first
 * @c:   a walk's result
 * @buf: where to write
 * @len: size of @buf
 */
void kt_chain_orders(const struct kt_chain *c, char *buf, size_t len)
{
	size_t n = 0;
	int o;

	buf[0] = '\0';
	for (o = ARRAY_SIZE(c->orders) - 1; o >= 0 && n < len; o--)
		if (c->orders[o])
			n += scnprintf(buf + n, len - n, "%s%dx%llu",
				       n ? "," : "", o, c->orders[o]);
}
