/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the libFuzzer targets.
 */
#ifndef _KHOSER_FUZZ_H
#define _KHOSER_FUZZ_H

#include "../shim/kshim.h"

/* A little-endian u64 from fuzzer input. */
static inline u64 rd64(const u8 *p)
{
	u64 v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

#endif
