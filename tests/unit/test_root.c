// SPDX-License-Identifier: GPL-2.0-only
/*
 * Named root: publish, lookup, unpublish, release; names; descriptor
 * corruption; compatible-string mismatch; version sets, the incoming
 * string, dependency components (through a kind of the test's own);
 * allocation failure.
 */
#include "test.h"
#include "../../src/common.h"

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
		/* Latin-1 letters, which the kernel's islower() takes */
		"caf\xe9", "\xe9t\xe9", "a\xdf", "\xc0" "b",
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
	victim()->size = PAGE_SIZE + 904;	/* 5000 with 4 KiB pages */
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

TEST(publish_refuses_sets)
{
	struct khoser_block_set bs;
	int lines;

	test_boot(true);
	lines = shim_err_lines;
	CHECK_EQ(khoser_publish("x", "mydrv-v1,2", 0x200000, 1), -EINVAL);
	CHECK(strstr(shim_last_log, "x: version sets are for lookups"));
	CHECK_EQ(khoser_publish("x", "mydrv-v1;khoser-block-v1,2", 0x200000, 1),
		 -EINVAL);
	CHECK_EQ(shim_err_lines - lines, 2);
	CHECK_EQ(khoser_block_set_init(&bs, 8), 0);
	CHECK_EQ(khoser_block_set_publish(&bs, "y", "mydrv-v1;khoser-block-v1,2"),
		 -EINVAL);
	CHECK_EQ(shim_preserved_pages(), 0);
	CHECK_EQ(khoser_block_set_destroy(&bs), 0);
	test_exit();
	CHECK(test_all_freed());
}

TEST(lookup_with_sets)
{
	struct khoser_block_set bs;
	char buf[KHOSER_COMPAT_LEN];
	unsigned long v;
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
	/* What was published, before anything is restored. */
	CHECK_EQ(khoser_incoming_compat("mydrv", buf, sizeof(buf)),
		 strlen(COMPAT));
	CHECK(!strcmp(buf, COMPAT));
	CHECK_EQ(shim_unclaimed_pages(), 1);	/* the chain */
	lines = shim_err_lines;
	CHECK_EQ(khoser_block_set_lookup(&bs, "mydrv",
					 "mydrv-v3,4;khoser-block-v1,2"), -EPROTO);
	CHECK_EQ(shim_err_lines - lines, 1);
	CHECK(strstr(shim_last_log, "mydrv: mydrv: expected v3,4, found v2\n"));
	CHECK_EQ(khoser_block_set_lookup(&bs, "mydrv",
					 "mydrv-v2;khoser-block-v2,3"), -EPROTO);
	CHECK(strstr(shim_last_log, "khoser-block: expected v2,3, found v1\n"));
	CHECK(khoser_block_set_is_empty(&bs));
	CHECK_EQ(shim_unclaimed_pages(), 1);	/* not touched */
	CHECK_EQ(khoser_block_set_lookup(&bs, "mydrv",
					 "mydrv-v1,2;khoser-block-v1,2"), 0);
	CHECK_EQ(khoser_block_set_entries(&bs), 1);
	/* Which versions were found. */
	CHECK_EQ(khoser_incoming_compat("mydrv", buf, sizeof(buf)),
		 strlen(COMPAT));
	CHECK_EQ(khoser_compat_version(buf, "mydrv", &v), 0);
	CHECK_EQ(v, 2);
	CHECK_EQ(khoser_compat_version(buf, KHOSER_BLOCK_BASE, &v), 0);
	CHECK_EQ(v, 1);
	CHECK_EQ(khoser_block_set_destroy(&bs), 0);
	CHECK_EQ(khoser_release("mydrv"), 0);
	test_exit();
	CHECK(test_all_freed());
}

TEST(incoming_compat)
{
	char buf[KHOSER_COMPAT_LEN];
	phys_addr_t phys;
	u64 size;

	test_boot(false);
	CHECK_EQ(khoser_incoming_compat("obj", buf, sizeof(buf)), -EOPNOTSUPP);
	test_exit();
	test_boot(true);
	CHECK(publish_raw("obj", COMPAT));
	/* Published here is not incoming. */
	CHECK_EQ(khoser_incoming_compat("obj", buf, sizeof(buf)), -ENOENT);
	test_kexec(true);
	CHECK_EQ(khoser_incoming_compat("none", buf, sizeof(buf)), -ENOENT);
	CHECK_EQ(khoser_incoming_compat("Bad", buf, sizeof(buf)), -EINVAL);
	CHECK_EQ(khoser_incoming_compat(NULL, buf, sizeof(buf)), -EINVAL);
	/* Too small a buffer: -ENOSPC, and "" when there is room for it. */
	strcpy(buf, "x");
	CHECK_EQ(khoser_incoming_compat("obj", buf, strlen(COMPAT)), -ENOSPC);
	CHECK_EQ(buf[0], '\0');
	CHECK_EQ(khoser_incoming_compat("obj", buf, 0), -ENOSPC);
	CHECK_EQ(khoser_incoming_compat("obj", NULL, 0), -ENOSPC);
	CHECK_EQ(khoser_incoming_compat("obj", buf, strlen(COMPAT) + 1),
		 strlen(COMPAT));
	CHECK(!strcmp(buf, COMPAT));
	/* The descriptor is claimed once; the lookup still works. */
	CHECK_EQ(khoser_lookup("obj", COMPAT, &phys, &size), 0);
	CHECK_EQ(size, 8);
	CHECK_EQ(khoser_incoming_compat("obj", buf, sizeof(buf)),
		 strlen(COMPAT));
	CHECK_EQ(shim_warns, 0);
	CHECK_EQ(khoser_release("obj"), 0);
	test_exit();
	CHECK_EQ(shim_live_allocs(), 0);
	CHECK_EQ(shim_used_pages(), 1);		/* the test's own payload */
}

