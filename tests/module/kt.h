/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * khoser_test: the companion module that preserves deterministic data before
 * kexec and verifies every byte after it. Shared declarations.
 */
#ifndef _KHOSER_TEST_KT_H
#define _KHOSER_TEST_KT_H

#include <linux/types.h>
#include <khoser/khoser.h>

#define KT_OWNER	"khoser_test"
#define KT_MAX_OBJS	48

/* What a run checks; "corrupt" damages objects at reboot, "off" expects
 * KHO to be unavailable.
 */
enum kt_mode { KT_NORMAL, KT_CORRUPT, KT_OFF, KT_MISMATCH };

/**
 * struct kt_obj - one block set this boot publishes
 * @name:  object name
 * @tag:   content tag: entry bytes derive from seed, tag and index
 * @esz:   entry size
 * @count: number of entries
 * @bs:    the outgoing set
 * @damage: corruption to apply at reboot (corrupt mode), 0 for none
 */
struct kt_obj {
	char name[KHOSER_NAME_LEN];
	u64 tag;
	u32 esz;
	u64 count;
	struct khoser_block_set bs;
	int damage;
};

/* Run state (kt_main.c). */
extern ulong kt_seed;
extern int kt_hop, kt_hops, kt_ver;
extern enum kt_mode kt_mode;
extern u64 kt_checks;
extern char kt_fail[160];

void kt_failf(const char *fmt, ...) __printf(1, 2);
void kt_compat(char *buf, size_t len, int ver);

/* Entry content (kt_main.c). */
u64 kt_word(u64 tag, u64 idx, u32 w);
void kt_fill(void *entry, u32 esz, u64 tag, u64 idx);
bool kt_verify(const void *entry, u32 esz, u64 tag, u64 idx);

/* Block-set objects (kt_block.c). */
int kt_block_preserve(void);
int kt_block_verify(void);
int kt_block_damage(void);
void kt_block_cleanup(void);
int kt_block_unavailable(void);
int kt_block_mismatch(void);

/* Sparse arrays and vbufs (kt_struct.c). */
int kt_struct_preserve(void);
int kt_struct_verify(void);
int kt_struct_mismatch(void);
int kt_struct_damage(void);
void kt_struct_cleanup(void);
void kt_struct_summary(u64 *objs, u64 *entries, u64 *bytes);

/* Benchmarks (kt_bench.c). */
int kt_bench(void);
void kt_bench_cleanup(void);
void kt_bench_line(const char *metric, u64 value_x100, const char *unit,
		   const char *base, u64 base_x100);
void kt_block_summary(u64 *objs, u64 *entries, u64 *bytes);

#endif /* _KHOSER_TEST_KT_H */
