/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for <linux/mutex.h>. */
#include "../../kshim.h"
#ifndef __MUTEX_INITIALIZER
#define __MUTEX_INITIALIZER(lockname) { 0 }
#endif
