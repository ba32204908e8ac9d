/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Composite compatible strings.
 *
 * A consumer's string names its own version first and then every khoser
 * format it uses, sorted, each once:
 *
 *	"mydrv-v2;khoser-block-v1;khoser-sarray-v1"
 *
 * Each component is "<base>-v<version>": base of [a-z0-9_] words joined by
 * '-', version a decimal number. Lookups compare the whole string before
 * anything is restored and name the component that differs.
 */
#ifndef _KHOSER_COMPATIBLE_H
#define _KHOSER_COMPATIBLE_H

#include <linux/types.h>
#include <khoser/abi/root.h>

/* Longest composite string, without the terminating NUL. */
#define KHOSER_COMPAT_MAX	(KHOSER_COMPAT_LEN - 1)
/* Most components one string may hold. */
#define KHOSER_COMPAT_MAX_PARTS	16

int khoser_compat_valid(const char *compat);
int khoser_compat_build(char *buf, size_t len, const char *own,
			const char * const *formats, unsigned int nformats);
int khoser_compat_check(const char *name, const char *expected,
			const char *found);
int khoser_compat_known(const char *compat);
const char *khoser_compat_format(unsigned int idx);
int khoser_compat_version(const char *compat, const char *base,
			  unsigned long *ver);

#endif /* _KHOSER_COMPATIBLE_H */
