// SPDX-License-Identifier: GPL-2.0-only
/*
 * Named root: publish, lookup, unpublish, release; names; descriptor
 * corruption; compatible-string mismatch; allocation failure.
 */
#include "test.h"

#define COMPAT "mydrv-v2;khoser-block-v1"

/* Publish a one-page raw payload; returns its phys. */
static u64 publish_raw(const char *name, const char *compat)
{
	u8 *p = kho_alloc_preserve(PAGE_SIZE);

	memcpy(p, "payload", 8);
	if (khoser_publish(name, compat, virt_to_phys(p), 8))
		return 0;
	return virt_to_phys(p);
}

TEST(publish_lookup_raw)
{
	phys_addr_t phys;
	u64 size, pa;
	struct folio *f;

	test_boot(true);
	pa = publish_raw("obj-1.a_b", COMPAT);
	CHECK(pa);
	test_kexec(true);
	CHECK(khoser_is_kho_boot());
	CHECK_EQ(khoser_lookup("obj-1.a_b", COMPAT, &phys, &size), 0);
	CHECK_EQ(phys, pa);
	CHECK_EQ(size, 8);
	/* Looking up twice is fine; the descriptor is claimed once. */
	CHECK_EQ(khoser_lookup("obj-1.a_b", COMPAT, &phys, &size), 0);
	CHECK_EQ(shim_warns, 0);
	f = kho_restore_folio(phys);
	CHECK(f);
	CHECK(!memcmp(folio_address(f), "payload", 8));
	folio_put(f);
	CHECK_EQ(khoser_release("obj-1.a_b"), 0);
	CHECK_EQ(khoser_release("obj-1.a_b"), -ENOENT);
	test_exit();
	CHECK(test_all_freed());
}

TEST(names)
{
	char longest[KHOSER_NAME_LEN], too_long[KHOSER_NAME_LEN + 1];
	static const char * const bad[] = {
		"", "-x", ".x", "_x", "Abc", "a b", "a/b", "a@b", "a;b", "é",
	};
	unsigned int i;

	test_boot(true);
	memset(longest, 'n', KHOSER_NAME_MAX);
	longest[KHOSER_NAME_MAX] = '\0';
	memset(too_long, 'n', KHOSER_NAME_LEN);
	too_long[KHOSER_NAME_LEN] = '\0';
	CHECK_EQ(khoser_name_valid(longest), 0);
	CHECK_EQ(khoser_name_valid(too_long), -EINVAL);
	CHECK_EQ(khoser_name_valid(NULL), -EINVAL);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (khoser_name_valid(bad[i]) != -EINVAL)
			CHECK_EQ(i, 1000);
	CHECK_EQ(khoser_publish(too_long, COMPAT, 0x200000, 1), -EINVAL);
	CHECK_EQ(khoser_publish("ok", "bad compat", 0x200000, 1), -EINVAL);
	CHECK_EQ(khoser_publish("ok", "mydrv-v1;khoser-block-v7", 0x200000, 1),
		 -EINVAL);
	CHECK(strstr(shim_last_log, "format this build lacks"));
	CHECK(publish_raw(longest, COMPAT));
	CHECK_EQ(khoser_unpublish(longest), 0);
	test_exit();
	CHECK_EQ(shim_live_allocs(), 0);
	CHECK_EQ(shim_preserved_pages(), 1);	/* the test's own payload */
}

TEST(duplicates_and_unpublish)
{
	test_boot(true);
	CHECK_EQ(khoser_publish("dup", COMPAT, 0x200000, 1), 0);
	CHECK_EQ(khoser_publish("dup", COMPAT, 0x300000, 1), -EEXIST);
	CHECK_EQ(shim_preserved_pages(), 1);	/* refused one left nothing */
	CHECK_EQ(khoser_unpublish("dup"), 0);
	CHECK_EQ(khoser_unpublish("dup"), -ENOENT);
	CHECK_EQ(khoser_unpublish(NULL), -ENOENT);
	CHECK_EQ(shim_preserved_pages(), 0);
	CHECK_EQ(khoser_publish("dup", COMPAT, 0x300000, 1), 0);
	test_kexec(true);
	{
		phys_addr_t phys;
		u64 size;

		CHECK_EQ(khoser_lookup("dup", COMPAT, &phys, &size), 0);
		CHECK_EQ(phys, 0x300000);
		/* Same name published again for the next kernel. */
		CHECK_EQ(khoser_publish("dup", COMPAT, phys, size), 0);
	}
	test_exit();
	CHECK(test_all_freed());
}

