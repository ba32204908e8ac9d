// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sorted-array stand-in for the kernel's xarray (see linux/xarray.h here).
 * As the kernel's xa_store() and xa_load() take the xarray's own lock (or
 * RCU), these take the shim lock: callers may race on one xarray.
 */
#include "internal.h"
#include <linux/xarray.h>

#define XA_ERROR(e) ((void *)((unsigned long)(long)(e) << 2 | 2))

void xa_init(struct xarray *xa)
{
	xa->slots = NULL;
	xa->n = 0;
	xa->cap = 0;
}

/* Position of the first slot with index >= @index. */
static unsigned long xa_pos(const struct xarray *xa, unsigned long index)
{
	unsigned long lo = 0, hi = xa->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (xa->slots[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void *store(struct xarray *xa, unsigned long index, void *entry,
		   gfp_t gfp)
{
	unsigned long pos = xa_pos(xa, index), cap;
	struct xa_slot *slots;
	void *old;

	if (((unsigned long)entry & 3) == 2)
		return XA_ERROR(-EINVAL);
	if (pos < xa->n && xa->slots[pos].index == index) {
		old = xa->slots[pos].entry;
		if (entry) {
			xa->slots[pos].entry = entry;
		} else {
			memmove(&xa->slots[pos], &xa->slots[pos + 1],
				(xa->n - pos - 1) * sizeof(*slots));
			xa->n--;
		}
		return old;
	}
	if (!entry)
		return NULL;
	if (xa->n == xa->cap) {
		cap = xa->cap ? xa->cap * 2 : 16;
		/* xarray nodes are small: no kmalloc() size limit applies. */
		if (shim_should_fail())
			return XA_ERROR(-ENOMEM);
		slots = shim_kmalloc_nolimit(cap * sizeof(*slots));
		if (xa->n)
			memcpy(slots, xa->slots, xa->n * sizeof(*slots));
		kfree(xa->slots);
		xa->slots = slots;
		xa->cap = cap;
	}
	memmove(&xa->slots[pos + 1], &xa->slots[pos],
		(xa->n - pos) * sizeof(*slots));
	xa->slots[pos].index = index;
	xa->slots[pos].entry = entry;
	xa->n++;
	return NULL;
}

void *xa_store(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp)
{
	void *old;

	shim_lock();
	old = store(xa, index, entry, gfp);
	shim_unlock();
	return old;
}

void *xa_load(struct xarray *xa, unsigned long index)
{
	unsigned long pos;
	void *entry = NULL;

	shim_lock();
	pos = xa_pos(xa, index);
	if (pos < xa->n && xa->slots[pos].index == index)
		entry = xa->slots[pos].entry;
	shim_unlock();
	return entry;
}

void xa_destroy(struct xarray *xa)
{
	shim_lock();
	kfree(xa->slots);
	xa_init(xa);
	shim_unlock();
}

void *shim_xa_find(struct xarray *xa, unsigned long *index, bool after)
{
	unsigned long pos;
	void *entry = NULL;

	if (after && *index == ULONG_MAX)
		return NULL;
	shim_lock();
	pos = xa_pos(xa, after ? *index + 1 : *index);
	if (pos < xa->n) {
		*index = xa->slots[pos].index;
		entry = xa->slots[pos].entry;
	}
	shim_unlock();
	return entry;
}
