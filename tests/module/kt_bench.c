// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoser_test bench=1: figures measured in the guest, each next to a
 * baseline measured in the same boot, one line each:
 *
 *	khoser_test: bench <metric> <value> <unit> <baseline> <value>
 *
 * Boot 1 measures the preserving side and hands data over; boot 2 measures
 * the restoring side. The sizes are parameters (tests/bench/run.sh passes
 * small ones for its quick run); the metric names carry them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/moduleparam.h>
#include "kt.h"

static ulong bench_blocks = 10000;
module_param(bench_blocks, ulong, 0444);
MODULE_PARM_DESC(bench_blocks, "bench=1: blocks grown, handed over and restored");

static unsigned int bench_vbuf_mb[2] = { 64, 256 };
static int n_bench_vbuf_mb = 2;
module_param_array(bench_vbuf_mb, uint, &n_bench_vbuf_mb, 0444);
MODULE_PARM_DESC(bench_vbuf_mb, "bench=1: vbuf sizes in MiB (two)");

static ulong bench_sa = 1000000;
module_param(bench_sa, ulong, 0444);
MODULE_PARM_DESC(bench_sa, "bench=1: sparse-array entries and lookups");

/*
 * The baselines are the kernel's own KHO calls, so the benchmarks need the
 * KHO API (kt_probe.h); trees without it build a stub.
 */
#if KT_KHO_API
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/kho/abi/kexec_handover.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>
#include <khoser/sarray.h>
#include <khoser/vbuf.h>

#define BENCH_REPS	5

static struct khoser_block_set chain, raw;
static bool chain_used, raw_used;

#define NVB 2
static struct khoser_vbuf bvb[NVB];
static bool bvb_used[NVB];
static void *bvb_mem[NVB], *bkv_mem[NVB];
static struct kho_vmalloc *bkv[NVB];

/*
 * Log one figure (values in hundredths): metric, value, unit, baseline
 * name, baseline value.
 */
