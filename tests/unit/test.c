// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit-test runner and helpers.
 */
#include "test.h"

int test_failed_checks;
static const char *current;

void test_fail(const char *file, int line, const char *what)
{
	test_failed_checks++;
	fprintf(stderr, "FAIL %s: %s:%d: %s\n  last log: %s", current, file,
		line, what, shim_last_log[0] ? shim_last_log : "(none)\n");
}

int test_main(int argc, char **argv, const struct test_case *cases,
	      unsigned int n)
{
	unsigned int i, passed = 0, failed = 0;
	int before;

	for (i = 0; i < n; i++) {
		if (argc > 1 && !strstr(cases[i].name, argv[1]))
			continue;
		current = cases[i].name;
		before = test_failed_checks;
		shim_last_log[0] = '\0';
		cases[i].fn();
		if (test_failed_checks == before) {
			passed++;
			if (getenv("TEST_VERBOSE"))
				printf("ok %s\n", cases[i].name);
		} else {
			failed++;
			printf("not ok %s\n", cases[i].name);
		}
	}
	shim_fini();
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}

void test_boot(bool kho)
{
	shim_boot(kho);
	if (khoser_core_init())
		abort();
}

void test_kexec(bool kho)
{
	shim_kexec(kho);
	if (khoser_core_init())
		abort();
}

bool test_all_freed(void)
{
	return shim_live_allocs() == 0 && shim_used_pages() == 0 &&
	       shim_vmap_areas() == 0;
}

u64 test_rand(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The 8 content bytes at word @w of entry @idx. */
static u64 word_at(u64 seed, u64 idx, size_t w)
{
	u64 x = seed * 0x9e3779b97f4a7c15ULL + idx * 0xbf58476d1ce4e5b9ULL +
		w * 0x94d049bb133111ebULL + 1;

	x ^= x >> 31;
	x *= 0xd6e8feb86659fd93ULL;
	x ^= x >> 32;
	return x;
}

void test_fill(void *entry, size_t size, u64 seed, u64 idx)
{
	u8 *p = entry;
	size_t i;
	u64 w;

	for (i = 0; i + 8 <= size; i += 8) {
		w = word_at(seed, idx, i / 8);
		memcpy(p + i, &w, 8);	/* constant size: a plain store */
	}
	if (i < size) {
		w = word_at(seed, idx, i / 8);
		memcpy(p + i, &w, size - i);
	}
}

bool test_verify(const void *entry, size_t size, u64 seed, u64 idx)
{
	const u8 *p = entry;
	size_t i;
	u64 w;

	u64 v;

	for (i = 0; i + 8 <= size; i += 8) {
		memcpy(&v, p + i, 8);	/* constant size: a plain load */
		if (v != word_at(seed, idx, i / 8))
			return false;
	}
	if (i < size) {
		w = word_at(seed, idx, i / 8);
		return !memcmp(p + i, &w, size - i);
	}
	return true;
}
