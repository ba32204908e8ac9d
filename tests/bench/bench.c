// SPDX-License-Identifier: GPL-2.0-only
/*
 * Userspace benchmarks of khoser's shared sources (built as for the unit
 * tests, optimized, no sanitizers), each next to its baseline measured in
 * the same run. One tab-separated line per figure:
 *
 *	metric	value	unit	baseline_name	baseline_value	ratio
 *
 * Timings are medians of REPS runs. With --icount, the figures that must be
 * stable are instruction counts (run under callgrind, see run.sh).
 */
#include <time.h>
#include <valgrind/callgrind.h>
#include "../unit/shim/kshim.h"
#include <linux/kexec_handover.h>
#include "../../src/internal.h"
#include <khoser/sarray.h>

#define REPS		7
#define ENTRIES		1000000UL
#define CHAIN_BLOCKS	10000UL

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

/* Append and read @ENTRIES entries of @esz bytes, set vs flat buffer. */
static void bench_block_io(u32 esz)
{
	double app[REPS], flat_app[REPS], rd[REPS], flat_rd[REPS], t;
	double bapp[REPS], brd[REPS];
	u64 got, k;
	struct khoser_block_set bs;
	struct khoser_block_set_it it;
	u8 *src, *flat, *e;
	char name[64];
	u64 i, sum;
	int r;

	src = malloc(esz * 4096);
	flat = malloc(esz * ENTRIES);
	if (!src || !flat)
		abort();
	for (i = 0; i < esz * 4096; i++)
		src[i] = (u8)(i * 131);
	for (r = 0; r < REPS; r++) {
		boot();
		if (khoser_block_set_init(&bs, esz) ||
		    khoser_block_set_set_max_blocks(&bs, 1UL << 20) ||
		    khoser_block_set_grow(&bs, ENTRIES))
			abort();
		/* Touch every block once so both sides write to warm pages. */
		khoser_block_set_it_init(&it, &bs);
		for (i = 0; i < ENTRIES; i++)
			memset(khoser_block_set_it_reserve_entry(&it), 0, esz);
		memset(flat, 0, esz * ENTRIES);

		khoser_block_set_it_init(&it, &bs);
		t = now_ns();
		for (i = 0; i < ENTRIES; i++)
			memcpy(khoser_block_set_it_reserve_entry(&it),
			       src + (i & 4095) * esz, esz);
		app[r] = (now_ns() - t) / ENTRIES;

		t = now_ns();
		for (i = 0; i < ENTRIES; i++)
			memcpy(flat + i * esz, src + (i & 4095) * esz, esz);
		flat_app[r] = (now_ns() - t) / ENTRIES;

		khoser_block_set_it_init(&it, &bs);
		sum = 0;
		t = now_ns();
		while ((e = khoser_block_set_it_read_entry(&it)))
			sum += *(u64 *)e + *(u64 *)(e + esz - 8);
		rd[r] = (now_ns() - t) / ENTRIES;
		sink = sum;

		/* The same through the batch calls: one call per block. */
		khoser_block_set_clear(&bs);
		khoser_block_set_it_init(&it, &bs);
		t = now_ns();
		for (i = 0; i < ENTRIES; i += got) {
			e = khoser_block_set_it_reserve_batch(&it, ENTRIES - i,
							      &got);
			for (k = 0; k < got; k++)
				memcpy(e + k * esz, src + ((i + k) & 4095) * esz,
				       esz);
		}
		bapp[r] = (now_ns() - t) / ENTRIES;
		khoser_block_set_it_init(&it, &bs);
		sum = 0;
		t = now_ns();
		while ((e = khoser_block_set_it_read_batch(&it, ENTRIES, &got)))
			for (k = 0; k < got; k++, e += esz)
				sum += *(u64 *)e + *(u64 *)(e + esz - 8);
		brd[r] = (now_ns() - t) / ENTRIES;
		sink += sum;

		sum = 0;
		t = now_ns();
		for (i = 0; i < ENTRIES; i++) {
			e = flat + i * esz;
			sum += *(u64 *)e + *(u64 *)(e + esz - 8);
		}
		flat_rd[r] = (now_ns() - t) / ENTRIES;
		sink += sum;
		khoser_block_set_destroy(&bs);
		khoser_core_exit();
	}
	snprintf(name, sizeof(name), "block_append_%ub", esz);
	line(name, median(app, REPS), "ns/entry", "flat_memcpy",
	     median(flat_app, REPS));
	snprintf(name, sizeof(name), "block_read_%ub", esz);
	line(name, median(rd, REPS), "ns/entry", "flat_read",
	     median(flat_rd, REPS));
	snprintf(name, sizeof(name), "block_append_batch_%ub", esz);
	line(name, median(bapp, REPS), "ns/entry", "flat_memcpy",
	     median(flat_app, REPS));
	snprintf(name, sizeof(name), "block_read_batch_%ub", esz);
	line(name, median(brd, REPS), "ns/entry", "flat_read",
	     median(flat_rd, REPS));
	free(src);
	free(flat);
}

/* A published chain of @CHAIN_BLOCKS blocks after kexec; returns its head. */
static u64 chain_after_kexec(void)
{
	struct khoser_block_set bs;
	struct khoser_block_set_it it;
	u64 i, n = CHAIN_BLOCKS * KHOSER_BLOCK_CAPACITY(4080);

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
	double v[REPS], t;
	u64 head;
	int r;

	for (r = 0; r < (icount ? 1 : REPS); r++) {
		head = chain_after_kexec();
		khoser_block_set_init(&bs, 4080);
		CALLGRIND_ZERO_STATS;
		CALLGRIND_START_INSTRUMENTATION;
		t = now_ns();
		if (khoser_block_set_restore(&bs, head))
			abort();
		v[r] = (now_ns() - t) / CHAIN_BLOCKS;
		CALLGRIND_STOP_INSTRUMENTATION;
		CALLGRIND_DUMP_STATS_AT("restore");
		khoser_block_set_destroy(&bs);
		khoser_core_exit();
	}
	if (!icount)
		line("block_restore_10000", median(v, REPS), "ns/block",
		     "target", 50);
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
	static const u64 counts[] = { 1000000, 1000000, 100000, 2000 };
	struct khoser_sarray sa;
	u64 st, i, idx, windows, last;
	char name[64];
	int p;

	for (p = SA_DENSE; p <= SA_EXTREMES; p++) {
		boot();
		khoser_sarray_init(&sa);
		st = 0x9e3779b97f4a7c15ULL;
		windows = 0;
		last = ~0ULL;
		for (i = 0; i < counts[p]; i++) {
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
		     counts[p], "B/entry", "rfc_kho_array",
		     (double)windows * 4096 / counts[p]);
		if (p == SA_DENSE)
			line("sarray_bytes_dense_floor",
			     (double)khoser_sarray_pages(&sa) * PAGE_SIZE /
			     counts[p], "B/entry", "u64_floor", 8);
		khoser_sarray_destroy(&sa);
		khoser_core_exit();
	}
}

int main(int argc, char **argv)
{
	bool icount = argc > 1 && !strcmp(argv[1], "--icount");
	static const u32 sizes[] = { 8, 64, 512 };
	unsigned int s;

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