TEST(not_found)
{
	phys_addr_t phys;
	u64 size;

	test_boot(true);
	CHECK_EQ(khoser_lookup("none", COMPAT, &phys, &size), -ENOENT);
	CHECK_EQ(khoser_publish("other", COMPAT, 0x200000, 1), 0);
	test_kexec(true);
	CHECK_EQ(khoser_lookup("none", COMPAT, &phys, &size), -ENOENT);
	CHECK_EQ(khoser_lookup("Bad", COMPAT, &phys, &size), -EINVAL);
	CHECK_EQ(khoser_lookup("other", "x", &phys, &size), -EINVAL);
	test_exit();
	CHECK_EQ(shim_live_allocs(), 0);
	CHECK_EQ(shim_unclaimed_pages(), 1);	/* "other" never looked up */
}

TEST(compat_mismatch_before_restore)
{
	struct khoser_block_set bs;
	phys_addr_t phys;
	u64 size;
	int lines;

	test_boot(true);
	CHECK_EQ(khoser_block_set_init(&bs, 8), 0);
	CHECK_EQ(khoser_block_set_grow(&bs, 10), 0);
	{
		struct khoser_block_set_it it;

		khoser_block_set_it_init(&it, &bs);
		*(u64 *)khoser_block_set_it_reserve_entry(&it) = 5;
	}
	CHECK_EQ(khoser_block_set_publish(&bs, "mydrv", COMPAT), 0);
	test_kexec(true);
	CHECK_EQ(khoser_block_set_init(&bs, 8), 0);
	lines = shim_err_lines;
	CHECK_EQ(khoser_block_set_lookup(&bs, "mydrv", "mydrv-v3;khoser-block-v1"),
		 -EPROTO);
	CHECK_EQ(shim_err_lines - lines, 1);
	CHECK(strstr(shim_last_log, "mydrv: mydrv: expected v3, found v2"));
	CHECK(khoser_block_set_is_empty(&bs));
	CHECK_EQ(shim_unclaimed_pages(), 1);	/* the chain was not touched */
	/* A raw lookup of a block set is a kind mismatch. */
	CHECK_EQ(khoser_lookup("mydrv", COMPAT, &phys, &size), -EPROTO);
	CHECK(strstr(shim_last_log, "kind"));
	CHECK_EQ(khoser_block_set_lookup(&bs, "mydrv", COMPAT), 0);
	CHECK_EQ(khoser_block_set_entries(&bs), 1);
	CHECK_EQ(khoser_block_set_destroy(&bs), 0);
	test_exit();
	CHECK(test_all_freed());
}

/* Publish "victim", kexec, return its descriptor (still unclaimed). */
static struct khoser_root_ser *victim(void)
{
	struct khoser_block_set bs;
	phys_addr_t phys;
	size_t size;

	test_boot(true);
	if (khoser_block_set_init(&bs, 16) || khoser_block_set_grow(&bs, 3))
		abort();
	khoser_block_set_it_init(&(struct khoser_block_set_it){ 0 }, &bs);
	{
		struct khoser_block_set_it it;
		int i;

		khoser_block_set_it_init(&it, &bs);
		for (i = 0; i < 3; i++)
			memset(khoser_block_set_it_reserve_entry(&it), i, 16);
	}
	if (khoser_block_set_publish(&bs, "victim", COMPAT))
		abort();
	test_kexec(true);
	if (kho_retrieve_subtree("khoser-victim", &phys, &size))
		abort();
	return phys_to_virt(phys);
}

static void expect_bad_desc(const char *what)
{
	struct khoser_block_set bs;
	int lines = shim_err_lines;
	int i;

	if (khoser_block_set_init(&bs, 16))
		abort();
	for (i = 0; i < 2; i++) {
		/* Refused the same way twice, logged and claimed once. */
		CHECK_EQ(khoser_block_set_lookup(&bs, "victim", COMPAT), -EINVAL);
		CHECK_EQ(shim_err_lines - lines, 1);
		CHECK(strstr(shim_last_log, what));
	}
	CHECK_EQ(shim_warns, 0);
	test_exit();
	CHECK_EQ(shim_live_allocs(), 0);
	CHECK_EQ(shim_used_pages(), shim_unclaimed_pages());
}

TEST(desc_bad_magic)
{
	victim()->magic[7] ^= 1;
	expect_bad_desc("bad descriptor magic");
}

TEST(desc_wrong_name)
{
	victim()->name[0] = 'w';
	expect_bad_desc("names another object");
}

TEST(desc_name_unterminated)
{
	memset(victim()->name, 'a', KHOSER_NAME_LEN);
	expect_bad_desc("names another object");
}

TEST(desc_compat_unterminated)
{
	memset(victim()->compat, 'a', KHOSER_COMPAT_LEN);
	expect_bad_desc("not terminated");
}

