/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for <linux/cache.h>: x86-64's cache line. */
#ifndef _KHOSER_SHIM_CACHE_H
#define _KHOSER_SHIM_CACHE_H

#include "../../kshim.h"

#define L1_CACHE_SHIFT	6
#define L1_CACHE_BYTES	(1 << L1_CACHE_SHIFT)

#endif
