// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: named-root lookup of an arbitrary descriptor.
 *
 * Input: [subtree size (2)][flags][descriptor bytes...] overwrite a published
 * block set's descriptor after kexec; lookup (raw and block) must refuse or
 * succeed without leaking or touching what it does not own.
 */
#include "../shim/kshim.h"
#include <linux/kexec_handover.h>
#include <khoser/khoser.h>
#include "../../../src/common.h"

#define COMPAT "fuzz-v1;khoser-block-v1"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);
int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct khoser_block_set bs;
	struct khoser_block_set_it it;
	struct khoser_root_ser *d;
	phys_addr_t phys;
	size_t dsize;
	u64 psize;
	int i;

	if (size < 3)
		return 0;
	shim_ram_pages = 1024;
	shim_boot(true);
	if (khoser_core_init() || khoser_block_set_init(&bs, 24) ||
	    khoser_block_set_grow(&bs, 200))
		abort();
	khoser_block_set_it_init(&it, &bs);
	for (i = 0; i < 200; i++)
		memset(khoser_block_set_it_reserve_entry(&it), i, 24);
	if (khoser_block_set_publish(&bs, "fz", COMPAT))
		abort();
	shim_kexec(true);
	if (khoser_core_init() || kho_retrieve_subtree("khoser-fz", &phys, &dsize))
		abort();
	d = phys_to_virt(phys);
	/* Keep the valid descriptor's prefix unless the input reaches it. */
	memcpy((u8 *)d + (data[2] & 0x80 ? 0 : 64), data + 3,
	       min(size - 3, sizeof(*d) - (data[2] & 0x80 ? 0 : 64)));
	if (data[2] & 1)
		shim_set_incoming_subtree("khoser-fz", phys + (data[0] & 0x3f),
					  data[1] | (data[0] & 0xc0) << 2);
	if (data[2] & 2 && !khoser_lookup("fz", COMPAT, &phys, &psize))
		(void)psize;
	khoser_block_set_init(&bs, 24);
	if (!khoser_block_set_lookup(&bs, "fz", COMPAT)) {
		if (khoser_block_set_entries(&bs) > 200)
			abort();
		khoser_block_set_destroy(&bs);
	}
	khoser_core_exit();
	if (shim_live_allocs() || shim_used_pages() != shim_unclaimed_pages())
		abort();
	return 0;
}
