// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: block-set restore of an arbitrary chain.
 *
 * Input: [preserved mask][entry size (2)][head][8 x (mode, next (8), count (8))]
 * lays out up to eight pages (preserved or not) whose headers link to each
 * other or anywhere, kexecs, restores and checks that nothing leaks.
 */
#include "../shim/kshim.h"
#include "fuzz.h"
#include <linux/kexec_handover.h>
#include <khoser/khoser.h>
#include "../../../src/common.h"

#define PAGES 8
#define REC 17

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);
int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct khoser_block_set bs;
	struct khoser_block_set_it it;
	struct khoser_block_hdr *h[PAGES];
	u64 pa[PAGES], head, n = 0, entries;
	unsigned int i, esz;
	const u8 *r;

	if (size < 4 + PAGES * REC)
		return 0;
	shim_ram_pages = 1024;
	shim_boot(true);
	if (khoser_core_init())
		abort();
	for (i = 0; i < PAGES; i++) {
		h[i] = data[0] & (1u << i) ? kho_alloc_preserve(PAGE_SIZE) :
					     shim_alloc_pages(0);
		pa[i] = virt_to_phys(h[i]);
	}
	for (i = 0; i < PAGES; i++) {
		r = data + 4 + i * REC;
		if (r[0] & 1)	/* link to a page, maybe off by a little */
			h[i]->next = pa[r[1] % PAGES] + (r[0] & 2 ? r[2] : 0);
		else if (r[0] & 4)
			h[i]->next = 0;
		else
			h[i]->next = rd64(r + 1);
		h[i]->count = r[0] & 8 ? r[9] : rd64(r + 9);
	}
	/* 0 to a little above the largest entry (4080 with 4 KiB pages). */
	esz = (data[1] | data[2] << 8) % (KHOSER_BLOCK_MAX_ENTRY + 120);
	head = data[3] & 0x80 ? rd64(data + 4) : pa[data[3] % PAGES];

	shim_kexec(true);
	if (khoser_core_init())
		abort();
	if (khoser_block_set_init(&bs, esz))
		goto out;
	khoser_block_set_set_max_blocks(&bs, 1 + data[3] % 16);
	if (!khoser_block_set_restore(&bs, head)) {
		entries = khoser_block_set_entries(&bs);
		khoser_block_set_it_init(&it, &bs);
		while (khoser_block_set_it_read_entry(&it))
			n++;
		if (n != entries || bs.nblocks > PAGES)
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
