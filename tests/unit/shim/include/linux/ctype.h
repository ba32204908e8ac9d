/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for <linux/ctype.h>. The kernel's table (lib/ctype.c)
 * classifies Latin-1 too: 0xc0 to 0xde are upper case and 0xdf to 0xff
 * lower case (but for 0xd7 and 0xf7); libc's "C" locale knows ASCII only.
 * The letter tests follow the kernel, so the shim is never stricter.
 */
#ifndef _SHIM_LINUX_CTYPE_H
#define _SHIM_LINUX_CTYPE_H

#include "../../kshim.h"

static inline int shim_kislower(int c)
{
	c = (unsigned char)c;
	return (c >= 'a' && c <= 'z') || (c >= 0xdf && c != 0xf7);
}

static inline int shim_kisupper(int c)
{
	c = (unsigned char)c;
	return (c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7);
}

static inline int shim_kisdigit(int c)
{
	c = (unsigned char)c;
	return c >= '0' && c <= '9';
}

#undef islower
#undef isupper
#undef isdigit
#undef isalpha
#undef isalnum
#define islower(c)	shim_kislower(c)
#define isupper(c)	shim_kisupper(c)
#define isdigit(c)	shim_kisdigit(c)
#define isalpha(c)	(shim_kislower(c) || shim_kisupper(c))
#define isalnum(c)	(isalpha(c) || shim_kisdigit(c))

#endif
