// SPDX-License-Identifier: GPL-2.0-only
/*
 * Built twice against probes of the shim tree that do not vouch for KHO's
 * page-mark layout: "unverified" (a headers-only tree: no KHO source), and
 * "differs" (the source has another layout). Unverified: nothing is
 * claimed until a descriptor page, which KHO itself names, shows the mark
 * khoser reads. Differs: every claim is refused, cleanly.
 */
#include "test.h"
#include <khoser_probe.h>

#define COMPAT "mydrv-v1;khoser-block-v1"

/* Boot 1: two published sets; returns the head of "b" for a raw restore. */
static u64 two_sets(void)
{
	struct khoser_block_set bs[2];
	struct khoser_block_set_it it;
	unsigned int k;
	u64 head = 0, i;

	test_boot(true);
	for (k = 0; k < 2; k++) {
		if (khoser_block_set_init(&bs[k], 64) ||
		    khoser_block_set_grow(&bs[k], 100))
			abort();
		khoser_block_set_it_init(&it, &bs[k]);
		for (i = 0; i < 100; i++)
			test_fill(khoser_block_set_it_reserve_entry(&it), 64, k, i);
		if (khoser_block_set_publish(&bs[k], k ? "b" : "a", COMPAT))
			abort();
		head = khoser_block_set_head_pa(&bs[k]);
	}
	test_kexec(true);
	return head;
}

#ifndef KHOSER_KHO_MARK_DIFFERS
TEST(unverified_until_a_descriptor_shows_the_mark)
{
	struct khoser_block_set raw, a;
	u64 head = two_sets();
	long unclaimed = shim_unclaimed_pages();

	CHECK_EQ(khoser_block_set_init(&raw, 64), 0);
	CHECK_EQ(khoser_block_set_restore(&raw, head), -EINVAL);
	CHECK(strstr(shim_last_log, "mark-layout"));
	CHECK_EQ(shim_unclaimed_pages(), unclaimed);	/* nothing claimed */
	CHECK_EQ(shim_warns, 0);
	/* A lookup claims a descriptor KHO names: the layout is verified. */
	CHECK_EQ(khoser_block_set_init(&a, 64), 0);
	CHECK_EQ(khoser_block_set_lookup(&a, "a", COMPAT), 0);
	CHECK_EQ(khoser_block_set_entries(&a), 100);
	CHECK_EQ(khoser_block_set_restore(&raw, head), 0);
	CHECK_EQ(khoser_block_set_entries(&raw), 100);
	CHECK_EQ(khoser_block_set_destroy(&raw), 0);
	CHECK_EQ(khoser_block_set_destroy(&a), 0);
	test_exit();
	CHECK_EQ(shim_live_allocs(), 0);
}
#else
TEST(layout_differs_refuses_every_claim)
{
	struct khoser_block_set a;
	long unclaimed;

	two_sets();
	unclaimed = shim_unclaimed_pages();
	CHECK_EQ(khoser_block_set_init(&a, 64), 0);
	CHECK_EQ(khoser_block_set_lookup(&a, "a", COMPAT), -EINVAL);
	CHECK(strstr(shim_last_log, "mark-layout"));
	CHECK_EQ(khoser_block_set_lookup(&a, "b", COMPAT), -EINVAL);
	CHECK_EQ(shim_unclaimed_pages(), unclaimed);
	CHECK_EQ(shim_warns, 0);
	test_exit();
	CHECK_EQ(shim_live_allocs(), 0);
}
#endif

static const struct test_case cases[] = {
#ifndef KHOSER_KHO_MARK_DIFFERS
	TEST_ENTRY(unverified_until_a_descriptor_shows_the_mark),
#else
	TEST_ENTRY(layout_differs_refuses_every_claim),
#endif
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, ARRAY_SIZE(cases));
}
