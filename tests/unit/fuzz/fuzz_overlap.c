// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: restores over overlapping and nested preservations.
 *
 * A previous kernel preserves ranges of a 32-page region at any order 0-4,
 * overlapping and nested as KHO allows (the same page alone and inside a
 * larger range, a range twice), and writes into the region's pages block
 * headers (v1, v2 of any order), vbuf headers, chunk lists and root
 * descriptors whose links and chunks point back into the region. The next
 * kernel runs a sequence of raw restores and lookups (block set, vbuf,
 * sparse array) at pages of the region, then destroys what succeeded. No
 * page may be claimed twice (the shim aborts), nothing may leak.
 *
 * Input: [n][n x (page, order)] preservations, then 8 records of 12 bytes
 * (page, type, link, order, count, 7 bytes of chunk or field values), then
 * up to 8 operations of 2 bytes (kind, page).
 */
#include "../shim/kshim.h"
#include "fuzz.h"
#include <linux/kexec_handover.h>
#include <linux/vmalloc.h>
#include <khoser/khoser.h>
#include "../../../src/common.h"

#define REGION_ORDER	5
#define REGION		(1U << REGION_ORDER)
#define RECORDS		8
#define REC		12
#define OPS		8
#define COMPAT_BLOCK	"fuzz-v1;khoser-block-v1"
#define COMPAT_VBUF	"fuzz-v1;khoser-vbuf-v1"

static struct page *region;

static u64 page_pa(unsigned int idx)
{
	return page_to_phys(region + idx % REGION);
}

/* A chunk (or a link) from one input byte: page in bits 0-4, order above. */
static u64 chunk_of(u8 v)
{
	unsigned int order = (v >> 5) % 5;

	return KHOSER_VBUF_CHUNK(page_pa((v & 31) >> order << order), order);
}

static void fill_entries(u64 *e, unsigned int n, const u8 *v)
{
	unsigned int i;

	for (i = 0; i < n && i < 7; i++)
		e[i] = chunk_of(v[i]);
}

static void write_record(const u8 *r)
{
	void *p = page_address(region + r[0] % REGION);
	u64 next = r[2] & 0x80 ? 0 : page_pa(r[2]);
	struct khoser_block2_hdr *h2 = p;
	struct khoser_block_hdr *h1 = p;
	struct khoser_vbuf_hdr *vh = p;
	struct khoser_root_ser *d = p;
	unsigned int cnt = 1 + r[4] % 8;

	switch (r[1] % 5) {
	case 0:
		h1->next = next;
		h1->count = r[1] & 0x80 ? r[4] * 4 : cnt;
		fill_entries((u64 *)(h1 + 1), cnt, r + 5);
		break;
	case 1:
		h2->next = next;
		h2->magic = KHOSER_BLOCK2_MAGIC;
		h2->version = KHOSER_BLOCK2_VERSION;
		h2->order = r[3] % 5;
		h2->flags = 0;
		h2->entry_size = 8;
		h2->count = cnt;
		fill_entries((u64 *)(h2 + 1), cnt, r + 5);
		break;
	case 2:
		strscpy_pad(vh->magic, KHOSER_VBUF_COMPAT, sizeof(vh->magic));
		vh->nr_pages = 1 + r[4] % REGION;
		vh->length = vh->nr_pages * PAGE_SIZE - (r[3] & 0xff);
		vh->nchunks = 1 + r[3] % vh->nr_pages;
		vh->chunks = page_pa(r[2]);
		vh->nblocks = 1;
		break;
	case 3:
		memset(d, 0, sizeof(*d));
		strscpy_pad(d->magic, KHOSER_ROOT_COMPAT, sizeof(d->magic));
		snprintf(d->name, sizeof(d->name), "o%u", r[0] % REGION);
		d->phys = page_pa(r[2]);
		if (r[3] & 1) {
			strscpy(d->compat, COMPAT_VBUF, sizeof(d->compat));
			d->kind = KHOSER_KIND_VBUF;
			d->nblocks = 1 + r[4] % REGION;
			d->size = d->nblocks * PAGE_SIZE;
			d->entries = 1 + r[5] % d->nblocks;
		} else {
			strscpy(d->compat, COMPAT_BLOCK, sizeof(d->compat));
			d->kind = KHOSER_KIND_BLOCK;
			d->size = 8;
			d->nblocks = 1 + r[4] % 4;
			d->entries = d->nblocks + r[5] % 8;
			d->max_blocks = 10000;
		}
		break;
	default:	/* left as it is */
		break;
	}
}

