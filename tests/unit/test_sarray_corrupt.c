// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sparse arrays, restore of corrupt chains: links (cycle, misaligned,
 * outside RAM, never preserved, over the bound), page headers, runs (empty,
 * too long, values out of place, out of order, overlapping, wrapping),
 * named-root counts, random bytes. Each refused with -EINVAL, one log line
 * naming the problem and the page (and run), every claimed page released.
 */
#include "sarray_test.h"

#define COMPAT "khoser_test-v1;khoser-sarray-v1"

#define CPAGES 6
static u64 page_pa[CPAGES];
static u64 page_last[CPAGES];	/* last index of each page */
static struct idx_list chain;

/* Six pages of runs of 1 to 13 entries with gaps, raw (not published). */
static void six_pages(void)
{
	struct khoser_sarray sa;
	u64 x = 1000, j;
	unsigned int len, p;
	int err = 0;

	chain.n = 0;
	test_boot(true);
	khoser_sarray_init(&sa);
	khoser_sarray_set_max_pages(&sa, CPAGES);
	for (j = 0; !err; j++) {
		for (len = 1 + j * 7 % 13; len && !err; len--, x++) {
			err = khoser_sarray_add(&sa, x, val(x, 0));
			if (!err)
				push(&chain, x);
		}
		x += 2 + j % 5;
	}
	if (err != -ENOSPC || khoser_sarray_pages(&sa) != CPAGES)
		abort();
	for (p = 0; p < CPAGES; p++) {
		struct khoser_sarray_page_hdr *h = sa.pages[p].hdr;
		struct khoser_sarray_run *r;

		page_pa[p] = virt_to_phys(h);
		r = (void *)((u8 *)h + KHOSER_SARRAY_RUN_OFFSET(h->nruns - 1));
		page_last[p] = r->first + KHOSER_SARRAY_RUN_LEN(r->info) - 1;
		if (h->nruns < 10)
			abort();
	}
	test_kexec(true);
}

static struct khoser_sarray_page_hdr *pg(unsigned int p)
{
	return phys_to_virt(page_pa[p]);
}

static struct khoser_sarray_run *run(unsigned int p, unsigned int r)
{
	return (void *)((u8 *)pg(p) + KHOSER_SARRAY_RUN_OFFSET(r));
}

/* Set run @r of page @p's length (keeping its value offset). */
static void set_len(unsigned int p, unsigned int r, unsigned int len)
{
	u32 info = run(p, r)->info;

	run(p, r)->info = KHOSER_SARRAY_RUN_INFO(len,
						 KHOSER_SARRAY_RUN_VOFF(info));
}

/* Restore must fail: one line with @what, claimed pages released. */
static void refused(int err, const char *what, const char *where,
		    long unclaimed)
{
	struct khoser_sarray sa;
	int lines = shim_err_lines;

	khoser_sarray_init(&sa);
	CHECK_EQ(khoser_sarray_restore(&sa, page_pa[0]), err);
	CHECK_EQ(shim_err_lines - lines, 1);
	CHECK(strstr(shim_last_log, what));
	CHECK(strstr(shim_last_log, where));
	CHECK_EQ(khoser_sarray_entries(&sa), 0);
	CHECK_EQ(khoser_sarray_pages(&sa), 0);
	CHECK(!khoser_sarray_is_incoming(&sa));
	CHECK_EQ(shim_unclaimed_pages(), unclaimed);
	CHECK_EQ(shim_used_pages(), shim_unclaimed_pages());
	CHECK_EQ(shim_warns, 0);
	test_exit();
	CHECK_EQ(shim_live_allocs(), 0);
}

TEST(corrupt_intact_chain_restores)
{
	struct khoser_sarray sa;

	six_pages();
	khoser_sarray_init(&sa);
	CHECK_EQ(khoser_sarray_restore(&sa, page_pa[0]), 0);
	CHECK(matches(&sa, &chain, 0));
	CHECK_EQ(khoser_sarray_destroy(&sa), 0);
	test_exit();
	CHECK(test_all_freed());
}

