// SPDX-License-Identifier: GPL-2.0-only
/*
 * write_format (issue 19, bug 3): the block format of khoser's own
 * metadata, a vbuf's chunk list, holds for a published vbuf when the
 * parameter is set at load or any time before kexec: the seal at kexec
 * rewrites the chunk list and the descriptor's compatible string. When the
 * rewrite cannot be done (out of memory, no room in the string) the old
 * list is handed over intact and one line says so; a driver's string that
 * names the chunk list's format keeps it; a vbuf handed over raw keeps the
 * format it was preserved in. The rewrite races the owner's calls and
 * debugfs on real threads.
 */
#include "test.h"
#include "../../src/block_int.h"

#define COMPAT "kt-v1;khoser-vbuf-v1"
#define ONLY_V1 "kt-v1;khoser-block-v1;khoser-vbuf-v1"
#define ONLY_V2 "kt-v1;khoser-block-v2;khoser-vbuf-v1"

/*
 * 1020 pages (with 4 KiB pages; 16380 with 64 KiB) mapped in descending
 * physical order: as many chunks of one page, two full blocks of a v1
 * chunk list (510 entries each), three of a v2 one (508 to a block).
 */
#define NPAGES (2 * KHOSER_BLOCK_CAPACITY(KHOSER_VBUF_CHUNK_SIZE))
#define LEN (NPAGES * PAGE_SIZE - 7)

/*
 * The buffer's content: the first 4096 bytes of each page, its own (the
 * whole buffer with 4 KiB pages; with larger ones, as many bytes, enough
 * to see every page in its place).
 */
static size_t content(unsigned long i)
{
	return min_t(size_t, 4096, LEN - i * PAGE_SIZE);
}

static void fill_buf(u8 *buf, u64 seed)
{
	unsigned long i;

	for (i = 0; i < NPAGES; i++)
		test_fill(buf + i * PAGE_SIZE, content(i), seed, i);
}

static bool buf_ok(const u8 *buf, u64 seed)
{
	unsigned long i;

	for (i = 0; i < NPAGES; i++)
		if (!test_verify(buf + i * PAGE_SIZE, content(i), seed, i))
			return false;
	return true;
}

static u8 *scattered(u64 seed)
{
	struct page **pg = kvmalloc_array(NPAGES, sizeof(*pg), GFP_KERNEL);
	unsigned long i;
	u8 *buf;

	if (!pg)
		abort();
	for (i = 0; i < NPAGES; i++) {
		pg[NPAGES - 1 - i] = alloc_pages(GFP_KERNEL, 0);
		if (!pg[NPAGES - 1 - i])
			abort();
	}
	buf = vmap(pg, NPAGES, VM_MAP | VM_MAP_PUT_PAGES, PAGE_KERNEL);
	if (!buf)
		abort();
	fill_buf(buf, seed);
	return buf;
}

static void set_format(unsigned int f)
{
	if (shim_param_write("write_format", f == 2 ? "2" : "1"))
		abort();
}

/* List blocks of @nchunks entries in format @f. */
static u64 list_blocks(unsigned int f, u64 nchunks)
{
	return DIV_ROUND_UP(nchunks, khoser_block_capacity(f, 8, 0));
}

/* Boot 1: a scattered buffer preserved in format @f and published. */
static u8 *publish_in(struct khoser_vbuf *vb, unsigned int f,
		      const char *name, const char *compat, u64 seed)
{
	u8 *buf;

	set_format(f);
	buf = scattered(seed);
	khoser_vbuf_init(vb);
	if (khoser_vbuf_preserve(vb, buf, LEN) ||
	    khoser_vbuf_publish(vb, name, compat))
		abort();
	return buf;
}

static char found[KHOSER_COMPAT_LEN], seal_log[sizeof(shim_last_log)];

/*
 * test_kexec(true), keeping the last line the old kernel logged (the seal
 * at reboot) in @seal_log: the new one logs its own at load.
 */
static void kexec(void)
{
	shim_kexec(true);
	memcpy(seal_log, shim_last_log, sizeof(seal_log));
	khoser_own_format = 2;
	if (shim_module_init())
		abort();
}

