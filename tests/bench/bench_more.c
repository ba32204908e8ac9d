// SPDX-License-Identifier: GPL-2.0-only
/*
 * make bench, the figures of metadata and formats (tests/bench/bench.c
 * drives them, with the same helpers): sparse-array bytes per entry next
 * to the u64 floor and the RFC "KHO array" layout, vbuf metadata next to
 * the kernel's vmalloc preservation, and block format v2 against v1.
 */
#include <math.h>
#include "bench.h"
#include <linux/crc32c.h>
#include <linux/vmalloc.h>
#include <khoser/khoser.h>

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
 * every 512-index window that holds an entry costs a whole page. The same
 * as metadata per payload byte (payload: the 8-byte values) for the dense
 * and the 1% patterns.
 */
void bench_sarray_bytes(void)
{
	static const char * const names[] = { "dense", "random_1pct",
					      "stride_2^20", "range_extremes" };
	static const u64 full[] = { 1000000, 1000000, 100000, 2000 };
	struct khoser_sarray sa;
	u64 st, i, idx, windows, last;
	double ours, rfc;
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
				die("sarray add");
			if (idx >> 9 != last)
				windows++;
			last = idx >> 9;
		}
		if (khoser_sarray_seal(&sa))
			die("sarray seal");
		ours = (double)khoser_sarray_pages(&sa) * PAGE_SIZE / count;
		rfc = (double)windows * 4096 / count;
		snprintf(name, sizeof(name), "sarray_bytes_%s", names[p]);
		line(name, ours, "B/entry", "rfc_kho_array", rfc);
		if (p == SA_DENSE)
			line("sarray_bytes_dense_floor", ours, "B/entry",
			     "u64_floor", KHOSER_SARRAY_VALUE_SIZE);
		if (p == SA_DENSE || p == SA_RANDOM1) {
			snprintf(name, sizeof(name), "mem_sarray_%s",
				 names[p]);
			line(name, (ours - KHOSER_SARRAY_VALUE_SIZE) /
			     KHOSER_SARRAY_VALUE_SIZE, "B/B", "rfc_kho_array",
			     (rfc - KHOSER_SARRAY_VALUE_SIZE) /
			     KHOSER_SARRAY_VALUE_SIZE);
		}
		khoser_sarray_destroy(&sa);
		unload();
	}
}

/*
 * Metadata of a preserved vmalloc buffer per payload byte: khoser's vbuf
 * as preserved here (khoser_vbuf_meta_bytes(): header page and chunk
 * list), and as it would be with every page its own chunk (the worst
 * case: 1 + ceil(pages / 510) pages), against the kernel's
 * kho_preserve_vmalloc() of an order-0 area: one page per 511 page
 * addresses, the list zero-terminated (floor(pages / 511) + 1 pages).
 */
void bench_vbuf_meta(void)
{
	u64 pages = DIV_ROUND_UP(vbuf_bytes, PAGE_SIZE);
	u64 per_block = KHOSER_BLOCK_CAPACITY(KHOSER_VBUF_CHUNK_SIZE);
	double kernel, ours, worst;
	struct khoser_vbuf vb;
	char name[64];
	void *buf;

	boot();
	buf = vmalloc(vbuf_bytes);
	if (!buf)
		die("vmalloc");
	memset(buf, 1, vbuf_bytes);
	khoser_vbuf_init(&vb);
	if (khoser_vbuf_preserve(&vb, buf, vbuf_bytes))
		die("vbuf preserve");
	ours = (double)khoser_vbuf_meta_bytes(&vb) / vbuf_bytes;
	kernel = (double)(pages / ((PAGE_SIZE - 8) / 8) + 1) * PAGE_SIZE /
		 vbuf_bytes;
	worst = (double)(1 + DIV_ROUND_UP(pages, per_block)) * PAGE_SIZE /
		vbuf_bytes;
	snprintf(name, sizeof(name), "mem_vbuf_%llum",
		 (unsigned long long)(vbuf_bytes >> 20));
	line(name, ours, "B/B", "kho_vmalloc", kernel);
	snprintf(name, sizeof(name), "mem_vbuf_%llum_scattered",
		 (unsigned long long)(vbuf_bytes >> 20));
	line(name, worst, "B/B", "kho_vmalloc", kernel);
	khoser_vbuf_destroy(&vb);
	vfree(buf);
	unload();
}

/* --- block format v2 against v1 ---------------------------------------- */

