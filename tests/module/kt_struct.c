// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoser_test sparse arrays and vmalloc-style buffers: written in boot 1,
 * verified (every index, value and byte) and copied forward in later boots;
 * in corrupt mode more of them are damaged and must be refused, each for one
 * expected reason word. The damaged vbufs are small buffers vmap()ed from
 * pages allocated here in order-1 blocks, so that their chunks (and the
 * order KHO records for each) are known.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/vmalloc.h>
#include <khoser/sarray.h>
#include <khoser/vbuf.h>
#include "kt.h"

static unsigned int vbuf_mb = 64;
module_param(vbuf_mb, uint, 0444);
MODULE_PARM_DESC(vbuf_mb, "size of the preserved vmalloc buffer in MiB");

static unsigned int dense = 100000;
module_param(dense, uint, 0444);
MODULE_PARM_DESC(dense, "entries of the dense sparse array");

#if KT_KHO_API
#include <linux/kexec_handover.h>
#endif

#define VBUF_TAIL	123	/* a length that is not a page multiple */
#define TOP_COUNT	5000
#define BAD_SA_COUNT	2000	/* isolated entries: about ten pages */
#define BAD_BLOCKS	2	/* order-1 blocks behind a damaged vbuf, at most */

enum { SA_DENSE, SA_POW2, SA_TOP, SA_BAD_CYCLE, SA_BAD_ORDER, NSA };

static const char * const sa_names[NSA] = {
	"s-dense", "s-pow2", "s-top", "cs-cycle", "cs-order",
};

/* Reason word of each damaged sparse array's refusal (all at reboot). */
static const char * const sa_reasons[NSA] = {
	[SA_BAD_CYCLE] = "cycle",	/* page 2 links back to page 0 */
	[SA_BAD_ORDER] = "run-order",	/* page 1's first run starts at 0 */
};

static struct khoser_sarray sa_out[NSA];
static bool sa_used[NSA];
enum { VB_BUF, VB_BAD_ORDER, VB_BAD_LEN, VB_OVERLAP, VB_HDR, NVB };

/*
 * The outgoing vbufs and the buffers behind them: v-buf is vmalloc()ed,
 * a damaged one (@reason set) vmap()s @nblk order-1 blocks, in descending
 * physical order so that no two merge into one chunk: its chunks are
 * @nblk chunks of order 1.
 */
static struct {
	const char *name;
	const char *reason;
	const char *says;
	const char *how;
	unsigned int nblk;
	struct khoser_vbuf vb;
	void *mem;
	struct page *blk[BAD_BLOCKS];
	bool used;
} vbs[NVB] = {
	[VB_BUF] = { .name = "v-buf" },
	/* Chunk 0's order raised past the limit. */
	[VB_BAD_ORDER] = { .name = "cv-order", .reason = "bad-order",
			   .how = KT_AT_REBOOT, .nblk = 2 },
	/* A length one byte past the header's pages. */
	[VB_BAD_LEN] = { .name = "cv-len", .reason = "bad-length",
			 .how = KT_AT_REBOOT, .nblk = 2 },
	/* Chunk 1 made a copy of chunk 0: both preserved with that order. */
	[VB_OVERLAP] = { .name = "cv-overlap", .reason = "overlap-chunks",
			 .says = "two chunks overlap", .how = KT_AT_REBOOT,
			 .nblk = 2 },
	/*
	 * Its one chunk (order 1) covers its header: the chunk's second page
	 * is also preserved on its own, gets a copy of the header at reboot,
	 * and the descriptor is pointed at it in boot 2.
	 */
	[VB_HDR] = { .name = "cv-hdr", .reason = "overlap-header",
		     .says = "a chunk covers the header page",
		     .how = KT_IN_BOOT2, .nblk = 1 },
};

/* cv-hdr's second page, preserved on its own (order 0) as well. */
static struct page *hdr_page;

static unsigned int chunk_list_format(int v);

static unsigned int sa_count(int k)
{
	switch (k) {
	case SA_DENSE:
		return dense;
	case SA_POW2:
		return 65;
	case SA_TOP:
		return TOP_COUNT;
	default:
		return BAD_SA_COUNT;
	}
}

