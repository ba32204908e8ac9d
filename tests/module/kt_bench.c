// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoser_test bench=1: figures measured in the guest, each next to a
 * baseline measured in the same boot, one line each:
 *
 *	khoser_test: bench <metric> <value> <unit> <baseline> <value>
 *
 * Boot 1 measures the preserving side and hands data over; boot 2 measures
 * the restoring side.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/sort.h>
#include "kt.h"

#define BENCH_BLOCKS	10000UL
#define BENCH_REPS	5

static struct khoser_block_set chain, raw;

/**
 * kt_bench_line - log one figure (values in hundredths)
 * @metric:    name
 * @value_x100: value times 100
 * @unit:      unit
 * @base:      baseline name
 * @base_x100: baseline value times 100
 */
void kt_bench_line(const char *metric, u64 value_x100, const char *unit,
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

	pages = kvcalloc(BENCH_BLOCKS, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	for (r = 0; r < BENCH_REPS; r++) {
		khoser_block_set_init(&chain, 4080);
		t = ktime_get_ns();
		err = khoser_block_set_grow(&chain, BENCH_BLOCKS);
		grow[r] = ktime_get_ns() - t;
		if (err)
			goto out;
		if (r < BENCH_REPS - 1)
			khoser_block_set_destroy(&chain);

		t = ktime_get_ns();
		for (i = 0; i < BENCH_BLOCKS; i++) {
			pages[i] = kho_alloc_preserve(PAGE_SIZE);
			if (IS_ERR(pages[i]))
				break;
		}
		alloc[r] = ktime_get_ns() - t;
		while (i--)
			kho_unpreserve_free(pages[i]);
	}
	kt_bench_line("block_grow", median(grow, BENCH_REPS) / (BENCH_BLOCKS * 10),
		      "us/block", "kho_alloc_preserve",
		      median(alloc, BENCH_REPS) / (BENCH_BLOCKS * 10));

	/* Hand over the last grown chain, full, and raw pages for boot 2. */
	khoser_block_set_it_init(&it, &chain);
	for (i = 0; i < BENCH_BLOCKS; i++)
		*(u64 *)khoser_block_set_it_reserve_entry(&it) = i;
	kt_compat(compat, sizeof(compat), kt_ver);
	err = khoser_block_set_publish(&chain, "bench-chain", compat);
	if (err)
		goto out;
	khoser_block_set_init(&raw, sizeof(u64));
	err = khoser_block_set_grow(&raw, BENCH_BLOCKS);
	if (err)
		goto out;
	khoser_block_set_it_init(&it, &raw);
	for (i = 0; i < BENCH_BLOCKS; i++) {
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
	if (n != BENCH_BLOCKS || chain.nblocks != BENCH_BLOCKS)
		return -EBADMSG;
	kt_bench_line("block_restore_10000", chain_ns * 100 / BENCH_BLOCKS,
		      "ns/block", "kho_restore_folio", raw_ns * 100 / n);
	kt_checks += 2;
	khoser_block_set_destroy(&chain);
	khoser_block_set_destroy(&raw);
	khoser_release("bench-chain");
	khoser_release("bench-raw");
	return 0;
}

/**
 * kt_bench - run this boot's half of the benchmarks
 *
 * Return: 0 or an errno (kt_fail is set).
 */
int kt_bench(void)
{
	int err = khoser_is_kho_boot() ? bench_restore() : bench_grow();

	if (err)
		kt_failf("bench: error %d", err);
	return err;
}

/**
 * kt_bench_cleanup - free what boot 1 kept for the handover (module unload)
 */
void kt_bench_cleanup(void)
{
	if (khoser_block_set_is_incoming(&chain))
		return;
	khoser_unpublish("bench-chain");
	khoser_unpublish("bench-raw");
	if (chain.state)
		khoser_block_set_destroy(&chain);
	if (raw.state)
		khoser_block_set_destroy(&raw);
}
