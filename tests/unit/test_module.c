// SPDX-License-Identifier: GPL-2.0-only
/*
 * The module as a whole (src/main.c, src/debugfs.c): module_init() sets up
 * the core, the reboot notifier and debugfs; "objects" lists what is
 * published; the reboot notifier seals published block sets; module_exit()
 * leaves nothing behind. Plus races of the real sources on real threads
 * that the registry lock must make safe, and the one-page KHO FDT bounding
 * how many objects can be published.
 */
#include "test.h"

#define COMPAT "mydrv-v1;khoser-block-v1"
#define RAW "mydrv-v1"

/* 64-byte entries per block: 63 with 4 KiB pages, 1023 with 64 KiB. */
#define PER64 KHOSER_BLOCK_CAPACITY(64)

/* Room for the listing of every object the KHO FDT holds (64 KiB pages). */
static char buf[1 << 17];
static char want[64];

static void fill_set(struct khoser_block_set *bs, u64 from, u64 n)
{
	struct khoser_block_set_it it;
	u64 i;

	khoser_block_set_it_init(&it, bs);
	for (i = 0; i < from; i++)
		khoser_block_set_it_read_entry(&it);
	for (i = from; i < from + n; i++)
		test_fill(khoser_block_set_it_reserve_entry(&it), 64, 5, i);
}

TEST(init_debugfs_reboot_exit)
{
	struct khoser_block_set bs;

	test_boot(true);
	CHECK(shim_module_loaded());
	CHECK_EQ(shim_reboot_notifiers(), 1);
	CHECK_EQ(shim_debugfs_entries(), 4);	/* khoser/ and 3 files */
	CHECK_EQ(shim_param_read("kho_enabled", buf, sizeof(buf)), 2);
	CHECK(!strcmp(buf, "Y\n"));
	CHECK_EQ(shim_param_read("kho_boot", buf, sizeof(buf)), 2);
	CHECK(!strcmp(buf, "N\n"));
	CHECK(shim_debugfs_read("khoser/status", buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "kho_enabled\t1\n"));
	CHECK(shim_debugfs_read("khoser/formats", buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, KHOSER_BLOCK_COMPAT "\n"));

	/*
	 * Publish 100 entries (2 blocks), write 200 more (5 blocks in all):
	 * the listing follows. Figures with 4 KiB pages; in PER64 here.
	 */
	CHECK_EQ(khoser_block_set_init(&bs, 64), 0);
	CHECK_EQ(khoser_block_set_grow(&bs, 4 * PER64 + 48), 0);
	fill_set(&bs, 0, PER64 + 37);
	CHECK_EQ(khoser_block_set_publish(&bs, "objs", COMPAT), 0);
	CHECK(shim_debugfs_read("khoser/objects", buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "out\tobjs\tblock\t" COMPAT "\t64\t"));
	snprintf(want, sizeof(want), "\t%u\tpublished\n", PER64 + 37);
	CHECK(strstr(buf, want));
	CHECK_EQ(bs.nblocks, 2);	/* publish seals */
	/* in all */
	CHECK_EQ(khoser_block_set_grow(&bs, 4 * PER64 + 48), 0);
	fill_set(&bs, PER64 + 37, 3 * PER64 + 11);
	CHECK(shim_debugfs_read("khoser/objects", buf, sizeof(buf)) > 0);
	snprintf(want, sizeof(want), "\t%u\tpublished\n", 4 * PER64 + 48);
	CHECK(strstr(buf, want));

	/*
	 * The reboot notifier seals: the chain handed over then holds
	 * exactly 5 blocks; the others are cut and unpreserved, not freed.
	 */
	CHECK_EQ(khoser_block_set_grow(&bs, 16 * PER64 - 8), 0);
	CHECK(bs.nblocks > 5);
	shim_reboot(SYS_RESTART);
	CHECK_EQ(bs.nkept, 5);
	CHECK(shim_debugfs_read("khoser/objects", buf, sizeof(buf)) > 0);
	snprintf(want, sizeof(want), "\t5\t%u\tsealed\n", 4 * PER64 + 48);
	CHECK(strstr(buf, want));

	CHECK_EQ(khoser_unpublish("objs"), 0);
	CHECK_EQ(khoser_block_set_destroy(&bs), 0);
	test_exit();
	CHECK(!shim_module_loaded());
	CHECK(test_all_freed());
	CHECK_EQ(shim_debugfs_read("khoser/objects", buf, sizeof(buf)),
		 -ENOENT);
	CHECK_EQ(shim_param_read("kho_enabled", buf, sizeof(buf)), -ENOENT);
	CHECK_EQ(shim_warns, 0);
}