/* The string @name was published with, in the boot after. */
static const char *incoming(const char *name)
{
	if (khoser_incoming_compat(name, found, sizeof(found)) < 0)
		return "";
	return found;
}

/*
 * Boot 2: @name found with a header and list laid out in format @f, read
 * by a reader whose string names @only (one version) intact; @other
 * (naming the other version only; may be NULL) refused without touching
 * it.
 */
static void check_found(const char *name, unsigned int f, const char *only,
			const char *other, u64 seed)
{
	struct khoser_vbuf_hdr *h;
	struct khoser_vbuf in;

	h = phys_to_virt(test_incoming_desc(name)->phys);
	CHECK_EQ(h->nchunks, NPAGES);
	CHECK_EQ(h->nblocks, list_blocks(f, NPAGES));
	khoser_vbuf_init(&in);
	if (other)
		CHECK_EQ(khoser_vbuf_lookup(&in, name, other), -EPROTO);
	CHECK_EQ(khoser_vbuf_lookup(&in, name, only), 0);
	CHECK_EQ(khoser_block_set_format(&in.chunks), f);
	CHECK_EQ(khoser_vbuf_length(&in), LEN);
	CHECK(buf_ok(khoser_vbuf_addr(&in), seed));
	CHECK_EQ(khoser_vbuf_destroy(&in), 0);
}

/* Published in v2, write_format=1 set before kexec: handed over in v1. */
TEST(format_set_after_publish_applies_at_kexec)
{
	struct khoser_vbuf vb, late;
	int lines;

	test_boot(true);
	publish_in(&vb, 2, "vb", COMPAT, 1);
	/* Preserved in v2, published once write_format is 1: the same. */
	set_format(2);
	khoser_vbuf_init(&late);
	CHECK_EQ(khoser_vbuf_preserve(&late, scattered(2), LEN), 0);
	set_format(1);
	CHECK_EQ(khoser_vbuf_publish(&late, "late", COMPAT), 0);
	CHECK_EQ(late.chunks.format, 2);
	lines = shim_err_lines;
	kexec();
	CHECK_EQ(shim_err_lines, lines);
	CHECK(!strstr(incoming("vb"), "khoser-block-v2"));
	CHECK_EQ(strcmp(incoming("vb"), COMPAT), 0);
	CHECK_EQ(strcmp(incoming("late"), COMPAT), 0);
	check_found("vb", 1, ONLY_V1, ONLY_V2, 1);
	check_found("late", 1, ONLY_V1, ONLY_V2, 2);
	test_exit();
	CHECK(test_all_freed());
	CHECK_EQ(shim_warns, 0);
}

/* The reverse: published in v1, write_format=2 set before kexec. */
TEST(format_v1_to_v2_at_kexec)
{
	struct khoser_vbuf vb;
	int lines;

	test_boot(true);
	publish_in(&vb, 1, "vb", COMPAT, 3);
	set_format(2);
	lines = shim_err_lines;
	kexec();
	CHECK_EQ(shim_err_lines, lines);
	CHECK(strstr(incoming("vb"), "khoser-block-v2"));
	CHECK_EQ(strcmp(incoming("vb"), ONLY_V2), 0);
	check_found("vb", 2, ONLY_V2, ONLY_V1, 3);
	test_exit();
	CHECK(test_all_freed());
	CHECK_EQ(shim_warns, 0);
}

/*
 * The seal without the jump (a reboot the notifier sees, the kernel goes
 * on): the vbuf is whole in its new format, the old list unpreserved and
 * freed, the new one preserved; destroy then frees everything.
 */
