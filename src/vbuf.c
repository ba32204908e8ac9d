// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoser vmalloc-style buffers (include/khoser/abi/vbuf.h): the pages behind
 * a virtually contiguous buffer are preserved where they are, as naturally
 * aligned chunks of physically contiguous pages, listed in a block set that
 * a preserved header page names together with the byte length.
 *
 * Restore claims the header, checks it, restores the chunk list (a block
 * set: hardened there), checks every chunk (order, alignment, in RAM,
 * preserved by KHO with exactly that order, listed once, pages adding up to
 * the header's count) before claiming any data page, then claims them all
 * and maps them with vmap(). The header and list are freed; the mapping
 * owns the pages (VM_MAP_PUT_PAGES), so vfree() releases everything.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include "compat/kho.h"
#include "internal.h"
#include "pset.h"

static_assert(sizeof(KHOSER_VBUF_COMPAT) <= KHOSER_VBUF_MAGIC_LEN);

#define CHUNKS_PER_BLOCK KHOSER_BLOCK_CAPACITY(KHOSER_VBUF_CHUNK_SIZE)

static int check_state(const struct khoser_vbuf *vb, const char *op)
{
	if (vb->state == KHOSER_VB_IDLE || vb->state == KHOSER_VB_OUTGOING ||
	    vb->state == KHOSER_VB_INCOMING)
		return 0;
	pr_err("%s: vbuf was never initialized\n", op);
	return -EINVAL;
}

/* For preserve, restore and lookup: initialized (-EINVAL), idle (-EBUSY). */
static int check_idle(const struct khoser_vbuf *vb, const char *op)
{
	int err = check_state(vb, op);

	if (!err && vb->state != KHOSER_VB_IDLE)
		err = -EBUSY;
	return err;
}

/**
 * khoser_vbuf_init - initialize an idle vbuf
 * @vb: the vbuf
 *
 * Context: Any context.
 */
void khoser_vbuf_init(struct khoser_vbuf *vb)
{
	memset(vb, 0, sizeof(*vb));
	vb->state = KHOSER_VB_IDLE;
}
EXPORT_SYMBOL_GPL(khoser_vbuf_init);

/*
 * The chunk starting at page @i of the buffer: the largest naturally
 * aligned run of physically contiguous pages, up to 2^KHOSER_VBUF_MAX_ORDER,
 * that starts there and ends within the buffer's @nr pages.
 */
static int chunk_at(const u8 *addr, unsigned long nr, unsigned long i,
		    struct page **pagep, unsigned int *orderp)
{
	struct page *page = vmalloc_to_page(addr + i * PAGE_SIZE), *p;
	unsigned long pfn, j, n;
	unsigned int order;

	if (!page)
		return -EFAULT;
	pfn = page_to_pfn(page);
	order = min_t(unsigned int, KHOSER_VBUF_MAX_ORDER, ilog2(nr - i));
	if (pfn)
		order = min_t(unsigned int, order, __ffs(pfn));
	n = 1UL << order;
	for (j = 1; j < n; j++) {
		p = vmalloc_to_page(addr + (i + j) * PAGE_SIZE);
		if (!p || page_to_pfn(p) != pfn + j)
			break;
	}
	*pagep = page;
	*orderp = j < n ? ilog2(j) : order;
	return 0;
}

/* Record the buffer @vb now preserves (outgoing) or maps (incoming). */
static void set_buffer(struct khoser_vbuf *vb, void *addr, size_t length,
		       unsigned long nr, u64 nchunks, u32 state)
{
	vb->addr = addr;
	vb->length = length;
	vb->nr_pages = nr;
	vb->nchunks = nchunks;
	vb->state = state;
}

/*
 * Walk the buffer's pages once, listing its chunks in @list (room for @nr
 * entries): page-table walks are the cost of preserving, so do them once.
 */
static int collect_chunks(const u8 *addr, unsigned long nr, u64 *list,
			  u64 *nchunks)
{
	struct page *page;
	unsigned int order;
	unsigned long i;
	int err;

	*nchunks = 0;
	for (i = 0; i < nr; i += 1UL << order) {
		err = chunk_at(addr, nr, i, &page, &order);
		if (err)
			return err;
		list[(*nchunks)++] = KHOSER_VBUF_CHUNK(PFN_PHYS(page_to_pfn(page)),
						       order);
	}
	return 0;
}

/* Unpreserve every chunk listed in @vb->chunks. */
static void unpreserve_chunks(struct khoser_vbuf *vb)
{
	struct khoser_block_set_it it;
	u64 *e;

	khoser_block_set_it_init(&it, &vb->chunks);
	while ((e = khoser_block_set_it_read_entry(&it)))
		khoser_kho_unpreserve_pages(pfn_to_page(PHYS_PFN(KHOSER_VBUF_CHUNK_PHYS(*e))),
					    KHOSER_VBUF_CHUNK_ORDER(*e));
}

/* Preserve each listed chunk and add it to @vb's chunk list. */
static int preserve_chunks(struct khoser_vbuf *vb, const u64 *list,
			   u64 nchunks)
{
	struct khoser_block_set_it it;
	struct page *page;
	u64 i, *e;
	int err;

	khoser_block_set_it_init(&it, &vb->chunks);
	for (i = 0; i < nchunks; i++) {
		page = pfn_to_page(PHYS_PFN(KHOSER_VBUF_CHUNK_PHYS(list[i])));
		err = khoser_kho_preserve_pages(page,
						KHOSER_VBUF_CHUNK_ORDER(list[i]));
		if (err)
			return err;
		e = khoser_block_set_it_reserve_entry(&it);
		*e = list[i];
	}
	return 0;
}

/**
 * khoser_vbuf_preserve - preserve the pages behind a buffer for kexec
 * @vb:     an idle vbuf
 * @addr:   the buffer: page-aligned, from vmalloc() or vmap()
 * @length: its length in bytes (any; the last page is preserved whole)
 *
 * Preserves the buffer's pages in place, as chunks of physically contiguous
 * pages (one per naturally aligned run, up to 2^%KHOSER_VBUF_MAX_ORDER
 * pages), plus a header page and the chunk list. The buffer must stay
 * allocated, and keep its pages, until kexec or khoser_vbuf_destroy(). On
 * failure nothing stays preserved and @vb is idle.
 *
 * Context: Process context (may sleep); caller serializes access to @vb.
 * Return: 0; -EOPNOTSUPP without KHO; -EBUSY when @vb is not idle; -EINVAL
 * on an uninitialized vbuf, a buffer that is not page-aligned vmalloc
 * memory, a zero length, or a page of the range not mapped; -E2BIG above
 * %KHOSER_VBUF_MAX_PAGES pages; -ENOMEM or another errno from KHO.
 */
int khoser_vbuf_preserve(struct khoser_vbuf *vb, void *addr, size_t length)
{
	struct khoser_vbuf_hdr *hdr;
	unsigned long nr;
	u64 nchunks, *list;
	int err;

	err = check_idle(vb, "preserve");
	if (err)
		return err;
	if (!khoser_available())
		return -EOPNOTSUPP;
	if (!addr || !length || !PAGE_ALIGNED(addr) || !is_vmalloc_addr(addr)) {
		pr_err("preserve: not a page-aligned vmalloc buffer of 1 byte or more\n");
		return -EINVAL;
	}
	nr = length / PAGE_SIZE + !!(length % PAGE_SIZE);
	if (nr > KHOSER_VBUF_MAX_PAGES)
		return -E2BIG;
	list = kvcalloc(nr, sizeof(*list), GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	if (collect_chunks(addr, nr, list, &nchunks)) {
		pr_err("preserve: buffer page not mapped\n");
		kvfree(list);
		return -EINVAL;
	}

	khoser_block_set_init(&vb->chunks, KHOSER_VBUF_CHUNK_SIZE);
	khoser_block_set_set_max_blocks(&vb->chunks,
					DIV_ROUND_UP(nchunks, CHUNKS_PER_BLOCK));
	err = khoser_block_set_grow(&vb->chunks, nchunks);
	if (err)
		goto fail;
	hdr = khoser_kho_alloc_page();
	if (IS_ERR(hdr)) {
		err = PTR_ERR(hdr);
		goto fail;
	}
	err = preserve_chunks(vb, list, nchunks);
	if (!err)
		err = khoser_block_set_seal(&vb->chunks);
	if (err) {
		unpreserve_chunks(vb);
		khoser_kho_free_page(hdr);
		goto fail;
	}
	kvfree(list);

	strscpy_pad(hdr->magic, KHOSER_VBUF_COMPAT, sizeof(hdr->magic));
	hdr->length = length;
	hdr->nr_pages = nr;
	hdr->nchunks = nchunks;
	hdr->chunks = khoser_block_set_head_pa(&vb->chunks);
	hdr->nblocks = vb->chunks.nblocks;
	vb->hdr = hdr;
	set_buffer(vb, addr, length, nr, nchunks, KHOSER_VB_OUTGOING);
	return 0;

fail:
	kvfree(list);
	khoser_block_set_destroy(&vb->chunks);
	khoser_vbuf_init(vb);
	return err;
}
EXPORT_SYMBOL_GPL(khoser_vbuf_preserve);

/**
 * khoser_vbuf_hdr_pa - physical address of the preserved header
 * @vb: the vbuf
 *
 * For a driver that hands the buffer over inside its own structure: the
 * next kernel passes it to khoser_vbuf_restore().
 *
 * Context: Any context.
 * Return: the header's address, or 0 unless @vb is outgoing.
 */
u64 khoser_vbuf_hdr_pa(const struct khoser_vbuf *vb)
{
	if (vb->state != KHOSER_VB_OUTGOING)
		return 0;
	return khoser_kho_phys(vb->hdr);
}
EXPORT_SYMBOL_GPL(khoser_vbuf_hdr_pa);

/**
 * khoser_vbuf_publish - publish a preserved buffer under a name
 * @vb:     an outgoing vbuf
 * @name:   object name (see khoser_name_valid())
 * @compat: composite compatible string naming %KHOSER_VBUF_COMPAT
 *
 * Unpublish it with khoser_unpublish() before destroying it.
 *
 * Context: Process context (may sleep); caller serializes access to @vb.
 * Return: 0; -EOPNOTSUPP without KHO; -EBUSY when already published;
 * -EEXIST when @name is taken; -EINVAL on a bad name or string or a vbuf
 * that is not outgoing; -ENOMEM.
 */
int khoser_vbuf_publish(struct khoser_vbuf *vb, const char *name,
			const char *compat)
{
	struct khoser_root_ser fields = { .kind = KHOSER_KIND_VBUF };
	int err = check_state(vb, "publish");

	if (err)
		return err;
	if (vb->state != KHOSER_VB_OUTGOING) {
		pr_err("publish: vbuf holds no preserved buffer\n");
		return -EINVAL;
	}
	if (vb->obj)
		return -EBUSY;
	fields.phys = khoser_kho_phys(vb->hdr);
	fields.size = vb->length;
	fields.nblocks = vb->nr_pages;
	fields.entries = vb->nchunks;
	return khoser_root_add_obj(name, compat, &fields, NULL, vb);
}
EXPORT_SYMBOL_GPL(khoser_vbuf_publish);

/* The header's fields in range and consistent (and as @desc says)? */
static const char *check_hdr(const struct khoser_vbuf_hdr *h,
			     const struct khoser_root_ser *desc)
{
	const size_t mlen = sizeof(KHOSER_VBUF_COMPAT);

	if (memcmp(h->magic, KHOSER_VBUF_COMPAT, mlen) ||
	    memchr_inv(h->magic + mlen, 0, sizeof(h->magic) - mlen))
		return "bad header magic";
	if (h->reserved[0] || h->reserved[1] || h->reserved[2])
		return "reserved header fields not zero";
	if (!h->length || (size_t)h->length != h->length)
		return "length out of range";
	if (!h->nr_pages || h->nr_pages > KHOSER_VBUF_MAX_PAGES)
		return "page count out of range";
	if (h->length > h->nr_pages * PAGE_SIZE)
		return "length larger than its pages";
	if (h->nr_pages != DIV_ROUND_UP(h->length, PAGE_SIZE))
		return "page count does not match the length";
	if (!h->nchunks || h->nchunks > h->nr_pages)
		return "chunk count out of range";
	if (h->nblocks != DIV_ROUND_UP(h->nchunks, CHUNKS_PER_BLOCK))
		return "chunk-list block count wrong";
	if (desc && (desc->size != h->length || desc->nblocks != h->nr_pages ||
		     desc->entries != h->nchunks))
		return "header disagrees with the descriptor";
	return NULL;
}

/*
 * Check every chunk before claiming any: order, alignment, listed once, in
 * RAM and preserved by KHO as one range of that order, pages adding up to
 * @nr. Returns 0, or an errno with *@why (NULL: nothing to log) and *@bad.
 */
static int check_chunks(struct khoser_block_set *cs, u64 nchunks, u64 nr,
			u64 *bad, const char **why)
{
	struct khoser_block_set_it it;
	struct khoser_pset seen;
	u64 *e, v, phys, pages = 0;
	unsigned int order;
	int err;

	*why = NULL;
	err = khoser_pset_init(&seen, min_t(u64, nchunks, 1024));
	if (err)
		return err;
	khoser_block_set_it_init(&it, cs);
	for (*bad = 0; (e = khoser_block_set_it_read_entry(&it)); (*bad)++) {
		v = READ_ONCE(*e);
		order = KHOSER_VBUF_CHUNK_ORDER(v);
		phys = KHOSER_VBUF_CHUNK_PHYS(v);
		err = -EINVAL;
		if (v & KHOSER_VBUF_CHUNK_RSVD_MASK) {
			*why = "reserved bits set";
		} else if (order > KHOSER_VBUF_MAX_ORDER) {
			*why = "bad order";
		} else if (!phys || (phys & ((PAGE_SIZE << order) - 1))) {
			*why = "phys misaligned for its order";
		} else if ((1ULL << order) > nr - pages) {
			*why = "chunks hold more pages than the header says";
		} else {
			pages += 1ULL << order;
			err = khoser_pset_add(&seen, phys);
			if (err == -EEXIST) {
				*why = "chunk listed twice";
				err = -EINVAL;
			} else if (!err) {
				err = khoser_kho_check_pages(phys, order, why);
			}
		}
		if (err)
			goto out;
	}
	err = 0;
	if (pages != nr) {
		*why = "chunks hold fewer pages than the header says";
		err = -EINVAL;
	}
out:
	khoser_pset_destroy(&seen);
	return err;
}

/* Claim every (checked) chunk into @pages; on failure none stays claimed. */
static int claim_chunks(struct khoser_block_set *cs, struct page **pages,
			u64 *bad)
{
	struct khoser_block_set_it it;
	unsigned long i = 0, j, pfn;
	unsigned int order;
	u64 *e;

	khoser_block_set_it_init(&it, cs);
	for (*bad = 0; (e = khoser_block_set_it_read_entry(&it)); (*bad)++) {
		order = KHOSER_VBUF_CHUNK_ORDER(*e);
		pfn = PHYS_PFN(KHOSER_VBUF_CHUNK_PHYS(*e));
		if (!khoser_kho_claim_pages(PFN_PHYS(pfn), order)) {
			while (i--)
				__free_page(pages[i]);
			return -EINVAL;
		}
		for (j = 0; j < 1UL << order; j++)
			pages[i++] = pfn_to_page(pfn + j);
	}
	return 0;
}

static int map_handover(struct khoser_vbuf *vb, u64 hdr_pa,
			const struct khoser_root_ser *desc)
{
	const char *why = NULL;
	struct khoser_vbuf_hdr *hdr;
	u64 length, nr, nchunks, nblocks, bad = 0;
	struct page **pages;
	unsigned long i;
	void *addr;
	int err;

	hdr = khoser_kho_claim_page(hdr_pa, &why);
	if (!hdr) {
		pr_err("restore: vbuf header at %#llx: %s\n",
		       (unsigned long long)hdr_pa, why);
		return -EINVAL;
	}
	why = check_hdr(hdr, desc);
	if (why) {
		pr_err("restore: vbuf header at %#llx: %s (length %llu, %llu pages, %llu chunks)\n",
		       (unsigned long long)hdr_pa, why,
		       (unsigned long long)hdr->length,
		       (unsigned long long)hdr->nr_pages,
		       (unsigned long long)hdr->nchunks);
		err = -EINVAL;
		goto release_hdr;
	}
	length = hdr->length;
	nr = hdr->nr_pages;
	nchunks = hdr->nchunks;
	nblocks = hdr->nblocks;

	/* The chunk list: a block set, checked (and logged) there. */
	khoser_block_set_init(&vb->chunks, KHOSER_VBUF_CHUNK_SIZE);
	khoser_block_set_set_max_blocks(&vb->chunks, nblocks);
	err = khoser_block_set_restore(&vb->chunks, hdr->chunks);
	if (err)
		goto release_hdr;
	if (vb->chunks.nblocks != nblocks ||
	    khoser_block_set_entries(&vb->chunks) != nchunks) {
		pr_err("restore: vbuf header at %#llx: chunk list does not match the header\n",
		       (unsigned long long)hdr_pa);
		err = -EINVAL;
		goto drop_chunks;
	}
	err = check_chunks(&vb->chunks, nchunks, nr, &bad, &why);
	if (err) {
		if (why)
			pr_err("restore: vbuf header at %#llx, chunk %llu: %s\n",
			       (unsigned long long)hdr_pa,
			       (unsigned long long)bad, why);
		goto drop_chunks;
	}

	pages = kvmalloc_array(nr, sizeof(*pages), GFP_KERNEL);
	if (!pages) {
		err = -ENOMEM;
		goto drop_chunks;
	}
	err = claim_chunks(&vb->chunks, pages, &bad);
	if (err) {
		pr_err("restore: vbuf header at %#llx, chunk %llu: could not be restored\n",
		       (unsigned long long)hdr_pa, (unsigned long long)bad);
		goto free_array;
	}
	/* On success the mapping owns @pages and the pages (vfree()). */
	addr = vmap(pages, nr, VM_MAP | VM_MAP_PUT_PAGES, PAGE_KERNEL);
	if (!addr) {
		for (i = 0; i < nr; i++)
			__free_page(pages[i]);
		err = -ENOMEM;
		goto free_array;
	}
	khoser_block_set_destroy(&vb->chunks);
	khoser_kho_release_page(hdr);
	set_buffer(vb, addr, length, nr, nchunks, KHOSER_VB_INCOMING);
	return 0;

free_array:
	kvfree(pages);
drop_chunks:
	khoser_block_set_destroy(&vb->chunks);
release_hdr:
	khoser_kho_release_page(hdr);
	khoser_vbuf_init(vb);
	return err;
}

/**
 * khoser_vbuf_restore - map a buffer handed over by the last kernel
 * @vb:     an idle vbuf
 * @hdr_pa: physical address of its header (khoser_vbuf_hdr_pa() there)
 *
 * Claims and checks the header (magic, length, page and chunk counts), then
 * restores the chunk list as a block set, then checks every chunk (order,
 * alignment, in RAM, preserved with that order, listed once, pages adding
 * up) before claiming any page of the buffer; only then claims them and
 * maps them at a new virtually contiguous address. On any failure one line
 * is logged naming the problem (and the chunk or block), everything claimed
 * is released and @vb is idle.
 *
 * Context: Process context (may sleep).
 * Return: 0 and @vb is incoming; -EOPNOTSUPP without KHO; -EBUSY when @vb
 * is not idle; -EINVAL on an uninitialized vbuf or corrupt data; -ENOMEM.
 */
int khoser_vbuf_restore(struct khoser_vbuf *vb, u64 hdr_pa)
{
	int err = check_idle(vb, "restore");

	if (err)
		return err;
	if (!khoser_available())
		return -EOPNOTSUPP;
	return map_handover(vb, hdr_pa, NULL);
}
EXPORT_SYMBOL_GPL(khoser_vbuf_restore);

/**
 * khoser_vbuf_lookup - find a published buffer and map it
 * @vb:     an idle vbuf
 * @name:   object name
 * @compat: the composite compatible string this driver expects
 *
 * Compares @compat with the one the previous kernel published before
 * anything is restored, then restores as khoser_vbuf_restore() does,
 * checking the header against the descriptor too. A buffer is restored
 * once.
 *
 * Context: Process context (may sleep).
 * Return: 0; -EOPNOTSUPP without KHO; -ENOENT when not published; -EPROTO on
 * a compatible-string or kind mismatch; -EALREADY when restored before;
 * -EBUSY when @vb is not idle; -EINVAL on corrupt data; -ENOMEM.
 */
int khoser_vbuf_lookup(struct khoser_vbuf *vb, const char *name,
		       const char *compat)
{
	struct khoser_object *obj;
	int err;

	err = check_idle(vb, "lookup");
	if (err)
		return err;
	err = khoser_root_find(name, compat, KHOSER_KIND_VBUF, &obj);
	if (err)
		return err;
	if (obj->restored)
		err = -EALREADY;
	else
		err = map_handover(vb, obj->desc->phys, obj->desc);
	if (!err) {
		obj->restored = true;
		obj->vb = vb;
		vb->obj = obj;
	}
	khoser_root_unlock();
	return err;
}
EXPORT_SYMBOL_GPL(khoser_vbuf_lookup);

/**
 * khoser_vbuf_take - take over a restored buffer's mapping
 * @vb: an incoming vbuf
 *
 * The caller owns the mapping from now on and frees it, pages included,
 * with vfree(). khoser_vbuf_destroy() then only resets @vb.
 *
 * Context: Any context; caller serializes access to @vb.
 * Return: the mapping, or NULL when @vb is not incoming or was taken.
 */
void *khoser_vbuf_take(struct khoser_vbuf *vb)
{
	void *addr;

	if (vb->state != KHOSER_VB_INCOMING)
		return NULL;
	addr = vb->addr;
	vb->addr = NULL;
	return addr;
}
EXPORT_SYMBOL_GPL(khoser_vbuf_take);

/**
 * khoser_vbuf_destroy - undo a preserve, or free a restored buffer
 * @vb: an initialized vbuf
 *
 * Outgoing: unpreserves the buffer's pages and frees the header and chunk
 * list (the buffer itself stays the caller's). Incoming: unmaps the buffer
 * and frees its pages, unless it was taken. @vb is left idle.
 *
 * Context: Process context (may sleep); caller serializes access to @vb.
 * Return: 0; -EBUSY while published (unpublish first); -EINVAL on an
 * uninitialized vbuf.
 */
int khoser_vbuf_destroy(struct khoser_vbuf *vb)
{
	int err = check_state(vb, "destroy");

	if (err)
		return err;
	if (vb->state == KHOSER_VB_OUTGOING) {
		if (vb->obj) {
			pr_err("destroy: vbuf is published as '%s'; unpublish it first\n",
			       vb->obj->name);
			return -EBUSY;
		}
		unpreserve_chunks(vb);
		khoser_kho_free_page(vb->hdr);
		khoser_block_set_destroy(&vb->chunks);
	} else if (vb->state == KHOSER_VB_INCOMING) {
		vfree(vb->addr);
		if (vb->obj)
			vb->obj->vb = NULL;
	}
	khoser_vbuf_init(vb);
	return 0;
}
EXPORT_SYMBOL_GPL(khoser_vbuf_destroy);
