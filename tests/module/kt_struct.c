// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoser_test sparse arrays and vmalloc-style buffers: written in boot 1,
 * verified (every index, value and byte) and copied forward in later boots,
 * damaged at reboot in corrupt mode.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
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
static struct khoser_vbuf vb_out, vb_bad_order, vb_bad_len;
static void *vb_mem, *vb_bad_mem[2];

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

static int sa_publish(int k, struct khoser_sarray *src)
{
	char compat[KHOSER_COMPAT_LEN];
	struct khoser_sarray_it it;
	u64 idx, val, n;
	int err = 0;

	khoser_sarray_init(&sa_out[k]);
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
	return khoser_sarray_publish(&sa_out[k], sa_names[k], compat);
}

/* Look up sparse array @k and check every index and value, and misses. */
static int sa_check(int k, struct khoser_sarray *in)
{
	char compat[KHOSER_COMPAT_LEN];
	struct khoser_sarray_it it;
	u64 idx, val, n = 0;
	int err;

	kt_compat(compat, sizeof(compat), kt_ver);
	khoser_sarray_init(in);
	err = khoser_sarray_lookup(in, sa_names[k], compat);
	if (err) {
		kt_failf("%s: lookup error %d", sa_names[k], err);
		return err;
	}
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
		n++;
		kt_checks++;
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
	kt_checks++;
	return 0;
}

static void vbuf_fill(u64 *p, size_t len)
{
	size_t i;

	for (i = 0; i < len / 8; i++)
		p[i] = kt_word(400, i, 0);
	kt_fill((u8 *)p + len / 8 * 8, len % 8, 401, 0);
}

static int vbuf_check(const u64 *p, size_t len)
{
	size_t i;

	for (i = 0; i < len / 8; i++) {
		if (p[i] != kt_word(400, i, 0)) {
			kt_failf("v-buf: byte %zu differs", i * 8);
			return -EBADMSG;
		}
	}
	if (!kt_verify((const u8 *)p + len / 8 * 8, len % 8, 401, 0)) {
		kt_failf("v-buf: tail differs");
		return -EBADMSG;
	}
	kt_checks += len / 8 + 1;
	return 0;
}

static int vbuf_publish(struct khoser_vbuf *vb, void **mem, const char *name,
			const void *src)
{
	char compat[KHOSER_COMPAT_LEN];
	int err;

	*mem = vmalloc(vbuf_len());
	if (!*mem)
		return -ENOMEM;
	if (src)
		memcpy(*mem, src, vbuf_len());
	else
		vbuf_fill(*mem, vbuf_len());
	khoser_vbuf_init(vb);
	err = khoser_vbuf_preserve(vb, *mem, vbuf_len());
	if (err)
		return err;
	kt_compat(compat, sizeof(compat), kt_ver);
	return khoser_vbuf_publish(vb, name, compat);
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
		err = vbuf_publish(&vb_out, &vb_mem, "v-buf", NULL);
	} else {
		err = vbuf_lookup(&vin, "v-buf");
		if (!err)
			err = vbuf_check(khoser_vbuf_addr(&vin), vbuf_len());
		if (!err)
			err = vbuf_publish(&vb_out, &vb_mem, "v-buf",
					   khoser_vbuf_addr(&vin));
		khoser_vbuf_destroy(&vin);
		khoser_release("v-buf");
	}
	if (err || kt_mode != KT_CORRUPT || kt_hop != 1)
		return err;

	for (k = SA_BAD_CYCLE; k < NSA && !err; k++)
		err = sa_publish(k, NULL);
	if (!err)
		err = vbuf_publish(&vb_bad_order, &vb_bad_mem[0], "cv-order",
				   NULL);
	if (!err)
		err = vbuf_publish(&vb_bad_len, &vb_bad_mem[1], "cv-len", NULL);
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
	kt_checks++;
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
			err = expect_refused(khoser_sarray_lookup(&in,
					sa_names[k], compat), sa_names[k]);
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
	err = vbuf_check(khoser_vbuf_addr(&vin), vbuf_len());
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
		kt_checks++;
	}
	khoser_vbuf_init(&vin);
	err = khoser_vbuf_lookup(&vin, "v-buf", compat);
	if (err != -EPROTO) {
		kt_failf("v-buf: lookup by v%d returned %d", kt_ver, err);
		return -EBADMSG;
	}
	khoser_release("v-buf");
	kt_checks++;
	return 0;
}

/**
 * kt_struct_damage - corrupt the chosen objects (reboot notifier)
 *
 * Return: 0, or -ENOENT when an object is too small to damage.
 */
int kt_struct_damage(void)
{
	struct khoser_sarray *c = &sa_out[SA_BAD_CYCLE];
	struct khoser_sarray *o = &sa_out[SA_BAD_ORDER];
	struct khoser_block *blk;

	if (c->npages < 3 || o->npages < 2 || !vb_bad_order.hdr ||
	    !vb_bad_len.hdr)
		return -ENOENT;
	/* Page 2 links back to page 0. */
	c->pages[2].hdr->next = virt_to_phys(c->pages[0].hdr);
	/* Page 1's first run starts before page 0's. */
	((struct khoser_sarray_run *)((u8 *)o->pages[1].hdr +
		KHOSER_SARRAY_RUN_OFFSET(0)))->first = 0;
	/* A chunk with an order past the limit. */
	blk = list_first_entry(&vb_bad_order.chunks.blocks,
			       struct khoser_block, list);
	*(u64 *)(blk->hdr + 1) |= KHOSER_VBUF_MAX_ORDER + 1;
	/* A length the pages cannot hold. */
	vb_bad_len.hdr->length = vb_bad_len.hdr->nr_pages * PAGE_SIZE + 1;
	return 0;
}

/**
 * kt_struct_cleanup - unpublish and free everything (module unload)
 */
void kt_struct_cleanup(void)
{
	struct khoser_vbuf *vbs[] = { &vb_out, &vb_bad_order, &vb_bad_len };
	void **mems[] = { &vb_mem, &vb_bad_mem[0], &vb_bad_mem[1] };
	unsigned int k;

	for (k = 0; k < NSA; k++) {
		if (!sa_out[k].life.state)
			continue;
		khoser_unpublish(sa_names[k]);
		khoser_sarray_destroy(&sa_out[k]);
	}
	khoser_unpublish("v-buf");
	khoser_unpublish("cv-order");
	khoser_unpublish("cv-len");
	for (k = 0; k < ARRAY_SIZE(vbs); k++) {
		if (vbs[k]->life.state)
			khoser_vbuf_destroy(vbs[k]);
		vfree(*mems[k]);
		*mems[k] = NULL;
	}
}

/**
 * kt_struct_summary - what this boot preserved
 * @objs:    objects
 * @entries: entries (sparse-array entries, vbuf bytes / 8)
 * @bytes:   payload bytes
 */
void kt_struct_summary(u64 *objs, u64 *entries, u64 *bytes)
{
	unsigned int k;

	for (k = 0; k < NSA; k++) {
		if (!sa_out[k].life.state || !khoser_sarray_entries(&sa_out[k]))
			continue;
		(*objs)++;
		*entries += khoser_sarray_entries(&sa_out[k]);
		*bytes += (u64)khoser_sarray_pages(&sa_out[k]) * PAGE_SIZE;
	}
	if (vb_mem) {
		(*objs)++;
		*bytes += vbuf_len();
	}
}
