/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Compatible-string work for the named root (src/root.c): matching with a
 * kind's dependency format, adding a dependency component.
 */
#ifndef _KHOSER_COMPATIBLE_PRIV_H
#define _KHOSER_COMPATIBLE_PRIV_H

#include <linux/types.h>

int khoser_compat_match(const char *name, const char *expected,
			const char *found, const char *dep_base);
int khoser_compat_add(char *buf, size_t len, const char *compat,
		      const char *comp);

#endif /* _KHOSER_COMPATIBLE_PRIV_H */
