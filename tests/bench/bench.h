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