TEST(incoming_compat_refused_desc)
{
	char buf[KHOSER_COMPAT_LEN];
	struct khoser_block_set bs;
	int lines;

	memcpy(victim()->magic, "xx", 2);
	lines = shim_err_lines;
	CHECK_EQ(khoser_incoming_compat("victim", buf, sizeof(buf)), -EINVAL);
	CHECK(strstr(shim_last_log, "bad descriptor magic"));
	/* Refused once, the verdict kept: no second line. */
	CHECK_EQ(khoser_incoming_compat("victim", buf, sizeof(buf)), -EINVAL);
	CHECK_EQ(shim_err_lines - lines, 1);
	khoser_block_set_init(&bs, 16);
	CHECK_EQ(khoser_block_set_lookup(&bs, "victim", COMPAT), -EINVAL);
	test_exit();
	CHECK_EQ(shim_live_allocs(), 0);
	CHECK_EQ(shim_used_pages(), shim_unclaimed_pages());

	/* A malformed string, or one with a set, in the descriptor. */
	strscpy_pad(victim()->compat, "not a compat", KHOSER_COMPAT_LEN);
	CHECK_EQ(khoser_incoming_compat("victim", buf, sizeof(buf)), -EPROTO);
	CHECK(strstr(shim_last_log, "victim: malformed compatible string"));
	test_exit();
	strscpy_pad(victim()->compat, "mydrv-v2;khoser-block-v1,2",
		    KHOSER_COMPAT_LEN);
	CHECK_EQ(khoser_incoming_compat("victim", buf, sizeof(buf)), -EPROTO);
	khoser_block_set_init(&bs, 16);
	CHECK_EQ(khoser_block_set_lookup(&bs, "victim",
					 "mydrv-v2;khoser-block-v1,2"), -EPROTO);
	CHECK(strstr(shim_last_log, "victim: malformed compatible string"));
	test_exit();
	CHECK_EQ(shim_live_allocs(), 0);
	CHECK_EQ(shim_used_pages(), shim_unclaimed_pages());
}

TEST(fail_nth_incoming_compat)
{
	char buf[KHOSER_COMPAT_LEN];
	long n;
	int err;

	for (n = 1;; n++) {
		test_boot(true);
		CHECK_EQ(khoser_publish("raw", COMPAT, 0x200000, 1), 0);
		test_kexec(true);
		shim_fail_reset(n);
		err = khoser_incoming_compat("raw", buf, sizeof(buf));
		shim_fail_reset(0);
		if (err > 0)
			break;
		CHECK_EQ(err, -ENOMEM);
		/* Nothing kept: the next call claims it. */
		CHECK_EQ(khoser_incoming_compat("raw", buf, sizeof(buf)),
			 strlen(COMPAT));
		test_exit();
		CHECK_EQ(shim_live_allocs(), 0);
		CHECK_EQ(shim_used_pages(), shim_unclaimed_pages());
	}
	CHECK(n >= 2);
	CHECK(!strcmp(buf, COMPAT));
	test_exit();
	CHECK_EQ(shim_live_allocs(), 0);
}

/*
 * A kind of the test's own, built on the block format: raw-like (its
 * descriptors are of kind raw), its dependency's component is @fake_dep.
 */
struct fake {
	phys_addr_t phys;
	u64 size;
};

static const char *fake_dep;

static int fake_publish(void *obj, struct khoser_root_ser *desc)
{
	const struct fake *f = obj;

	desc->kind = KHOSER_KIND_RAW;
	desc->phys = f->phys;
	desc->size = f->size;
	return 0;
}

static void fake_describe(void *obj, struct khoser_root_ser *desc)
{
}

static const char *fake_check_desc(const struct khoser_root_ser *d)
{
	return NULL;
}

