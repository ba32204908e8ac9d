// SPDX-License-Identifier: GPL-2.0-only
/*
 * make demo (placeholder until the QEMU kexec harness lands): a round trip
 * through a SIMULATED kexec in userspace. khoser's real sources preserve
 * block sets, publish them by name with composite compatible strings, the
 * shim wipes all unpreserved memory, and the next "kernel" looks them up,
 * restores and verifies every byte.
 */
#include "test.h"

static const struct {
	const char *name;
	size_t esz;
	u64 n;
} objs[] = {
	{ "demo-small", 24, 100000 },
	{ "demo-mid", 64, 20000 },
	{ "demo-page", 4080, 500 },
};

#define COMPAT "khoser_demo-v1;khoser-block-v1"

int main(void)
{
	struct khoser_block_set bs[ARRAY_SIZE(objs)];
	struct khoser_block_set_it it;
	u64 entries = 0, bytes = 0, bad = 0, i;
	unsigned long blocks = 0;
	unsigned int o;
	void *e;

	printf("khoser demo: SIMULATED kexec in userspace (the QEMU kexec demo\n"
	       "arrives with the end-to-end issue; see README)\n");
	test_boot(true);
	for (o = 0; o < ARRAY_SIZE(objs); o++) {
		if (khoser_block_set_init(&bs[o], objs[o].esz) ||
		    khoser_block_set_grow(&bs[o], objs[o].n))
			return 1;
		khoser_block_set_it_init(&it, &bs[o]);
		for (i = 0; i < objs[o].n; i++)
			test_fill(khoser_block_set_it_reserve_entry(&it),
				  objs[o].esz, o, i);
		if (khoser_block_set_publish(&bs[o], objs[o].name, COMPAT))
			return 1;
		blocks += bs[o].nblocks;
		printf("  boot 1: published %-10s %7llu entries of %4zu bytes in %5lu blocks\n",
		       objs[o].name, (unsigned long long)objs[o].n,
		       objs[o].esz, bs[o].nblocks);
	}
	bytes = (u64)shim_preserved_pages() * PAGE_SIZE;
	khoser_root_seal_all();		/* what the reboot hook does */

	shim_kexec(true);
	if (khoser_core_init())
		return 1;
	printf("  kexec: unpreserved memory wiped; KHO boot: %s\n",
	       khoser_is_kho_boot() ? "yes" : "no");
	for (o = 0; o < ARRAY_SIZE(objs); o++) {
		struct khoser_block_set in;

		if (khoser_block_set_init(&in, objs[o].esz) ||
		    khoser_block_set_lookup(&in, objs[o].name, COMPAT)) {
			printf("  boot 2: %s: lookup failed\n", objs[o].name);
			bad++;
			continue;
		}
		khoser_block_set_it_init(&it, &in);
		for (i = 0; (e = khoser_block_set_it_read_entry(&it)); i++)
			bad += !test_verify(e, objs[o].esz, o, i);
		bad += i != objs[o].n;
		entries += i;
		printf("  boot 2: restored  %-10s %7llu entries, verified\n",
		       objs[o].name, (unsigned long long)i);
		khoser_block_set_destroy(&in);
	}
	khoser_core_exit();
	if (!test_all_freed())
		bad++;
	printf("objects %zu, entries %llu, bytes preserved %llu (%lu blocks + descriptors), hops 1, verdict %s\n",
	       ARRAY_SIZE(objs), (unsigned long long)entries,
	       (unsigned long long)bytes, blocks, bad ? "FAIL" : "PASS");
	shim_fini();
	return bad ? 1 : 0;
}
