// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoser_test mode=off: with KHO unavailable (booted without kho=on, or a
 * kernel with KHO compiled out), every function khoser exports must return
 * what its kernel-doc promises: -EOPNOTSUPP where KHO would be needed, and
 * the ordinary result where it is not (init, bounds, iterators on an empty
 * structure, housekeeping, compatible strings). One API result is counted
 * per call checked; the first one that differs fails the run.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>
#include "kt.h"

#define NAME	"kt-off"

static void expect(const char *what, long got, long want)
{
	if (got != want)
		kt_failf("KHO off: %s returned %ld, expected %ld", what, got,
			 want);
	kt_api_result();
}

/* Two results are documented for one call (see where it is used). */
static void expect2(const char *what, long got, long want1, long want2)
{
	expect(what, got, got == want2 ? want2 : want1);
}

#define EXPECT(call, want)	expect(#call, (long)(call), (want))
#define EXPECT_NULL(call)	expect(#call, (call) ? 1 : 0, 0)

static void block_sets(const char *compat)
{
	static struct khoser_block_set st = KHOSER_BLOCK_SET_INIT(st, 16);
	struct khoser_block_set bs;
	struct khoser_block_set_it it;
	u64 got = 1;

	EXPECT(khoser_block_set_init(&bs, 0), -EINVAL);
	EXPECT(khoser_block_set_init(&bs, KHOSER_BLOCK_MAX_ENTRY + 1), -EINVAL);
	EXPECT(khoser_block_set_init(&bs, 64), 0);
	EXPECT(khoser_block_set_set_max_blocks(&bs, 0), -EINVAL);
	EXPECT(khoser_block_set_set_max_blocks(&bs, 100), 0);
	EXPECT(khoser_block_set_grow(&bs, 10), -EOPNOTSUPP);
	EXPECT(khoser_block_set_grow(&st, 10), -EOPNOTSUPP);
	/* A failed grow leaves the set as it was: empty. */
	EXPECT(khoser_block_set_is_empty(&bs), true);
	EXPECT(khoser_block_set_entries(&bs), 0);
	EXPECT(khoser_block_set_head_pa(&bs), 0);
	EXPECT(khoser_block_set_is_incoming(&bs), false);
	EXPECT(khoser_block_set_is_incoming(&st), false);
	EXPECT(khoser_block_set_shrink(&bs, 0), 0);
	EXPECT(khoser_block_set_seal(&bs), 0);
	EXPECT(khoser_block_set_clear(&bs), 0);
	EXPECT(khoser_block_set_restore(&bs, PAGE_SIZE), -EOPNOTSUPP);
	EXPECT(khoser_block_set_publish(&bs, NAME, compat), -EOPNOTSUPP);
	EXPECT(khoser_block_set_lookup(&bs, NAME, compat), -EOPNOTSUPP);
	EXPECT(khoser_block_set_is_empty(&bs), true);

	/* Iterators over a set without blocks: nothing to reserve or read. */
	khoser_block_set_it_init(&it, &bs);
	EXPECT_NULL(khoser_block_set_it_reserve_entry(&it));
	EXPECT_NULL(khoser_block_set_it_read_entry(&it));
	EXPECT_NULL(khoser_block_set_it_reserve_slow(&it));
	EXPECT_NULL(khoser_block_set_it_read_slow(&it));
	EXPECT_NULL(khoser_block_set_it_prev(&it));
	EXPECT_NULL(khoser_block_set_it_reserve_batch(&it, 4, &got));
	EXPECT(got, 0);
	got = 1;
	EXPECT_NULL(khoser_block_set_it_read_batch(&it, 4, &got));
	EXPECT(got, 0);
	EXPECT_NULL(khoser_block_set_it_reserve_batch(&it, 0, &got));

	EXPECT(khoser_block_set_destroy(&bs), 0);
	EXPECT(khoser_block_set_destroy(&st), 0);
}