/* Restored structures, destroyed at the end. */
struct done {
	struct khoser_block_set bs[OPS];
	struct khoser_vbuf vb[OPS];
	struct khoser_sarray sa[OPS];
	bool bs_ok[OPS], vb_ok[OPS], sa_ok[OPS];
};

static void run_op(struct done *d, unsigned int i, const u8 *op)
{
	unsigned int idx = op[1] % REGION;
	char name[8];

	snprintf(name, sizeof(name), "o%u", idx);
	switch (op[0] % 5) {
	case 0:
		khoser_block_set_init(&d->bs[i], 8);
		d->bs_ok[i] = !khoser_block_set_restore(&d->bs[i], page_pa(idx));
		break;
	case 1:
		khoser_vbuf_init(&d->vb[i]);
		d->vb_ok[i] = !khoser_vbuf_restore(&d->vb[i], page_pa(idx));
		break;
	case 2:
		khoser_sarray_init(&d->sa[i]);
		d->sa_ok[i] = !khoser_sarray_restore(&d->sa[i], page_pa(idx));
		break;
	case 3:
		khoser_block_set_init(&d->bs[i], 8);
		d->bs_ok[i] = !khoser_block_set_lookup(&d->bs[i], name,
						       COMPAT_BLOCK);
		break;
	default:
		khoser_vbuf_init(&d->vb[i]);
		d->vb_ok[i] = !khoser_vbuf_lookup(&d->vb[i], name, COMPAT_VBUF);
		break;
	}
}

static void check_and_destroy(struct done *d, unsigned int n)
{
	struct khoser_block_set_it it;
	const u8 *buf;
	unsigned int i;
	u64 k = 0;

	for (i = 0; i < n; i++) {
		if (d->bs_ok[i]) {
			khoser_block_set_it_init(&it, &d->bs[i]);
			while (khoser_block_set_it_read_entry(&it))
				k++;
			if (khoser_block_set_destroy(&d->bs[i]))
				abort();
		}
		if (d->vb_ok[i]) {
			buf = khoser_vbuf_addr(&d->vb[i]);
			k += buf[khoser_vbuf_length(&d->vb[i]) - 1];
			if (khoser_vbuf_destroy(&d->vb[i]))
				abort();
		}
		if (d->sa_ok[i] && khoser_sarray_destroy(&d->sa[i]))
			abort();
	}
	(void)k;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);
int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct done done;
	unsigned int npres, i, order, idx, nops;
	const u8 *p;
	char node[16];

	if (size < 1)
		return 0;
	npres = data[0] % 24;
	if (size < 1 + 2 * npres + RECORDS * REC)
		return 0;
	shim_ram_pages = 1024;
	shim_boot(true);
	if (khoser_core_init())
		abort();
	region = alloc_pages(GFP_KERNEL, REGION_ORDER);
	split_page(region, REGION_ORDER);
	memset(page_address(region), 0, REGION * PAGE_SIZE);
	for (i = 0, p = data + 1; i < npres; i++, p += 2) {
		order = p[1] % 5;
		idx = p[0] % REGION >> order << order;
		if (kho_preserve_pages(region + idx, 1U << order))
			abort();
	}
	for (i = 0; i < RECORDS; i++, p += REC)
		write_record(p);

	shim_kexec(true);
	if (khoser_core_init())
		abort();
	/* Every descriptor written is published under its page's name. */
	for (i = 0; i < REGION; i++) {
		if (memcmp(page_address(region + i), KHOSER_ROOT_COMPAT,
			   sizeof(KHOSER_ROOT_COMPAT)))
			continue;
		snprintf(node, sizeof(node), "khoser-o%u", i);
		shim_set_incoming_subtree(node, page_pa(i),
					  sizeof(struct khoser_root_ser));
	}
	memset(&done, 0, sizeof(done));
	nops = min_t(size_t, OPS, (size - (p - data)) / 2);
	for (i = 0; i < nops; i++, p += 2)
		run_op(&done, i, p);
	check_and_destroy(&done, nops);
	khoser_core_exit();
	if (shim_live_allocs() || shim_used_pages() != shim_unclaimed_pages() ||
	    shim_vmap_areas())
		abort();
	return 0;
}