/* The formats compared: v1, then v2 at order 0 and 4, without and with CRC. */
static const struct {
	const char *name;
	unsigned int version, order, flags;
} v2cfg[] = {
	{ "v1", 1, 0, 0 },
	{ "v2_o0", 2, 0, 0 },
	{ "v2_o0_crc", 2, 0, KHOSER_BLOCK_F_CRC },
	{ "v2_o4", 2, 4, 0 },
	{ "v2_o4_crc", 2, 4, KHOSER_BLOCK_F_CRC },
};

#define NV2 ARRAY_SIZE(v2cfg)

/*
 * One run of format @c on @n entries of 64 bytes: append and read per
 * entry, seal (where the CRC is computed) and restore after kexec, each
 * in ns per entry.
 */
static void v2_once(unsigned int c, u64 n, const u8 *src, double *app,
		    double *rd, double *seal, double *rest)
{
	struct khoser_block_set bs;
	u64 head, got;
	double t;

	boot();
	if (khoser_block_set_init(&bs, 64) ||
	    khoser_block_set_set_format(&bs, v2cfg[c].version, v2cfg[c].order,
					v2cfg[c].flags) ||
	    khoser_block_set_set_max_blocks(&bs, n) ||
	    khoser_block_set_grow(&bs, n))
		die("v2 grow");
	khoser_fill(&bs, src, 64, n);		/* warm pages */
	t = now_ns();
	khoser_fill(&bs, src, 64, n);
	*app = (now_ns() - t) / n;
	t = now_ns();
	sink += khoser_read(&bs, 64, &got);
	*rd = (now_ns() - t) / n;
	check_count("v2 read", got, n);
	t = now_ns();
	if (khoser_block_set_seal(&bs))
		die("v2 seal");
	*seal = (now_ns() - t) / n;
	head = khoser_block_set_head_pa(&bs);
	kexec();
	if (khoser_block_set_init(&bs, 64) ||
	    khoser_block_set_set_max_blocks(&bs, n))
		die("v2 init");
	t = now_ns();
	if (khoser_block_set_restore(&bs, head))
		die("v2 restore");
	*rest = (now_ns() - t) / n;
	if (khoser_block_set_format(&bs) != v2cfg[c].version)
		die("v2 format found");
	khoser_block_set_destroy(&bs);
	unload();
}

/* CRC cost: ns per KiB of seal with CRC beyond seal without, vs crc32c(). */
static double crc32c_per_kib(const u8 *buf, size_t len)
{
	double t = now_ns();
	int i;

	for (i = 0; i < 8; i++)
		sink += crc32c(~0U, buf, len);
	return (now_ns() - t) / 8 / (len / 1024.0);
}

void bench_v2(void)
{
	double app[NV2][MAX_REPS], rd[NV2][MAX_REPS], seal[NV2][MAX_REPS];
	double rest[NV2][MAX_REPS], crc[MAX_REPS];
	u64 n = min_t(u64, io_entries, 200000);
	char name[64];
	unsigned int c;
	u8 *src, *buf;
	int r;
	u64 i;

	src = malloc(64 * BENCH_SRC_ENTRIES);
	buf = malloc(n * 64);
	if (!src || !buf)
		die("malloc");
	for (i = 0; i < 64 * BENCH_SRC_ENTRIES; i++)
		src[i] = (u8)(i * 7);
	memset(buf, 0x5a, n * 64);
	for (r = 0; r < reps; r++) {
		for (c = 0; c < NV2; c++)
			v2_once((c + r) % NV2, n, src, &app[(c + r) % NV2][r],
				&rd[(c + r) % NV2][r], &seal[(c + r) % NV2][r],
				&rest[(c + r) % NV2][r]);
		crc[r] = crc32c_per_kib(buf, n * 64);
	}
	for (c = 1; c < NV2; c++) {
		snprintf(name, sizeof(name), "block_%s_append_64b", v2cfg[c].name);
		line(name, median(app[c], reps), "ns/entry", "v1",
		     median(app[0], reps));
		snprintf(name, sizeof(name), "block_%s_read_64b", v2cfg[c].name);
		line(name, median(rd[c], reps), "ns/entry", "v1",
		     median(rd[0], reps));
		snprintf(name, sizeof(name), "block_%s_restore_64b",
			 v2cfg[c].name);
		line(name, median(rest[c], reps), "ns/entry", "v1",
		     median(rest[0], reps));
	}
	/* 16 entries of 64 bytes are one KiB. */
	line("block_v2_o0_crc_per_kib",
	     (median(seal[2], reps) - median(seal[1], reps)) * 16, "ns/KiB",
	     "crc32c", median(crc, reps));
	line("block_v2_o4_crc_per_kib",
	     (median(seal[4], reps) - median(seal[3], reps)) * 16, "ns/KiB",
	     "crc32c", median(crc, reps));
	free(src);
	free(buf);
}
