// SPDX-License-Identifier: GPL-2.0-only
/*
 * Built with the probe of a tree that has no <linux/kexec_handover.h>
 * (kernels before 6.16): khoser runs in unavailable mode even though the
 * shim's KHO is on, and every KHO call fails with -EOPNOTSUPP.
 */
#include "test.h"
#include "../../src/kho.h"

#define COMPAT "mydrv-v1;khoser-block-v1"

TEST(unavailable_without_kho_api)
{
	struct khoser_block_set bs;
	phys_addr_t phys;
	u64 size;
	char buf[64];

	test_boot(true);
	CHECK(!khoser_kho_api());
	CHECK(!khoser_is_enabled());
	CHECK(!khoser_is_kho_boot());
	CHECK(strstr(shim_last_log, "unavailable"));
	CHECK_EQ(khoser_block_set_init(&bs, 64), 0);
	CHECK_EQ(khoser_block_set_grow(&bs, 1), -EOPNOTSUPP);
	CHECK_EQ(khoser_block_set_restore(&bs, 0x200000), -EOPNOTSUPP);
	CHECK_EQ(khoser_block_set_publish(&bs, "x", COMPAT), -EOPNOTSUPP);
	CHECK_EQ(khoser_block_set_lookup(&bs, "x", COMPAT), -EOPNOTSUPP);
	CHECK_EQ(khoser_publish("x", COMPAT, 0x200000, 1), -EOPNOTSUPP);
	CHECK_EQ(khoser_lookup("x", COMPAT, &phys, &size), -EOPNOTSUPP);
	CHECK_EQ(khoser_unpublish("x"), -EOPNOTSUPP);
	CHECK_EQ(khoser_release("x"), -EOPNOTSUPP);
	{
		struct khoser_sarray sa;
		struct khoser_vbuf vb;
		void *buf = vmalloc(PAGE_SIZE);

		khoser_sarray_init(&sa);
		CHECK_EQ(khoser_sarray_add(&sa, 1, 1), -EOPNOTSUPP);
		CHECK_EQ(khoser_sarray_restore(&sa, 0x200000), -EOPNOTSUPP);
		CHECK_EQ(khoser_sarray_publish(&sa, "x", COMPAT), -EOPNOTSUPP);
		CHECK_EQ(khoser_sarray_lookup(&sa, "x", COMPAT), -EOPNOTSUPP);
		CHECK_EQ(khoser_sarray_destroy(&sa), 0);
		khoser_vbuf_init(&vb);
		CHECK_EQ(khoser_vbuf_preserve(&vb, buf, PAGE_SIZE), -EOPNOTSUPP);
		CHECK_EQ(khoser_vbuf_restore(&vb, 0x200000), -EOPNOTSUPP);
		CHECK_EQ(khoser_vbuf_lookup(&vb, "x", COMPAT), -EOPNOTSUPP);
		CHECK_EQ(khoser_vbuf_destroy(&vb), 0);
		vfree(buf);
	}
	/* Pure helpers still work. */
	CHECK_EQ(khoser_compat_build(buf, sizeof(buf), "mydrv-v1",
				     (const char *[]){ KHOSER_BLOCK_COMPAT }, 1),
		 strlen(COMPAT));
	CHECK_EQ(khoser_block_set_destroy(&bs), 0);
	test_exit();
	CHECK(test_all_freed());
	CHECK_EQ(shim_preserved_pages(), 0);
}

static const struct test_case cases[] = {
	TEST_ENTRY(unavailable_without_kho_api),
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, ARRAY_SIZE(cases));
}
