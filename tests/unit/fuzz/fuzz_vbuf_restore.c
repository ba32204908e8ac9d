// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: vbuf restore of a header and chunk list corrupted at
 * will.
 *
 * Input: [pages][length low (2)][layout (8)][mutations...] builds a buffer
 * of 1 to 24 pages from blocks of order 0 to 3 and pages in descending
 * physical order, preserves it, kexecs, applies mutations (target: header,
 * chunk list, or the header address; offset; byte) and restores. A restored
 * buffer must be fully readable, and everything must be released after.
 */
#include "../shim/kshim.h"
#include <linux/kexec_handover.h>
#include <khoser/khoser.h>
#include "../../../src/common.h"

#define HDRB 11

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);
int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	unsigned long nr, n = 0, i;
	struct khoser_vbuf vb;
	struct page **pg, *b;
	unsigned int order, j;
	u64 hdr_pa, list_pa, restore_pa;
	size_t len, k;
	const u8 *m;
	u8 *buf, *t, sum = 0;

	if (size < HDRB)
		return 0;
	shim_ram_pages = 1024;
	shim_boot(true);
	if (khoser_core_init())
		abort();
	nr = 1 + data[0] % 24;
	pg = kvmalloc_array(nr, sizeof(*pg), GFP_KERNEL);
	for (j = 0; n < nr; j++) {
		order = data[3 + j % 8] >> (j / 8 % 4 * 2) & 3;
		while (n + (1UL << order) > nr)
			order--;
		b = alloc_pages(GFP_KERNEL, order);
		split_page(b, order);
		for (i = 0; i < 1UL << order; i++)	/* odd j: descending */
			pg[n + (j & 1 ? (1UL << order) - 1 - i : i)] = b + i;
		n += 1UL << order;
	}
	buf = vmap(pg, nr, VM_MAP | VM_MAP_PUT_PAGES, PAGE_KERNEL);
	len = (nr - 1) * PAGE_SIZE + 1 + (data[1] | data[2] << 8) % PAGE_SIZE;
	memset(buf, 0x5a, len);
	khoser_vbuf_init(&vb);
	if (!buf || khoser_vbuf_preserve(&vb, buf, len))
		abort();
	hdr_pa = khoser_vbuf_hdr_pa(&vb);
	restore_pa = hdr_pa;
	list_pa = khoser_block_set_head_pa(&vb.chunks);

	shim_kexec(true);
	if (khoser_core_init())
		abort();
	for (m = data + HDRB; m + 3 <= data + size; m += 3) {
		if (m[0] % 3 == 2) {
			restore_pa += (u64)(m[1] - 128) *
				      (m[0] & 0x80 ? 1 : PAGE_SIZE);
			continue;
		}
		t = phys_to_virt(m[0] % 3 ? list_pa : hdr_pa);
		t[m[1] % (m[0] % 3 ? 16 + 8 * 24 : 88)] = m[2];
	}
	khoser_vbuf_init(&vb);
	if (!khoser_vbuf_restore(&vb, restore_pa)) {
		len = khoser_vbuf_length(&vb);
		t = khoser_vbuf_addr(&vb);
		if (!len || len > nr * PAGE_SIZE || !t)
			abort();
		for (k = 0; k < DIV_ROUND_UP(len, PAGE_SIZE) * PAGE_SIZE; k++)
			sum += t[k];
		(void)sum;
		if (khoser_vbuf_destroy(&vb))
			abort();
	}
	khoser_core_exit();
	if (shim_live_allocs() || shim_used_pages() != shim_unclaimed_pages() ||
	    shim_vmap_areas() || shim_warns)
		abort();
	return 0;
}
