// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: sparse-array restore of a chain corrupted at will.
 *
 * Input: [flags][start index (8)][repeat][16 run bytes][mutations...]
 * writes runs (length 1 + low nibble, gap high nibble) from the start
 * index, up to 4 pages; kexecs; applies mutations (page, offset (2),
 * byte) and maybe a new head; restores under a bound of 1 to 8 pages. A
 * restored array must iterate strictly ascending, agree with lookups and
 * seeks, and everything must be released afterwards.
 */
#include "../shim/kshim.h"
#include "fuzz.h"
#include <linux/kexec_handover.h>
#include <khoser/khoser.h>
#include "../../../src/common.h"

#define HDR 26
#define MAXP 4

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);
int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct khoser_sarray sa;
	struct khoser_sarray_it it, seek;
	u64 pa[MAXP], x, index, value, v, prev = 0, n = 0, head;
	unsigned int rep, j, len, np, bound;
	const u8 *m;
	size_t k;
	int err = 0;

	if (size < HDR)
		return 0;
	shim_ram_pages = 1024;
	shim_boot(true);
	if (khoser_core_init())
		abort();
	khoser_sarray_init(&sa);
	khoser_sarray_set_max_pages(&sa, MAXP);
	x = rd64(data + 1);
	for (rep = 0; rep <= data[9] % 64 && !err; rep++) {
		for (j = 0; j < 16 && !err; j++) {
			for (len = 1 + (data[10 + j] & 15); len && !err; len--) {
				err = khoser_sarray_add(&sa, x, x * 0x9e37);
				x++;
			}
			x += data[10 + j] >> 4;
		}
	}
	np = khoser_sarray_pages(&sa);
	for (j = 0; j < np; j++)
		pa[j] = virt_to_phys(sa.pages[j].hdr);
	head = khoser_sarray_head_pa(&sa);

	shim_kexec(true);
	if (khoser_core_init())
		abort();
	for (m = data + HDR; np && m + 4 <= data + size; m += 4)
		((u8 *)phys_to_virt(pa[m[0] % np]))[(m[1] | m[2] << 8) %
						     PAGE_SIZE] = m[3];
	if (data[0] & 0x80 && np)
		head = pa[data[0] % np] + (data[0] & 0x40 ? data[9] : 0);
	bound = 1 + (data[0] & 7);
	khoser_sarray_init(&sa);
	khoser_sarray_set_max_pages(&sa, bound);
	if (!khoser_sarray_restore(&sa, head)) {
		if (khoser_sarray_pages(&sa) > bound)
			abort();
		khoser_sarray_for_each(&sa, &it, index, value) {
			if (n && index <= prev)
				abort();
			if (khoser_sarray_get(&sa, index, &v) || v != value)
				abort();
			khoser_sarray_it_init(&seek, &sa);
			khoser_sarray_it_seek(&seek, index);
			if (!khoser_sarray_it_next(&seek, &x, &v) || x != index)
				abort();
			if (index && !khoser_sarray_get(&sa, index - 1, NULL) !=
				     (n && prev == index - 1))
				abort();
			prev = index;
			n++;
		}
		if (n != khoser_sarray_entries(&sa))
			abort();
		for (k = 0; k < 64; k++)	/* absent and present probes */
			khoser_sarray_get(&sa, rd64(data + 1) + k * k * k, NULL);
		if (khoser_sarray_destroy(&sa))
			abort();
	}
	khoser_core_exit();
	if (shim_live_allocs() || shim_used_pages() != shim_unclaimed_pages() ||
	    shim_warns)
		abort();
	return 0;
}