static const char *fake_dep_compat(void *obj)
{
	return fake_dep;
}

static int fake_restore(void *obj, const struct khoser_root_ser *d,
			const char *label)
{
	struct fake *f = obj;

	f->phys = d->phys;
	f->size = d->size;
	return 0;
}

static const struct khoser_kind fake_kind = {
	.id = KHOSER_KIND_RAW,
	.name = "fake",
	.life = KHOSER_KIND_NO_LIFE,
	.publish = fake_publish,
	.describe = fake_describe,
	.check_desc = fake_check_desc,
	.dep_base = KHOSER_BLOCK_BASE,
	.dep_compat = fake_dep_compat,
	.restore = fake_restore,
};

/* The same without dep_compat: its dependency is always in v1. */
static const struct khoser_kind fake_kind_v1 = {
	.id = KHOSER_KIND_RAW,
	.name = "fake",
	.life = KHOSER_KIND_NO_LIFE,
	.publish = fake_publish,
	.describe = fake_describe,
	.check_desc = fake_check_desc,
	.dep_base = KHOSER_BLOCK_BASE,
	.restore = fake_restore,
};

static int fake_pub(const struct khoser_kind *kind, const char *name,
		    const char *compat)
{
	struct fake f = { .phys = 0x200000, .size = 1 };

	return khoser_root_publish(kind, &f, name, compat);
}

static int fake_look(const struct khoser_kind *kind, const char *name,
		     const char *compat)
{
	struct fake f = { 0 };
	int err = khoser_root_lookup(kind, &f, name, compat);

	if (!err && (f.phys != 0x200000 || f.size != 1))
		return -EIO;
	return err;
}

/* The string @name was published with, or "" and the errno. */
static const char *published_as(const char *name)
{
	static char buf[KHOSER_COMPAT_LEN];

	if (khoser_incoming_compat(name, buf, sizeof(buf)) < 0)
		buf[0] = '\0';
	return buf;
}

TEST(dependency_publish)
{
	char big[KHOSER_COMPAT_LEN];
	unsigned int i;
	int lines;

	test_boot(true);
	lines = shim_err_lines;
	fake_dep = KHOSER_BLOCK_COMPAT_V2;
	CHECK_EQ(fake_pub(&fake_kind, "a", "mydrv-v1"), 0);
	CHECK_EQ(fake_pub(&fake_kind, "b", "mydrv-v1;khoser-vbuf-v1"), 0);
	CHECK_EQ(fake_pub(&fake_kind, "c", "mydrv-v1;khoser-block-v2"), 0);
	CHECK_EQ(fake_pub(&fake_kind, "d", "mydrv-v1;khoser-block-v1"), -EINVAL);
	CHECK(!strcmp(shim_last_log,
		      "khoser: d: 'mydrv-v1;khoser-block-v1' names khoser-block-v1, the fake payload is written in v2\n"));
	CHECK_EQ(shim_err_lines - lines, 1);
	/* No room for the component. */
	strcpy(big, "o-v1");
	for (i = 0; i < 15; i++)
		sprintf(big + strlen(big), ";f%c-v1", 'a' + i);
	CHECK_EQ(fake_pub(&fake_kind, "full", big), -ENOSPC);
	CHECK(strstr(shim_last_log, "full: cannot add khoser-block-v2 to"));
	/* The implicit v1: nothing added, another version refused. */
	fake_dep = NULL;
	CHECK_EQ(fake_pub(&fake_kind, "e", "mydrv-v1"), 0);
	CHECK_EQ(fake_pub(&fake_kind, "f", "mydrv-v1;khoser-block-v2"), -EINVAL);
	CHECK(strstr(shim_last_log, "names khoser-block-v2, the fake payload is written in v1\n"));
	CHECK_EQ(fake_pub(&fake_kind, "g", "mydrv-v1;khoser-block-v1"), 0);
	CHECK_EQ(fake_pub(&fake_kind_v1, "h", "mydrv-v1"), 0);
	CHECK_EQ(fake_pub(&fake_kind_v1, "i", "mydrv-v1;khoser-block-v2"),
		 -EINVAL);
	/* A component of another base, or malformed: the kind's bug. */
	fake_dep = "khoser-sarray-v1";
	CHECK_EQ(fake_pub(&fake_kind, "j", "mydrv-v1"), -EINVAL);
	CHECK(strstr(shim_last_log, "j: fake payload names its format 'khoser-sarray-v1', not khoser-block-v<N>\n"));
	fake_dep = "khoser-block";
	CHECK_EQ(fake_pub(&fake_kind, "j", "mydrv-v1"), -EINVAL);
	/* A version this build does not read (for the lookup below). */
	fake_dep = "khoser-block-v9";
	CHECK_EQ(fake_pub(&fake_kind, "z", "mydrv-v1"), 0);
	CHECK_EQ(shim_err_lines - lines, 6);
	CHECK_EQ(shim_preserved_pages(), 7);	/* a b c e g h z, no more */

	test_kexec(true);
	CHECK(!strcmp(published_as("a"), "mydrv-v1;khoser-block-v2"));
	CHECK(!strcmp(published_as("b"),
		      "mydrv-v1;khoser-block-v2;khoser-vbuf-v1"));
	CHECK(!strcmp(published_as("c"), "mydrv-v1;khoser-block-v2"));
	CHECK(!strcmp(published_as("e"), "mydrv-v1"));
	CHECK(!strcmp(published_as("g"), "mydrv-v1;khoser-block-v1"));
	CHECK(!strcmp(published_as("h"), "mydrv-v1"));
	CHECK(!strcmp(published_as("z"), "mydrv-v1;khoser-block-v9"));
	CHECK_EQ(khoser_incoming_compat("d", big, sizeof(big)), -ENOENT);
	CHECK_EQ(khoser_incoming_compat("f", big, sizeof(big)), -ENOENT);
	CHECK_EQ(khoser_incoming_compat("i", big, sizeof(big)), -ENOENT);
	CHECK_EQ(khoser_incoming_compat("j", big, sizeof(big)), -ENOENT);
	CHECK_EQ(khoser_incoming_compat("full", big, sizeof(big)), -ENOENT);
	test_exit();
	CHECK_EQ(shim_live_allocs(), 0);
}

