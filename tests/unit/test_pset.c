// SPDX-License-Identifier: GPL-2.0-only
/*
 * The restore path's address set.
 */
#include "test.h"
#include "../../src/pset.h"

TEST(add_find_grow)
{
	struct khoser_pset ps;
	u64 i;

	shim_boot(true);
	CHECK_EQ(khoser_pset_init(&ps, 4), 0);
	for (i = 1; i <= 100000; i++)
		CHECK_EQ(khoser_pset_add(&ps, i << 12), 0);
	for (i = 1; i <= 100000; i += 997)
		CHECK_EQ(khoser_pset_add(&ps, i << 12), -EEXIST);
	CHECK_EQ(ps.used, 100000);
	CHECK(ps.mask + 1 >= 200000);
	khoser_pset_destroy(&ps);
	CHECK_EQ(shim_live_allocs(), 0);
}

TEST(colliding_addresses)
{
	struct khoser_pset ps;
	u64 i;

	shim_boot(true);
	CHECK_EQ(khoser_pset_init(&ps, 0), 0);
	/* Strides that share low hash bits. */
	for (i = 1; i <= 5000; i++)
		CHECK_EQ(khoser_pset_add(&ps, (i << 40) | (i << 24)), 0);
	for (i = 1; i <= 5000; i++)
		CHECK_EQ(khoser_pset_add(&ps, (i << 40) | (i << 24)), -EEXIST);
	khoser_pset_destroy(&ps);
	CHECK_EQ(shim_live_allocs(), 0);
}

TEST(fail_nth)
{
	struct khoser_pset ps;
	long n;
	u64 i;
	int err = 0;

	for (n = 1; n < 20; n++) {
		shim_boot(true);
		shim_fail_reset(n);
		err = khoser_pset_init(&ps, 0);
		if (err) {
			CHECK_EQ(err, -ENOMEM);
			CHECK_EQ(shim_live_allocs(), 0);
			continue;
		}
		for (i = 1; i <= 1000 && !err; i++)
			err = khoser_pset_add(&ps, i << 12);
		shim_fail_reset(0);
		if (err) {
			CHECK_EQ(err, -ENOMEM);
			/* Still usable: what was added is there. */
			CHECK_EQ(khoser_pset_add(&ps, 1 << 12), -EEXIST);
		}
		khoser_pset_destroy(&ps);
		CHECK_EQ(shim_live_allocs(), 0);
	}
}

static const struct test_case cases[] = {
	TEST_ENTRY(add_find_grow),
	TEST_ENTRY(colliding_addresses),
	TEST_ENTRY(fail_nth),
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, ARRAY_SIZE(cases));
}
