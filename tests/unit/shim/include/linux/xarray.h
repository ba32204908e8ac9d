/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for <linux/xarray.h>: only what khoser calls. An array
 * of (index, entry) pairs sorted by index, grown with memory that is
 * failure-injectable and leak-counted like kmalloc()'s (without its size
 * limit: the kernel's xarray grows by small nodes). Value entries and error
 * entries are encoded as the kernel encodes them. Thread-safe, as the
 * kernel's xa_store() and xa_load() are.
 */
#ifndef _KHOSER_SHIM_XARRAY_H
#define _KHOSER_SHIM_XARRAY_H

#include "../../kshim.h"

struct xa_slot {
	unsigned long index;
	void *entry;
};

struct xarray {
	struct xa_slot *slots;
	unsigned long n;
	unsigned long cap;
};

static inline void *xa_mk_value(unsigned long v)
{
	if ((long)v < 0)
		shim_warn("xa_mk_value of a value above LONG_MAX");
	return (void *)((v << 1) | 1);
}

static inline unsigned long xa_to_value(const void *entry)
{
	return (unsigned long)entry >> 1;
}

static inline bool xa_is_value(const void *entry)
{
	return (unsigned long)entry & 1;
}

/* Internal entries (low bits 10); errors are -MAX_ERRNO..-1 among them. */
static inline bool xa_is_err(const void *entry)
{
	return ((unsigned long)entry & 3) == 2 &&
	       (long)entry >= (long)((unsigned long)-MAX_ERRNO << 2 | 2);
}

static inline int xa_err(void *entry)
{
	return xa_is_err(entry) ? (int)((long)entry >> 2) : 0;
}

static inline bool xa_empty(const struct xarray *xa)
{
	return xa->n == 0;
}

void xa_init(struct xarray *xa);
void *xa_store(struct xarray *xa, unsigned long index, void *entry,
	       gfp_t gfp);
void *xa_load(struct xarray *xa, unsigned long index);
void xa_destroy(struct xarray *xa);
/* The first entry at @*index or above (@after: above), updating @*index. */
void *shim_xa_find(struct xarray *xa, unsigned long *index, bool after);

#define xa_for_each(xa, index, entry)					\
	for (index = 0, entry = shim_xa_find(xa, &(index), false); entry; \
	     entry = shim_xa_find(xa, &(index), true))

#endif