TEST(corrupt_chain_links)
{
	struct khoser_sarray sa;

	six_pages();
	pg(3)->next = page_pa[1];
	refused(-EINVAL, "cycle", "page 4 at", 2);
	six_pages();
	pg(0)->next = page_pa[0];
	refused(-EINVAL, "cycle", "page 1 at", 5);
	six_pages();
	pg(1)->next = page_pa[2] + 8;
	refused(-EINVAL, "misaligned", "page 2 at", 4);
	six_pages();
	pg(1)->next = 0xfff0000000000000ULL;
	refused(-EINVAL, "outside-ram", "page 2 at", 4);
	six_pages();
	pg(2)->next = virt_to_phys(shim_alloc_pages(0));
	khoser_sarray_init(&sa);
	CHECK_EQ(khoser_sarray_restore(&sa, page_pa[0]), -EINVAL);
	CHECK(strstr(shim_last_log, "not-preserved"));
	CHECK_EQ(shim_warns, 0);
	CHECK_EQ(shim_unclaimed_pages(), 3);
	CHECK_EQ(shim_used_pages(), 3 + 1);	/* + the test's page */
	test_exit();
	CHECK_EQ(shim_live_allocs(), 0);
	/* Chain over the bound. */
	six_pages();
	khoser_sarray_init(&sa);
	CHECK_EQ(khoser_sarray_set_max_pages(&sa, 5), 0);
	CHECK_EQ(khoser_sarray_restore(&sa, page_pa[0]), -EINVAL);
	CHECK(strstr(shim_last_log, "chain-too-long"));
	CHECK(strstr(shim_last_log, "page 5 at"));
	CHECK_EQ(shim_unclaimed_pages(), 1);
	test_exit();
	CHECK_EQ(shim_live_allocs(), 0);
	/* Head misaligned. */
	six_pages();
	khoser_sarray_init(&sa);
	CHECK_EQ(khoser_sarray_restore(&sa, page_pa[0] + 4), -EINVAL);
	CHECK(strstr(shim_last_log, "page 0 at"));
	CHECK_EQ(shim_unclaimed_pages(), 6);
	test_exit();
}

TEST(corrupt_page_headers)
{
	unsigned int p, r, len;
	char where[32];

	six_pages();
	pg(2)->magic ^= 1;
	refused(-EINVAL, "bad-magic", "page 2 at", 3);
	six_pages();
	pg(1)->nruns = 0;
	refused(-EINVAL, "empty-page", "page 1 at", 4);
	six_pages();
	pg(4)->nvals = 0;
	refused(-EINVAL, "empty-page", "page 4 at", 1);
	six_pages();
	/* One run more than fit with the values: past the end */
	pg(0)->nruns = (PAGE_SIZE - sizeof(struct khoser_sarray_page_hdr) -
			pg(0)->nvals * KHOSER_SARRAY_VALUE_SIZE) /
		       sizeof(struct khoser_sarray_run) + 1;
	refused(-EINVAL, "page-overflow", "page 0 at", 5);
	six_pages();
	pg(5)->nvals = 0xffff;
	refused(-EINVAL, "page-overflow", "page 5 at", 0);
	six_pages();
	for (p = 0; p < CPAGES; p++) {	/* a page whose last run has 2+ */
		r = pg(p)->nruns - 1;
		len = KHOSER_SARRAY_RUN_LEN(run(p, r)->info);
		if (len >= 2)
			break;
	}
	CHECK(p < CPAGES);
	set_len(p, r, len - 1);		/* one value no run owns */
	snprintf(where, sizeof(where), "page %u at", p);
	refused(-EINVAL, "value-count", where,
		CPAGES - 1 - p);
}

TEST(corrupt_runs)
{
	unsigned int len, r;

	six_pages();
	set_len(1, 3, 0);
	refused(-EINVAL, "empty-run", "page 1 at", 4);
	CHECK(strstr(shim_last_log, "run 3"));
	six_pages();
	/* the last run, far too long (600 with 4 KiB pages) */
	set_len(2, pg(2)->nruns - 1, KHOSER_SARRAY_MAX_VALUES + 92);
	refused(-EINVAL, "run-overflow", "page 2 at", 3);
	six_pages();
	len = KHOSER_SARRAY_RUN_LEN(run(0, 0)->info);
	set_len(0, 0, len + 1);		/* pushes later runs' values over */
	refused(-EINVAL, "run-values", "page 0 at", 5);
	CHECK(strstr(shim_last_log, "run 1"));
	six_pages();
	run(3, 2)->info += 1 << KHOSER_SARRAY_RUN_VOFF_SHIFT;
	refused(-EINVAL, "run-values", "run 2", 2);
	six_pages();
	/* Runs out of order inside a page: run 4 starts before run 3. */
	run(1, 4)->first = run(1, 3)->first;
	refused(-EINVAL, "run-order", "run 4", 4);
	CHECK(strstr(shim_last_log, "page 1 at"));
	six_pages();
	/* Overlap: run 5 starts inside run 4. */
	run(2, 5)->first = run(2, 4)->first +
			   KHOSER_SARRAY_RUN_LEN(run(2, 4)->info) - 1;
	refused(-EINVAL, "run-order", "run 5", 3);
	six_pages();
	/* Across pages: page 3 starts at page 2's last index. */
	run(3, 0)->first = page_last[2];
	refused(-EINVAL, "run-order", "page 3 at", 2);
	CHECK(strstr(shim_last_log, "run 0"));
	six_pages();
	/* Runs swapped order: page 4 before page 3's indices. */
	run(4, 0)->first = 0;
	refused(-EINVAL, "run-order", "page 4 at", 1);
	six_pages();
	/* A run of 2+ in the last page made to end past U64_MAX. */
	for (r = 0; KHOSER_SARRAY_RUN_LEN(run(5, r)->info) < 2; r++)
		;
	len = KHOSER_SARRAY_RUN_LEN(run(5, r)->info);
	run(5, r)->first = U64_MAX - len + 2;
	refused(-EINVAL, "run-wraps", "page 5 at", 0);
}

