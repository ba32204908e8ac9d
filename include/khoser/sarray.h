/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * khoser sparse arrays: u64 index -> u64 value, any index (0 to U64_MAX),
 * any value (0 included: presence is recorded, not inferred), written in
 * ascending index order into preserved pages (include/khoser/abi/sarray.h).
 *
 * Writer: khoser_sarray_init(), khoser_sarray_add() per entry, then
 * khoser_sarray_publish() (which seals the array: no more adds).
 * Reader, in the next kernel: khoser_sarray_lookup() (or _restore() of a
 * raw head address), then iterate in ascending order or look up any index
 * in O(log n); the values are read in place, never copied.
 *
 * Locking: khoser serializes its own calls on an array (see
 * include/khoser/state.h); the caller serializes khoser_sarray_add(),
 * lookups and iterators with the calls that change the array.
 */
#ifndef _KHOSER_SARRAY_H
#define _KHOSER_SARRAY_H

#include <linux/types.h>
#include <khoser/abi/sarray.h>
#include <khoser/state.h>

struct xarray;

/* Former state names, kept for drivers that test them. */
#define KHOSER_SA_OUTGOING	KHOSER_STATE_OUT
#define KHOSER_SA_SEALED	KHOSER_STATE_SEALED
#define KHOSER_SA_INCOMING	KHOSER_STATE_IN

/* Default chain-length bound: 2^20 pages (4 GiB with 4 KiB pages). */
#define KHOSER_SARRAY_DEFAULT_MAX_PAGES	0x100000UL

/**
 * struct khoser_sarray_pref - one page of a sparse array (private)
 * @hdr:   the page, header first
 * @first: index of the page's first entry
 */
struct khoser_sarray_pref {
	struct khoser_sarray_page_hdr *hdr;
	u64 first;
};

/**
 * struct khoser_sarray - a sparse array
 * @life:      state (OUT, SEALED, IN), lock, published flag
 * @pages:     the pages in chain order, with their first indices: the page
 *             index used for lookups (kvmalloc'd, grown by doubling)
 * @npages:    pages in the chain
 * @cap:       slots in @pages
 * @max_pages: chain-length bound, for writing and for restoring
 * @entries:   number of entries
 * @last:      index of the last entry (meaningful when @entries is not 0)
 * @head_pa:   physical address of the first page, 0 when empty
 */
struct khoser_sarray {
	struct khoser_life life;
	struct khoser_sarray_pref *pages;
	unsigned long npages;
	unsigned long cap;
	unsigned long max_pages;
	u64 entries;
	u64 last;
	u64 head_pa;
};

/**
 * struct khoser_sarray_it - cursor over the entries of a sparse array
 * @sa:   the array
 * @page: current page
 * @run:  current run within the page
 * @i:    position of the next entry within the run
 */
struct khoser_sarray_it {
	const struct khoser_sarray *sa;
	unsigned long page;
	u32 run;
	u32 i;
};

/**
 * KHOSER_SARRAY_INIT - static initializer of an empty outgoing sparse array
 * @_name: the variable being initialized (a static one: the array's lock
 *         is initialized statically)
 */
#define KHOSER_SARRAY_INIT(_name) {					\
	.life = KHOSER_LIFE_INIT((_name).life, KHOSER_STATE_OUT),	\
	.max_pages = KHOSER_SARRAY_DEFAULT_MAX_PAGES,			\
}

void khoser_sarray_init(struct khoser_sarray *sa);
int khoser_sarray_set_max_pages(struct khoser_sarray *sa,
				unsigned long max_pages);
int khoser_sarray_add(struct khoser_sarray *sa, u64 index, u64 value);
int khoser_sarray_seal(struct khoser_sarray *sa);
int khoser_sarray_destroy(struct khoser_sarray *sa);
int khoser_sarray_restore(struct khoser_sarray *sa, u64 head_pa);
int khoser_sarray_publish(struct khoser_sarray *sa, const char *name,
			  const char *compat);
int khoser_sarray_lookup(struct khoser_sarray *sa, const char *name,
			 const char *compat);

int khoser_sarray_get(const struct khoser_sarray *sa, u64 index, u64 *value);
struct khoser_sarray_it *khoser_sarray_it_init(struct khoser_sarray_it *it,
					       const struct khoser_sarray *sa);
void khoser_sarray_it_seek(struct khoser_sarray_it *it, u64 index);
bool khoser_sarray_it_next(struct khoser_sarray_it *it, u64 *index,
			   u64 *value);

int khoser_sarray_from_xarray(struct khoser_sarray *sa, struct xarray *xa);
int khoser_sarray_to_xarray(const struct khoser_sarray *sa,
			    struct xarray *xa);

/**
 * khoser_sarray_for_each - iterate over every entry in ascending index order
 * @sa:    the sparse array
 * @it:    a &struct khoser_sarray_it, the cursor
 * @index: a u64 lvalue, set to each entry's index
 * @value: a u64 lvalue, set to each entry's value
 */
#define khoser_sarray_for_each(sa, it, index, value)			\
	for (struct khoser_sarray_it *__khoser_it =			\
		khoser_sarray_it_init(it, sa);				\
	     khoser_sarray_it_next(__khoser_it, &(index), &(value));)

/**
 * khoser_sarray_entries - number of entries
 * @sa: the sparse array
 *
 * Context: Any context; caller serializes against changes to @sa.
 * Return: the number of entries added (or restored).
 */
static inline u64 khoser_sarray_entries(const struct khoser_sarray *sa)
{
	return sa->entries;
}

/**
 * khoser_sarray_pages - number of pages in the chain
 * @sa: the sparse array
 *
 * Context: Any context; caller serializes against changes to @sa.
 * Return: the number of preserved (or restored) pages holding the entries.
 */
static inline unsigned long khoser_sarray_pages(const struct khoser_sarray *sa)
{
	return sa->npages;
}

/**
 * khoser_sarray_head_pa - physical address of the first page
 * @sa: the sparse array
 *
 * For a driver that hands the array over inside its own structure: the
 * next kernel passes it to khoser_sarray_restore().
 *
 * Context: Any context; caller serializes against changes to @sa.
 * Return: the head address, or 0 when the array is empty.
 */
static inline u64 khoser_sarray_head_pa(const struct khoser_sarray *sa)
{
	return sa->head_pa;
}

/**
 * khoser_sarray_is_incoming - whether the array was restored (read-only)
 * @sa: the sparse array
 *
 * Context: Any context.
 * Return: true for an array restored from the previous kernel.
 */
static inline bool khoser_sarray_is_incoming(const struct khoser_sarray *sa)
{
	return sa->life.state == KHOSER_STATE_IN;
}

#endif /* _KHOSER_SARRAY_H */