TEST(dependency_lookup)
{
	phys_addr_t phys;
	u64 size;

	test_boot(true);
	fake_dep = KHOSER_BLOCK_COMPAT_V2;
	CHECK_EQ(fake_pub(&fake_kind, "a", "mydrv-v1"), 0);
	CHECK_EQ(fake_pub(&fake_kind, "b", "mydrv-v1;khoser-vbuf-v1"), 0);
	CHECK_EQ(fake_pub(&fake_kind, "c", "mydrv-v1"), 0);
	fake_dep = NULL;
	CHECK_EQ(fake_pub(&fake_kind, "e", "mydrv-v1"), 0);
	fake_dep = "khoser-block-v9";
	CHECK_EQ(fake_pub(&fake_kind, "z", "mydrv-v1"), 0);
	test_kexec(true);

	/* Not named by the caller, in a format this build reads: accepted. */
	CHECK_EQ(fake_look(&fake_kind, "a", "mydrv-v1"), 0);
	/* A kind without that dependency: as any component, refused. */
	CHECK_EQ(khoser_lookup("b", "mydrv-v1;khoser-vbuf-v1", &phys, &size),
		 -EPROTO);
	CHECK(strstr(shim_last_log, "b: khoser-block: not expected, found v2\n"));
	CHECK_EQ(fake_look(&fake_kind, "b", "mydrv-v1;khoser-vbuf-v1"), 0);
	/* Named by the caller: matched. */
	CHECK_EQ(fake_look(&fake_kind, "c", "mydrv-v1;khoser-block-v1"), -EPROTO);
	CHECK(strstr(shim_last_log, "c: khoser-block: expected v1, found v2\n"));
	CHECK_EQ(fake_look(&fake_kind, "c", "mydrv-v1;khoser-block-v1,2"), 0);
	/* Absent: the implicit v1. */
	CHECK_EQ(fake_look(&fake_kind, "e", "mydrv-v1;khoser-block-v2"), -EPROTO);
	CHECK(strstr(shim_last_log, "e: khoser-block: expected v2, found v1 (implied)\n"));
	CHECK_EQ(fake_look(&fake_kind, "e", "mydrv-v1;khoser-block-v1,2"), 0);
	CHECK_EQ(fake_look(&fake_kind, "e", "mydrv-v1"), 0);
	/* A version this build does not read: refused. */
	CHECK_EQ(fake_look(&fake_kind, "z", "mydrv-v1"), -EPROTO);
	CHECK(strstr(shim_last_log, "z: khoser-block: not expected, found v9\n"));
	CHECK_EQ(fake_look(&fake_kind, "z", "mydrv-v1;khoser-block-v9"), 0);
	/* The owner's version still counts. */
	CHECK_EQ(fake_look(&fake_kind, "a", "mydrv-v2"), -EPROTO);
	CHECK(strstr(shim_last_log, "a: mydrv: expected v2, found v1\n"));
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
	TEST_ENTRY(publish_refuses_sets),
	TEST_ENTRY(lookup_with_sets),
	TEST_ENTRY(incoming_compat),
	TEST_ENTRY(incoming_compat_refused_desc),
	TEST_ENTRY(fail_nth_incoming_compat),
	TEST_ENTRY(dependency_publish),
	TEST_ENTRY(dependency_lookup),
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, ARRAY_SIZE(cases));
}
