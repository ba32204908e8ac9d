// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: restore of an arbitrary khoser-block-v2 chain, raw (the
 * format told by the first block) and through a descriptor naming v2.
 *
 * Input: [orders (2)][entry size (2)][set flags][6 x record], a record
 * (mode, next (8), version, flags, entry size, count (2), pad) per block:
 * up to six blocks of order 0-3, preserved or not, each with a header made
 * valid or not field by field (mode bits) and a CRC that is right unless
 * the mode says otherwise. Restores, reads every entry and checks nothing
 * leaks.
 */
#include <linux/crc32c.h>
#include "../shim/kshim.h"
#include "fuzz.h"
#include <linux/kexec_handover.h>
#include <khoser/khoser.h>
#include "../../../src/common.h"

#define BLOCKS 6
#define REC 16

static u32 crc_of(const struct khoser_block2_hdr *h, u64 count, u32 esz)
{
	u32 crc = crc32c(~0U, h, 20);

	crc = crc32c(crc, &h->count, 8);
	return ~crc32c(crc, h + 1, count * esz);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);
int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct khoser_block_set bs;
	struct khoser_block_set_it it;
	struct khoser_block2_hdr *h[BLOCKS];
	unsigned int i, esz, order[BLOCKS], mode;
	u64 pa[BLOCKS], n = 0, count, bsz;
	const u8 *r;

	if (size < 5 + BLOCKS * REC)
		return 0;
	shim_ram_pages = 2048;
	shim_boot(true);
	if (khoser_core_init())
		abort();
	/* 1 to a little above the largest entry (4064 with 4 KiB pages). */
	esz = 1 + (data[2] | data[3] << 8) % (KHOSER_BLOCK2_MAX_ENTRY + 36);
	for (i = 0; i < BLOCKS; i++) {
		r = data + 5 + i * REC;
		order[i] = (data[i / 4] >> (2 * (i % 4))) & 3;
		h[i] = r[0] & 0x80 ? shim_alloc_pages(order[i]) :
				     kho_alloc_preserve(PAGE_SIZE << order[i]);
		pa[i] = virt_to_phys(h[i]);
	}
	for (i = 0; i < BLOCKS; i++) {
		r = data + 5 + i * REC;
		mode = r[0];
		bsz = (PAGE_SIZE << order[i]) - sizeof(*h[i]);
		if (mode & 1)
			h[i]->next = pa[r[1] % BLOCKS] + (mode & 2 ? r[2] : 0);
		else
			h[i]->next = mode & 4 ? 0 : rd64(r + 1);
		h[i]->magic = mode & 8 ? rd64(r + 1) : KHOSER_BLOCK2_MAGIC;
		h[i]->version = mode & 16 ? r[9] : 2;
		h[i]->order = mode & 32 ? r[9] >> 4 : order[i];
		h[i]->flags = data[4] & 1 ? r[10] : data[4] >> 1 & 1;
		h[i]->entry_size = mode & 64 ? r[11] : esz;
		count = (r[12] | r[13] << 8) % (bsz / esz + 2);
		h[i]->count = count;
		h[i]->crc = data[4] & 4 ? rd64(r + 8) :
			    h[i]->flags & KHOSER_BLOCK_F_CRC ?
			    crc_of(h[i], min_t(u64, count, bsz / esz), esz) : 0;
	}

	shim_kexec(true);
	if (khoser_core_init())
		abort();
	if (khoser_block_set_init(&bs, esz))
		goto out;
	khoser_block_set_set_max_blocks(&bs, 1 + data[4] % 8);
	if (!khoser_block_set_restore(&bs, pa[0])) {
		if (khoser_block_set_format(&bs) != 2 &&
		    khoser_block_set_format(&bs) != 1)
			abort();
		khoser_block_set_it_init(&it, &bs);
		while (khoser_block_set_it_read_entry(&it))
			n++;
		if (n != khoser_block_set_entries(&bs) || bs.nblocks > BLOCKS)
			abort();
		if (khoser_block_set_destroy(&bs))
			abort();
	}
out:
	khoser_core_exit();
	if (shim_live_allocs() || shim_used_pages() != shim_unclaimed_pages())
		abort();
	return 0;
}
