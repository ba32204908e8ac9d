// SPDX-License-Identifier: GPL-2.0-only
/*
 * The upstream reference of make bench: drives Linux's own
 * kernel/liveupdate/kho_block.c, taken from Debian's linux-source-7.2 at
 * bench time (tests/bench/run.sh; never stored in this repository) and
 * compiled against the unit-test shim with its symbols renamed
 * (upstream_rename.h, force-included here as there). The loops are the
 * ones bench.c runs on khoser's iterator, on the same entries.
 */
#include "bench.h"
#include <linux/kho_block.h>

const bool bench_upstream = true;

void *bench_upstream_create(u32 esz, u64 count)
{
	struct kho_block_set *bs = calloc(1, sizeof(*bs));

	if (!bs)
		return NULL;
	kho_block_set_init(bs, esz);
	if (kho_block_set_grow(bs, count)) {
		free(bs);
		return NULL;
	}
	return bs;
}

BENCH_NOINLINE void bench_upstream_fill(void *set, const u8 *src, u32 esz,
					u64 n)
{
	struct kho_block_set_it it;
	u64 i;

	kho_block_set_it_init(&it, set);
	for (i = 0; i < n; i++)
		memcpy(kho_block_set_it_reserve_entry(&it),
		       bench_src(src, i, esz), esz);
}

BENCH_NOINLINE u64 bench_upstream_read(void *set, u32 esz, u64 *n)
{
	struct kho_block_set_it it;
	u64 sum = 0, k = 0;
	u8 *e;

	kho_block_set_it_init(&it, set);
	while ((e = kho_block_set_it_read_entry(&it))) {
		sum += bench_touch(e, esz);
		k++;
	}
	*n = k;
	return sum;
}

void *bench_upstream_restore(u32 esz, u64 head_pa)
{
	struct kho_block_set *bs = calloc(1, sizeof(*bs));

	if (!bs)
		return NULL;
	kho_block_set_init(bs, esz);
	if (kho_block_set_restore(bs, head_pa)) {
		free(bs);
		return NULL;
	}
	return bs;
}

void bench_upstream_destroy(void *set)
{
	kho_block_set_destroy(set);
	free(set);
}
