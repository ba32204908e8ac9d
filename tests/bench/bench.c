// SPDX-License-Identifier: GPL-2.0-only
/*
 * Userspace benchmarks of khoser's shared sources (built as for the unit
 * tests, optimized, no sanitizers), each next to its baseline measured in
 * the same run. One tab-separated line per figure:
 *
 *	metric	value	unit	baseline_name	baseline_value	ratio
 *
 * (ratio "-" when the baseline is 0). Timings are medians of 7 runs (of
 * each run's fastest of IO_PASSES back-to-back passes, for append and
 * read; 3 runs at the largest scaling sizes). With
 * --icount, the figures that must be stable are instruction counts (run
 * under callgrind, see run.sh). With --quick, the same code runs on small
 * sizes, 3 runs each: a smoke test of the figures, not a measurement.
 *
 * Environment, for working on one figure: KHOSER_BENCH_ONLY_IO=<entry
 * size> runs that size's append/read figures and nothing else;
 * KHOSER_BENCH_ONLY_RESTORE=1 the restore figures and nothing else;
 * KHOSER_BENCH_VERBOSE=1 prints each run's figures on stderr.
 *
 * Only khoser's public API (include/khoser/) and the shim's boot calls are
 * used, so the bench keeps building whatever the structures' insides. When
 * linked with upstream.c, the same loops also drive upstream Linux's own
 * kho_block.c (figures upstream_*); see tests/bench/run.sh.
 */
#include <math.h>
#include <time.h>
#include <valgrind/callgrind.h>
#include "bench.h"
#include <linux/crc32c.h>
#include <linux/kexec_handover.h>
#include <linux/vmalloc.h>
#include <khoser/khoser.h>

/*
 * Passes of each append/read loop per run, the fastest counted: one loop
 * takes a few milliseconds, about a scheduler time slice, and a machine
 * shared with other work only ever adds time to it.
 */
#define IO_PASSES	3
#define MAX_SCALE	3

/* Sizes: full, or --quick (small, same code paths). */
int reps = MAX_REPS;
u64 io_entries = 1000000;	/* per entry size, at most ... */
static u64 io_blocks = KHOSER_BLOCK_DEFAULT_MAX; /* ... this many blocks */
static u64 chain_blocks = KHOSER_BLOCK_DEFAULT_MAX;
u64 sa_scale = 1;		/* sparse-array counts divided by this */
u64 vbuf_bytes = 64ULL << 20;
static const u64 scale_full[MAX_SCALE] = { 1000, 100000, 10000000 };
static const u64 chains_full[MAX_SCALE] = { 1000, 10000, 100000 };
static const u64 scale_quick[MAX_SCALE] = { 1000, 10000 };
static const u64 chains_quick[MAX_SCALE] = { 50, 500 };
static const u64 *scale = scale_full, *chains = chains_full;

volatile u64 sink;
static bool verbose;	/* KHOSER_BENCH_VERBOSE: each run's figures on stderr */