static u64 sa_index(int k, u64 n)
{
	switch (k) {
	case SA_DENSE:
		return n;
	case SA_POW2:
		return n ? 1ULL << (n - 1) : 0;
	case SA_TOP:
		return U64_MAX - (TOP_COUNT - 1) + n;
	default:
		return n * 2;
	}
}

static u64 sa_value(int k, u64 n)
{
	/* Zero is a value too: presence is encoded, not inferred. */
	return n % 1000 == 7 ? 0 : kt_word(300 + k, n, 0);
}

static size_t vbuf_len(int v)
{
	if (vbs[v].nblk)	/* the last page partly used */
		return (2 * vbs[v].nblk - 1) * PAGE_SIZE + VBUF_TAIL;
	return (size_t)vbuf_mb << 20 | VBUF_TAIL;
}

/* Log what sparse array @k hands over, read back from it. */
static void sa_inventory(int k)
{
	struct kt_inv inv = { .kind = "sarray" };
	struct khoser_sarray_it it;
	struct kt_digest d;
	u64 idx, val;

	kt_digest_init(&d);
	khoser_sarray_for_each(&sa_out[k], &it, idx, val) {
		kt_digest_u64(&d, idx);
		kt_digest_u64(&d, val);
		inv.entries++;
	}
	inv.bytes = inv.entries * 16;
	inv.blocks = khoser_sarray_pages(&sa_out[k]);
	inv.digest = kt_digest_final(&d);
	kt_preserved(sa_names[k], &inv);
}

static int sa_publish(int k, struct khoser_sarray *src)
{
	char compat[KHOSER_COMPAT_LEN];
	struct khoser_sarray_it it;
	u64 idx, val, n;
	int err = 0;

	khoser_sarray_init(&sa_out[k]);
	sa_used[k] = true;
	if (src) {
		khoser_sarray_it_init(&it, src);
		while (!err && khoser_sarray_it_next(&it, &idx, &val))
			err = khoser_sarray_add(&sa_out[k], idx, val);
	} else {
		for (n = 0; n < sa_count(k) && !err; n++)
			err = khoser_sarray_add(&sa_out[k], sa_index(k, n),
						sa_value(k, n));
	}
	if (err)
		return err;
	kt_compat_fmt(compat, sizeof(compat), kt_ver, kt_write_format);
	err = khoser_sarray_publish(&sa_out[k], sa_names[k], compat);
	if (!err)
		sa_inventory(k);
	return err;
}

/* Look up sparse array @k and check every index and value, and misses. */
static int sa_check(int k, struct khoser_sarray *in)
{
	struct kt_inv inv = { .kind = "sarray" };
	char compat[KHOSER_COMPAT_LEN];
	struct khoser_sarray_it it;
	u64 idx, val, n = 0;
	struct kt_digest d;
	int err;

	kt_compat_fmt(compat, sizeof(compat), kt_ver, KT_BLOCK_ANY);
	khoser_sarray_init(in);
	err = khoser_sarray_lookup(in, sa_names[k], compat);
	if (err) {
		kt_failf("%s: lookup error %d", sa_names[k], err);
		return err;
	}
	kt_digest_init(&d);
	khoser_sarray_it_init(&it, in);
	while (khoser_sarray_it_next(&it, &idx, &val)) {
		if (n >= sa_count(k) || idx != sa_index(k, n) ||
		    val != sa_value(k, n)) {
			kt_failf("%s: entry %llu is %llu=%llu", sa_names[k], n,
				 idx, val);
			return -EBADMSG;
		}
		/* Random access agrees with iteration. */
		if (!(n % 97) && (khoser_sarray_get(in, idx, &val) ||
				  val != sa_value(k, n))) {
			kt_failf("%s: get(%llu) differs", sa_names[k], idx);
			return -EBADMSG;
		}
		kt_digest_u64(&d, idx);
		kt_digest_u64(&d, val);
		n++;
	}
	if (n != sa_count(k) || khoser_sarray_entries(in) != n) {
		kt_failf("%s: %llu entries, expected %u", sa_names[k], n,
			 sa_count(k));
		return -EBADMSG;
	}
	/* An index that was never added is absent. */
	if (k == SA_POW2 && khoser_sarray_get(in, 3, &val) != -ENOENT) {
		kt_failf("%s: index 3 found", sa_names[k]);
		return -EBADMSG;
	}
	inv.entries = n;
	inv.bytes = n * 16;
	inv.blocks = khoser_sarray_pages(in);
	inv.digest = kt_digest_final(&d);
	kt_verified(sa_names[k], &inv);
	return 0;
}

