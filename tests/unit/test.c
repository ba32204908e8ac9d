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
	return shim_live_allocs() == 0 && shim_used_pages() == 0;
}

u64 test_rand(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static u8 byte_at(u64 seed, u64 idx, size_t i)
{
	u64 x = seed * 0x9e3779b97f4a7c15ULL + idx * 0xbf58476d1ce4e5b9ULL +
		(i / 8) * 0x94d049bb133111ebULL + 1;

	x ^= x >> 31;
	x *= 0xd6e8feb86659fd93ULL;
	x ^= x >> 32;
	return (u8)(x >> ((i % 8) * 8));
}

void test_fill(void *entry, size_t size, u64 seed, u64 idx)
{
	u8 *p = entry;
	size_t i;

	for (i = 0; i < size; i++)
		p[i] = byte_at(seed, idx, i);
}

bool test_verify(const void *entry, size_t size, u64 seed, u64 idx)
{
	const u8 *p = entry;
	size_t i;

	for (i = 0; i < size; i++)
		if (p[i] != byte_at(seed, idx, i))
			return false;
	return true;
}
