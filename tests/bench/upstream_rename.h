/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Force-included (-include) into upstream Linux's kernel/liveupdate/
 * kho_block.c and into tests/bench/upstream.c when make bench builds the
 * upstream reference: every external symbol of kho_block.c gets a
 * bench_upstream_ prefix, so it can never clash with anything else linked
 * into the bench (tests/unit/Makefile checks with nm that no global symbol
 * of the object is left without the prefix, so a function upstream adds
 * later fails the build instead of slipping through under its own name).
 *
 * It also supplies the one kernel macro kho_block.c uses that the unit-test
 * shim lacks (WARN_ON_ONCE, from <linux/bug.h> in the kernel): a warning
 * counted by the shim, as the shim's own kernel APIs count theirs.
 */
#ifndef _BENCH_UPSTREAM_RENAME_H
#define _BENCH_UPSTREAM_RENAME_H

#include <linux/printk.h>

#ifndef WARN_ON_ONCE
#define WARN_ON_ONCE(cond) ({						\
	bool __bench_warn = !!(cond);					\
	if (__bench_warn)						\
		shim_warn("upstream kho_block.c: WARN_ON_ONCE(" #cond ")"); \
	__bench_warn;							\
})
#endif

#define kho_block_set_init		bench_upstream_kho_block_set_init
#define kho_block_set_grow		bench_upstream_kho_block_set_grow
#define kho_block_set_shrink		bench_upstream_kho_block_set_shrink
#define kho_block_set_restore		bench_upstream_kho_block_set_restore
#define kho_block_set_destroy		bench_upstream_kho_block_set_destroy
#define kho_block_set_clear		bench_upstream_kho_block_set_clear
#define kho_block_set_it_init		bench_upstream_kho_block_set_it_init
#define kho_block_set_it_reserve_entry	bench_upstream_kho_block_set_it_reserve_entry
#define kho_block_set_it_read_entry	bench_upstream_kho_block_set_it_read_entry
#define kho_block_set_it_prev		bench_upstream_kho_block_set_it_prev

#endif /* _BENCH_UPSTREAM_RENAME_H */