static void vbuf_fill(u64 *p, size_t len)
{
	size_t i;

	for (i = 0; i < len / 8; i++)
		p[i] = kt_word(400, i, 0);
	kt_fill((u8 *)p + len / 8 * 8, len % 8, 401, 0);
}

/* Check every byte of the restored v-buf @vin, log what was checked. */
static int vbuf_check(const struct khoser_vbuf *vin, unsigned int format)
{
	struct kt_inv inv = { .kind = "vbuf", .format = format };
	const u64 *p = khoser_vbuf_addr(vin);
	size_t i, len = vbuf_len(VB_BUF);
	struct kt_digest d;

	if (!p || khoser_vbuf_length(vin) != len) {
		kt_failf("v-buf: %zu bytes mapped, expected %zu",
			 p ? khoser_vbuf_length(vin) : 0, len);
		return -EBADMSG;
	}
	kt_digest_init(&d);
	for (i = 0; i < len / 8; i++) {
		if (p[i] != kt_word(400, i, 0)) {
			kt_failf("v-buf: byte %zu differs", i * 8);
			return -EBADMSG;
		}
		kt_digest_word(&d, p[i]);
	}
	if (!kt_verify((const u8 *)p + len / 8 * 8, len % 8, 401, 0)) {
		kt_failf("v-buf: tail differs");
		return -EBADMSG;
	}
	kt_digest_add(&d, (const u8 *)p + len / 8 * 8, len % 8);
	inv.entries = DIV_ROUND_UP(len, PAGE_SIZE);
	inv.bytes = len;
	inv.blocks = khoser_vbuf_nchunks(vin);
	inv.digest = kt_digest_final(&d);
	kt_verified("v-buf", &inv);
	return 0;
}

/* Map @v's buffer: order-1 blocks for a damaged one, else vmalloc(). */
static int vbuf_alloc(int v)
{
	struct page *pages[2 * BAD_BLOCKS];
	unsigned int i, n = vbs[v].nblk;

	if (!n) {
		vbs[v].mem = vmalloc(vbuf_len(v));
		return vbs[v].mem ? 0 : -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		/* Not compound: each page is its own, as vmalloc()'s are. */
		vbs[v].blk[i] = alloc_pages(GFP_KERNEL, 1);
		if (!vbs[v].blk[i])
			return -ENOMEM;
	}
	if (n == 2 && page_to_pfn(vbs[v].blk[0]) < page_to_pfn(vbs[v].blk[1]))
		swap(vbs[v].blk[0], vbs[v].blk[1]);
	for (i = 0; i < 2 * n; i++)
		pages[i] = vbs[v].blk[i / 2] + i % 2;
	vbs[v].mem = vmap(pages, 2 * n, VM_MAP, PAGE_KERNEL);
	return vbs[v].mem ? 0 : -ENOMEM;
}

static void vbuf_free(int v)
{
	unsigned int i;

	if (!vbs[v].nblk) {
		vfree(vbs[v].mem);
	} else {
		if (vbs[v].mem)
			vunmap(vbs[v].mem);
		for (i = 0; i < vbs[v].nblk; i++) {
			if (vbs[v].blk[i])
				__free_pages(vbs[v].blk[i], 1);
			vbs[v].blk[i] = NULL;
		}
	}
	vbs[v].mem = NULL;
}