TEST(corrupt_random_bytes)
{
	unsigned int round, rounds = quick() ? 60 : 500, k, nmut;
	struct khoser_sarray sa;
	struct khoser_sarray_it it;
	u64 st = 0xfeed, index, value, v2, prev = 0, n;
	bool first;
	int err;

	for (round = 0; round < rounds; round++) {
		six_pages();
		nmut = 1 + test_rand(&st) % 4;
		for (k = 0; k < nmut; k++) {
			u8 *b = (u8 *)pg(test_rand(&st) % CPAGES);

			/* Headers, run tables and values alike. */
			switch (test_rand(&st) % 3) {
			case 0:
				b[test_rand(&st) % 16] ^= 1 << (test_rand(&st) % 8);
				break;
			case 1:
				b[PAGE_SIZE - 1 - test_rand(&st) % 300] =
					test_rand(&st);
				break;
			default:
				b[test_rand(&st) % PAGE_SIZE] = test_rand(&st);
			}
		}
		khoser_sarray_init(&sa);
		err = khoser_sarray_restore(&sa, page_pa[0]);
		CHECK(err == 0 || err == -EINVAL);
		if (!err) {
			n = 0;
			first = true;
			khoser_sarray_for_each(&sa, &it, index, value) {
				CHECK(first || index > prev);
				CHECK_EQ(khoser_sarray_get(&sa, index, &v2), 0);
				CHECK_EQ(v2, value);
				prev = index;
				first = false;
				n++;
			}
			CHECK_EQ(n, khoser_sarray_entries(&sa));
			CHECK(khoser_sarray_pages(&sa) <= CPAGES);
			CHECK_EQ(khoser_sarray_destroy(&sa), 0);
		}
		test_exit();
		CHECK_EQ(shim_live_allocs(), 0);
		CHECK_EQ(shim_used_pages(), shim_unclaimed_pages());
		CHECK_EQ(shim_warns, 0);
	}
}

/* The named root's counts are checked against the chain. */
TEST(corrupt_descriptor_counts)
{
	struct khoser_sarray sa;
	struct khoser_root_ser *d;
	struct idx_list l = { 0 };
	phys_addr_t phys;
	size_t size;
	unsigned int which;
	static const char * const reason[] = {
		"count-mismatch", "desc-entries", "chain-short", "value-size",
	};

	/* 6 pages (3000 entries) */
	dense(&l, 0, 6 * KHOSER_SARRAY_MAX_VALUES - 48);
	for (which = 0; which < 4; which++) {
		test_boot(true);
		khoser_sarray_init(&sa);
		CHECK_EQ(add_all(&sa, &l, 1), 0);
		CHECK_EQ(khoser_sarray_publish(&sa, "dc", COMPAT), 0);
		test_kexec(true);
		CHECK_EQ(kho_retrieve_subtree("khoser-dc", &phys, &size), 0);
		d = phys_to_virt(phys);
		if (which == 0)
			d->entries++;
		else if (which == 1)
			d->nblocks--;	/* the chain is longer */
		else if (which == 2)
			d->nblocks++;
		else
			d->size = 16;
		khoser_sarray_init(&sa);
		CHECK_EQ(khoser_sarray_lookup(&sa, "dc", COMPAT), -EINVAL);
		CHECK(strstr(shim_last_log, reason[which]));
		CHECK_EQ(khoser_sarray_entries(&sa), 0);
		test_exit();
		CHECK_EQ(shim_live_allocs(), 0);
		CHECK_EQ(shim_used_pages(), shim_unclaimed_pages());
	}
	free(l.v);
}

static const struct test_case cases[] = {
	TEST_ENTRY(corrupt_intact_chain_restores),
	TEST_ENTRY(corrupt_chain_links),
	TEST_ENTRY(corrupt_page_headers),
	TEST_ENTRY(corrupt_runs),
	TEST_ENTRY(corrupt_random_bytes),
	TEST_ENTRY(corrupt_descriptor_counts),
};

int main(int argc, char **argv)
{
	int ret = test_main(argc, argv, cases, ARRAY_SIZE(cases));

	free(chain.v);
	return ret;
}
