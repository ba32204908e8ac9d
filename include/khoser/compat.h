/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Former name of <khoser/compatible.h> (composite compatible strings), kept
 * so that drivers which include it keep building. "compat" in khoser's
 * sources means kernel-version adaptation (src/compat/); compatible strings
 * live in <khoser/compatible.h> and src/compatible.c.
 */
#ifndef _KHOSER_COMPAT_H
#define _KHOSER_COMPAT_H

#include <khoser/compatible.h>

#endif /* _KHOSER_COMPAT_H */
