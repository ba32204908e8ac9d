// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel-API shim: failure injection. Fallible calls (allocations, KHO
 * preservations, subtree adds) count themselves; the N-th fails once.
 */
#include "internal.h"

long shim_fail_nth;
long shim_fallible_calls;
bool shim_failed;

void shim_fail_reset(long nth)
{
	shim_lock();
	shim_fail_nth = nth;
	shim_fallible_calls = 0;
	shim_failed = false;
	shim_unlock();
}

bool shim_should_fail(void)
{
	bool fail = false;

	shim_lock();
	shim_fallible_calls++;
	if (shim_fail_nth && shim_fallible_calls == shim_fail_nth) {
		shim_failed = true;
		fail = true;
	}
	shim_unlock();
	return fail;
}