TEST(desc_garbage_after_compat)
{
	victim()->compat[KHOSER_COMPAT_LEN - 1] = 'x';
	expect_bad_desc("not terminated");
}

TEST(desc_unknown_kind)
{
	victim()->kind = 77;
	expect_bad_desc("unknown object kind");
}

TEST(desc_reserved_set)
{
	victim()->reserved[1] = 1;
	expect_bad_desc("reserved");
}

TEST(desc_entry_size)
{
	victim()->size = 5000;
	expect_bad_desc("entry size out of range");
}

TEST(desc_head_misaligned)
{
	victim()->phys += 3;
	expect_bad_desc("head misaligned");
}

TEST(desc_truncated)
{
	struct khoser_root_ser *d = victim();

	shim_set_incoming_subtree("khoser-victim", virt_to_phys(d),
				  sizeof(*d) - 8);
	expect_bad_desc("descriptor size wrong");
}

TEST(desc_misaligned)
{
	struct khoser_root_ser *d = victim();

	shim_set_incoming_subtree("khoser-victim", virt_to_phys(d) + 64,
				  sizeof(*d));
	expect_bad_desc("misaligned");
}

TEST(desc_outside_ram)
{
	victim();
	shim_set_incoming_subtree("khoser-victim", 1ULL << 50,
				  sizeof(struct khoser_root_ser));
	expect_bad_desc("outside RAM");
}

TEST(desc_compat_malformed)
{
	strscpy_pad(victim()->compat, "not a compat", KHOSER_COMPAT_LEN);
	{
		struct khoser_block_set bs;

		khoser_block_set_init(&bs, 16);
		CHECK_EQ(khoser_block_set_lookup(&bs, "victim", COMPAT), -EPROTO);
		CHECK(strstr(shim_last_log, "malformed"));
		test_exit();
	}
}

TEST(random_descriptor_bytes)
{
	struct khoser_block_set bs;
	u64 st = 99;
	unsigned int round, k;
	int err;

	for (round = 0; round < 300; round++) {
		u8 *d = (u8 *)victim();

		for (k = 0; k < 1 + test_rand(&st) % 4; k++)
			d[test_rand(&st) % sizeof(struct khoser_root_ser)] ^=
				1u << (test_rand(&st) % 8);
		khoser_block_set_init(&bs, 16);
		err = khoser_block_set_lookup(&bs, "victim", COMPAT);
		CHECK(err == 0 || err == -EINVAL || err == -EPROTO);
		if (!err)
			khoser_block_set_destroy(&bs);
		test_exit();
		CHECK_EQ(shim_live_allocs(), 0);
		CHECK_EQ(shim_used_pages(), shim_unclaimed_pages());
	}
}

TEST(fail_nth_publish_raw)
{
	long n;
	int err;

	for (n = 1;; n++) {
		test_boot(true);
		shim_fail_reset(n);
		err = khoser_publish("raw", COMPAT, 0x200000, 1);
		shim_fail_reset(0);
		if (!err)
			break;
		CHECK_EQ(err, -ENOMEM);
		CHECK_EQ(shim_live_allocs(), 1);	/* the registry */
		CHECK_EQ(shim_used_pages(), 0);
		test_exit();
	}
	CHECK(n >= 4);	/* object, page, preserve, subtree */
	CHECK_EQ(khoser_unpublish("raw"), 0);
	test_exit();
	CHECK(test_all_freed());
}

static const struct test_case cases[] = {
	TEST_ENTRY(publish_lookup_raw),
	TEST_ENTRY(names),
	TEST_ENTRY(duplicates_and_unpublish),
	TEST_ENTRY(not_found),
	TEST_ENTRY(compat_mismatch_before_restore),
	TEST_ENTRY(desc_bad_magic),
	TEST_ENTRY(desc_wrong_name),
	TEST_ENTRY(desc_name_unterminated),
	TEST_ENTRY(desc_compat_unterminated),
	TEST_ENTRY(desc_garbage_after_compat),
	TEST_ENTRY(desc_unknown_kind),
	TEST_ENTRY(desc_reserved_set),
	TEST_ENTRY(desc_entry_size),
	TEST_ENTRY(desc_head_misaligned),
	TEST_ENTRY(desc_truncated),
	TEST_ENTRY(desc_misaligned),
	TEST_ENTRY(desc_outside_ram),
	TEST_ENTRY(desc_compat_malformed),
	TEST_ENTRY(random_descriptor_bytes),
	TEST_ENTRY(fail_nth_publish_raw),
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, ARRAY_SIZE(cases));
}
