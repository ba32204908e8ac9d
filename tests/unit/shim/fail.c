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

/* Lock-free: called on every allocation. */
bool shim_should_fail(void)
{
	long n = __atomic_add_fetch(&shim_fallible_calls, 1, __ATOMIC_RELAXED);

	if (!__atomic_load_n(&shim_fail_nth, __ATOMIC_RELAXED) ||
	    n != __atomic_load_n(&shim_fail_nth, __ATOMIC_RELAXED))
		return false;
	__atomic_store_n(&shim_failed, true, __ATOMIC_RELAXED);
	return true;
}