static void bench_line(const char *metric, u64 value_x100, const char *unit,
		       const char *base, u64 base_x100)
{
	pr_info("bench %s %llu.%02llu %s %s %llu.%02llu\n", metric,
		value_x100 / 100, value_x100 % 100, unit, base,
		base_x100 / 100, base_x100 % 100);
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static u64 median(u64 *v, int n)
{
	sort(v, n, sizeof(*v), cmp_u64, NULL);
	return v[n / 2];
}

/* Boot 1: grow (us/block) vs raw kho_alloc_preserve (us/page). */
static int bench_grow(void)
{
	u64 grow[BENCH_REPS], alloc[BENCH_REPS], t;
	struct khoser_block_set_it it;
	char compat[KHOSER_COMPAT_LEN];
	void **pages;
	unsigned long i;
	int r, err;

	pages = kvcalloc(bench_blocks, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	chain_used = true;
	for (r = 0; r < BENCH_REPS; r++) {
		khoser_block_set_init(&chain, 4080);
		t = ktime_get_ns();
		err = khoser_block_set_grow(&chain, bench_blocks);
		grow[r] = ktime_get_ns() - t;
		if (err)
			goto out;
		if (r < BENCH_REPS - 1)
			khoser_block_set_destroy(&chain);

		t = ktime_get_ns();
		for (i = 0; i < bench_blocks; i++) {
			pages[i] = kho_alloc_preserve(PAGE_SIZE);
			if (IS_ERR(pages[i]))
				break;
		}
		alloc[r] = ktime_get_ns() - t;
		while (i--)
			kho_unpreserve_free(pages[i]);
	}
	bench_line("block_grow", median(grow, BENCH_REPS) / (bench_blocks * 10),
		   "us/block", "kho_alloc_preserve",
		   median(alloc, BENCH_REPS) / (bench_blocks * 10));

	/* Hand over the last grown chain, full, and raw pages for boot 2. */
	khoser_block_set_it_init(&it, &chain);
	for (i = 0; i < bench_blocks; i++)
		*(u64 *)khoser_block_set_it_reserve_entry(&it) = i;
	kt_compat(compat, sizeof(compat), kt_ver);
	err = khoser_block_set_publish(&chain, "bench-chain", compat);
	if (err)
		goto out;
	khoser_block_set_init(&raw, sizeof(u64));
	raw_used = true;
	err = khoser_block_set_grow(&raw, bench_blocks);
	if (err)
		goto out;
	khoser_block_set_it_init(&it, &raw);
	for (i = 0; i < bench_blocks; i++) {
		pages[i] = kho_alloc_preserve(PAGE_SIZE);
		if (IS_ERR(pages[i])) {
			err = PTR_ERR(pages[i]);
			goto out;
		}
		*(u64 *)khoser_block_set_it_reserve_entry(&it) =
			virt_to_phys(pages[i]);
	}
	err = khoser_block_set_publish(&raw, "bench-raw", compat);
	if (!err)
		goto out;
	while (i--)
		kho_unpreserve_free(pages[i]);
out:
	kvfree(pages);
	return err;
}

/* Boot 2: lookup + validate a 10,000-block chain vs bare page restores. */
static int bench_restore(void)
{
	char compat[KHOSER_COMPAT_LEN];
	struct khoser_block_set_it it;
	u64 t, chain_ns, raw_ns, *pa;
	struct folio *folio;
	unsigned long n = 0;
	char name[40];
	int err;

	kt_compat(compat, sizeof(compat), kt_ver);
	khoser_block_set_init(&raw, sizeof(u64));
	err = khoser_block_set_lookup(&raw, "bench-raw", compat);
	if (err)
		return err;
	t = ktime_get_ns();
	khoser_block_set_it_init(&it, &raw);
	while ((pa = khoser_block_set_it_read_entry(&it))) {
		folio = kho_restore_folio(*pa);
		if (!folio)
			return -EINVAL;
		folio_put(folio);
		n++;
	}
	raw_ns = ktime_get_ns() - t;

	khoser_block_set_init(&chain, 4080);
	t = ktime_get_ns();
	err = khoser_block_set_lookup(&chain, "bench-chain", compat);
	chain_ns = ktime_get_ns() - t;
	if (err)
		return err;
	if (n != bench_blocks ||
	    khoser_block_set_entries(&chain) != bench_blocks)
		return -EBADMSG;
	snprintf(name, sizeof(name), "block_restore_%lu", bench_blocks);
	bench_line(name, chain_ns * 100 / bench_blocks, "ns/block",
		   "kho_restore_folio", raw_ns * 100 / n);
	kt_api_result();
	kt_api_result();
	khoser_block_set_destroy(&chain);
	khoser_block_set_destroy(&raw);
	khoser_release("bench-chain");
	khoser_release("bench-raw");
	return 0;
}

static u64 kv_meta_bytes(const struct kho_vmalloc *kv)
{
	const struct kho_vmalloc_chunk *c;
	u64 n = 0;

	for (c = kv->first.phys ? phys_to_virt(kv->first.phys) : NULL; c;
	     c = c->hdr.next.phys ? phys_to_virt(c->hdr.next.phys) : NULL)
		n++;
	return n * PAGE_SIZE;
}

/* Boot 1: khoser_vbuf_preserve() vs kho_preserve_vmalloc(), same sizes. */
static int bench_vbuf_preserve(void)
{
	u64 ours[BENCH_REPS], theirs[BENCH_REPS], t, len, mine, kmeta;
	char compat[KHOSER_COMPAT_LEN], vcompat[KHOSER_COMPAT_LEN], name[32];
	int s, r, err;

	kt_compat(compat, sizeof(compat), kt_ver);
	for (s = 0; s < NVB; s++) {
		len = (u64)bench_vbuf_mb[s] << 20;
		bvb_mem[s] = vmalloc(len);
		bkv_mem[s] = vmalloc(len);
		bkv[s] = kho_alloc_preserve(PAGE_SIZE);
		if (!bvb_mem[s] || !bkv_mem[s] || IS_ERR(bkv[s])) {
			if (IS_ERR(bkv[s]))
				bkv[s] = NULL;
			return -ENOMEM;
		}
		memset(bvb_mem[s], 0x5a, len);
		memset(bkv_mem[s], 0x5a, len);
		*(u64 *)bvb_mem[s] = kt_word(500, s, 0);
		*(u64 *)bkv_mem[s] = kt_word(501, s, 0);
		bvb_used[s] = true;
		for (r = 0; r < BENCH_REPS; r++) {
			khoser_vbuf_init(&bvb[s]);
			t = ktime_get_ns();
			err = khoser_vbuf_preserve(&bvb[s], bvb_mem[s], len);
			ours[r] = ktime_get_ns() - t;
			if (err)
				return err;
			t = ktime_get_ns();
			err = kho_preserve_vmalloc(bkv_mem[s], bkv[s]);
			theirs[r] = ktime_get_ns() - t;
			if (err)
				return err;
			if (r == BENCH_REPS - 1)
				break;
			khoser_vbuf_destroy(&bvb[s]);
			kho_unpreserve_vmalloc(bkv[s]);
		}
		snprintf(name, sizeof(name), "vbuf_preserve_%um", bench_vbuf_mb[s]);
		bench_line(name, median(ours, BENCH_REPS) / 10, "us",
			   "kho_preserve_vmalloc",
			   median(theirs, BENCH_REPS) / 10);
		mine = khoser_vbuf_meta_bytes(&bvb[s]);
		kmeta = kv_meta_bytes(bkv[s]);
		snprintf(name, sizeof(name), "vbuf_meta_%um", bench_vbuf_mb[s]);
		bench_line(name, (mine << 10) * 100 / bench_vbuf_mb[s], "B/GiB",
			   "kho_vmalloc", (kmeta << 10) * 100 / bench_vbuf_mb[s]);
		snprintf(name, sizeof(name), "bench-vb%u", bench_vbuf_mb[s]);
		/* It names the format khoser writes the chunk list in. */
		kt_compat_fmt(vcompat, sizeof(vcompat), kt_ver,
			      kt_write_format);
		err = khoser_vbuf_publish(&bvb[s], name, vcompat);
		if (err)
			return err;
		snprintf(name, sizeof(name), "bench-kv%u", bench_vbuf_mb[s]);
		err = khoser_publish(name, compat, virt_to_phys(bkv[s]),
				     sizeof(*bkv[s]));
		if (err)
			return err;
	}
	return 0;
}

/* Boot 2: khoser_vbuf_lookup() (restore + vmap) vs kho_restore_vmalloc(). */
static int bench_vbuf_restore(void)
{
	char compat[KHOSER_COMPAT_LEN], vcompat[KHOSER_COMPAT_LEN], name[32];
	struct khoser_vbuf vb;
	struct folio *folio;
	phys_addr_t phys;
	u64 t, ours, theirs, size;
	void *p;
	int s, err;

	kt_compat(compat, sizeof(compat), kt_ver);
	kt_compat_fmt(vcompat, sizeof(vcompat), kt_ver, KT_BLOCK_ANY);
	for (s = 0; s < NVB; s++) {
		snprintf(name, sizeof(name), "bench-vb%u", bench_vbuf_mb[s]);
		khoser_vbuf_init(&vb);
		t = ktime_get_ns();
		err = khoser_vbuf_lookup(&vb, name, vcompat);
		ours = ktime_get_ns() - t;
		if (err)
			return err;
		if (*(u64 *)khoser_vbuf_addr(&vb) != kt_word(500, s, 0))
			return -EBADMSG;
		khoser_vbuf_destroy(&vb);
		khoser_release(name);

		snprintf(name, sizeof(name), "bench-kv%u", bench_vbuf_mb[s]);
		err = khoser_lookup(name, compat, &phys, &size);
		if (err)
			return err;
		folio = kho_restore_folio(phys);
		if (!folio || size != sizeof(struct kho_vmalloc))
			return -EINVAL;
		t = ktime_get_ns();
		p = kho_restore_vmalloc(folio_address(folio));
		theirs = ktime_get_ns() - t;
		folio_put(folio);
		khoser_release(name);
		if (!p)
			return -EINVAL;
		if (*(u64 *)p != kt_word(501, s, 0))
			return -EBADMSG;
		vfree(p);
		snprintf(name, sizeof(name), "vbuf_restore_%um", bench_vbuf_mb[s]);
		bench_line(name, ours / 10, "us", "kho_restore_vmalloc",
			   theirs / 10);
		kt_api_result();
		kt_api_result();
	}
	return 0;
}

static u64 sa_idx(u64 i)
{
	/* Ascending, isolated, irregular: about a 1.5% fill. */
	return i * 64 + (kt_word(600, i, 0) & 31);
}

/* Sparse array vs xarray: the same indices and values, same boot. */
static int bench_sarray(void)
{
	u64 t, sa_store, xa_store_ns, sa_get, xa_get, i, v, sum = 0;
	struct khoser_sarray sa;
	struct xarray xa;
	void *e;
	int err = 0;

	khoser_sarray_init(&sa);
	xa_init(&xa);
	t = ktime_get_ns();
	for (i = 0; i < bench_sa && !err; i++)
		err = khoser_sarray_add(&sa, sa_idx(i), i);
	sa_store = ktime_get_ns() - t;
	if (!err)
		err = khoser_sarray_seal(&sa);
	t = ktime_get_ns();
	for (i = 0; i < bench_sa && !err; i++)
		err = xa_err(xa_store(&xa, sa_idx(i), xa_mk_value(i),
				      GFP_KERNEL));
	xa_store_ns = ktime_get_ns() - t;
	if (err)
		goto out;

	t = ktime_get_ns();
	for (i = 0; i < bench_sa; i++) {
		if (khoser_sarray_get(&sa, sa_idx(kt_word(601, i, 0) % bench_sa),
				      &v)) {
			err = -EBADMSG;
			goto out;
		}
		sum += v;
	}
	sa_get = ktime_get_ns() - t;
	t = ktime_get_ns();
	for (i = 0; i < bench_sa; i++) {
		e = xa_load(&xa, sa_idx(kt_word(601, i, 0) % bench_sa));
		if (!xa_is_value(e)) {
			err = -EBADMSG;
			goto out;
		}
		sum -= xa_to_value(e);
	}
	xa_get = ktime_get_ns() - t;
	if (sum) {
		err = -EBADMSG;		/* the two disagreed */
		goto out;
	}
	bench_line("sarray_store", sa_store * 100 / bench_sa, "ns/entry",
		   "xa_store", xa_store_ns * 100 / bench_sa);
	bench_line("sarray_lookup", sa_get * 100 / bench_sa, "ns/op",
		   "xa_load", xa_get * 100 / bench_sa);
	bench_line("sarray_bytes", khoser_sarray_pages(&sa) * PAGE_SIZE *
		   100 / bench_sa, "B/entry", "rfc_kho_array_isolated",
		   PAGE_SIZE * 100);
out:
	xa_destroy(&xa);
	khoser_sarray_destroy(&sa);
	return err;
}

/**
 * kt_bench - run this boot's half of the benchmarks
 *
 * Return: 0 or an errno (kt_fail is set).
 */
int kt_bench(void)
{
	int err;

	if (n_bench_vbuf_mb != NVB || !bench_blocks || !bench_sa) {
		kt_failf("bench: give two vbuf sizes and non-zero counts");
		return -EINVAL;
	}
	if (khoser_is_kho_boot()) {
		err = bench_restore();
		if (!err)
			err = bench_vbuf_restore();
	} else {
		err = bench_grow();
		if (!err)
			err = bench_sarray();
		if (!err)
			err = bench_vbuf_preserve();
	}

	if (err)
		kt_failf("bench: error %d", err);
	return err;
}

/**
 * kt_bench_cleanup - free what boot 1 kept for the handover (module unload)
 */
void kt_bench_cleanup(void)
{
	char name[32];
	int s;

	if (khoser_block_set_is_incoming(&chain))
		return;
	khoser_unpublish("bench-chain");
	khoser_unpublish("bench-raw");
	for (s = 0; s < NVB; s++) {
		snprintf(name, sizeof(name), "bench-vb%u", bench_vbuf_mb[s]);
		khoser_unpublish(name);
		snprintf(name, sizeof(name), "bench-kv%u", bench_vbuf_mb[s]);
		khoser_unpublish(name);
		if (bvb_used[s])
			khoser_vbuf_destroy(&bvb[s]);
		if (bkv[s]) {
			if (bkv[s]->total_pages)
				kho_unpreserve_vmalloc(bkv[s]);
			kho_unpreserve_free(bkv[s]);
		}
		vfree(bvb_mem[s]);
		vfree(bkv_mem[s]);
	}
	if (chain_used)
		khoser_block_set_destroy(&chain);
	if (raw_used)
		khoser_block_set_destroy(&raw);
}

#else /* !KT_KHO_API */

int kt_bench(void)
{
	kt_failf("bench: this kernel has no KHO API");
	return -EOPNOTSUPP;
}

void kt_bench_cleanup(void)
{
}

#endif /* KT_KHO_API */