TEST(rewrite_in_place_then_destroy)
{
	long pages, allocs, preserved;
	struct khoser_vbuf vb;
	u64 head, *e, i = 0;
	struct khoser_block_set_it it;
	u8 *buf;

	test_boot(true);
	buf = publish_in(&vb, 2, "vb", COMPAT, 4);
	head = vb.hdr->chunks;
	CHECK_EQ(vb.hdr->nblocks, 3);
	CHECK_EQ(list_blocks(2, NPAGES), 3);
	CHECK_EQ(list_blocks(1, NPAGES), 2);
	pages = shim_used_pages();
	allocs = shim_live_allocs();
	preserved = shim_preserved_pages();
	set_format(1);
	shim_reboot(SYS_RESTART);
	CHECK_EQ(khoser_block_set_format(&vb.chunks), 1);
	CHECK_EQ(vb.chunks.nblocks, 2);
	CHECK(vb.hdr->chunks != head);
	CHECK_EQ(vb.hdr->chunks, khoser_block_set_head_pa(&vb.chunks));
	CHECK_EQ(vb.hdr->nblocks, 2);
	CHECK_EQ(vb.hdr->nchunks, NPAGES);
	CHECK_EQ(shim_used_pages(), pages - 1);
	CHECK_EQ(shim_preserved_pages(), preserved - 1);
	CHECK_EQ(shim_live_allocs(), allocs);
	/* The same chunks, in the same order: the buffer's pages, last first. */
	khoser_block_set_it_init(&it, &vb.chunks);
	while ((e = khoser_block_set_it_read_entry(&it))) {
		CHECK_EQ(KHOSER_VBUF_CHUNK_PHYS(*e),
			 page_to_phys(vmalloc_to_page(buf + i * PAGE_SIZE)));
		CHECK_EQ(KHOSER_VBUF_CHUNK_ORDER(*e), 0);
		i++;
	}
	CHECK_EQ(i, NPAGES);
	/* Sealed again, in the format asked for: nothing to do. */
	head = vb.hdr->chunks;
	allocs = shim_live_allocs();
	shim_reboot(SYS_RESTART);
	CHECK_EQ(vb.hdr->chunks, head);
	CHECK_EQ(shim_live_allocs(), allocs);
	CHECK_EQ(khoser_unpublish("vb"), 0);
	CHECK_EQ(khoser_vbuf_destroy(&vb), 0);
	CHECK_EQ(shim_preserved_pages(), 0);
	vfree(buf);
	test_exit();
	CHECK(test_all_freed());
	CHECK_EQ(shim_warns, 0);
}

/* Fallible calls of a successful rewrite at kexec (v2 -> v1). */
static long rewrite_calls(void)
{
	struct khoser_vbuf vb;
	long calls;
	u8 *buf;

	test_boot(true);
	buf = publish_in(&vb, 2, "vb", COMPAT, 5);
	set_format(1);
	shim_fail_reset(LONG_MAX);
	shim_reboot(SYS_RESTART);
	calls = shim_fallible_calls;
	shim_fail_reset(0);
	if (khoser_block_set_format(&vb.chunks) != 1)
		calls = 0;	/* not rewritten */
	if (khoser_unpublish("vb") || khoser_vbuf_destroy(&vb))
		abort();
	vfree(buf);
	test_exit();
	return calls;
}

/*
 * Every fallible call of the rewrite failed in turn: the v2 list stays,
 * whole, handed over under its string; one line says so; nothing leaks,
 * whether the kernel then jumps or goes on.
 */
