// SPDX-License-Identifier: GPL-2.0-only
/*
 * make bench without the upstream reference (no Linux source at hand): the
 * bench prints no upstream_ figure, and tests/bench/run.sh decides whether
 * that is allowed (only with --quick, and said so in the output).
 */
#include "bench.h"

const bool bench_upstream;

static void __attribute__((noreturn)) none(void)
{
	fprintf(stderr, "bench: built without the upstream reference\n");
	abort();
}

void *bench_upstream_create(u32 esz, u64 count)
{
	none();
}

void bench_upstream_fill(void *set, const u8 *src, u32 esz, u64 n)
{
	none();
}

u64 bench_upstream_read(void *set, u32 esz, u64 *n)
{
	none();
}

void *bench_upstream_restore(u32 esz, u64 head_pa)
{
	none();
}

void bench_upstream_destroy(void *set)
{
	none();
}