/* Preserve and publish vbuf @v, filled from @src or the seed. */
static int vbuf_publish(int v, const void *src)
{
	struct kt_inv inv = { .kind = "vbuf" };
	struct khoser_vbuf *vb = &vbs[v].vb;
	char compat[KHOSER_COMPAT_LEN];
	size_t len = vbuf_len(v);
	struct kt_digest d;
	int err;

	vbs[v].used = true;
	khoser_vbuf_init(vb);
	err = vbuf_alloc(v);
	if (err)
		return err;
	if (src)
		memcpy(vbs[v].mem, src, len);
	else
		vbuf_fill(vbs[v].mem, len);
	err = khoser_vbuf_preserve(vb, vbs[v].mem, len);
	if (err)
		return err;
	/* khoser adds the format of its chunk list when this names none. */
	kt_compat_fmt(compat, sizeof(compat), kt_ver, kt_write_format);
	err = khoser_vbuf_publish(vb, vbs[v].name, compat);
	if (err)
		return err;
	inv.format = chunk_list_format(v);
	kt_digest_init(&d);
	kt_digest_add(&d, vbs[v].mem, len);
	inv.entries = DIV_ROUND_UP(len, PAGE_SIZE);
	inv.bytes = len;
	inv.blocks = khoser_vbuf_nchunks(vb);
	inv.digest = kt_digest_final(&d);
	kt_preserved(vbs[v].name, &inv);
	return 0;
}

#if KT_KHO_API
/* Preserve cv-hdr's second page on its own too (its chunk is order 1). */
static int hdr_page_preserve(void)
{
	struct page *page = vbs[VB_HDR].blk[0] + 1;
	int err = kho_preserve_pages(page, 1);

	if (!err)
		hdr_page = page;
	return err;
}

static void hdr_page_drop(void)
{
	if (hdr_page)
		kho_unpreserve_pages(hdr_page, 1);
	hdr_page = NULL;
}
#else
static int hdr_page_preserve(void)
{
	return -EOPNOTSUPP;
}

static void hdr_page_drop(void)
{
}
#endif

/*
 * Look up vbuf @name, accepting its chunk list in either block format;
 * *@format (when not NULL) says which one it was found in: the version the
 * published string gives khoser-block (khoser names it as a dependency),
 * 1 when it names none.
 */
static int vbuf_lookup(struct khoser_vbuf *in, const char *name,
		       unsigned int *format)
{
	char compat[KHOSER_COMPAT_LEN];
	unsigned long ver = 1;
	int err;

	kt_compat_fmt(compat, sizeof(compat), kt_ver, KT_BLOCK_ANY);
	khoser_vbuf_init(in);
	err = khoser_vbuf_lookup(in, name, compat);
	if (!err && format) {
		char found[KHOSER_COMPAT_LEN];
		int n = khoser_incoming_compat(name, found, sizeof(found));

		if (n >= 0)
			n = khoser_compat_version(found, KHOSER_BLOCK_BASE,
						  &ver);
		if (n == -ENOENT) {
			ver = 1;	/* none named: the implicit v1 */
		} else if (n < 0) {
			kt_failf("%s: incoming compatible string: error %d",
				 name, n);
			khoser_vbuf_destroy(in);
			return -EBADMSG;
		}
	}
	if (format)
		*format = ver;
	return err;
}

/**
 * kt_struct_preserve - publish sparse arrays and a vbuf for the next kernel
 *
 * Boot 1 writes them from the seed; later boots copy what they verified.
 *
 * Return: 0 or an errno.
 */
int kt_struct_preserve(void)
{
	struct khoser_sarray in;
	struct khoser_vbuf vin;
	unsigned int fmt;
	int k, err;

	for (k = SA_DENSE; k <= SA_TOP; k++) {
		if (kt_hop == 1) {
			err = sa_publish(k, NULL);
		} else {
			err = sa_check(k, &in);
			if (!err)
				err = sa_publish(k, &in);
			khoser_sarray_destroy(&in);
			khoser_release(sa_names[k]);
		}
		if (err)
			return err;
	}
	if (kt_hop == 1) {
		err = vbuf_publish(VB_BUF, NULL);
	} else {
		err = vbuf_lookup(&vin, "v-buf", &fmt);
		if (err)
			kt_failf("v-buf: lookup error %d", err);
		else
			err = vbuf_check(&vin, fmt);
		if (!err)
			err = vbuf_publish(VB_BUF, khoser_vbuf_addr(&vin));
		khoser_vbuf_destroy(&vin);
		khoser_release("v-buf");
	}
	if (err || kt_mode != KT_CORRUPT || kt_hop != 1)
		return err;

	for (k = SA_BAD_CYCLE; k < NSA && !err; k++)
		err = sa_publish(k, NULL);
	for (k = VB_BAD_ORDER; k < NVB && !err; k++)
		err = vbuf_publish(k, NULL);
	if (!err)
		err = hdr_page_preserve();
	return err;
}