TEST(fail_nth_rewrite_keeps_old_format)
{
	long n, calls = rewrite_calls();
	long pages, allocs, preserved;
	struct khoser_vbuf vb;
	u64 head;
	int lines;
	u8 *buf;

	CHECK(calls >= 3);	/* the block array and two blocks, at least */
	for (n = 1; n <= calls; n++) {
		/* The kernel goes on: everything as before, then freed. */
		test_boot(true);
		buf = publish_in(&vb, 2, "vb", COMPAT, 6);
		head = vb.hdr->chunks;
		pages = shim_used_pages();
		allocs = shim_live_allocs();
		preserved = shim_preserved_pages();
		set_format(1);
		lines = shim_err_lines;
		shim_fail_reset(n);
		shim_reboot(SYS_RESTART);
		CHECK(shim_failed);
		shim_fail_reset(0);
		CHECK_EQ(shim_err_lines - lines, 1);
		CHECK(strstr(shim_last_log,
			     "vb: vbuf handed over in khoser-block-v2"));
		CHECK_EQ(khoser_block_set_format(&vb.chunks), 2);
		CHECK_EQ(vb.hdr->chunks, head);
		CHECK_EQ(vb.hdr->nblocks, 3);
		CHECK_EQ(shim_used_pages(), pages);
		CHECK_EQ(shim_live_allocs(), allocs);
		CHECK_EQ(shim_preserved_pages(), preserved);
		CHECK_EQ(shim_warns, 0);
		CHECK_EQ(khoser_unpublish("vb"), 0);
		CHECK_EQ(khoser_vbuf_destroy(&vb), 0);
		vfree(buf);
		test_exit();
		CHECK(test_all_freed());

		/* The kernel jumps: the next one finds the v2 list intact. */
		test_boot(true);
		publish_in(&vb, 2, "vb", COMPAT, 7);
		set_format(1);
		lines = shim_err_lines;
		shim_fail_reset(n);	/* the n-th call of the reboot notifier */
		kexec();
		CHECK_EQ(shim_err_lines - lines, 1);
		CHECK(strstr(seal_log,
			     "vb: vbuf handed over in khoser-block-v2"));
		CHECK_EQ(strcmp(incoming("vb"), ONLY_V2), 0);
		check_found("vb", 2, ONLY_V2, ONLY_V1, 7);
		test_exit();
		CHECK(test_all_freed());
		CHECK_EQ(shim_warns, 0);
	}
}

/*
 * A v2 component does not fit the string: the v1 list stays, one line.
 * (No reader can name v1 in so long a string; one naming no block format
 * reads either.)
 */
TEST(no_room_for_the_component_keeps_old_format)
{
	char compat[KHOSER_COMPAT_LEN];
	struct khoser_vbuf vb;
	int lines;

	/* 250 characters: the 16 of ";khoser-block-v2" would make 266. */
	snprintf(compat, sizeof(compat), "kt-v1;khoser-vbuf-v1;%0226d-v1", 0);
	memset(strrchr(compat, ';') + 1, 'z', 226);
	CHECK_EQ(strlen(compat), 250);
	CHECK_EQ(khoser_compat_valid(compat), 0);
	test_boot(true);
	publish_in(&vb, 1, "vb", compat, 8);
	set_format(2);
	lines = shim_err_lines;
	kexec();
	CHECK_EQ(shim_err_lines - lines, 1);
	CHECK(strstr(seal_log, "vb: vbuf handed over in khoser-block-v1"));
	CHECK_EQ(strcmp(incoming("vb"), compat), 0);
	check_found("vb", 1, compat, NULL, 8);
	test_exit();
	CHECK(test_all_freed());
}

/*
 * A driver's string that names the chunk list's format keeps it (publish
 * makes them agree): the list is not rewritten, one line says so.
 */
TEST(format_named_by_the_driver_is_kept)
{
	static const char * const named[] = { NULL, ONLY_V1, ONLY_V2 };
	struct khoser_vbuf vb;
	unsigned int f;
	char line[96];
	int lines;

	for (f = 1; f <= 2; f++) {
		test_boot(true);
		publish_in(&vb, f, "vb", named[f], 9);
		set_format(3 - f);
		lines = shim_err_lines;
		kexec();
		CHECK_EQ(shim_err_lines - lines, 1);
		snprintf(line, sizeof(line),
			 "vb: vbuf stays in khoser-block-v%u, which its compatible string names",
			 f);
		CHECK(strstr(seal_log, line));
		CHECK_EQ(strcmp(incoming("vb"), named[f]), 0);
		check_found("vb", f, named[f], named[3 - f], 9);
		test_exit();
		CHECK(test_all_freed());
	}
}

/* ---- the rewrite racing the owner and debugfs ---------------------- */

static struct khoser_vbuf race_vb;

/* Each round asks for the other format: every seal rewrites the list. */
static void race_setup(void *arg, unsigned long iter)
{
	set_format(iter % 2 ? 2 : 1);
}

