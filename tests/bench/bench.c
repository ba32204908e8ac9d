// SPDX-License-Identifier: GPL-2.0-only
/*
 * Userspace benchmarks of khoser's shared sources (built as for the unit
 * tests, optimized, no sanitizers), each next to its baseline measured in
 * the same run. One tab-separated line per figure:
 *
 *	metric	value	unit	baseline_name	baseline_value	ratio
 *
 * Timings are medians of 7 runs. With --icount, the figures that must be
 * stable are instruction counts (run under callgrind, see run.sh). With
 * --quick, the same code runs on small sizes, 3 runs each: a smoke test of
 * the figures, not a measurement.
 */
#include <time.h>
#include <valgrind/callgrind.h>
#include "../unit/shim/kshim.h"
#include <linux/kexec_handover.h>
#include <khoser/khoser.h>
#include "../../src/internal.h"
#include <khoser/sarray.h>

#define MAX_REPS	7

/* Sizes: full, or --quick (small, same code paths). */
static int reps = MAX_REPS;
static u64 entries = 1000000;
static u64 chain_blocks = 10000;
static u64 sa_scale = 1;		/* sparse-array counts divided by this */

static volatile u64 sink;

static u64 test_rand64(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static void line(const char *metric, double value, const char *unit,
		 const char *base, double base_value)
{
	printf("%s\t%.2f\t%s\t%s\t%.2f\t%.3f\n", metric, value, unit, base,
	       base_value, base_value ? value / base_value : 0.0);
}

static void boot(void)
{
	shim_boot(true);
	if (khoser_core_init())
		abort();
}

/* Append and read @entries entries of @esz bytes, set vs flat buffer. */
static void bench_block_io(u32 esz)
{
	double app[MAX_REPS], flat_app[MAX_REPS], rd[MAX_REPS];
	double flat_rd[MAX_REPS], bapp[MAX_REPS], brd[MAX_REPS], t;
	u64 got, k;
	struct khoser_block_set bs;
	struct khoser_block_set_it it;
	u8 *src, *flat, *e;
	char name[64];
	u64 i, sum;
	int r;

	src = malloc(esz * 4096);
	flat = malloc(esz * entries);
	if (!src || !flat)
		abort();
	for (i = 0; i < esz * 4096; i++)
		src[i] = (u8)(i * 131);
	for (r = 0; r < reps; r++) {
		boot();
		if (khoser_block_set_init(&bs, esz) ||
		    khoser_block_set_set_max_blocks(&bs, 1UL << 20) ||
		    khoser_block_set_grow(&bs, entries))
			abort();
		/* Touch every block once so both sides write to warm pages. */
		khoser_block_set_it_init(&it, &bs);
		for (i = 0; i < entries; i++)
			memset(khoser_block_set_it_reserve_entry(&it), 0, esz);
		memset(flat, 0, esz * entries);

		khoser_block_set_it_init(&it, &bs);
		t = now_ns();
		for (i = 0; i < entries; i++)
			memcpy(khoser_block_set_it_reserve_entry(&it),
			       src + (i & 4095) * esz, esz);
		app[r] = (now_ns() - t) / entries;

		t = now_ns();
		for (i = 0; i < entries; i++)
			memcpy(flat + i * esz, src + (i & 4095) * esz, esz);
		flat_app[r] = (now_ns() - t) / entries;

		khoser_block_set_it_init(&it, &bs);
		sum = 0;
		t = now_ns();
		while ((e = khoser_block_set_it_read_entry(&it)))
			sum += *(u64 *)e + *(u64 *)(e + esz - 8);
		rd[r] = (now_ns() - t) / entries;
		sink = sum;

		/* The same through the batch calls: one call per block. */
		khoser_block_set_clear(&bs);
		khoser_block_set_it_init(&it, &bs);
		t = now_ns();
		for (i = 0; i < entries; i += got) {
			e = khoser_block_set_it_reserve_batch(&it, entries - i,
							      &got);
			for (k = 0; k < got; k++)
				memcpy(e + k * esz, src + ((i + k) & 4095) * esz,
				       esz);
		}
		bapp[r] = (now_ns() - t) / entries;
		khoser_block_set_it_init(&it, &bs);
		sum = 0;
		t = now_ns();
		while ((e = khoser_block_set_it_read_batch(&it, entries, &got)))
			for (k = 0; k < got; k++, e += esz)
				sum += *(u64 *)e + *(u64 *)(e + esz - 8);
		brd[r] = (now_ns() - t) / entries;
		sink += sum;

		sum = 0;
		t = now_ns();
		for (i = 0; i < entries; i++) {
			e = flat + i * esz;
			sum += *(u64 *)e + *(u64 *)(e + esz - 8);
		}
		flat_rd[r] = (now_ns() - t) / entries;
		sink += sum;
		khoser_block_set_destroy(&bs);
		khoser_core_exit();
	}
	snprintf(name, sizeof(name), "block_append_%ub", esz);
	line(name, median(app, reps), "ns/entry", "flat_memcpy",
	     median(flat_app, reps));
	snprintf(name, sizeof(name), "block_read_%ub", esz);
	line(name, median(rd, reps), "ns/entry", "flat_read",
	     median(flat_rd, reps));
	snprintf(name, sizeof(name), "block_append_batch_%ub", esz);
	line(name, median(bapp, reps), "ns/entry", "flat_memcpy",
	     median(flat_app, reps));
	snprintf(name, sizeof(name), "block_read_batch_%ub", esz);
	line(name, median(brd, reps), "ns/entry", "flat_read",
	     median(flat_rd, reps));
	free(src);
	free(flat);
}

/* A published chain of @chain_blocks blocks after kexec; returns its head. */
static u64 chain_after_kexec(void)
{
	struct khoser_block_set bs;
	struct khoser_block_set_it it;
	u64 i, n = chain_blocks * KHOSER_BLOCK_CAPACITY(4080);

	boot();
	if (khoser_block_set_init(&bs, 4080) || khoser_block_set_grow(&bs, n))
		abort();
	khoser_block_set_it_init(&it, &bs);
	for (i = 0; i < n; i++)
		*(u64 *)khoser_block_set_it_reserve_entry(&it) = i;
	i = bs.head_pa;
	shim_kexec(true);
	if (khoser_core_init())
		abort();
	return i;
}

/* What any reader must do at least: follow the chain, read each count. */
static u64 bare_walk(u64 pa)
{
	const struct khoser_block_hdr *h;
	u64 n = 0;

	while (pa) {
		h = phys_to_virt(pa);
		n += h->count;
		pa = h->next;
	}
	return n;
}

/* Restore validation of a 10,000-block chain (claim, check, link). */
static void bench_restore(bool icount)
{
	struct khoser_block_set bs;
	double v[MAX_REPS], t;
	char name[64];
	u64 head;
	int r;

	for (r = 0; r < (icount ? 1 : reps); r++) {
		head = chain_after_kexec();
		khoser_block_set_init(&bs, 4080);
		CALLGRIND_ZERO_STATS;
		CALLGRIND_START_INSTRUMENTATION;
		t = now_ns();
		if (khoser_block_set_restore(&bs, head))
			abort();
		v[r] = (now_ns() - t) / chain_blocks;
		CALLGRIND_STOP_INSTRUMENTATION;
		CALLGRIND_DUMP_STATS_AT("restore");
		khoser_block_set_destroy(&bs);
		khoser_core_exit();
	}
	snprintf(name, sizeof(name), "block_restore_%llu",
		 (unsigned long long)chain_blocks);
	if (!icount)
		line(name, median(v, reps), "ns/block", "target", 50);
}

enum { SA_DENSE, SA_RANDOM1, SA_STRIDE20, SA_EXTREMES };

static u64 sa_pattern(int p, u64 i, u64 *state)
{
	switch (p) {
	case SA_DENSE:
		return i;
	case SA_RANDOM1:	/* about 1 in 100, ascending */
		return i * 100 + test_rand64(state) % 100;
	case SA_STRIDE20:
		return i << 20;
	default:		/* 1000 at each end of the index range */
		return i < 1000 ? i : U64_MAX - 1999 + i;
	}
}

/*
 * Bytes per entry of a sparse array, against the 8-byte floor and the RFC
 * "KHO array" layout: values in 4 KiB pages of 512 consecutive indices, so
 * every 512-index window that holds an entry costs a whole page.
 */
static void bench_sarray_bytes(void)
{
	static const char * const names[] = { "dense", "random_1pct",
					      "stride_2^20", "range_extremes" };
	static const u64 full[] = { 1000000, 1000000, 100000, 2000 };
	struct khoser_sarray sa;
	u64 st, i, idx, windows, last;
	char name[64];
	int p;

	for (p = SA_DENSE; p <= SA_EXTREMES; p++) {
		u64 count = full[p] / sa_scale;

		boot();
		khoser_sarray_init(&sa);
		st = 0x9e3779b97f4a7c15ULL;
		windows = 0;
		last = ~0ULL;
		for (i = 0; i < count; i++) {
			idx = sa_pattern(p, i, &st);
			if (khoser_sarray_add(&sa, idx, i))
				abort();
			if (idx >> 9 != last)
				windows++;
			last = idx >> 9;
		}
		if (khoser_sarray_seal(&sa))
			abort();
		snprintf(name, sizeof(name), "sarray_bytes_%s", names[p]);
		line(name, (double)khoser_sarray_pages(&sa) * PAGE_SIZE /
		     count, "B/entry", "rfc_kho_array",
		     (double)windows * 4096 / count);
		if (p == SA_DENSE)
			line("sarray_bytes_dense_floor",
			     (double)khoser_sarray_pages(&sa) * PAGE_SIZE /
			     count, "B/entry", "u64_floor", 8);
		khoser_sarray_destroy(&sa);
		khoser_core_exit();
	}
}

int main(int argc, char **argv)
{
	static const u32 sizes[] = { 8, 64, 512 };
	bool icount = false;
	unsigned int s;
	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--icount")) {
			icount = true;
		} else if (!strcmp(argv[a], "--quick")) {
			reps = 3;
			entries = 20000;
			chain_blocks = 500;
			sa_scale = 50;
		} else {
			fprintf(stderr, "usage: bench [--quick] [--icount]\n");
			return 2;
		}
	}

	if (icount) {
		/* Under callgrind: two dumps, "restore" then "bare_walk". */
		u64 head;

		bench_restore(true);
		head = chain_after_kexec();
		CALLGRIND_ZERO_STATS;
		CALLGRIND_START_INSTRUMENTATION;
		sink = bare_walk(head);
		CALLGRIND_STOP_INSTRUMENTATION;
		CALLGRIND_DUMP_STATS_AT("bare_walk");
		return 0;
	}
	for (s = 0; s < ARRAY_SIZE(sizes); s++)
		bench_block_io(sizes[s]);
	bench_restore(false);
	bench_sarray_bytes();
	shim_fini();
	return 0;
}
