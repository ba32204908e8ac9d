/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the sparse-array tests: expected values, a list of
 * ascending indices (the reference), and a full comparison of an array
 * with it (iteration, lookups of present and absent indices, seeks).
 */
#ifndef _KHOSER_SARRAY_TEST_H
#define _KHOSER_SARRAY_TEST_H

#include "test.h"

static inline bool quick(void)
{
	return getenv("TEST_QUICK") != NULL;
}

/* Expected value of @index: a hash, 0 for every fifth index. */
static inline u64 val(u64 index, u64 seed)
{
	u64 x = (index ^ seed) * 0x9e3779b97f4a7c15ULL;

	return index % 5 ? x ^ (x >> 29) : 0;
}

/* A growable list of ascending indices (plain malloc: test memory). */
struct idx_list {
	u64 *v;
	size_t n, cap;
};

static inline void push(struct idx_list *l, u64 x)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (!l->v)
			abort();
	}
	l->v[l->n++] = x;
}

static inline void dense(struct idx_list *l, u64 first, u64 n)
{
	u64 i;

	for (i = 0; i < n; i++)
		push(l, first + i);
}

/* First position whose index is >= @x. */
static inline size_t lower_bound(const struct idx_list *l, u64 x)
{
	size_t lo = 0, hi = l->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (l->v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static inline int add_all(struct khoser_sarray *sa, const struct idx_list *l,
		   u64 seed)
{
	size_t i;
	int err;

	for (i = 0; i < l->n; i++) {
		err = khoser_sarray_add(sa, l->v[i], val(l->v[i], seed));
		if (err)
			return err;
	}
	return 0;
}

/* Iteration, lookups of present and absent indices, seeks: as @l says. */
static inline bool matches(const struct khoser_sarray *sa, const struct idx_list *l,
		    u64 seed)
{
	struct khoser_sarray_it it;
	u64 index, value, st = seed | 1, x;
	size_t i = 0, k, probes;

	if (khoser_sarray_entries(sa) != l->n)
		return false;
	khoser_sarray_for_each(sa, &it, index, value) {
		if (i >= l->n || index != l->v[i] || value != val(index, seed))
			return false;
		i++;
	}
	if (i != l->n)
		return false;
	probes = l->n < 200000 ? l->n : 200000;
	for (k = 0; k < probes; k++) {
		i = l->n < 200000 ? k : test_rand(&st) % l->n;
		if (khoser_sarray_get(sa, l->v[i], &value) ||
		    value != val(l->v[i], seed))
			return false;
		/* Neighbours: present exactly when listed. */
		for (x = l->v[i] - 1; x != l->v[i] + 2; x++) {
			bool in = lower_bound(l, x) < l->n &&
				  l->v[lower_bound(l, x)] == x;

			if ((khoser_sarray_get(sa, x, NULL) == 0) != in)
				return false;
		}
		/* Seek to a random index: the next entry is the lower bound. */
		x = k % 3 ? l->v[i] + (test_rand(&st) % 3) - 1 : test_rand(&st);
		khoser_sarray_it_init(&it, sa);
		khoser_sarray_it_seek(&it, x);
		if (lower_bound(l, x) == l->n) {
			if (khoser_sarray_it_next(&it, &index, &value))
				return false;
		} else if (!khoser_sarray_it_next(&it, &index, &value) ||
			   index != l->v[lower_bound(l, x)]) {
			return false;
		}
	}
	return true;
}

#endif