static int expect_refused(int err, const char *name, const char *reason,
			  const char *how, const char *says)
{
	if (err != -EINVAL) {
		kt_failf("%s: lookup returned %d, expected %d", name, err,
			 -EINVAL);
		return -EBADMSG;
	}
	khoser_release(name);
	kt_refused(name, err, reason, how, NULL, says);
	return 0;
}

/*
 * cv-hdr, in boot 2: point the descriptor at the second page of the one
 * chunk (order 1) the real header lists, where boot 1 left a copy of that
 * header and preserved the page on its own.
 */
static int edit_desc_hdr(const char *name)
{
	struct khoser_root_ser *d = kt_incoming_desc(name);
	const struct khoser_vbuf_hdr *h;
	struct kt_blk list;
	u64 chunk;

	if (!d || d->kind != KHOSER_KIND_VBUF || !d->phys ||
	    !PAGE_ALIGNED(d->phys))
		goto bad;
	h = phys_to_virt(d->phys);
	if (h->nchunks != 1 || !h->chunks || !PAGE_ALIGNED(h->chunks))
		goto bad;
	kt_blk_at(&list, phys_to_virt(h->chunks));
	if (*list.count != 1)
		goto bad;
	chunk = *(const u64 *)list.entries;
	if (KHOSER_VBUF_CHUNK_ORDER(chunk) != 1)
		goto bad;
	d->phys = KHOSER_VBUF_CHUNK_PHYS(chunk) + PAGE_SIZE;
	return 0;
bad:
	kt_failf("%s: no vbuf of one order-1 chunk to edit", name);
	return -ENOENT;
}

/* Look up every damaged object: each must be refused. */
static int verify_bad(void)
{
	char compat[KHOSER_COMPAT_LEN];
	struct khoser_sarray in;
	struct khoser_vbuf vin;
	int k, err = 0;

	kt_compat_fmt(compat, sizeof(compat), kt_ver, KT_BLOCK_ANY);
	for (k = SA_BAD_CYCLE; k < NSA && !err; k++) {
		khoser_sarray_init(&in);
		err = khoser_sarray_lookup(&in, sa_names[k], compat);
		err = expect_refused(err, sa_names[k], sa_reasons[k],
				     KT_AT_REBOOT, NULL);
	}
	for (k = VB_BAD_ORDER; k < NVB && !err; k++) {
		if (k == VB_HDR && edit_desc_hdr(vbs[k].name))
			return -EBADMSG;
		err = expect_refused(vbuf_lookup(&vin, vbs[k].name, NULL),
				     vbs[k].name, vbs[k].reason, vbs[k].how,
				     vbs[k].says);
	}
	return err;
}

/**
 * kt_struct_verify - check the handover in the last boot (and refusals)
 *
 * Return: 0 or an errno (kt_fail is set).
 */
int kt_struct_verify(void)
{
	struct khoser_sarray in;
	struct khoser_vbuf vin;
	unsigned int fmt;
	int k, err = 0;

	if (kt_mode == KT_CORRUPT && kt_hop == 2)
		err = verify_bad();
	if (err || !kt_last_hop())
		return err;
	for (k = SA_DENSE; k <= SA_TOP && !err; k++) {
		err = sa_check(k, &in);
		khoser_sarray_destroy(&in);
		khoser_release(sa_names[k]);
	}
	if (err)
		return err;
	err = vbuf_lookup(&vin, "v-buf", &fmt);
	if (err) {
		kt_failf("v-buf: lookup error %d", err);
		return err;
	}
	err = vbuf_check(&vin, fmt);
	khoser_vbuf_destroy(&vin);
	khoser_release("v-buf");
	return err;
}

/**
 * kt_struct_conf - the sparse arrays' and vbuf's sizes, for the run header
 * @conf: its dense and vbuf_mb are filled
 */
