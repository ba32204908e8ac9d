// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoser_test sparse arrays and vmalloc-style buffers: written in boot 1,
 * verified (every index, value and byte) and copied forward in later boots,
 * damaged at reboot in corrupt mode.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

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

#define VBUF_TAIL	123	/* a length that is not a page multiple */
#define TOP_COUNT	5000
#define BAD_SA_COUNT	2000	/* isolated entries: about ten pages */

enum { SA_DENSE, SA_POW2, SA_TOP, SA_BAD_CYCLE, SA_BAD_ORDER, NSA };

static const char * const sa_names[NSA] = {
	"s-dense", "s-pow2", "s-top", "cs-cycle", "cs-order",
};

static struct khoser_sarray sa_out[NSA];
static bool sa_used[NSA];
enum { VB_BUF, VB_BAD_ORDER, VB_BAD_LEN, NVB };

/* The outgoing vbufs and the buffers behind them. */
static struct {
	const char *name;
	struct khoser_vbuf vb;
	void *mem;
	bool used;
} vbs[NVB] = {
	[VB_BUF] = { .name = "v-buf" },
	[VB_BAD_ORDER] = { .name = "cv-order" },
	[VB_BAD_LEN] = { .name = "cv-len" },
};

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

static size_t vbuf_len(void)
{
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
	kt_compat(compat, sizeof(compat), kt_ver);
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

	kt_compat(compat, sizeof(compat), kt_ver);
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
static int vbuf_check(const struct khoser_vbuf *vin)
{
	struct kt_inv inv = { .kind = "vbuf" };
	const u64 *p = khoser_vbuf_addr(vin);
	size_t i, len = vbuf_len();
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

/* Preserve and publish vbuf @v, filled from @src or the seed. */
static int vbuf_publish(int v, const void *src)
{
	struct kt_inv inv = { .kind = "vbuf" };
	struct khoser_vbuf *vb = &vbs[v].vb;
	char compat[KHOSER_COMPAT_LEN];
	size_t len = vbuf_len();
	struct kt_digest d;
	int err;

	vbs[v].mem = vmalloc(len);
	if (!vbs[v].mem)
		return -ENOMEM;
	if (src)
		memcpy(vbs[v].mem, src, len);
	else
		vbuf_fill(vbs[v].mem, len);
	khoser_vbuf_init(vb);
	vbs[v].used = true;
	err = khoser_vbuf_preserve(vb, vbs[v].mem, len);
	if (err)
		return err;
	kt_compat(compat, sizeof(compat), kt_ver);
	err = khoser_vbuf_publish(vb, vbs[v].name, compat);
	if (err)
		return err;
	kt_digest_init(&d);
	kt_digest_add(&d, vbs[v].mem, len);
	inv.entries = DIV_ROUND_UP(len, PAGE_SIZE);
	inv.bytes = len;
	inv.blocks = khoser_vbuf_nchunks(vb);
	inv.digest = kt_digest_final(&d);
	kt_preserved(vbs[v].name, &inv);
	return 0;
}

static int vbuf_lookup(struct khoser_vbuf *in, const char *name)
{
	char compat[KHOSER_COMPAT_LEN];

	kt_compat(compat, sizeof(compat), kt_ver);
	khoser_vbuf_init(in);
	return khoser_vbuf_lookup(in, name, compat);
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
		err = vbuf_lookup(&vin, "v-buf");
		if (err)
			kt_failf("v-buf: lookup error %d", err);
		else
			err = vbuf_check(&vin);
		if (!err)
			err = vbuf_publish(VB_BUF, khoser_vbuf_addr(&vin));
		khoser_vbuf_destroy(&vin);
		khoser_release("v-buf");
	}
	if (err || kt_mode != KT_CORRUPT || kt_hop != 1)
		return err;

	for (k = SA_BAD_CYCLE; k < NSA && !err; k++)
		err = sa_publish(k, NULL);
	if (!err)
		err = vbuf_publish(VB_BAD_ORDER, NULL);
	if (!err)
		err = vbuf_publish(VB_BAD_LEN, NULL);
	return err;
}

static int expect_refused(int err, const char *name)
{
	if (err != -EINVAL) {
		kt_failf("%s: lookup returned %d, expected %d", name, err,
			 -EINVAL);
		return -EBADMSG;
	}
	khoser_release(name);
	kt_refused(name, err);
	return 0;
}

/**
 * kt_struct_verify - check the handover in the last boot (and refusals)
 *
 * Return: 0 or an errno (kt_fail is set).
 */
int kt_struct_verify(void)
{
	char compat[KHOSER_COMPAT_LEN];
	struct khoser_sarray in;
	struct khoser_vbuf vin;
	int k, err = 0;

	if (kt_mode == KT_CORRUPT && kt_hop == 2) {
		kt_compat(compat, sizeof(compat), kt_ver);
		for (k = SA_BAD_CYCLE; k < NSA && !err; k++) {
			khoser_sarray_init(&in);
			err = khoser_sarray_lookup(&in, sa_names[k], compat);
			err = expect_refused(err, sa_names[k]);
		}
		if (!err)
			err = expect_refused(vbuf_lookup(&vin, "cv-order"),
					     "cv-order");
		if (!err)
			err = expect_refused(vbuf_lookup(&vin, "cv-len"),
					     "cv-len");
	}
	if (err || kt_hop < kt_hops)
		return err;
	for (k = SA_DENSE; k <= SA_TOP && !err; k++) {
		err = sa_check(k, &in);
		khoser_sarray_destroy(&in);
		khoser_release(sa_names[k]);
	}
	if (err)
		return err;
	err = vbuf_lookup(&vin, "v-buf");
	if (err) {
		kt_failf("v-buf: lookup error %d", err);
		return err;
	}
	err = vbuf_check(&vin);
	khoser_vbuf_destroy(&vin);
	khoser_release("v-buf");
	return err;
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

	kt_compat(compat, sizeof(compat), kt_ver);
	for (k = SA_DENSE; k <= SA_TOP; k++) {
		khoser_sarray_init(&in);
		err = khoser_sarray_lookup(&in, sa_names[k], compat);
		if (err != -EPROTO) {
			kt_failf("%s: lookup by v%d returned %d", sa_names[k],
				 kt_ver, err);
			return -EBADMSG;
		}
		khoser_release(sa_names[k]);
		kt_refused(sa_names[k], err);
	}
	khoser_vbuf_init(&vin);
	err = khoser_vbuf_lookup(&vin, "v-buf", compat);
	if (err != -EPROTO) {
		kt_failf("v-buf: lookup by v%d returned %d", kt_ver, err);
		return -EBADMSG;
	}
	khoser_release("v-buf");
	kt_refused("v-buf", err);
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

/**
 * kt_struct_damage - corrupt the chosen objects (reboot notifier)
 *
 * Works on the preserved bytes through the ABI layouts only.
 *
 * Return: 0, or -ENOENT when an object is too small to damage.
 */
int kt_struct_damage(void)
{
	struct khoser_sarray_page_hdr *c0 = sa_page(&sa_out[SA_BAD_CYCLE], 0);
	struct khoser_sarray_page_hdr *c2 = sa_page(&sa_out[SA_BAD_CYCLE], 2);
	struct khoser_sarray_page_hdr *o1 = sa_page(&sa_out[SA_BAD_ORDER], 1);
	u64 order_pa = khoser_vbuf_hdr_pa(&vbs[VB_BAD_ORDER].vb);
	u64 len_pa = khoser_vbuf_hdr_pa(&vbs[VB_BAD_LEN].vb);
	struct khoser_vbuf_hdr *vh;
	struct khoser_block_hdr *chunks;

	if (!c0 || !c2 || !o1 || !order_pa || !len_pa)
		return -ENOENT;
	/* Page 2 links back to page 0. */
	c2->next = virt_to_phys(c0);
	/* Page 1's first run starts before page 0's. */
	((struct khoser_sarray_run *)((u8 *)o1 +
		KHOSER_SARRAY_RUN_OFFSET(0)))->first = 0;
	/* A chunk with an order past the limit. */
	vh = phys_to_virt(order_pa);
	if (!vh->chunks)
		return -ENOENT;
	chunks = phys_to_virt(vh->chunks);
	*(u64 *)(chunks + 1) |= KHOSER_VBUF_MAX_ORDER + 1;
	/* A length the pages cannot hold. */
	vh = phys_to_virt(len_pa);
	vh->length = vh->nr_pages * PAGE_SIZE + 1;
	return 0;
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
	for (k = 0; k < NVB; k++) {
		if (!vbs[k].used)
			continue;
		khoser_unpublish(vbs[k].name);
		khoser_vbuf_destroy(&vbs[k].vb);
		vbs[k].used = false;
		vfree(vbs[k].mem);
		vbs[k].mem = NULL;
	}
}