/* The notifier shim_kexec() runs seals, and the next kernel lists it. */
TEST(kexec_seals_and_lists_incoming)
{
	struct khoser_block_set bs;

	test_boot(true);
	CHECK_EQ(khoser_block_set_init(&bs, 64), 0);
	CHECK_EQ(khoser_block_set_publish(&bs, "late", COMPAT), 0);
	CHECK_EQ(khoser_block_set_grow(&bs, 1000), 0);
	fill_set(&bs, 0, 150);
	test_kexec(true);
	CHECK_EQ(shim_param_read("kho_boot", buf, sizeof(buf)), 2);
	CHECK(!strcmp(buf, "Y\n"));
	CHECK_EQ(khoser_block_set_init(&bs, 64), 0);
	CHECK_EQ(khoser_block_set_lookup(&bs, "late", COMPAT), 0);
	CHECK_EQ(khoser_block_set_entries(&bs), 150);
	CHECK_EQ(shim_unclaimed_pages(), 0);
	CHECK(shim_debugfs_read("khoser/objects", buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "in\tlate\tblock\t"));
	CHECK(strstr(buf, "\t150\trestored\n"));
	CHECK_EQ(khoser_block_set_destroy(&bs), 0);
	test_exit();
	CHECK(test_all_freed());
}

TEST(init_without_kho)
{
	test_boot(false);
	CHECK(shim_module_loaded());
	CHECK_EQ(shim_param_read("kho_enabled", buf, sizeof(buf)), 2);
	CHECK(!strcmp(buf, "N\n"));
	CHECK(shim_debugfs_read("khoser/status", buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "kho_enabled\t0\n"));
	shim_reboot(SYS_RESTART);
	test_exit();
	CHECK(test_all_freed());
	CHECK_EQ(shim_warns, 0);
}

/* "o" and @i in two base-36 digits: 3 characters, for @i below 1296. */
static void obj_name(char *name, size_t len, int i)
{
	static const char digit[] = "0123456789abcdefghijklmnopqrstuvwxyz";

	snprintf(name, len, "o%c%c", digit[i / 36 % 36], digit[i % 36]);
}

/*
 * Each object is one KHO subtree "khoser-<name>" in the kernel's one-page
 * FDT: with 3-character names, (PAGE_SIZE - 233) / 60 objects (64 with
 * 4 KiB pages, 1088 with 64 KiB), then -ENOMEM, cleanly.
 */
TEST(objects_bounded_by_the_kho_fdt)
{
	int i, err, most = (PAGE_SIZE - 233) / 60;
	char name[16];
	void *payload;

	test_boot(true);
	CHECK(most < 36 * 36);
	payload = shim_alloc_pages(0);
	for (i = 0; i <= most; i++) {
		obj_name(name, sizeof(name), i);
		err = khoser_publish(name, RAW, virt_to_phys(payload), 8);
		if (err)
			break;
	}
	CHECK_EQ(err, -ENOMEM);
	CHECK_EQ(i, most);
	CHECK(shim_debugfs_read("khoser/objects", buf, sizeof(buf)) > 0);
	obj_name(name, sizeof(name), most - 1);
	snprintf(want, sizeof(want), "out\t%s\traw\t", name);
	CHECK(strstr(buf, want));
	obj_name(name, sizeof(name), most);
	snprintf(want, sizeof(want), "\t%s\t", name);
	CHECK(!strstr(buf, want));
	obj_name(name, sizeof(name), 0);
	CHECK_EQ(khoser_unpublish(name), 0);
	obj_name(name, sizeof(name), most);
	CHECK_EQ(khoser_publish(name, RAW, virt_to_phys(payload), 8), 0);
	test_exit();
	folio_put(virt_to_folio(payload));
	CHECK(test_all_freed());
	CHECK_EQ(shim_warns, 0);
}

