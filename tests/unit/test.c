// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit-test runner and helpers. With TEST_FORK=1 every case runs in a
 * child process, so a case that crashes fails alone.
 */
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>
#include "test.h"
#include "../../src/block_int.h"

int test_failed_checks;
static const char *current;

void test_fail(const char *file, int line, const char *what)
{
	__atomic_fetch_add(&test_failed_checks, 1, __ATOMIC_RELAXED);
	fprintf(stderr, "FAIL %s: %s:%d: %s\n  last log: %s", current, file,
		line, what, shim_last_log[0] ? shim_last_log : "(none)\n");
}

/* Run case @c in a child; false when it failed or died. */
static bool run_forked(const struct test_case *c)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		abort();
	if (!pid) {
		c->fn();
		_exit(test_failed_checks ? 1 : 0);
	}
	if (waitpid(pid, &status, 0) != pid)
		abort();
	if (WIFSIGNALED(status))
		fprintf(stderr, "FAIL %s: died of signal %d\n", c->name,
			WTERMSIG(status));
	return WIFEXITED(status) && !WEXITSTATUS(status);
}

static bool selected(const struct test_case *c, int argc, char **argv)
{
	return argc < 2 || strstr(c->name, argv[1]);
}

int test_main(int argc, char **argv, const struct test_case *cases,
	      unsigned int n)
{
	unsigned int i, num = 0, passed = 0, failed = 0, skipped = 0;
	bool fork_each = getenv("TEST_FORK") != NULL;
	bool quick = getenv("TEST_QUICK") != NULL;
	bool ok;
	int before;

	for (i = 0; i < n; i++)
		num += selected(&cases[i], argc, argv);
	printf("TAP version 13\n1..%u\n", num);
	num = 0;
	for (i = 0; i < n; i++) {
		if (!selected(&cases[i], argc, argv))
			continue;
		num++;
		if (quick && cases[i].slow) {
			skipped++;
			printf("ok %u - %s # SKIP TEST_QUICK: %s\n", num,
			       cases[i].name, cases[i].slow);
			continue;
		}
		current = cases[i].name;
		before = test_failed_checks;
		shim_last_log[0] = '\0';
		if (fork_each) {
			ok = run_forked(&cases[i]);
		} else {
			cases[i].fn();
			ok = test_failed_checks == before;
		}
		if (ok)
			passed++;
		else
			failed++;
		printf("%s %u - %s\n", ok ? "ok" : "not ok", num, cases[i].name);
		/* A crash in the next case must not lose this line. */
		fflush(stdout);
	}
	shim_fini();
	printf("# %u passed, %u failed, %u skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}

void test_boot(bool kho)
{
	shim_boot(kho);
	khoser_own_format = 2;	/* the parameter's default, as at load */
	if (shim_module_init())
		abort();
}

void test_kexec(bool kho)
{
	shim_kexec(kho);
	khoser_own_format = 2;
	if (shim_module_init())
		abort();
}

void test_exit(void)
{
	shim_module_exit();
}

bool test_all_freed(void)
{
	return shim_live_allocs() == 0 && shim_used_pages() == 0 &&
	       shim_vmap_areas() == 0 && shim_debugfs_entries() == 0 &&
	       shim_reboot_notifiers() == 0;
}

bool test_dies(void (*fn)(void *arg), void *arg, const char *msg)
{
	char out[4096], drain[256];
	size_t got = 0;
	ssize_t r;
	int fds[2], status;
	pid_t pid;

	fflush(NULL);
	if (pipe(fds))
		abort();
	pid = fork();
	if (pid < 0)
		abort();
	if (!pid) {
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		fn(arg);
		_exit(0);
	}
	close(fds[1]);
	while (got < sizeof(out) - 1 &&
	       (r = read(fds[0], out + got, sizeof(out) - 1 - got)) > 0)
		got += r;
	out[got] = '\0';
	while (read(fds[0], drain, sizeof(drain)) > 0)
		;	/* the rest, so the child never blocks */
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid)
		abort();
	if (!strstr(out, msg)) {
		fprintf(stderr, "test_dies: wanted \"%s\", child said:\n%s\n",
			msg, out);
		return false;
	}
	return WIFSIGNALED(status) ? WTERMSIG(status) == SIGABRT :
				     WIFEXITED(status) && WEXITSTATUS(status);
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

struct khoser_root_ser *test_incoming_desc(const char *name)
{
	char node[64];
	phys_addr_t phys;
	size_t size;

	snprintf(node, sizeof(node), "khoser-%s", name);
	if (kho_retrieve_subtree(node, &phys, &size))
		abort();
	return phys_to_virt(phys);
}