static void race_reboot(void *arg, unsigned long iter)
{
	shim_reboot(SYS_RESTART);
}

static void race_debugfs(void *arg, unsigned long iter)
{
	char b[1024];
	int k;

	for (k = 0; k < 10; k++)
		shim_debugfs_read("khoser/objects", b, sizeof(b));
}

/* The owner's calls on its published vbuf: refused, harmlessly. */
static void race_owner(void *arg, unsigned long iter)
{
	int k;

	for (k = 0; k < 10; k++) {
		if (khoser_vbuf_destroy(&race_vb) != -EBUSY ||
		    khoser_vbuf_publish(&race_vb, "again", COMPAT) != -EBUSY ||
		    !khoser_vbuf_hdr_pa(&race_vb) ||
		    khoser_vbuf_meta_bytes(&race_vb) < 3 * PAGE_SIZE)
			abort();
	}
}

static void race_check(void *arg, unsigned long iter)
{
	unsigned int f = iter % 2 ? 2 : 1;

	if (khoser_block_set_format(&race_vb.chunks) != f ||
	    race_vb.hdr->nblocks != list_blocks(f, NPAGES) ||
	    race_vb.hdr->chunks != khoser_block_set_head_pa(&race_vb.chunks) ||
	    shim_warns)
		abort();
}

/*
 * Other tasks still run at reboot: the rewrite, under the registry lock
 * and the vbuf's, races debugfs and the owner's calls; nothing they reach
 * is freed under them (ASan), and the last boot's format is handed over.
 */
TEST(rewrite_races_owner_and_debugfs)
{
	struct shim_race r = {
		.setup = race_setup,
		.fn = { race_reboot, race_debugfs, race_owner },
		.check = race_check,
	};

	test_boot(true);
	publish_in(&race_vb, 2, "vb", COMPAT, 12);
	shim_race(&r, 200);
	/* Round 199 asked for v2; the kexec now asks for v1. */
	set_format(1);
	kexec();
	CHECK_EQ(strcmp(incoming("vb"), COMPAT), 0);
	check_found("vb", 1, ONLY_V1, ONLY_V2, 12);
	test_exit();
	CHECK(test_all_freed());
	CHECK_EQ(shim_warns, 0);
}

/*
 * Handed over raw (khoser_vbuf_hdr_pa(), never published): khoser does not
 * know it at kexec, so it keeps the format write_format had when it was
 * preserved (README).
 */
TEST(raw_handover_keeps_format_of_preserve)
{
	struct khoser_vbuf vb, in;
	struct khoser_vbuf_hdr *h;
	u64 pa;

	test_boot(true);
	khoser_vbuf_init(&vb);
	CHECK_EQ(khoser_vbuf_preserve(&vb, scattered(11), LEN), 0);
	pa = khoser_vbuf_hdr_pa(&vb);
	set_format(1);
	test_kexec(true);
	h = phys_to_virt(pa);
	CHECK_EQ(h->nblocks, list_blocks(2, NPAGES));
	khoser_vbuf_init(&in);
	CHECK_EQ(khoser_vbuf_restore(&in, pa), 0);
	CHECK_EQ(khoser_block_set_format(&in.chunks), 2);
	CHECK(buf_ok(khoser_vbuf_addr(&in), 11));
	CHECK_EQ(khoser_vbuf_destroy(&in), 0);
	test_exit();
	CHECK(test_all_freed());
}

static const struct test_case cases[] = {
	TEST_ENTRY(format_set_after_publish_applies_at_kexec),
	TEST_ENTRY(format_v1_to_v2_at_kexec),
	TEST_ENTRY(rewrite_in_place_then_destroy),
	TEST_ENTRY(fail_nth_rewrite_keeps_old_format),
	TEST_ENTRY(no_room_for_the_component_keeps_old_format),
	TEST_ENTRY(format_named_by_the_driver_is_kept),
	TEST_ENTRY(rewrite_races_owner_and_debugfs),
	TEST_ENTRY(raw_handover_keeps_format_of_preserve),
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, ARRAY_SIZE(cases));
}