void kt_struct_conf(struct kt_conf *conf)
{
	conf->dense = dense;
	conf->vbuf_mb = vbuf_mb;
}

/**
 * kt_struct_set_conf - take those sizes from a run header
 * @conf: the sizes the previous boot wrote with
 */
void kt_struct_set_conf(const struct kt_conf *conf)
{
	dense = conf->dense;
	vbuf_mb = conf->vbuf_mb;
}

/**
 * kt_struct_mismatch - another build's data must be refused (-EPROTO)
 *
 * Return: 0 or -EBADMSG with kt_fail set.
 */
int kt_struct_mismatch(void)
{
	char compat[KHOSER_COMPAT_LEN];
	struct khoser_sarray in;
	struct khoser_vbuf vin;
	int k, err;

	kt_compat_fmt(compat, sizeof(compat), kt_ver, KT_BLOCK_ANY);
	for (k = SA_DENSE; k <= SA_TOP; k++) {
		khoser_sarray_init(&in);
		err = khoser_sarray_lookup(&in, sa_names[k], compat);
		if (err != -EPROTO) {
			kt_failf("%s: lookup by v%d returned %d", sa_names[k],
				 kt_ver, err);
			return -EBADMSG;
		}
		khoser_release(sa_names[k]);
		kt_refused(sa_names[k], err, KT_VERSION_REASON, KT_INTACT, NULL,
			   NULL);
	}
	khoser_vbuf_init(&vin);
	err = khoser_vbuf_lookup(&vin, "v-buf", compat);
	if (err != -EPROTO) {
		kt_failf("v-buf: lookup by v%d returned %d", kt_ver, err);
		return -EBADMSG;
	}
	khoser_release("v-buf");
	kt_refused("v-buf", err, KT_VERSION_REASON, KT_INTACT, NULL, NULL);
	return 0;
}

/* Page @n of @sa's chain, found through the page headers (the ABI). */
static struct khoser_sarray_page_hdr *sa_page(const struct khoser_sarray *sa,
					      unsigned int n)
{
	u64 pa = khoser_sarray_head_pa(sa);
	struct khoser_sarray_page_hdr *h;

	while (pa) {
		h = phys_to_virt(pa);
		if (!n--)
			return h;
		pa = h->next;
	}
	return NULL;
}

/*
 * First block of @v's chunk list (a block set of u64 entries, in the
 * format khoser writes its own metadata in), through the ABI; NULL when it
 * has none.
 */
static struct kt_blk *chunk_list(struct kt_blk *b, int v)
{
	u64 pa = khoser_vbuf_hdr_pa(&vbs[v].vb);
	struct khoser_vbuf_hdr *vh;

	if (!pa)
		return NULL;
	vh = phys_to_virt(pa);
	return kt_blk_nth(b, vh->chunks, 0);
}

/* The block format of @v's chunk list, 0 when it has none. */
static unsigned int chunk_list_format(int v)
{
	struct kt_blk b;

	return chunk_list(&b, v) ? b.format : 0;
}

/* Chunk-list entry @i of the block @list. */
static u64 *chunk_entry(struct kt_blk *list, unsigned int i)
{
	return (u64 *)list->entries + i;
}

/**
 * kt_struct_vbuf_chunk - an order>0 chunk of v-buf, for a chain to point at
 *
 * Found through v-buf's header and chunk list (the ABI).
 *
 * Return: the chunk's physical address, or 0 when v-buf has no chunk of
 * order 1 or more.
 */
u64 kt_struct_vbuf_chunk(void)
{
	u64 pa = khoser_vbuf_hdr_pa(&vbs[VB_BUF].vb), i, *e;
	struct khoser_vbuf_hdr *vh;
	struct kt_blk list;

	if (!pa)
		return 0;
	vh = phys_to_virt(pa);
	for (pa = vh->chunks; pa; pa = *list.next) {
		kt_blk_at(&list, phys_to_virt(pa));
		e = chunk_entry(&list, 0);
		for (i = 0; i < *list.count; i++)
			if (KHOSER_VBUF_CHUNK_ORDER(e[i]))
				return KHOSER_VBUF_CHUNK_PHYS(e[i]);
	}
	return 0;
}

