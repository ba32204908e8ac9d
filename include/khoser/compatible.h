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
 * '-', version a decimal number. The string a lookup expects may list the
 * versions it reads per component, ascending:
 *
 *	"mydrv-v1,2;khoser-block-v1,2"
 *
 * (one version stays an exact match); a published string has one version
 * per component. Lookups compare before anything is restored and name the
 * component that differs; khoser_incoming_compat() and
 * khoser_compat_version() then tell which version was found. The grammar,
 * limits and dependency components: include/khoser/abi/compatible.h.
 */
#ifndef _KHOSER_COMPATIBLE_H
#define _KHOSER_COMPATIBLE_H

#include <linux/types.h>
#include <khoser/abi/compatible.h>

int khoser_compat_valid(const char *compat);
int khoser_compat_valid_expected(const char *compat);
int khoser_compat_build(char *buf, size_t len, const char *own,
			const char * const *formats, unsigned int nformats);
int khoser_compat_check(const char *name, const char *expected,
			const char *found);
int khoser_compat_known(const char *compat);
int khoser_compat_version(const char *compat, const char *base,
			  unsigned long *ver);
const char *khoser_compat_format(unsigned int idx);

#endif /* _KHOSER_COMPATIBLE_H */
