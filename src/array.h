/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The growable arrays of khoser's structures (a block set's blocks, a
 * sparse array's page index): kvmalloc'd, grown geometrically.
 */
#ifndef _KHOSER_ARRAY_H
#define _KHOSER_ARRAY_H

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

/* Most bytes kvmalloc() hands out: above, it WARNs and fails (mm/slub.c). */
#define KHOSER_ARRAY_MAX_BYTES	((size_t)INT_MAX)

/*
 * Room for @need elements of @size bytes in @arr, which holds @used of
 * *@cap: at least twice as many, never fewer than @least, but never more
 * than @bound nor than kvmalloc() hands out. Return: the array to use from
 * now on (@arr itself when it has room already; else a new one holding
 * the @used elements, @arr freed and *@cap updated), or NULL when @need is
 * beyond those limits (nothing allocated) or on allocation failure, @arr
 * and *@cap left as they were.
 */
static inline void *khoser_array_room(void *arr, size_t size,
				      unsigned long used, unsigned long *cap,
				      unsigned long need, unsigned long least,
				      unsigned long bound)
{
	unsigned long most = min_t(unsigned long, bound,
				   KHOSER_ARRAY_MAX_BYTES / size);
	unsigned long room;
	void *grown;

	if (need <= *cap)
		return arr;
	if (need > most)
		return NULL;
	/* *@cap < @need <= @most: doubling it cannot wrap. */
	room = min(max3(need, *cap * 2, least), most);
	grown = kvmalloc_array(room, size, GFP_KERNEL);
	if (!grown)
		return NULL;
	if (used)
		memcpy(grown, arr, used * size);
	kvfree(arr);
	*cap = room;
	return grown;
}

#endif /* _KHOSER_ARRAY_H */