/**
 * kt_struct_damage - corrupt the chosen objects (reboot notifier)
 *
 * Works on the preserved bytes through the ABI layouts only.
 *
 * Return: the number of objects damaged, or -ENOENT when an object is too
 * small to damage or its chunks are not the expected ones.
 */
int kt_struct_damage(void)
{
	struct khoser_sarray_page_hdr *c0 = sa_page(&sa_out[SA_BAD_CYCLE], 0);
	struct khoser_sarray_page_hdr *c2 = sa_page(&sa_out[SA_BAD_CYCLE], 2);
	struct khoser_sarray_page_hdr *o1 = sa_page(&sa_out[SA_BAD_ORDER], 1);
	struct kt_blk ob, vb, hb;
	struct kt_blk *order_l = chunk_list(&ob, VB_BAD_ORDER);
	struct kt_blk *over_l = chunk_list(&vb, VB_OVERLAP);
	struct kt_blk *hdr_l = chunk_list(&hb, VB_HDR);
	u64 len_pa = khoser_vbuf_hdr_pa(&vbs[VB_BAD_LEN].vb);
	u64 hdr_pa = khoser_vbuf_hdr_pa(&vbs[VB_HDR].vb);
	struct khoser_vbuf_hdr *vh;
	u64 *e;

	if (!c0 || !c2 || !o1 || !order_l || !over_l || !hdr_l || !len_pa ||
	    !hdr_page)
		return -ENOENT;
	/* Two chunks of order 1 (see vbs[]), to make one a copy of the other. */
	e = chunk_entry(over_l, 0);
	if (*over_l->count != 2 || KHOSER_VBUF_CHUNK_ORDER(e[0]) != 1 ||
	    KHOSER_VBUF_CHUNK_ORDER(e[1]) != 1)
		return -ENOENT;
	/* One chunk of order 1, whose second page is hdr_page. */
	e = chunk_entry(hdr_l, 0);
	if (*hdr_l->count != 1 || KHOSER_VBUF_CHUNK_ORDER(*e) != 1 ||
	    KHOSER_VBUF_CHUNK_PHYS(*e) + PAGE_SIZE != page_to_phys(hdr_page))
		return -ENOENT;

	/* Page 2 links back to page 0. */
	c2->next = virt_to_phys(c0);
	/* Page 1's first run starts before page 0's. */
	((struct khoser_sarray_run *)((u8 *)o1 +
		KHOSER_SARRAY_RUN_OFFSET(0)))->first = 0;
	/*
	 * A chunk with an order past the limit. The chunk lists' CRCs (v2)
	 * made good again, so that the check meant is the one that fires.
	 */
	*chunk_entry(order_l, 0) |= KHOSER_VBUF_MAX_ORDER + 1;
	kt_blk_reseal(order_l, sizeof(u64));
	/* A length the pages cannot hold. */
	vh = phys_to_virt(len_pa);
	vh->length = vh->nr_pages * PAGE_SIZE + 1;
	/* Chunk 1 the same pages as chunk 0. */
	e = chunk_entry(over_l, 0);
	e[1] = e[0];
	kt_blk_reseal(over_l, sizeof(u64));
	/*
	 * Not counted here, its damage is done in boot 2: a copy of cv-hdr's
	 * header in its chunk's second page, for the descriptor to point at.
	 */
	memcpy(page_address(hdr_page), phys_to_virt(hdr_pa), sizeof(*vh));
	return 5;
}

/**
 * kt_struct_cleanup - unpublish and free everything (module unload)
 */
void kt_struct_cleanup(void)
{
	unsigned int k;

	for (k = 0; k < NSA; k++) {
		if (!sa_used[k])
			continue;
		khoser_unpublish(sa_names[k]);
		khoser_sarray_destroy(&sa_out[k]);
		sa_used[k] = false;
	}
	hdr_page_drop();
	for (k = 0; k < NVB; k++) {
		if (!vbs[k].used)
			continue;
		khoser_unpublish(vbs[k].name);
		khoser_vbuf_destroy(&vbs[k].vb);
		vbs[k].used = false;
		vbuf_free(k);
	}
}
