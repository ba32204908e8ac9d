/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by tests/bench/bench.c and the upstream reference adapter
 * (upstream.c, or upstream_none.c when the bench is built without it): the
 * per-entry work every timed loop does, so khoser, upstream and the flat
 * baselines run the same code around their iterators.
 */
#ifndef _BENCH_BENCH_H
#define _BENCH_BENCH_H

#include "../unit/shim/kshim.h"

/* Appends copy from BENCH_SRC_ENTRIES source entries, cycling. */
#define BENCH_SRC_ENTRIES	4096
#define BENCH_NOINLINE		noinline

static inline const u8 *bench_src(const u8 *src, u64 i, u32 esz)
{
	return src + (i & (BENCH_SRC_ENTRIES - 1)) * esz;
}

/* What a read does with an entry: load its first and last 8 bytes. */
static inline u64 bench_touch(const u8 *e, u32 esz)
{
	u64 a, b;

	if (esz < 8)
		return e[0] + e[esz - 1];
	memcpy(&a, e, 8);
	memcpy(&b, e + esz - 8, 8);
	return a + b;
}

/* --- tests/bench/bench.c's helpers, for bench_more.c ----------------------- */

#define MAX_REPS	7
extern int reps;		/* runs per figure, at most MAX_REPS */
extern u64 io_entries;		/* entries of the per-entry figures, at most */
extern u64 sa_scale;		/* sparse-array counts divided by this */
extern u64 vbuf_bytes;		/* vbuf size of the metadata figures */
extern volatile u64 sink;	/* where results go, so none is optimized out */

u64 test_rand64(u64 *s);
double now_ns(void);
double median(double *v, int n);
/* One figure: "metric value unit baseline_name baseline_value ratio". */
void line(const char *metric, double value, const char *unit,
	  const char *base, double base_value);
void die(const char *what) __attribute__((__noreturn__));
void boot(void);	/* a cold boot, module loaded */
void kexec(void);	/* kexec into the next kernel, module loaded again */
void unload(void);
/* Abort unless @got entries are @want. */
void check_count(const char *what, u64 got, u64 want);
struct khoser_block_set;
void khoser_fill(struct khoser_block_set *bs, const u8 *src, u32 esz, u64 n);
u64 khoser_read(struct khoser_block_set *bs, u32 esz, u64 *n);

void bench_sarray_bytes(void);
void bench_vbuf_meta(void);
void bench_v2(void);

/*
 * The upstream reference: Linux's kernel/liveupdate/kho_block.c under
 * renamed symbols (upstream.c), or nothing (upstream_none.c).
 * bench_upstream is false in the latter, whose functions abort.
 */
extern const bool bench_upstream;

/* An outgoing upstream set of @esz-byte entries grown for @count. */
void *bench_upstream_create(u32 esz, u64 count);
/* Append @n entries from @src through kho_block_set_it_reserve_entry(). */
void bench_upstream_fill(void *set, const u8 *src, u32 esz, u64 n);
/* Read every entry through kho_block_set_it_read_entry(); the sum. */
u64 bench_upstream_read(void *set, u32 esz, u64 *n);
/* kho_block_set_restore() of the chain at @head_pa; NULL on failure. */
void *bench_upstream_restore(u32 esz, u64 head_pa);
void bench_upstream_destroy(void *set);

#endif /* _BENCH_BENCH_H */
