/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Minimal unit-test framework: TEST() functions, CHECK() assertions, and
 * helpers that boot the simulated kernel.
 */
#ifndef _KHOSER_TEST_H
#define _KHOSER_TEST_H

#include "shim/kshim.h"
#include <linux/debugfs.h>
#include <linux/kexec_handover.h>
#include <linux/moduleparam.h>
#include <linux/reboot.h>
#include <khoser/khoser.h>
#include "../../src/common.h"

extern int test_failed_checks;
void test_fail(const char *file, int line, const char *what);

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			test_fail(__FILE__, __LINE__, #cond);		\
			return;						\
		}							\
	} while (0)

#define CHECK_EQ(a, b)							\
	do {								\
		long long _a = (long long)(a), _b = (long long)(b);	\
		if (_a != _b) {						\
			char _m[256];					\
			snprintf(_m, sizeof(_m), "%s == %s (%lld != %lld)", \
				 #a, #b, _a, _b);			\
			test_fail(__FILE__, __LINE__, _m);		\
			return;						\
		}							\
	} while (0)

struct test_case {
	const char *name;
	void (*fn)(void);
	const char *slow;	/* skipped under TEST_QUICK: what it does */
};

#define TEST(name) static void name(void)
#define TEST_ENTRY(name) { #name, name, NULL }
/*
 * A case that TEST_QUICK (the valgrind run) skips, reported as skipped
 * with @what (what it would have done) as the reason.
 */
#define TEST_ENTRY_SLOW(name, what) { #name, name, what }

/*
 * Run the cases (those whose name contains argv[1], if given), each once,
 * and report TAP on stdout: "ok N - name", "not ok N - name",
 * "ok N - name # SKIP TEST_QUICK: what", the plan first; then
 * "# P passed, F failed, S skipped".
 */
int test_main(int argc, char **argv, const struct test_case *cases,
	      unsigned int n);

/*
 * Simulated boots with the khoser module loaded (its module_init(): core,
 * reboot notifier, debugfs); test_kexec() runs the reboot notifiers first.
 * test_exit() unloads the module (module_exit()).
 */
void test_boot(bool kho);
void test_kexec(bool kho);
void test_exit(void);
/*
 * After test_exit(): nothing allocated, nothing left preserved, no debugfs
 * file or reboot notifier left behind.
 */
bool test_all_freed(void);

/*
 * Run @fn(@arg) in a child process: true when it aborts (a shim check or
 * assertion) with @msg in what it printed to stderr.
 */
bool test_dies(void (*fn)(void *arg), void *arg, const char *msg);

/* Deterministic entry content. */
void test_fill(void *entry, size_t size, u64 seed, u64 idx);
bool test_verify(const void *entry, size_t size, u64 seed, u64 idx);
u64 test_rand(u64 *state);

/* The descriptor the previous boot published as @name (aborts if none). */
struct khoser_root_ser *test_incoming_desc(const char *name);

#endif