static void sparse_arrays(const char *compat)
{
	struct khoser_sarray sa, sealed;
	struct khoser_sarray_it it;
	struct xarray xa;
	u64 idx, val = 1, n = 0;

	khoser_sarray_init(&sa);
	EXPECT(khoser_sarray_set_max_pages(&sa, 0), -EINVAL);
	EXPECT(khoser_sarray_set_max_pages(&sa, 16), 0);
	EXPECT(khoser_sarray_add(&sa, 1, 2), -EOPNOTSUPP);
	/* A failed add leaves the array unchanged. */
	EXPECT(khoser_sarray_entries(&sa), 0);
	EXPECT(khoser_sarray_pages(&sa), 0);
	EXPECT(khoser_sarray_head_pa(&sa), 0);
	EXPECT(khoser_sarray_is_incoming(&sa), false);
	EXPECT(khoser_sarray_get(&sa, 1, &val), -ENOENT);
	EXPECT(khoser_sarray_it_init(&it, &sa) == &it, true);
	EXPECT(khoser_sarray_it_next(&it, &idx, &val), false);
	khoser_sarray_it_seek(&it, 5);
	EXPECT(khoser_sarray_it_next(&it, &idx, &val), false);
	khoser_sarray_for_each(&sa, &it, idx, val)
		n++;
	EXPECT(n, 0);
	EXPECT(khoser_sarray_restore(&sa, PAGE_SIZE), -EOPNOTSUPP);
	EXPECT(khoser_sarray_lookup(&sa, NAME, compat), -EOPNOTSUPP);
	EXPECT(khoser_sarray_publish(&sa, NAME, compat), -EOPNOTSUPP);

	/* The xarray bridge: filling needs KHO, copying out does not. */
	xa_init(&xa);
	EXPECT(khoser_sarray_to_xarray(&sa, &xa), 0);
	EXPECT(xa_empty(&xa), true);
	EXPECT(xa_err(xa_store(&xa, 3, xa_mk_value(4), GFP_KERNEL)), 0);
	EXPECT(khoser_sarray_from_xarray(&sa, &xa), -EOPNOTSUPP);
	EXPECT(khoser_sarray_entries(&sa), 0);
	EXPECT(khoser_sarray_to_xarray(&sa, &xa), -EBUSY);
	xa_destroy(&xa);

	khoser_sarray_init(&sealed);
	EXPECT(khoser_sarray_seal(&sealed), 0);
	EXPECT(khoser_sarray_seal(&sealed), 0);
	EXPECT(khoser_sarray_add(&sealed, 1, 2), -EPERM);
	EXPECT(khoser_sarray_destroy(&sealed), 0);
	EXPECT(khoser_sarray_destroy(&sa), 0);
}

static void vbufs(const char *compat)
{
	struct khoser_vbuf vb;
	void *buf = vmalloc(PAGE_SIZE);

	if (!buf) {
		kt_failf("KHO off: no memory");
		return;
	}
	khoser_vbuf_init(&vb);
	EXPECT(khoser_vbuf_preserve(&vb, buf, PAGE_SIZE), -EOPNOTSUPP);
	/* A failed preserve leaves the vbuf idle. */
	EXPECT_NULL(khoser_vbuf_addr(&vb));
	EXPECT(khoser_vbuf_length(&vb), 0);
	EXPECT(khoser_vbuf_nchunks(&vb), 0);
	EXPECT(khoser_vbuf_meta_bytes(&vb), 0);
	EXPECT(khoser_vbuf_hdr_pa(&vb), 0);
	/*
	 * Publishing needs KHO and a preserved buffer, and without KHO there
	 * is none: either documented refusal is right.
	 */
	expect2("khoser_vbuf_publish(&vb, NAME, compat)",
		khoser_vbuf_publish(&vb, NAME, compat), -EOPNOTSUPP, -EINVAL);
	EXPECT(khoser_vbuf_restore(&vb, PAGE_SIZE), -EOPNOTSUPP);
	EXPECT(khoser_vbuf_lookup(&vb, NAME, compat), -EOPNOTSUPP);
	EXPECT_NULL(khoser_vbuf_take(&vb));
	EXPECT(khoser_vbuf_destroy(&vb), 0);
	vfree(buf);
}

