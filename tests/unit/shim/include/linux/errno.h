/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for <linux/errno.h>: glibc includes it too. */
#ifndef _KHOSER_SHIM_LINUX_ERRNO_H
#define _KHOSER_SHIM_LINUX_ERRNO_H
#include_next <linux/errno.h>
#include "../../kshim.h"
#endif