u64 test_rand64(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

double now_ns(void)
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

double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

void line(const char *metric, double value, const char *unit,
		 const char *base, double base_value)
{
	printf("%s\t%.*f\t%s\t%s\t%.*f\t", metric, value < 0.1 ? 5 : 2, value,
	       unit, base, base_value < 0.1 ? 5 : 2, base_value);
	if (base_value)
		printf("%.3f\n", value / base_value);
	else
		printf("-\n");
}

void die(const char *what)
{
	fprintf(stderr, "bench: %s failed\n", what);
	abort();
}

/* A cold boot with the module loaded (its init: core, notifier, debugfs). */
void boot(void)
{
	shim_boot(true);
	if (shim_module_init())
		die("module init");
}

/* kexec into the next kernel, module loaded again. */
void kexec(void)
{
	shim_kexec(true);
	if (shim_module_init())
		die("module init after kexec");
}

void unload(void)
{
	shim_module_exit();
}

/* --- the timed loops: khoser, flat (upstream's are in upstream.c) -------- */

BENCH_NOINLINE void khoser_fill(struct khoser_block_set *bs,
				       const u8 *src, u32 esz, u64 n)
{
	struct khoser_block_set_it it;
	u64 i;

	khoser_block_set_it_init(&it, bs);
	for (i = 0; i < n; i++)
		memcpy(khoser_block_set_it_reserve_entry(&it),
		       bench_src(src, i, esz), esz);
}

BENCH_NOINLINE u64 khoser_read(struct khoser_block_set *bs, u32 esz,
				      u64 *n)
{
	struct khoser_block_set_it it;
	u64 sum = 0, k = 0;
	u8 *e;

	khoser_block_set_it_init(&it, bs);
	while ((e = khoser_block_set_it_read_entry(&it))) {
		sum += bench_touch(e, esz);
		k++;
	}
	*n = k;
	return sum;
}

/* The same through the batch calls: one call per block. */
static BENCH_NOINLINE void khoser_fill_batch(struct khoser_block_set *bs,
					     const u8 *src, u32 esz, u64 n)
{
	struct khoser_block_set_it it;
	u64 i, k, got;
	u8 *e;

	khoser_block_set_it_init(&it, bs);
	for (i = 0; i < n; i += got) {
		e = khoser_block_set_it_reserve_batch(&it, n - i, &got);
		if (!e)
			die("reserve_batch");
		for (k = 0; k < got; k++)
			memcpy(e + k * esz, bench_src(src, i + k, esz), esz);
	}
}

static BENCH_NOINLINE u64 khoser_read_batch(struct khoser_block_set *bs,
					    u32 esz, u64 want, u64 *n)
{
	struct khoser_block_set_it it;
	u64 sum = 0, total = 0, k, got;
	u8 *e;

	khoser_block_set_it_init(&it, bs);
	while ((e = khoser_block_set_it_read_batch(&it, want, &got))) {
		for (k = 0; k < got; k++, e += esz)
			sum += bench_touch(e, esz);
		total += got;
	}
	*n = total;
	return sum;
}

static BENCH_NOINLINE void flat_fill(u8 *flat, const u8 *src, u32 esz, u64 n)
{
	u64 i;

	for (i = 0; i < n; i++)
		memcpy(flat + i * esz, bench_src(src, i, esz), esz);
}

static BENCH_NOINLINE u64 flat_read(const u8 *flat, u32 esz, u64 n)
{
	u64 i, sum = 0;

	for (i = 0; i < n; i++)
		sum += bench_touch(flat + i * esz, esz);
	return sum;
}

void check_count(const char *what, u64 got, u64 want)
{
	if (got != want) {
		fprintf(stderr, "bench: %s: %llu entries, expected %llu\n",
			what, (unsigned long long)got,
			(unsigned long long)want);
		abort();
	}
}

/* Blocks of the chain at @pa, through the format's header (abi/block.h). */
static u64 chain_length(u64 pa)
{
	const struct khoser_block_hdr *h;
	u64 n = 0;

	for (; pa; pa = h->next, n++)
		h = phys_to_virt(pa);
	return n;
}

/*
 * Preserved metadata per payload byte of a block set holding @n entries of
 * @esz bytes in @blocks blocks: everything preserved that is not an entry
 * (headers, tail slack, unused slots).
 */
static double block_meta(u64 blocks, u64 n, u32 esz)
{
	return ((double)blocks * KHOSER_BLOCK_SIZE - (double)n * esz) /
	       ((double)n * esz);
}

enum { IO_KHOSER, IO_UPSTREAM, IO_FLAT, NIO };

/*
 * Working sets of the per-entry figures. WS_RAM: up to io_entries entries
 * (40 MB at 64 bytes), read and written from RAM, where the memory system
 * sets the pace (and, on a virtual machine, where the host placed the
 * pages). WS_CACHE: HOT_BYTES of payload, held in the L2 cache across
 * passes, each pass running the loop over and over (hot_ops entry
 * operations), so the figure is the iterator's own cost, prefetches
 * included.
 */
enum { WS_RAM, WS_CACHE };
#define HOT_BYTES	(256 << 10)
static u64 hot_ops = 1 << 20;	/* entry operations per pass */

/* The source entries appends copy from: BENCH_SRC_ENTRIES of @esz bytes. */
static u8 *src_entries(u32 esz)
{
	u8 *src = malloc((size_t)esz * BENCH_SRC_ENTRIES);
	u64 i;

	if (!src)
		die("malloc");
	for (i = 0; i < (u64)esz * BENCH_SRC_ENTRIES; i++)
		src[i] = (u8)(i * 131);
	return src;
}

/* An upstream set of @esz-byte entries grown for @n. */
static void *upstream_grown(u32 esz, u64 n)
{
	void *up = bench_upstream_create(esz, n);

	if (!up)
		die("upstream grow");
	return up;
}

/* One timed pass: @loops times the loop of @w over @n entries. */
static double io_pass(int w, bool rd, struct khoser_block_set *bs, void *up,
		      u8 *flat, const u8 *src, u32 esz, u64 n, u64 loops)
{
	double t = now_ns();
	u64 l, got;

	for (l = 0; l < loops; l++) {
		got = n;
		if (w == IO_KHOSER && !rd)
			khoser_fill(bs, src, esz, n);
		else if (w == IO_UPSTREAM && !rd)
			bench_upstream_fill(up, src, esz, n);
		else if (!rd)
			flat_fill(flat, src, esz, n);
		else if (w == IO_KHOSER)
			sink += khoser_read(bs, esz, &got);
		else if (w == IO_UPSTREAM)
			sink += bench_upstream_read(up, esz, &got);
		else
			sink += flat_read(flat, esz, n);
		if (got != n)
			check_count(w == IO_KHOSER ? "khoser read" :
				    "upstream read", got, n);
	}
	return now_ns() - t;
}

/* The same through khoser's batch calls: a pass's time. */
static double io_batch_pass(bool rd, struct khoser_block_set *bs,
			    const u8 *src, u32 esz, u64 n, u64 loops)
{
	double t = now_ns();
	u64 l, got;

	for (l = 0; l < loops; l++) {
		if (rd) {
			sink += khoser_read_batch(bs, esz, n, &got);
			check_count("khoser read_batch", got, n);
		} else {
			khoser_fill_batch(bs, src, esz, n);
		}
	}
	return now_ns() - t;
}

/*
 * Append and read the same entries of @esz bytes through khoser's per-entry
 * iterator, upstream's iterator when built with it, and a flat buffer, all
 * three held at once and timed back to back, in an order that rotates from
 * run to run (the machine is shared: neighbours share its load); with
 * @batch, khoser's batch calls too; with @mem, the block set's metadata per
 * payload byte next to upstream's format. @ws: the working set (WS_*).
 */
static void bench_block_io(u32 esz, int ws, bool batch, bool mem)
{
	double app[NIO][MAX_REPS], rd[NIO][MAX_REPS];
	double bapp[MAX_REPS], brd[MAX_REPS], best;
	u64 cap = KHOSER_BLOCK_CAPACITY(esz), n, loops, blocks = 0;
	static const int with_up[NIO] = { IO_KHOSER, IO_UPSTREAM, IO_FLAT };
	static const int without[NIO] = { IO_KHOSER, IO_FLAT };
	const int *ids = bench_upstream ? with_up : without;
	int nio = bench_upstream ? NIO : NIO - 1;
	const char *sfx = ws == WS_CACHE ? "_hot" : "";
	struct khoser_block_set bs;
	void *up = NULL;
	u8 *src, *flat;
	char name[64];
	int r, k, w, pass, dir;

	if (ws == WS_CACHE) {
		n = max_t(u64, HOT_BYTES / esz, 1);
		loops = max_t(u64, hot_ops / n, 1);
	} else {
		/*
		 * Every implementation holds the same entries: within
		 * upstream's fixed bound of 10000 blocks.
		 */
		n = min_t(u64, io_entries, io_blocks * cap);
		loops = 1;
	}
	src = src_entries(esz);
	flat = malloc(esz * n);
	if (!flat)
		die("malloc");
	for (r = 0; r < reps; r++) {
		boot();
		/*
		 * Where a set's pages land in RAM changes its read time by
		 * a third (measured: whichever is grown first reads slower),
		 * so the two sets take turns at being grown first.
		 */
		if (bench_upstream && (r & 1))
			up = upstream_grown(esz, n);
		if (khoser_block_set_init(&bs, esz) ||
		    khoser_block_set_grow(&bs, n))
			die("block set grow");
		if (bench_upstream && !(r & 1))
			up = upstream_grown(esz, n);
		/* Write every page once first, so all sides write warm pages. */
		khoser_fill(&bs, src, esz, n);
		if (up)
			bench_upstream_fill(up, src, esz, n);
		flat_fill(flat, src, esz, n);

		for (dir = 0; dir < 2; dir++) {
			for (k = 0; k < nio; k++) {
				w = ids[(k + r) % nio];
				best = INFINITY;
				for (pass = 0; pass < IO_PASSES; pass++)
					best = min(best, io_pass(w, dir, &bs, up,
								 flat, src, esz,
								 n, loops));
				(dir ? rd : app)[w][r] = best / n / loops;
			}
			if (!dir)
				check_count("khoser append",
					    khoser_block_set_entries(&bs), n);
		}
		if (verbose)
			fprintf(stderr, "bench: %u B%s run %d: append %.2f upstream %.2f flat %.2f; read %.2f upstream %.2f flat %.2f ns/entry\n",
				esz, sfx, r, app[IO_KHOSER][r],
				up ? app[IO_UPSTREAM][r] : 0, app[IO_FLAT][r],
				rd[IO_KHOSER][r], up ? rd[IO_UPSTREAM][r] : 0,
				rd[IO_FLAT][r]);

		if (mem && !r)
			blocks = chain_length(khoser_block_set_head_pa(&bs));
		if (up)
			bench_upstream_destroy(up);
		up = NULL;

		if (batch) {
			bapp[r] = brd[r] = INFINITY;
			for (pass = 0; pass < IO_PASSES; pass++) {
				if (khoser_block_set_clear(&bs))
					die("block set clear");
				bapp[r] = min(bapp[r], io_batch_pass(false, &bs,
					      src, esz, n, loops));
			}
			for (pass = 0; pass < IO_PASSES; pass++)
				brd[r] = min(brd[r], io_batch_pass(true, &bs,
					     src, esz, n, loops));
			bapp[r] /= n * loops;
			brd[r] /= n * loops;
		}
		khoser_block_set_destroy(&bs);
		unload();
	}
	snprintf(name, sizeof(name), "block_append%s_%ub", sfx, esz);
	line(name, median(app[IO_KHOSER], reps), "ns/entry", "flat_memcpy",
	     median(app[IO_FLAT], reps));
	snprintf(name, sizeof(name), "block_read%s_%ub", sfx, esz);
	line(name, median(rd[IO_KHOSER], reps), "ns/entry", "flat_read",
	     median(rd[IO_FLAT], reps));
	if (batch) {
		snprintf(name, sizeof(name), "block_append_batch%s_%ub", sfx,
			 esz);
		line(name, median(bapp, reps), "ns/entry", "flat_memcpy",
		     median(app[IO_FLAT], reps));
		snprintf(name, sizeof(name), "block_read_batch%s_%ub", sfx,
			 esz);
		line(name, median(brd, reps), "ns/entry", "flat_read",
		     median(rd[IO_FLAT], reps));
	}
	if (bench_upstream) {
		snprintf(name, sizeof(name), "upstream_block_append%s_%ub",
			 sfx, esz);
		line(name, median(app[IO_UPSTREAM], reps), "ns/entry",
		     "flat_memcpy", median(app[IO_FLAT], reps));
		snprintf(name, sizeof(name), "upstream_block_read%s_%ub", sfx,
			 esz);
		line(name, median(rd[IO_UPSTREAM], reps), "ns/entry",
		     "flat_read", median(rd[IO_FLAT], reps));
	}
	if (mem) {
		/* Upstream's format: the same header, the same packing. */
		snprintf(name, sizeof(name), "mem_block_%ub", esz);
		line(name, block_meta(blocks, n, esz), "B/B", "kho_block_v1",
		     block_meta(DIV_ROUND_UP(n, cap), n, esz));
	}
	free(src);
	free(flat);
}

/* A callgrind dump named @what of @op (append, or read) through set @w. */
static void io_icount_one(const char *what, int w, bool rd,
			  struct khoser_block_set *bs, void *up,
			  const u8 *src, u32 esz, u64 n)
{
	CALLGRIND_ZERO_STATS;
	CALLGRIND_START_INSTRUMENTATION;
	io_pass(w, rd, bs, up, NULL, src, esz, n, 1);
	CALLGRIND_STOP_INSTRUMENTATION;
	CALLGRIND_DUMP_STATS_AT(what);
}

/*
 * Under callgrind: the instructions of appending and reading IO_ICOUNT_N
 * entries of @esz bytes through khoser's iterator and upstream's, the
 * loop around them included (the same for both; tests/bench/run.sh
 * divides by the count).
 */
#define IO_ICOUNT_N	4096
static void io_icount(u32 esz)
{
	struct khoser_block_set bs;
	void *up = NULL;
	char what[32];
	u8 *src;
	int rd;

	src = src_entries(esz);
	boot();
	if (khoser_block_set_init(&bs, esz) ||
	    khoser_block_set_grow(&bs, IO_ICOUNT_N))
		die("block set grow");
	if (bench_upstream)
		up = upstream_grown(esz, IO_ICOUNT_N);
	/* Once before counting: the first pass touches fresh pages. */
	khoser_fill(&bs, src, esz, IO_ICOUNT_N);
	if (up)
		bench_upstream_fill(up, src, esz, IO_ICOUNT_N);
	for (rd = 0; rd < 2; rd++) {
		snprintf(what, sizeof(what), "%s_%u", rd ? "read" : "append",
			 esz);
		io_icount_one(what, IO_KHOSER, rd, &bs, NULL, src, esz,
			      IO_ICOUNT_N);
		if (!up)
			continue;
		snprintf(what, sizeof(what), "upstream_%s_%u",
			 rd ? "read" : "append", esz);
		io_icount_one(what, IO_UPSTREAM, rd, NULL, up, src, esz,
			      IO_ICOUNT_N);
	}
	if (up)
		bench_upstream_destroy(up);
	khoser_block_set_destroy(&bs);
	unload();
	free(src);
}

/* What any reader must do at least: follow the chain, read each count. */
static BENCH_NOINLINE u64 bare_walk(u64 pa)
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

/* The bare KHO primitive grow stands on: @blocks preserved pages. */
static BENCH_NOINLINE void bare_alloc_preserve(void **pg, u64 blocks)
{
	u64 i;

	for (i = 0; i < blocks; i++) {
		pg[i] = kho_alloc_preserve(KHOSER_BLOCK_SIZE);
		if (IS_ERR(pg[i]))
			die("kho_alloc_preserve");
	}
}

/* Runs of the largest sizes: 3 (they take seconds each, on a shared box). */
static int big_reps(u64 n, u64 big)
{
	return n >= big && reps > 3 ? 3 : reps;
}

/*
 * Scaling of a block set of 64-byte entries, per entry, for each count of
 * scale[]: grow vs the bare kho_alloc_preserve() of as many pages; fill
 * (per-entry iterator) vs a flat memcpy of the same entries; seal vs seal
 * at the smallest count; restore after kexec vs a bare walk of the chain;
 * read (per-entry iterator) vs a flat read. Costs that rise with the count
 * while their baseline rises alike are the machine's caches, not khoser.
 */
static void bench_scale(void)
{
	enum { GROW, FILL, SEAL, RESTORE, READ, NPHASE };
	static const char * const phase[NPHASE] = {
		"grow", "fill", "seal", "restore", "read" };
	static const char * const base[NPHASE] = {
		"kho_alloc_preserve", "flat_memcpy", NULL, "bare_chain_walk",
		"flat_read" };
	double v[NPHASE][MAX_REPS], b[NPHASE][MAX_REPS], t;
	double med[MAX_SCALE][NPHASE], bmed[MAX_SCALE][NPHASE];
	const u32 esz = 64;
	struct khoser_block_set bs;
	u64 n, head, blocks, got, i;
	int s, p, r, nr = reps;
	char name[64], bname[64];
	u8 *src, *flat;
	void **pg;

	src = malloc(esz * BENCH_SRC_ENTRIES);
	if (!src)
		die("malloc");
	memset(src, 0x5a, esz * BENCH_SRC_ENTRIES);
	for (s = 0; s < MAX_SCALE && scale[s]; s++) {
		n = scale[s];
		blocks = DIV_ROUND_UP(n, KHOSER_BLOCK_CAPACITY(esz));
		flat = malloc(n * esz);
		pg = malloc(blocks * sizeof(*pg));
		if (!flat || !pg)
			die("malloc");
		memset(flat, 0, n * esz);
		nr = big_reps(n, 10000000);
		for (r = 0; r < nr; r++) {
			boot();
			if (khoser_block_set_init(&bs, esz) ||
			    khoser_block_set_set_max_blocks(&bs, blocks))
				die("block set init");
			t = now_ns();
			if (khoser_block_set_grow(&bs, n))
				die("block set grow");
			v[GROW][r] = (now_ns() - t) / n;
			t = now_ns();
			bare_alloc_preserve(pg, blocks);
			b[GROW][r] = (now_ns() - t) / n;
			for (i = 0; i < blocks; i++)
				kho_unpreserve_free(pg[i]);

			t = now_ns();
			khoser_fill(&bs, src, esz, n);
			v[FILL][r] = (now_ns() - t) / n;
			t = now_ns();
			flat_fill(flat, src, esz, n);
			b[FILL][r] = (now_ns() - t) / n;
			t = now_ns();
			if (khoser_block_set_seal(&bs))
				die("block set seal");
			v[SEAL][r] = (now_ns() - t) / n;
			head = khoser_block_set_head_pa(&bs);

			kexec();
			if (khoser_block_set_init(&bs, esz) ||
			    khoser_block_set_set_max_blocks(&bs, blocks))
				die("block set init");
			t = now_ns();
			if (khoser_block_set_restore(&bs, head))
				die("block set restore");
			v[RESTORE][r] = (now_ns() - t) / n;
			t = now_ns();
			sink = bare_walk(head);
			b[RESTORE][r] = (now_ns() - t) / n;
			t = now_ns();
			sink += khoser_read(&bs, esz, &got);
			v[READ][r] = (now_ns() - t) / n;
			check_count("scale read", got, n);
			t = now_ns();
			sink += flat_read(flat, esz, n);
			b[READ][r] = (now_ns() - t) / n;
			khoser_block_set_destroy(&bs);
			unload();
		}
		for (p = 0; p < NPHASE; p++) {
			med[s][p] = median(v[p], nr);
			bmed[s][p] = base[p] ? median(b[p], nr) : med[0][p];
		}
		free(flat);
		free(pg);
	}
	for (p = 0; p < NPHASE; p++) {
		for (s = 0; s < MAX_SCALE && scale[s]; s++) {
			snprintf(name, sizeof(name), "scale_%s_%llu", phase[p],
				 (unsigned long long)scale[s]);
			if (base[p])
				snprintf(bname, sizeof(bname), "%s", base[p]);
			else
				snprintf(bname, sizeof(bname), "scale_%s_%llu",
					 phase[p], (unsigned long long)scale[0]);
			line(name, med[s][p], "ns/entry", bname, bmed[s][p]);
		}
	}
	free(src);
}

/* A chain bound that admits @blocks blocks (never below the default). */
static unsigned long chain_bound(u64 blocks)
{
	return blocks > KHOSER_BLOCK_DEFAULT_MAX ? blocks :
	       KHOSER_BLOCK_DEFAULT_MAX;
}

/*
 * A chain of @blocks one-entry blocks, handed over by a kexec; returns its
 * head. Each block holds one 4080-byte entry, of which one word is written:
 * restore cost is per block, whatever the entries.
 */
static u64 chain_after_kexec(u64 blocks)
{
	struct khoser_block_set bs;
	struct khoser_block_set_it it;
	u64 i, head;

	boot();
	if (khoser_block_set_init(&bs, KHOSER_BLOCK_MAX_ENTRY) ||
	    khoser_block_set_set_max_blocks(&bs, chain_bound(blocks)) ||
	    khoser_block_set_grow(&bs, blocks))
		die("chain grow");
	khoser_block_set_it_init(&it, &bs);
	for (i = 0; i < blocks; i++)
		*(u64 *)khoser_block_set_it_reserve_entry(&it) = i;
	head = khoser_block_set_head_pa(&bs);
	kexec();
	return head;
}

enum { R_KHOSER, R_UPSTREAM, R_BARE };

/* ns per block to restore (or walk) a fresh chain of @blocks blocks. */
static double restore_once(u64 blocks, int how, bool icount)
{
	struct khoser_block_set bs;
	u64 head = chain_after_kexec(blocks);
	double t = 0;
	void *up = NULL;

	if (how == R_KHOSER &&
	    (khoser_block_set_init(&bs, KHOSER_BLOCK_MAX_ENTRY) ||
	     khoser_block_set_set_max_blocks(&bs, chain_bound(blocks))))
		die("block set init");
	if (icount) {
		CALLGRIND_ZERO_STATS;
		CALLGRIND_START_INSTRUMENTATION;
	}
	t = now_ns();
	switch (how) {
	case R_KHOSER:
		if (khoser_block_set_restore(&bs, head))
			die("block set restore");
		break;
	case R_UPSTREAM:
		up = bench_upstream_restore(KHOSER_BLOCK_MAX_ENTRY, head);
		if (!up)
			die("upstream restore");
		break;
	default:
		sink = bare_walk(head);
		break;
	}
	t = (now_ns() - t) / blocks;
	if (icount) {
		CALLGRIND_STOP_INSTRUMENTATION;
		CALLGRIND_DUMP_STATS_AT(how == R_KHOSER ? "restore" :
					how == R_UPSTREAM ? "upstream_restore" :
					"bare_walk");
	}
	if (how == R_KHOSER)
		khoser_block_set_destroy(&bs);
	else if (how == R_UPSTREAM)
		bench_upstream_destroy(up);
	unload();
	return t;
}

static double restore_median(u64 blocks, int how)
{
	int r, nr = big_reps(blocks, 10 * KHOSER_BLOCK_DEFAULT_MAX);
	double v[MAX_REPS];

	for (r = 0; r < nr; r++)
		v[r] = restore_once(blocks, how, false);
	return median(v, nr);
}

/*
 * Restore validation of a chain (claim, check, link) against a bare walk
 * of the same chain, for each length of chains[] (up to 10x the default
 * bound, with the bound raised); at the default bound, also upstream's.
 */
static void bench_restore(void)
{
	double ours, bare, up;
	char name[64];
	int c;

	for (c = 0; c < MAX_SCALE && chains[c]; c++) {
		ours = restore_median(chains[c], R_KHOSER);
		bare = restore_median(chains[c], R_BARE);
		snprintf(name, sizeof(name), "scale_restore_chain_%llu",
			 (unsigned long long)chains[c]);
		line(name, ours, "ns/block", "bare_chain_walk", bare);
		if (chains[c] != chain_blocks)
			continue;
		snprintf(name, sizeof(name), "block_restore_%llu",
			 (unsigned long long)chains[c]);
		line(name, ours, "ns/block", "target", 50);
		if (!bench_upstream)
			continue;
		up = restore_median(chains[c], R_UPSTREAM);
		snprintf(name, sizeof(name), "upstream_block_restore_%llu",
			 (unsigned long long)chains[c]);
		line(name, up, "ns/block", "bare_chain_walk", bare);
	}
}

int main(int argc, char **argv)
{
	static const u32 sizes[] = { 1, 8, 24, 64, 512, 2048 };
	bool icount = false;
	const char *only;
	unsigned int s;
	int ws;
	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--icount")) {
			icount = true;
		} else if (!strcmp(argv[a], "--quick")) {
			reps = 3;
			io_entries = 20000;
			io_blocks = 1000;
			hot_ops = 1 << 16;
			chain_blocks = 500;
			sa_scale = 50;
			vbuf_bytes = 4ULL << 20;
			scale = scale_quick;
			chains = chains_quick;
		} else {
			fprintf(stderr, "usage: bench [--quick] [--icount]\n");
			return 2;
		}
	}

	if (icount) {
		/*
		 * Under callgrind: a dump each, "restore", "bare_walk" and,
		 * built with upstream's code, "upstream_restore"; then
		 * "<op>_<size>" and "upstream_<op>_<size>" per entry size.
		 */
		restore_once(chain_blocks, R_KHOSER, true);
		restore_once(chain_blocks, R_BARE, true);
		if (bench_upstream)
			restore_once(chain_blocks, R_UPSTREAM, true);
		io_icount(64);
		io_icount(2048);
		shim_fini();
		return 0;
	}
	verbose = getenv("KHOSER_BENCH_VERBOSE");
	if (getenv("KHOSER_BENCH_ONLY_RESTORE")) {
		bench_restore();
		shim_fini();
		return 0;
	}
	only = getenv("KHOSER_BENCH_ONLY_IO");
	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		if (only && strtoul(only, NULL, 0) != sizes[s])
			continue;
		for (ws = WS_RAM; ws <= WS_CACHE; ws++)
			bench_block_io(sizes[s], ws, sizes[s] == 8 ||
				       sizes[s] == 64 || sizes[s] == 512,
				       ws == WS_RAM && (sizes[s] == 64 ||
							sizes[s] == 2048));
	}
	if (only) {
		/* KHOSER_BENCH_ONLY_IO=<size>: that size's lines, nothing else. */
		shim_fini();
		return 0;
	}
	bench_restore();
	bench_v2();
	bench_scale();
	bench_sarray_bytes();
	bench_vbuf_meta();
	shim_fini();
	return 0;
}
