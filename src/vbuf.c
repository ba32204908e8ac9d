// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoser vmalloc-style buffers (struct khoser_vbuf_hdr): the pages behind
 * a virtually contiguous buffer are preserved where they are, as naturally
 * aligned chunks of physically contiguous pages, listed in a block set that
 * a preserved header page names together with the byte length.
 *
 * DOC: vbuf restore
 *
 * Restore claims the header, checks it, restores the chunk list (a block
 * set: hardened there), checks every chunk before claiming any data page:
 * order, alignment, in RAM, preserved by KHO with exactly that order, no
 * page of it claimed this boot (the claim ledger: the object's descriptor,
 * say), no inner page preserved on its own, no two chunks overlapping, no
 * chunk covering the header or a chunk-list page, pages adding up to the
 * header's count. Only then it claims them all and
 * maps them with vmap(). The header and list are freed; the mapping owns
 * the pages (VM_MAP_PUT_PAGES), so vfree() releases everything, and the
 * ledger counts them as handed on. A buffer that maps one page twice is refused
 * when preserved: its chunks would overlap.
 *
 * States: OUT (idle) -> SEALED (preserved) -> OUT after destroy; IN once
 * restored. This file knows nothing of the named root, which drives a vbuf
 * through khoser_vbuf_kind (&struct khoser_kind) with the vbuf's lock held.
 *
 * DOC: vbuf chunk-list format
 *
 * The chunk list is written in the block format of the write_format
 * parameter (khoser_own_format) when the buffer is preserved. At reboot
 * into kexec the root asks for it again for every published vbuf whose
 * compatible string does not name the format itself, and has the list
 * rewritten when it changed since (vbuf_kind_dep_rewrite()): so write_format
 * holds when set any time before kexec. A vbuf handed over raw, through
 * khoser_vbuf_hdr_pa(), is not known at kexec and keeps the format of its
 * preserve.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <khoser/compatible.h>
#include <khoser/vbuf.h>
#include "block_int.h"
#include "kho.h"
#include "common.h"

static_assert(sizeof(KHOSER_VBUF_COMPAT) <= KHOSER_VBUF_MAGIC_LEN);

#define WHAT "vbuf"

/* Chunk-list entries per block: the list is written in order-0 blocks. */
static u32 chunks_per_block(unsigned int format)
{
	return khoser_block_capacity(format, KHOSER_VBUF_CHUNK_SIZE, 0);
}

/* Pages (or blocks) for @n bytes (or entries) of @per each, not wrapping. */
static u64 div_up(u64 n, u64 per)
{
	return n / per + !!(n % per);
}

/* kvmalloc() refuses (and WARNs on) arrays above INT_MAX bytes. */
#define ARRAY_MAX_PAGES ((u64)INT_MAX / sizeof(struct page *))

/* Record the buffer @vb now preserves (sealed) or maps (incoming). */
static void set_buffer(struct khoser_vbuf *vb, void *addr, size_t length,
		       unsigned long nr, u64 nchunks, u32 state)
{
	vb->addr = addr;
	vb->length = length;
	vb->nr_pages = nr;
	vb->nchunks = nchunks;
	vb->life.state = state;
}

/* Back to idle, keeping the lock. */
static void vbuf_reset(struct khoser_vbuf *vb)
{
	set_buffer(vb, NULL, 0, 0, 0, KHOSER_STATE_OUT);
	vb->hdr = NULL;
}

/**
 * khoser_vbuf_init - initialize an idle vbuf
 * @vb: the vbuf
 *
 * Context: Any context; @vb must not be in use.
 */