static void root(const char *compat)
{
	phys_addr_t phys;
	u64 size;

	EXPECT(khoser_name_valid(NAME), 0);
	EXPECT(khoser_name_valid(""), -EINVAL);
	EXPECT(khoser_name_valid("Bad name"), -EINVAL);
	EXPECT(khoser_publish(NAME, compat, 0, 0), -EOPNOTSUPP);
	EXPECT(khoser_lookup(NAME, compat, &phys, &size), -EOPNOTSUPP);
	EXPECT(khoser_unpublish(NAME), -EOPNOTSUPP);
	EXPECT(khoser_release(NAME), -EOPNOTSUPP);
}

static void compatible_strings(void)
{
	static const char * const formats[] = {
		KHOSER_VBUF_COMPAT, KHOSER_BLOCK_COMPAT, KHOSER_SARRAY_COMPAT,
	};
	static const char * const twice[] = { "khoser-block-v1",
					      "khoser-block-v2" };
	static const char want[] = KT_OWNER "-v1;" KHOSER_BLOCK_COMPAT ";"
		KHOSER_SARRAY_COMPAT ";" KHOSER_VBUF_COMPAT;
	char buf[KHOSER_COMPAT_LEN], small[8];
	const char *f;
	unsigned int i;
	bool known[3] = {};

	EXPECT(khoser_compat_build(buf, sizeof(buf), KT_OWNER "-v1", formats,
				   ARRAY_SIZE(formats)), sizeof(want) - 1);
	EXPECT(strcmp(buf, want), 0);
	EXPECT(khoser_compat_build(small, sizeof(small), KT_OWNER "-v1",
				   formats, ARRAY_SIZE(formats)), -ENOSPC);
	EXPECT(khoser_compat_build(buf, sizeof(buf), KT_OWNER "-v1", twice,
				   ARRAY_SIZE(twice)), -EINVAL);
	EXPECT(khoser_compat_valid(want), 0);
	EXPECT(khoser_compat_valid("no version"), -EINVAL);
	EXPECT(khoser_compat_check(NAME, want, want), 0);
	EXPECT(khoser_compat_check(NAME, want, KT_OWNER "-v2;"
				   KHOSER_BLOCK_COMPAT), -EPROTO);
	EXPECT(khoser_compat_check(NAME, "no version", want), -EINVAL);
	EXPECT(khoser_compat_known(want), 0);
	EXPECT(khoser_compat_known(KT_OWNER "-v1;khoser-nosuch-v1"), -EINVAL);
	/* This build's formats: each valid, the three structures among them. */
	for (i = 0; (f = khoser_compat_format(i)) && i < 64; i++) {
		EXPECT(khoser_compat_valid(f), 0);
		known[0] |= !strcmp(f, KHOSER_BLOCK_COMPAT);
		known[1] |= !strcmp(f, KHOSER_SARRAY_COMPAT);
		known[2] |= !strcmp(f, KHOSER_VBUF_COMPAT);
	}
	EXPECT_NULL(khoser_compat_format(i));
	EXPECT(known[0] && known[1] && known[2], true);
}

/**
 * kt_api_unavailable - every export returns its documented result
 *
 * Return: 0 or -EBADMSG with kt_fail set.
 */
int kt_api_unavailable(void)
{
	char compat[KHOSER_COMPAT_LEN];

	kt_compat(compat, sizeof(compat), kt_ver);
	EXPECT(khoser_is_enabled(), false);
	EXPECT(khoser_is_kho_boot(), false);
	block_sets(compat);
	sparse_arrays(compat);
	vbufs(compat);
	root(compat);
	compatible_strings();
	if (kt_fail[0])
		return -EBADMSG;
	pr_info("KHO unavailable: every export returned its documented result\n");
	return 0;
}
