/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for <linux/bug.h>: WARN_ON*() counted (printk.c). */
#ifndef _SHIM_LINUX_BUG_H
#define _SHIM_LINUX_BUG_H

#include "../../kshim.h"

#define WARN_ON(cond) ({						\
	bool __w = !!(cond);						\
									\
	if (__w)							\
		shim_warn("WARN_ON(" #cond ")");			\
	__w;								\
})
/* Counted every time (the kernel reports the first of each site). */
#define WARN_ON_ONCE(cond) WARN_ON(cond)

#endif