void khoser_vbuf_init(struct khoser_vbuf *vb)
{
	memset(vb, 0, sizeof(*vb));
	khoser_life_init(&vb->life, KHOSER_STATE_OUT);
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

static u64 chunk_end(u64 e)
{
	return KHOSER_VBUF_CHUNK_PHYS(e) +
	       (PAGE_SIZE << KHOSER_VBUF_CHUNK_ORDER(e));
}

static int cmp_chunk(const void *a, const void *b)
{
	u64 x = KHOSER_VBUF_CHUNK_PHYS(*(const u64 *)a);
	u64 y = KHOSER_VBUF_CHUNK_PHYS(*(const u64 *)b);

	return x < y ? -1 : x > y;
}

/* Sort @sorted (chunk entries) by address: whether two overlap. */
static bool chunks_overlap(u64 *sorted, u64 n)
{
	u64 i;

	sort(sorted, n, sizeof(*sorted), cmp_chunk, NULL);
	for (i = 1; i < n; i++)
		if (chunk_end(sorted[i - 1]) > KHOSER_VBUF_CHUNK_PHYS(sorted[i]))
			return true;
	return false;
}

/* Whether the page at @pa lies inside a chunk of @sorted (by address). */
static bool page_in_chunks(const u64 *sorted, u64 n, u64 pa)
{
	u64 lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (KHOSER_VBUF_CHUNK_PHYS(sorted[mid]) <= pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && pa < chunk_end(sorted[lo - 1]);
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

/* List the buffer's chunks in @list, refusing one that maps a page twice. */
static int list_buffer(void *addr, unsigned long nr, u64 *list, u64 *nchunks)
{
	u64 *sorted;
	bool twice;

	if (collect_chunks(addr, nr, list, nchunks)) {
		pr_err("preserve: buffer page not mapped\n");
		return -EINVAL;
	}
	sorted = kvmalloc_array(*nchunks, sizeof(*sorted), GFP_KERNEL);
	if (!sorted)
		return -ENOMEM;
	memcpy(sorted, list, *nchunks * sizeof(*sorted));
	twice = chunks_overlap(sorted, *nchunks);
	kvfree(sorted);
	if (twice) {
		pr_err("preserve: buffer maps a page more than once\n");
		return -EINVAL;
	}
	return 0;
}

/*
 * Make @cs an empty chunk list in @format (2: a CRC on every block) grown
 * for @nchunks entries, so that filling it cannot fail. On failure the
 * caller destroys it.
 */
static int grow_list(struct khoser_block_set *cs, unsigned int format,
		     u64 nchunks)
{
	int err = khoser_block_set_init(cs, KHOSER_VBUF_CHUNK_SIZE);

	if (!err && format != 1)	/* v1, a set's default, has no flags */
		err = khoser_block_set_set_format(cs, format, 0,
						  khoser_block_format(format)->own_flags);
	if (!err)
		err = khoser_block_set_set_max_blocks(cs,
						      DIV_ROUND_UP(nchunks,
								   chunks_per_block(format)));
	if (!err)
		err = khoser_block_set_grow(cs, nchunks);
	return err;
}

static int preserve_locked(struct khoser_vbuf *vb, void *addr, size_t length)
{
	struct khoser_vbuf_hdr *hdr;
	unsigned int format;
	unsigned long nr;
	u64 nchunks, *list;
	int err;

	nr = length / PAGE_SIZE + !!(length % PAGE_SIZE);
	if (nr > KHOSER_VBUF_MAX_PAGES || nr > ARRAY_MAX_PAGES)
		return -E2BIG;
	list = kvcalloc(nr, sizeof(*list), GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	err = list_buffer(addr, nr, list, &nchunks);
	if (err)
		goto free_list;

	format = READ_ONCE(khoser_own_format);
	err = grow_list(&vb->chunks, format, nchunks);
	if (err)
		goto destroy;
	hdr = khoser_kho_alloc_page();
	if (IS_ERR(hdr)) {
		err = PTR_ERR(hdr);
		goto destroy;
	}
	err = preserve_chunks(vb, list, nchunks);
	if (!err)
		err = khoser_block_set_seal(&vb->chunks);
	if (err) {
		unpreserve_chunks(vb);
		khoser_kho_free_page(hdr);
		goto destroy;
	}
	kvfree(list);

	strscpy_pad(hdr->magic, KHOSER_VBUF_COMPAT, sizeof(hdr->magic));
	hdr->length = length;
	hdr->nr_pages = nr;
	hdr->nchunks = nchunks;
	hdr->chunks = khoser_block_set_head_pa(&vb->chunks);
	hdr->nblocks = vb->chunks.nblocks;
	vb->hdr = hdr;
	set_buffer(vb, addr, length, nr, nchunks, KHOSER_STATE_SEALED);
	return 0;

destroy:
	khoser_block_set_destroy(&vb->chunks);
free_list:
	kvfree(list);
	return err;
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
 * The chunk list is written in the block format write_format names now.
 * Once published, it is rewritten at kexec in the format write_format
 * names then, unless the compatible string it was published with names a
 * khoser-block version (the driver's choice, kept). Handed over raw
 * (khoser_vbuf_hdr_pa()), it keeps the format of this call.
 *
 * Context: Process context (may sleep); takes the vbuf's lock.
 * Return: 0; -EOPNOTSUPP without KHO; -EBUSY when @vb is not idle; -EINVAL
 * on an uninitialized vbuf, a buffer that is not page-aligned vmalloc
 * memory, a zero length, a page of the range not mapped, or a page mapped
 * twice; -E2BIG above %KHOSER_VBUF_MAX_PAGES pages or a page array kvmalloc()
 * cannot hold; -ENOMEM or another errno from KHO.
 */
int khoser_vbuf_preserve(struct khoser_vbuf *vb, void *addr, size_t length)
{
	int err = khoser_life_lock_idle(&vb->life, WHAT, "preserve");

	if (err)
		return err;
	if (!addr || !length || !PAGE_ALIGNED(addr) || !is_vmalloc_addr(addr)) {
		pr_err("preserve: not a page-aligned vmalloc buffer of 1 byte or more\n");
		err = -EINVAL;
	}
	if (!err)
		err = preserve_locked(vb, addr, length);
	mutex_unlock(&vb->life.lock);
	return err;
}
EXPORT_SYMBOL_GPL(khoser_vbuf_preserve);

/**
 * khoser_vbuf_hdr_pa - physical address of the preserved header
 * @vb: the vbuf
 *
 * For a driver that hands the buffer over inside its own structure: the
 * next kernel passes it to khoser_vbuf_restore(). Such a buffer's chunk
 * list keeps the block format write_format named at khoser_vbuf_preserve()
 * (khoser rewrites only published vbufs' at kexec); the header stays at
 * this address either way.
 *
 * Context: Any context; the caller serializes against calls that change
 * @vb.
 * Return: the header's address, or 0 unless @vb holds a preserved buffer.
 */
u64 khoser_vbuf_hdr_pa(const struct khoser_vbuf *vb)
{
	if (vb->life.state != KHOSER_STATE_SEALED)
		return 0;
	return khoser_kho_phys(vb->hdr);
}
EXPORT_SYMBOL_GPL(khoser_vbuf_hdr_pa);

/*
 * @h's chunk-list block count is the one its chunks need in @format, or
 * (@format 0: not named) in any format this build reads.
 */
static bool list_blocks_fit(const struct khoser_vbuf_hdr *h,
			    unsigned int format)
{
	unsigned int v;

	for (v = 1; v <= KHOSER_BLOCK_NFORMATS; v++)
		if ((!format || format == v) &&
		    h->nblocks == div_up(h->nchunks, chunks_per_block(v)))
			return true;
	return false;
}

/* The header's fields in range and consistent (and as @desc says)? */
static const char *check_hdr(const struct khoser_vbuf_hdr *h,
			     const struct khoser_root_ser *desc,
			     unsigned int format)
{
	const size_t mlen = sizeof(KHOSER_VBUF_COMPAT);
	u64 bytes;

	if (memcmp(h->magic, KHOSER_VBUF_COMPAT, mlen) ||
	    memchr_inv(h->magic + mlen, 0, sizeof(h->magic) - mlen))
		return "bad-magic: bad header magic";
	if (h->reserved[0] || h->reserved[1] || h->reserved[2])
		return "reserved: reserved header fields not zero";
	if (!h->length || (size_t)h->length != h->length)
		return "bad-length: length out of range";
	if (!h->nr_pages || h->nr_pages > KHOSER_VBUF_MAX_PAGES)
		return "bad-pages: page count out of range";
	if (check_mul_overflow(h->nr_pages, (u64)PAGE_SIZE, &bytes) ||
	    h->length > bytes)
		return "bad-length: length larger than its pages";
	if (h->nr_pages != div_up(h->length, PAGE_SIZE))
		return "bad-pages: page count does not match the length";
	if (h->nr_pages > ARRAY_MAX_PAGES)
		return "too-big: buffer larger than this kernel maps";
	if (!h->nchunks || h->nchunks > h->nr_pages)
		return "bad-chunks: chunk count out of range";
	if (!list_blocks_fit(h, format))
		return "chunk-list: chunk-list block count wrong";
	if (desc && (desc->size != h->length || desc->nblocks != h->nr_pages ||
		     desc->entries != h->nchunks))
		return "desc-mismatch: header disagrees with the descriptor";
	return NULL;
}

/*
 * One chunk-list entry in range, preserved by KHO as one range of its
 * order, no page of it claimed this boot, no inner page preserved on its
 * own?
 */
static const char *check_chunk(u64 v, u64 pages_left)
{
	unsigned int order = KHOSER_VBUF_CHUNK_ORDER(v);
	u64 phys = KHOSER_VBUF_CHUNK_PHYS(v);
	const char *why = NULL;

	if (v & KHOSER_VBUF_CHUNK_RSVD_MASK)
		return "reserved: reserved bits set";
	if (order > KHOSER_VBUF_MAX_ORDER)
		return "bad-order: chunk order past the limit";
	if (!phys || (phys & ((PAGE_SIZE << order) - 1)))
		return "misaligned: chunk misaligned for its order";
	if ((1ULL << order) > pages_left)
		return "bad-pages: chunks hold more pages than the header says";
	if (khoser_kho_check_pages(phys, order, &why))
		return why;
	return NULL;
}

/*
 * Check every chunk before claiming any (see "vbuf restore"), then the
 * chunks as a whole against each other, the header page at @hdr_pa and the
 * list's pages; a chunk over pages claimed already is refused after those
 * (which name the overlap more exactly). Returns 0, or an errno with *@why
 * and *@bad (the chunk, or -1 for the list as a whole).
 */
static int check_chunks(struct khoser_vbuf *vb, u64 hdr_pa, u64 nchunks,
			u64 nr, s64 *bad, const char **why)
{
	struct khoser_block_set_it it;
	struct khoser_block *block;
	u64 *e, *sorted, pages = 0, n = 0;
	const char *later = NULL;
	unsigned long i, j;
	int err = -EINVAL;
	s64 later_bad = 0;

	*why = NULL;
	sorted = kvmalloc_array(nchunks, sizeof(*sorted), GFP_KERNEL);
	if (!sorted) {
		*why = "no-memory: out of memory";
		*bad = -1;
		return -ENOMEM;
	}
	khoser_block_set_it_init(&it, &vb->chunks);
	for (*bad = 0; (e = khoser_block_set_it_read_entry(&it)); (*bad)++) {
		sorted[n] = READ_ONCE(*e);
		*why = check_chunk(sorted[n], nr - pages);
		/* Over a page claimed already: said after the overlaps. */
		if (*why && khoser_why_is(*why, "already-claimed") && !later) {
			later = *why;
			later_bad = *bad;
		} else if (*why) {
			goto out;
		}
		pages += 1ULL << KHOSER_VBUF_CHUNK_ORDER(sorted[n++]);
	}
	*bad = -1;
	if (pages != nr) {
		*why = "bad-pages: chunks hold fewer pages than the header says";
		goto out;
	}
	if (chunks_overlap(sorted, n)) {
		*why = "overlap-chunks: two chunks overlap";
		goto out;
	}
	if (page_in_chunks(sorted, n, hdr_pa)) {
		*why = "overlap-header: a chunk covers the header page";
		goto out;
	}
	for (i = 0; i < vb->chunks.nblocks; i++) {
		block = &vb->chunks.blk[i];
		for (j = 0; j < 1UL << block->order; j++) {
			if (page_in_chunks(sorted, n, khoser_kho_phys(block->hdr) +
					   j * PAGE_SIZE)) {
				*why = "overlap-list: a chunk covers a chunk-list page";
				goto out;
			}
		}
	}
	if (later) {
		*why = later;
		*bad = later_bad;
		goto out;
	}
	err = 0;
out:
	kvfree(sorted);
	return err;
}

/*
 * The first @n chunks of @cs, claimed: given back (@release), or handed on
 * to the mapping that now holds their pages.
 */
static void put_chunks(struct khoser_block_set *cs, u64 n, bool release)
{
	struct khoser_block_set_it it;
	u64 *e;

	khoser_block_set_it_init(&it, cs);
	while (n-- && (e = khoser_block_set_it_read_entry(&it))) {
		if (release)
			khoser_kho_release_pages(KHOSER_VBUF_CHUNK_PHYS(*e),
						 KHOSER_VBUF_CHUNK_ORDER(*e));
		else
			khoser_kho_disown_pages(KHOSER_VBUF_CHUNK_PHYS(*e),
						KHOSER_VBUF_CHUNK_ORDER(*e));
	}
}

/*
 * Claim every (checked) chunk into @pages; on failure none stays claimed,
 * *@bad is the chunk and *@why says why.
 */
static int claim_chunks(struct khoser_block_set *cs, struct page **pages,
			u64 *bad, const char **why)
{
	struct khoser_block_set_it it;
	unsigned long i = 0, j, pfn;
	unsigned int order;
	u64 *e;

	khoser_block_set_it_init(&it, cs);
	for (*bad = 0; (e = khoser_block_set_it_read_entry(&it)); (*bad)++) {
		order = KHOSER_VBUF_CHUNK_ORDER(*e);
		pfn = PHYS_PFN(KHOSER_VBUF_CHUNK_PHYS(*e));
		if (!khoser_kho_claim_pages(PFN_PHYS(pfn), order, why)) {
			put_chunks(cs, *bad, true);
			return khoser_why_is(*why, "no-memory") ? -ENOMEM :
								  -EINVAL;
		}
		for (j = 0; j < 1UL << order; j++)
			pages[i++] = pfn_to_page(pfn + j);
	}
	return 0;
}

/* Restore the chunk list of @hdr into @vb->chunks and check it. */
static int restore_list(struct khoser_vbuf *vb, u64 hdr_pa,
			const struct khoser_vbuf_hdr *hdr, unsigned int format,
			const char *label)
{
	int err;

	khoser_block_set_init(&vb->chunks, KHOSER_VBUF_CHUNK_SIZE);
	khoser_block_set_set_max_blocks(&vb->chunks, hdr->nblocks);
	err = khoser_block_set_restore_as(&vb->chunks, hdr->chunks, format,
					  label);
	if (err)
		return err;
	if (vb->chunks.nblocks != hdr->nblocks ||
	    khoser_block_set_entries(&vb->chunks) != hdr->nchunks) {
		khoser_refused(label, "chunk-list: chunk list does not match the header",
			       "vbuf header at %#llx", (unsigned long long)hdr_pa);
		khoser_block_set_destroy(&vb->chunks);
		return -EINVAL;
	}
	return 0;
}

/* Claim the checked chunks and map them; the mapping owns the pages. */
static int map_chunks(struct khoser_vbuf *vb, u64 nr, void **addrp,
		      const char *label, u64 hdr_pa)
{
	const char *why = NULL;
	struct page **pages;
	u64 bad = 0;
	void *addr;
	int err;

	pages = kvmalloc_array(nr, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	err = claim_chunks(&vb->chunks, pages, &bad, &why);
	if (err) {
		khoser_refused(label, why, "vbuf header at %#llx, chunk %llu",
			       (unsigned long long)hdr_pa,
			       (unsigned long long)bad);
		kvfree(pages);
		return err;
	}
	addr = vmap(pages, nr, VM_MAP | VM_MAP_PUT_PAGES, PAGE_KERNEL);
	if (!addr) {
		put_chunks(&vb->chunks, U64_MAX, true);
		kvfree(pages);
		return -ENOMEM;
	}
	put_chunks(&vb->chunks, U64_MAX, false);
	*addrp = addr;
	return 0;
}

static int map_handover(struct khoser_vbuf *vb, u64 hdr_pa,
			const struct khoser_root_ser *desc, unsigned int format,
			const char *label)
{
	struct khoser_vbuf_hdr *hdr;
	const char *why = NULL;
	u64 length, nr, nchunks;
	void *addr = NULL;
	s64 bad = -1;
	int err;

	hdr = khoser_kho_claim_page(hdr_pa, &why);
	if (!hdr) {
		khoser_refused(label, why, "vbuf header at %#llx",
			       (unsigned long long)hdr_pa);
		return khoser_why_is(why, "no-memory") ? -ENOMEM : -EINVAL;
	}
	why = check_hdr(hdr, desc, format);
	if (why) {
		khoser_refused(label, why,
			       "vbuf header at %#llx: length %llu, %llu pages, %llu chunks",
			       (unsigned long long)hdr_pa,
			       (unsigned long long)hdr->length,
			       (unsigned long long)hdr->nr_pages,
			       (unsigned long long)hdr->nchunks);
		err = -EINVAL;
		goto release_hdr;
	}
	length = hdr->length;
	nr = hdr->nr_pages;
	nchunks = hdr->nchunks;
	err = restore_list(vb, hdr_pa, hdr, format, label);
	if (err)
		goto release_hdr;
	err = check_chunks(vb, hdr_pa, nchunks, nr, &bad, &why);
	if (err && bad >= 0)
		khoser_refused(label, why, "vbuf header at %#llx, chunk %lld",
			       (unsigned long long)hdr_pa, (long long)bad);
	else if (err)
		khoser_refused(label, why, "vbuf header at %#llx",
			       (unsigned long long)hdr_pa);
	if (err)
		goto drop_chunks;
	err = map_chunks(vb, nr, &addr, label, hdr_pa);
drop_chunks:
	khoser_block_set_destroy(&vb->chunks);
release_hdr:
	khoser_kho_release_page(hdr);
	if (err)
		return err;
	set_buffer(vb, addr, length, nr, nchunks, KHOSER_STATE_IN);
	return 0;
}

/**
 * khoser_vbuf_restore - map a buffer handed over by the last kernel
 * @vb:     an idle vbuf
 * @hdr_pa: physical address of its header (khoser_vbuf_hdr_pa() there)
 *
 * Claims and checks the header (magic, length, page and chunk counts), then
 * restores the chunk list as a block set, then checks every chunk (see
 * "vbuf restore" above) before claiming any page of the buffer; only then
 * claims them and maps them at a new virtually contiguous address. On any
 * failure one line is logged naming the problem (and the chunk or block),
 * everything claimed is released and @vb is idle.
 *
 * Context: Process context (may sleep); takes the vbuf's lock.
 * Return: 0 and @vb is incoming; -EOPNOTSUPP without KHO; -EBUSY when @vb
 * is not idle; -EINVAL on an uninitialized vbuf or corrupt data; -ENOMEM.
 */
int khoser_vbuf_restore(struct khoser_vbuf *vb, u64 hdr_pa)
{
	int err = khoser_life_lock_idle(&vb->life, WHAT, "restore");

	if (err)
		return err;
	err = map_handover(vb, hdr_pa, NULL, 0, "vbuf restore");
	mutex_unlock(&vb->life.lock);
	return err;
}
EXPORT_SYMBOL_GPL(khoser_vbuf_restore);

/**
 * khoser_vbuf_take - take over a restored buffer's mapping
 * @vb: an incoming vbuf
 *
 * The caller owns the mapping from now on and frees it, pages included,
 * with vfree(). khoser_vbuf_destroy() then only resets @vb.
 *
 * Context: Process context (may sleep); takes the vbuf's lock.
 * Return: the mapping, or NULL when @vb is not incoming or was taken.
 */
void *khoser_vbuf_take(struct khoser_vbuf *vb)
{
	void *addr = NULL;

	if (khoser_life_lock(&vb->life, WHAT, "take", false))
		return NULL;
	if (vb->life.state == KHOSER_STATE_IN) {
		addr = vb->addr;
		vb->addr = NULL;
	}
	mutex_unlock(&vb->life.lock);
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
 * Context: Process context (may sleep); takes the vbuf's lock.
 * Return: 0; -EBUSY while published (unpublish first); -EINVAL on an
 * uninitialized vbuf.
 */
int khoser_vbuf_destroy(struct khoser_vbuf *vb)
{
	int err = khoser_life_lock(&vb->life, WHAT, "destroy", false);

	if (err)
		return err;
	if (vb->life.published) {
		pr_err("destroy: vbuf is published; unpublish it first\n");
		err = -EBUSY;
	} else if (vb->life.state == KHOSER_STATE_SEALED) {
		unpreserve_chunks(vb);
		khoser_kho_free_page(vb->hdr);
		khoser_block_set_destroy(&vb->chunks);
		vbuf_reset(vb);
	} else if (vb->life.state == KHOSER_STATE_IN) {
		vfree(vb->addr);
		vbuf_reset(vb);
	}
	mutex_unlock(&vb->life.lock);
	return err;
}
EXPORT_SYMBOL_GPL(khoser_vbuf_destroy);

/* --- the named root's view (khoser_vbuf_kind) ---------------------------- */

static void vbuf_kind_describe(void *obj, struct khoser_root_ser *desc)
{
	struct khoser_vbuf *vb = obj;

	desc->kind = KHOSER_KIND_VBUF;
	desc->phys = vb->hdr ? khoser_kho_phys(vb->hdr) : 0;
	desc->size = vb->length;
	desc->nblocks = vb->nr_pages;
	desc->entries = vb->nchunks;
	desc->max_blocks = 0;
}

static int vbuf_kind_publish(void *obj, struct khoser_root_ser *desc)
{
	struct khoser_vbuf *vb = obj;

	if (vb->life.state != KHOSER_STATE_SEALED) {
		pr_err("publish: vbuf holds no preserved buffer\n");
		return -EINVAL;
	}
	vbuf_kind_describe(vb, desc);
	return 0;
}

/* The component naming block format @format, NULL for the implicit v1. */
static const char *format_comp(unsigned int format)
{
	return format == 1 ? NULL : khoser_block_format(format)->compat;
}

/* The format of the chunk list, when not the implicit version 1. */
static const char *vbuf_kind_dep_compat(void *obj)
{
	struct khoser_vbuf *vb = obj;

	return format_comp(khoser_block_set_format(&vb->chunks));
}

/* At reboot into kexec: the format write_format asks for now. */
static const char *vbuf_kind_dep_want(void *obj)
{
	return format_comp(READ_ONCE(khoser_own_format));
}

/* Copy the @n entries of @from into @to, grown for them. */
static int copy_list(struct khoser_block_set *to,
		     struct khoser_block_set *from, u64 n)
{
	struct khoser_block_set_it src, dst;
	u64 *e, *d, i = 0;

	khoser_block_set_it_init(&src, from);
	khoser_block_set_it_init(&dst, to);
	while ((e = khoser_block_set_it_read_entry(&src))) {
		d = khoser_block_set_it_reserve_entry(&dst);
		if (!d || ++i > n)
			return -EINVAL;
		*d = *e;
	}
	return i == n ? 0 : -EINVAL;
}

/*
 * Exchange the chains of two chunk lists. Each keeps its own life (lock,
 * state, published flag), the first member: a mutex must not move.
 */
static_assert(offsetof(struct khoser_block_set, life) == 0);

static void swap_lists(struct khoser_block_set *a, struct khoser_block_set *b)
{
	const size_t skip = sizeof(a->life);
	u8 *x = (u8 *)a, *y = (u8 *)b, t;
	size_t i;

	for (i = skip; i < sizeof(*a); i++) {
		t = x[i];
		x[i] = y[i];
		y[i] = t;
	}
}

/*
 * At reboot into kexec, the registry lock and the vbuf's held (in that
 * order; the lists' own locks are taken inside): write the chunk list again
 * in the format @comp names (NULL: v1). The new list is grown, preserved,
 * filled and sealed before anything of @vb changes; only then the header
 * names it and the old list is unpreserved and freed. Nothing but this
 * file, under the vbuf's lock, reads a chunk list, so no other task can be
 * inside the old one. On failure the new list is undone and the old one,
 * untouched, is handed over.
 */
static int vbuf_kind_dep_rewrite(void *obj, const char *comp,
				 struct khoser_root_ser *desc)
{
	unsigned int format = comp ? khoser_block_compat_format(comp) : 1;
	struct khoser_vbuf *vb = obj;
	struct khoser_block_set list;
	int err;

	if (vb->life.state != KHOSER_STATE_SEALED || !format)
		return -EINVAL;
	err = grow_list(&list, format, vb->nchunks);
	if (!err)
		err = copy_list(&list, &vb->chunks, vb->nchunks);
	if (!err)
		err = khoser_block_set_seal(&list);
	if (!err) {
		swap_lists(&vb->chunks, &list);
		vb->hdr->chunks = khoser_block_set_head_pa(&vb->chunks);
		vb->hdr->nblocks = vb->chunks.nblocks;
		vbuf_kind_describe(vb, desc);
	}
	/* The new list after a failure, the old one after the swap. */
	khoser_block_set_destroy(&list);
	return err;
}

static const char *vbuf_kind_check_desc(const struct khoser_root_ser *d)
{
	if (!d->phys || !PAGE_ALIGNED(d->phys))
		return "misaligned: vbuf header misaligned";
	if (!d->size)
		return "bad-length: vbuf length zero";
	if (d->nblocks != div_up(d->size, PAGE_SIZE))
		return "desc-pages: page count does not match the length";
	if (!d->entries || d->entries > d->nblocks)
		return "desc-entries: chunk count out of range";
	if (d->max_blocks)
		return "reserved: bound set on a vbuf";
	return NULL;
}

static int vbuf_kind_restore(void *obj, const struct khoser_root_ser *d,
			     const char *label)
{
	unsigned int format = khoser_block_compat_format(d->compat);
	unsigned long ver = 0;

	/* A list format this build does not read, named by the caller too. */
	if (!format) {
		khoser_compat_version(d->compat, KHOSER_BLOCK_BASE, &ver);
		khoser_refused(label, "unknown-format: a block format this khoser does not read",
			       "chunk list in %s-v%lu", KHOSER_BLOCK_BASE, ver);
		return -EPROTO;
	}
	return map_handover(obj, d->phys, d, format, label);
}

const struct khoser_kind khoser_vbuf_kind = {
	.id = KHOSER_KIND_VBUF,
	.name = "vbuf",
	.once = true,
	.life = offsetof(struct khoser_vbuf, life),
	.publish = vbuf_kind_publish,
	.describe = vbuf_kind_describe,
	.check_desc = vbuf_kind_check_desc,
	.dep_base = KHOSER_BLOCK_BASE,
	.dep_compat = vbuf_kind_dep_compat,
	.dep_want = vbuf_kind_dep_want,
	.dep_rewrite = vbuf_kind_dep_rewrite,
	.restore = vbuf_kind_restore,
};

/* --- publish and lookup ------------------------------------------------ */

/**
 * khoser_vbuf_publish - publish a preserved buffer under a name
 * @vb:     a vbuf holding a preserved buffer (khoser_vbuf_preserve())
 * @name:   object name (see khoser_name_valid())
 * @compat: composite compatible string naming %KHOSER_VBUF_COMPAT
 *
 * Unpublish it with khoser_unpublish() before destroying it.
 *
 * Context: Process context (may sleep); takes the registry lock, then the
 * vbuf's.
 * Return: 0; -EOPNOTSUPP without KHO; -EBUSY when already published;
 * -EEXIST when @name is taken; -EINVAL on a bad name or string or a vbuf
 * that holds no preserved buffer; -ENOMEM.
 */
int khoser_vbuf_publish(struct khoser_vbuf *vb, const char *name,
			const char *compat)
{
	return khoser_root_publish(&khoser_vbuf_kind, vb, name, compat);
}
EXPORT_SYMBOL_GPL(khoser_vbuf_publish);

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
 * Context: Process context (may sleep); takes the registry lock, then the
 * vbuf's.
 * Return: 0; -EOPNOTSUPP without KHO; -ENOENT when not published; -EPROTO on
 * a compatible-string or kind mismatch; -EALREADY when restored before;
 * -EBUSY when @vb is not idle; -EINVAL on corrupt data; -ENOMEM.
 */
int khoser_vbuf_lookup(struct khoser_vbuf *vb, const char *name,
		       const char *compat)
{
	return khoser_root_lookup(&khoser_vbuf_kind, vb, name, compat);
}
EXPORT_SYMBOL_GPL(khoser_vbuf_lookup);