/* ---- races on real threads ------------------------------------------- */

struct churn {
	void *payload;
	int bad;
};

/* Publish and unpublish a few raw objects. */
static void publisher(void *arg, unsigned long iter)
{
	struct churn *c = arg;
	char name[16];
	int i;

	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "r%lu-%d", iter % 3, i);
		if (khoser_publish(name, RAW, virt_to_phys(c->payload), 8))
			__atomic_fetch_add(&c->bad, 1, __ATOMIC_RELAXED);
	}
	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "r%lu-%d", iter % 3, i);
		if (khoser_unpublish(name))
			__atomic_fetch_add(&c->bad, 1, __ATOMIC_RELAXED);
	}
}

static void reader(void *arg, unsigned long iter)
{
	struct churn *c = arg;
	char b[4096];

	if (shim_debugfs_read("khoser/objects", b, sizeof(b)) < 0 ||
	    strncmp(b, "dir\tname\t", 9))
		__atomic_fetch_add(&c->bad, 1, __ATOMIC_RELAXED);
}

TEST(race_debugfs_read_publish)
{
	struct churn c = { .bad = 0 };

	test_boot(true);
	c.payload = shim_alloc_pages(0);
	shim_race2(publisher, reader, &c, 300);
	CHECK_EQ(c.bad, 0);
	test_exit();
	folio_put(virt_to_folio(c.payload));
	CHECK(test_all_freed());
	CHECK_EQ(shim_warns, 0);
}

/* Two publishers with different names, and the reboot notifier. */
static void publisher2(void *arg, unsigned long iter)
{
	publisher(arg, iter + 1);
}

static void rebooter(void *arg, unsigned long iter)
{
	shim_reboot(SYS_RESTART);
}

TEST(race_publishers_and_reboot)
{
	struct churn c = { .bad = 0 };
	struct shim_race r = {
		.fn = { publisher, publisher2, rebooter, reader }, .arg = &c,
	};

	test_boot(true);
	c.payload = shim_alloc_pages(0);
	shim_race(&r, 300);
	CHECK_EQ(c.bad, 0);
	test_exit();
	folio_put(virt_to_folio(c.payload));
	CHECK(test_all_freed());
	CHECK_EQ(shim_warns, 0);
}

/* Unloading the module while a reader runs: debugfs removal waits. */
static void load(void *arg, unsigned long iter)
{
	struct churn *c = arg;

	if (shim_module_init())
		abort();
	if (khoser_publish("x", RAW, virt_to_phys(c->payload), 8))
		c->bad++;
}

static void unload(void *arg, unsigned long iter)
{
	shim_module_exit();
}

static void read_any(void *arg, unsigned long iter)
{
	struct churn *c = arg;
	char b[4096];
	long n = shim_debugfs_read("khoser/objects", b, sizeof(b));

	if (n != -ENOENT && n != -EIO && !(n > 0 && strstr(b, "\tx\t")))
		__atomic_fetch_add(&c->bad, 1, __ATOMIC_RELAXED);
}

TEST(race_unload_while_reading)
{
	struct churn c = { .bad = 0 };
	struct shim_race r = {
		.setup = load, .fn = { unload, read_any, read_any }, .arg = &c,
	};

	shim_boot(true);
	c.payload = shim_alloc_pages(0);
	shim_race(&r, 300);
	CHECK_EQ(c.bad, 0);
	CHECK(!shim_module_loaded());
	folio_put(virt_to_folio(c.payload));
	CHECK(test_all_freed());
	CHECK_EQ(shim_warns, 0);
}

static const struct test_case cases[] = {
	TEST_ENTRY(init_debugfs_reboot_exit),
	TEST_ENTRY(kexec_seals_and_lists_incoming),
	TEST_ENTRY(init_without_kho),
	TEST_ENTRY(objects_bounded_by_the_kho_fdt),
	TEST_ENTRY(race_debugfs_read_publish),
	TEST_ENTRY(race_publishers_and_reboot),
	TEST_ENTRY(race_unload_while_reading),
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, ARRAY_SIZE(cases));
}
