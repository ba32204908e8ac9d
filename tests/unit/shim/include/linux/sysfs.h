/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for <linux/sysfs.h>: sysfs_emit() (module.c). */
#ifndef _KHOSER_SHIM_SYSFS_H
#define _KHOSER_SHIM_SYSFS_H

#include "../../kshim.h"

/* As 7.2's: @buf must be the start of sysfs's page (else WARN, 0). */
int sysfs_emit(char *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
