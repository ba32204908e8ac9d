// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoser sparse arrays: u64 index -> u64 value in a chain of preserved pages
 * (struct khoser_sarray_page_hdr), runs of consecutive indices sharing one
 * 12-byte header.
 *
 * Outgoing arrays are written in ascending index order, one entry at a time
 * (a new page is allocated and preserved when the current one is full), then
 * sealed and published. Incoming arrays are restored from a head address:
 * every page is claimed before it is read and checked in full (magic,
 * counts, every run: length, position of its values, ascending and not
 * overlapping, not wrapping past U64_MAX).
 *
 * Both keep an in-memory page index (each page with its first index), so a
 * lookup is a binary search over the pages, then over the runs of one page:
 * O(log n), reading the values where they are.
 *
 * DOC: sparse-array lifecycle
 *
 * OUT (writable: khoser_sarray_add()) -> SEALED (khoser_sarray_seal() or
 * publish: read-only, ready to hand over); IN after a restore. This file
 * knows nothing of the named root, which drives an array through
 * khoser_sarray_kind (&struct khoser_kind) with the array's lock held; a published
 * array is sealed, so nothing the owner may still do races the root. The
 * xarray bridge is khoser_sarray_from_xarray() and _to_xarray().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <khoser/sarray.h>
#include "common.h"
#include "kho.h"

#define PAGE_INDEX_MIN	16UL
#define WHAT "sparse array"

static struct khoser_sarray_run *run_at(struct khoser_sarray_page_hdr *hdr,
					unsigned int r)
{
	return (struct khoser_sarray_run *)((u8 *)hdr +
					    KHOSER_SARRAY_RUN_OFFSET(r));
}

static u64 *values_of(struct khoser_sarray_page_hdr *hdr)
{
	return (u64 *)(hdr + 1);
}

static bool page_fits(unsigned int nruns, unsigned int nvals)
{
	return KHOSER_SARRAY_PAGE_BYTES(nruns, nvals) <= KHOSER_SARRAY_PAGE_SIZE;
}

static int check_state(const struct khoser_sarray *sa, const char *op,
		       bool write)
{
	return khoser_life_check(&sa->life, WHAT, op, write);
}

/* Make room for @need pages in the page index. */
static int grow_index(struct khoser_sarray *sa, unsigned long need)
{
	struct khoser_sarray_pref *pages;

	pages = khoser_array_room(sa->pages, sizeof(*pages), sa->npages,
				  &sa->cap, need, PAGE_INDEX_MIN, ULONG_MAX);
	if (!pages)
		return -ENOMEM;
	sa->pages = pages;
	return 0;
}

/* Release every page and the index; keep the state and bound. */
static void drop_all(struct khoser_sarray *sa)
{
	unsigned long i;

	for (i = 0; i < sa->npages; i++) {
		if (sa->life.state == KHOSER_STATE_IN)
			khoser_kho_release_page(sa->pages[i].hdr);
		else
			khoser_kho_free_page(sa->pages[i].hdr);
	}
	kvfree(sa->pages);
	sa->pages = NULL;
	sa->npages = 0;
	sa->cap = 0;
	sa->entries = 0;
	sa->last = 0;
	sa->head_pa = 0;
}

/**
 * khoser_sarray_init - initialize an empty outgoing sparse array
 * @sa: the sparse array
 *
 * The array holds no page until the first khoser_sarray_add(). Its
 * chain-length bound starts at %KHOSER_SARRAY_DEFAULT_MAX_PAGES.
 *
 * Context: Any context; @sa must not be in use.
 */
void khoser_sarray_init(struct khoser_sarray *sa)
{
	memset(sa, 0, sizeof(*sa));
	khoser_life_init(&sa->life, KHOSER_STATE_OUT);
	sa->max_pages = KHOSER_SARRAY_DEFAULT_MAX_PAGES;
}
EXPORT_SYMBOL_GPL(khoser_sarray_init);

/**
 * khoser_sarray_set_max_pages - set the chain-length bound
 * @sa:        an outgoing sparse array
 * @max_pages: most pages the array may hold when written or restored
 *
 * Set it before khoser_sarray_restore() or _lookup() to bound what is
 * accepted from the previous kernel.
 *
 * Context: Process context (may sleep); takes the array's lock.
 * Return: 0; -EINVAL when @max_pages is 0 or below the current size, or
 * @sa is uninitialized; -EPERM on a sealed or incoming array.
 */
int khoser_sarray_set_max_pages(struct khoser_sarray *sa,
				unsigned long max_pages)
{
	return khoser_life_set_bound(&sa->life, WHAT, "set_max_pages",
				     &sa->max_pages, &sa->npages, max_pages);
}
EXPORT_SYMBOL_GPL(khoser_sarray_set_max_pages);

/* Start a new page whose first entry will be @index. */
static int add_page(struct khoser_sarray *sa, u64 index)
{
	struct khoser_sarray_page_hdr *hdr;
	u64 pa;
	int err;

	if (sa->npages >= sa->max_pages)
		return -ENOSPC;
	err = grow_index(sa, sa->npages + 1);
	if (err)
		return err;
	hdr = khoser_kho_alloc_page();
	if (IS_ERR(hdr))
		return PTR_ERR(hdr);
	hdr->next = 0;
	hdr->magic = KHOSER_SARRAY_PAGE_MAGIC;
	hdr->nruns = 0;
	hdr->nvals = 0;
	pa = khoser_kho_phys(hdr);
	if (sa->npages)
		sa->pages[sa->npages - 1].hdr->next = pa;
	else
		sa->head_pa = pa;
	sa->pages[sa->npages].hdr = hdr;
	sa->pages[sa->npages].first = index;
	sa->npages++;
	return 0;
}

/**
 * khoser_sarray_add - append an entry
 * @sa:    an outgoing sparse array
 * @index: the entry's index, above every index added before
 * @value: its value (any, 0 included)
 *
 * Extends the last run when @index follows the last index, else starts a
 * run; allocates and preserves a new page when the current one is full.
 * On failure the array is unchanged.
 *
 * Context: Process context (may sleep); takes no lock: the caller
 * serializes its adds with its other calls on @sa (an array is published
 * sealed, so the named root never touches a writable one).
 * Return: 0; -EINVAL when @index is not above the last index or @sa is
 * uninitialized; -EPERM on a sealed or incoming array; -EOPNOTSUPP without
 * KHO; -ENOSPC beyond the chain-length bound; -ENOMEM.
 */
int khoser_sarray_add(struct khoser_sarray *sa, u64 index, u64 value)
{
	struct khoser_sarray_page_hdr *hdr = NULL;
	struct khoser_sarray_run *run;
	unsigned int nruns = 0, nvals = 0, len;
	int err;

	err = check_state(sa, "add", true);
	if (err)
		return err;
	if (sa->entries && index <= sa->last)
		return -EINVAL;
	if (!khoser_kho_usable())
		return -EOPNOTSUPP;

	if (sa->npages) {
		hdr = sa->pages[sa->npages - 1].hdr;
		nruns = hdr->nruns;
		nvals = hdr->nvals;
	}
	if (hdr && sa->entries && index == sa->last + 1 &&
	    page_fits(nruns, nvals + 1)) {
		/* The last entry is in this page: extend its run. */
		run = run_at(hdr, nruns - 1);
		len = KHOSER_SARRAY_RUN_LEN(run->info);
		run->info = KHOSER_SARRAY_RUN_INFO(len + 1,
						   KHOSER_SARRAY_RUN_VOFF(run->info));
	} else {
		if (!hdr || !page_fits(nruns + 1, nvals + 1)) {
			err = add_page(sa, index);
			if (err)
				return err;
			hdr = sa->pages[sa->npages - 1].hdr;
			nruns = 0;
			nvals = 0;
		}
		run = run_at(hdr, nruns);
		run->first = index;
		run->info = KHOSER_SARRAY_RUN_INFO(1, nvals);
		hdr->nruns = nruns + 1;
	}
	values_of(hdr)[nvals] = value;
	hdr->nvals = nvals + 1;
	sa->entries++;
	sa->last = index;
	return 0;
}
EXPORT_SYMBOL_GPL(khoser_sarray_add);

/**
 * khoser_sarray_seal - end writing
 * @sa: an outgoing sparse array
 *
 * The array becomes read-only; khoser_sarray_publish() seals it too.
 *
 * Context: Process context (may sleep); takes the array's lock.
 * Return: 0 (also when already sealed); -EPERM on an incoming array;
 * -EINVAL on an uninitialized one.
 */
int khoser_sarray_seal(struct khoser_sarray *sa)
{
	int err = khoser_life_lock(&sa->life, WHAT, "seal", false);

	if (err)
		return err;
	if (sa->life.state == KHOSER_STATE_OUT)
		sa->life.state = KHOSER_STATE_SEALED;
	else if (sa->life.state == KHOSER_STATE_IN)
		err = check_state(sa, "seal", true);
	mutex_unlock(&sa->life.lock);
	return err;
}
EXPORT_SYMBOL_GPL(khoser_sarray_seal);

/* Release the pages; back to an empty outgoing array (bound kept). */
static void sarray_reset(struct khoser_sarray *sa)
{
	drop_all(sa);
	sa->life.state = KHOSER_STATE_OUT;
}

/**
 * khoser_sarray_destroy - release every page of an array
 * @sa: an initialized sparse array
 *
 * Outgoing pages are unpreserved and freed; incoming pages (claimed from
 * the previous kernel) are freed. The array is left empty and outgoing, as
 * after khoser_sarray_init() (its page bound kept), so it can be reused.
 *
 * Context: Process context (may sleep); takes the array's lock; no
 * iterator of the caller may be in use on @sa.
 * Return: 0; -EBUSY while the array is published (unpublish it first);
 * -EINVAL on an uninitialized array.
 */
int khoser_sarray_destroy(struct khoser_sarray *sa)
{
	int err = khoser_life_lock(&sa->life, WHAT, "destroy", false);

	if (err)
		return err;
	if (sa->life.published) {
		pr_err("destroy: sparse array is published; unpublish it first\n");
		err = -EBUSY;
	} else {
		sarray_reset(sa);
	}
	mutex_unlock(&sa->life.lock);
	return err;
}
EXPORT_SYMBOL_GPL(khoser_sarray_destroy);

/*
 * Check a claimed page in full. @last holds the index of the last entry
 * before this page (when @any); on success it is this page's last index.
 * Returns NULL, or what is wrong with run @*bad (-1: the page header).
 */
static const char *check_page(struct khoser_sarray_page_hdr *hdr, bool any,
			      u64 *last, int *bad)
{
	unsigned int nruns, nvals, r, len, voff, sum = 0;
	struct khoser_sarray_run *run;
	u64 first, prev = *last;
	u32 info;

	*bad = -1;
	if (hdr->magic != KHOSER_SARRAY_PAGE_MAGIC)
		return "bad-magic: bad page magic";
	nruns = hdr->nruns;
	nvals = hdr->nvals;
	if (!nruns || !nvals)
		return "empty-page: page holds no entry";
	if (!page_fits(nruns, nvals))
		return "page-overflow: runs and values past the page end";
	for (r = 0; r < nruns; r++) {
		*bad = r;
		/* Run headers are 4-byte aligned: plain (packed) loads. */
		run = run_at(hdr, r);
		first = run->first;
		info = run->info;
		len = KHOSER_SARRAY_RUN_LEN(info);
		voff = KHOSER_SARRAY_RUN_VOFF(info);
		if (!len)
			return "empty-run: empty run";
		if (voff != sum)
			return "run-values: run values out of place";
		if (len > nvals - sum)
			return "run-overflow: run length past the page end";
		if (len - 1 > U64_MAX - first)
			return "run-wraps: run wraps past the top of the index range";
		if (any && first <= prev)
			return "run-order: runs out of order or overlapping";
		sum += len;
		prev = first + (len - 1);
		any = true;
	}
	*bad = -1;
	if (sum != nvals)
		return "value-count: value count does not match the runs";
	*last = prev;
	return NULL;
}

/* Walk state of a restore: the array and its last index so far. */
struct sarray_walk {
	struct khoser_sarray *sa;
	u64 last;
	int bad;
	char detail[16];
};

/* One claimed page: keep it in the index, check it in full. */
static int visit_page(void *ctx, void *page, unsigned int order,
		      unsigned long idx, u64 *next, const char **why)
{
	struct sarray_walk *w = ctx;
	struct khoser_sarray *sa = w->sa;
	struct khoser_sarray_page_hdr *hdr = page;

	if (grow_index(sa, idx + 1)) {
		khoser_kho_release_page(page);
		*why = "no-memory: out of memory";
		return -ENOMEM;
	}
	sa->pages[idx].hdr = hdr;
	sa->npages++;
	*why = check_page(hdr, idx > 0, &w->last, &w->bad);
	if (*why) {
		if (w->bad >= 0)
			snprintf(w->detail, sizeof(w->detail), "run %d",
				 w->bad);
		return -EINVAL;
	}
	sa->pages[idx].first = run_at(hdr, 0)->first;
	sa->entries += hdr->nvals;
	*next = hdr->next;
	return 0;
}

/* Whether @pa is a page of the chain claimed so far (a cycle). */
static bool seen_page(void *ctx, u64 pa)
{
	const struct khoser_sarray *sa = ((struct sarray_walk *)ctx)->sa;
	unsigned long i;

	for (i = 0; i < sa->npages; i++)
		if (khoser_kho_phys(sa->pages[i].hdr) == pa)
			return true;
	return false;
}

/* Restore the chain at @head_pa into locked, empty, outgoing @sa. */
static int restore_locked(struct khoser_sarray *sa, u64 head_pa,
			  unsigned long bound, const char *label)
{
	struct sarray_walk w = { .sa = sa, .bad = -1 };
	struct khoser_chain chain = {
		.label = label, .what = "page", .bound = bound,
		.visit = visit_page, .seen = seen_page, .ctx = &w,
		.detail = w.detail,
	};
	unsigned long claimed;
	int err;

	sa->life.state = KHOSER_STATE_IN;
	err = khoser_chain_walk(&chain, head_pa, &claimed);
	if (err) {
		sarray_reset(sa);
		return err;
	}
	sa->head_pa = head_pa;
	sa->last = w.last;
	return 0;
}

/**
 * khoser_sarray_restore - take over an array handed over by the last kernel
 * @sa:      an initialized, empty outgoing sparse array (with the writer's
 *           chain bound, if that was raised)
 * @head_pa: physical address of the first page, 0 for an empty array
 *
 * Every page is checked (page-aligned, in RAM, really preserved, not visited
 * before, within the chain bound) and claimed before it is read, then its
 * header and every run are checked: runs ascending across the whole chain,
 * not overlapping, inside the page, their values where the run headers say.
 * On any failure, one line is logged naming the problem and the page, every
 * page claimed so far is released and @sa is left empty and outgoing.
 * Pages after the bad one are not touched.
 *
 * Context: Process context (may sleep); takes the array's lock.
 * Return: 0 and @sa is incoming (read-only); -EOPNOTSUPP without KHO;
 * -EBUSY when @sa is not empty, not outgoing or published; -EINVAL on an
 * uninitialized array or corrupt data; -ENOMEM.
 */
int khoser_sarray_restore(struct khoser_sarray *sa, u64 head_pa)
{
	int err = khoser_life_lock_idle(&sa->life, WHAT, "restore");

	if (err)
		return err;
	err = !sa->npages && !sa->entries ?
	      restore_locked(sa, head_pa, sa->max_pages,
			     "sparse array restore") : -EBUSY;
	mutex_unlock(&sa->life.lock);
	return err;
}
EXPORT_SYMBOL_GPL(khoser_sarray_restore);

/* --- the named root's view (khoser_sarray_kind) ------------------------ */

static void sarray_kind_describe(void *obj, struct khoser_root_ser *desc)
{
	struct khoser_sarray *sa = obj;

	desc->kind = KHOSER_KIND_SARRAY;
	desc->phys = sa->head_pa;
	desc->size = KHOSER_SARRAY_VALUE_SIZE;
	desc->nblocks = sa->npages;
	desc->entries = sa->entries;
	desc->max_blocks = sa->max_pages;
}

static int sarray_kind_publish(void *obj, struct khoser_root_ser *desc)
{
	struct khoser_sarray *sa = obj;

	if (sa->life.state == KHOSER_STATE_IN)
		return check_state(sa, "publish", true);
	sa->life.state = KHOSER_STATE_SEALED;
	sarray_kind_describe(sa, desc);
	return 0;
}

/* A product that does not fit a u64 bounds nothing (as for block sets). */
static const char *sarray_kind_check_desc(const struct khoser_root_ser *d)
{
	u64 most;

	if (d->size != KHOSER_SARRAY_VALUE_SIZE)
		return "value-size: sparse-array value size wrong";
	if (!PAGE_ALIGNED(d->phys))
		return "misaligned: sparse-array head misaligned";
	if (!d->phys != !d->nblocks)
		return "desc-pages: head and page count disagree";
	if (d->nblocks > d->max_blocks)
		return "desc-pages: more pages than the writer's bound";
	if (d->entries < d->nblocks ||
	    (!check_mul_overflow(d->nblocks, (u64)KHOSER_SARRAY_MAX_VALUES,
				 &most) && d->entries > most))
		return "desc-entries: entry count impossible for the pages";
	return NULL;
}

static int sarray_kind_restore(void *obj, const struct khoser_root_ser *d,
			       const char *label)
{
	struct khoser_sarray *sa = obj;
	int err;

	if (sa->npages || sa->entries)
		return -EBUSY;
	if (d->nblocks > sa->max_pages) {
		khoser_refused(label, "over-bound: more pages than this array's bound",
			       "%llu pages, bound %lu",
			       (unsigned long long)d->nblocks, sa->max_pages);
		return -EINVAL;
	}
	err = restore_locked(sa, d->phys, d->nblocks, label);
	if (err)
		return err;
	if (sa->npages != d->nblocks || sa->entries != d->entries) {
		khoser_refused(label, sa->npages != d->nblocks ?
			       "chain-short: chain ends before the descriptor's page count" :
			       "count-mismatch: entries differ from the descriptor",
			       "descriptor: %llu pages, %llu entries; chain: %lu, %llu",
			       (unsigned long long)d->nblocks,
			       (unsigned long long)d->entries, sa->npages,
			       (unsigned long long)sa->entries);
		sarray_reset(sa);
		return -EINVAL;
	}
	return 0;
}

const struct khoser_kind khoser_sarray_kind = {
	.id = KHOSER_KIND_SARRAY,
	.name = "sarray",
	.once = true,
	.life = offsetof(struct khoser_sarray, life),
	.publish = sarray_kind_publish,
	.describe = sarray_kind_describe,
	.check_desc = sarray_kind_check_desc,
	.restore = sarray_kind_restore,
};

/* Last page whose first index is <= @index, or -1. */
static long find_page(const struct khoser_sarray *sa, u64 index)
{
	unsigned long lo = 0, hi = sa->npages, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (sa->pages[mid].first <= index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo - 1;
}

/* Last run of @hdr whose first index is <= @index, or -1. */
static int find_run(struct khoser_sarray_page_hdr *hdr, u64 index)
{
	unsigned int lo = 0, hi = hdr->nruns, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (run_at(hdr, mid)->first <= index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (int)lo - 1;
}

/**
 * khoser_sarray_get - look up one index
 * @sa:    the sparse array (outgoing, sealed or incoming)
 * @index: the index
 * @value: its value, when present; may be NULL to test presence only
 *
 * A binary search over the pages, then over the runs of one page.
 *
 * Context: Any context; caller serializes against changes to @sa.
 * Return: 0 when @index is present; -ENOENT otherwise.
 */
int khoser_sarray_get(const struct khoser_sarray *sa, u64 index, u64 *value)
{
	struct khoser_sarray_page_hdr *hdr;
	struct khoser_sarray_run *run;
	long p = find_page(sa, index);
	u64 off;
	int r;

	if (p < 0)
		return -ENOENT;
	hdr = sa->pages[p].hdr;
	r = find_run(hdr, index);
	if (r < 0)
		return -ENOENT;
	run = run_at(hdr, r);
	off = index - run->first;
	if (off >= KHOSER_SARRAY_RUN_LEN(run->info))
		return -ENOENT;
	if (value)
		*value = values_of(hdr)[KHOSER_SARRAY_RUN_VOFF(run->info) + off];
	return 0;
}
EXPORT_SYMBOL_GPL(khoser_sarray_get);

/**
 * khoser_sarray_it_init - start an iterator at the first entry
 * @it: the iterator
 * @sa: the sparse array
 *
 * Context: Any context.
 * Return: @it.
 */
struct khoser_sarray_it *khoser_sarray_it_init(struct khoser_sarray_it *it,
					       const struct khoser_sarray *sa)
{
	it->sa = sa;
	it->page = 0;
	it->run = 0;
	it->i = 0;
	return it;
}
EXPORT_SYMBOL_GPL(khoser_sarray_it_init);

/**
 * khoser_sarray_it_seek - move an iterator to the first entry at or above
 * @it:    an iterator
 * @index: the index
 *
 * The next khoser_sarray_it_next() returns the first entry whose index is
 * @index or above. O(log n).
 *
 * Context: Any context; caller serializes against changes to the array.
 */
void khoser_sarray_it_seek(struct khoser_sarray_it *it, u64 index)
{
	struct khoser_sarray_page_hdr *hdr;
	struct khoser_sarray_run *run;
	long p = find_page(it->sa, index);
	u64 off;
	u32 len;
	int r;

	khoser_sarray_it_init(it, it->sa);
	if (p < 0)
		return;
	hdr = it->sa->pages[p].hdr;
	r = find_run(hdr, index);
	if (r < 0)
		return;
	run = run_at(hdr, r);
	len = KHOSER_SARRAY_RUN_LEN(run->info);
	off = index - run->first;
	it->page = p;
	it->run = r;
	it->i = off < len ? off : len;	/* past the run: the next one */
}
EXPORT_SYMBOL_GPL(khoser_sarray_it_seek);

/**
 * khoser_sarray_it_next - the next entry in ascending index order
 * @it:    an iterator
 * @index: the entry's index
 * @value: the entry's value
 *
 * Context: Any context; caller serializes against changes to the array.
 * Return: true and @index and @value set, or false after the last entry.
 */
bool khoser_sarray_it_next(struct khoser_sarray_it *it, u64 *index,
			   u64 *value)
{
	const struct khoser_sarray *sa = it->sa;
	struct khoser_sarray_page_hdr *hdr;
	struct khoser_sarray_run *run;

	while (it->page < sa->npages) {
		hdr = sa->pages[it->page].hdr;
		if (it->run >= hdr->nruns) {
			it->page++;
			it->run = 0;
			it->i = 0;
			continue;
		}
		run = run_at(hdr, it->run);
		if (it->i >= KHOSER_SARRAY_RUN_LEN(run->info)) {
			it->run++;
			it->i = 0;
			continue;
		}
		*index = run->first + it->i;
		*value = values_of(hdr)[KHOSER_SARRAY_RUN_VOFF(run->info) +
					it->i];
		it->i++;
		return true;
	}
	return false;
}
EXPORT_SYMBOL_GPL(khoser_sarray_it_next);

/* --- publish and lookup ------------------------------------------------ */

/**
 * khoser_sarray_publish - seal an array and publish it under a name
 * @sa:     an outgoing (or sealed) sparse array
 * @name:   object name (see khoser_name_valid())
 * @compat: composite compatible string naming %KHOSER_SARRAY_COMPAT
 *
 * Seals @sa (no more adds). Unpublish it with khoser_unpublish() before
 * destroying it.
 *
 * Context: Process context (may sleep); takes the registry lock, then the
 * array's.
 * Return: 0; -EOPNOTSUPP without KHO; -EBUSY when already published;
 * -EEXIST when @name is taken; -EPERM on an incoming array; -EINVAL on a
 * bad name or string or an uninitialized array; -ENOMEM.
 */
int khoser_sarray_publish(struct khoser_sarray *sa, const char *name,
			  const char *compat)
{
	return khoser_root_publish(&khoser_sarray_kind, sa, name, compat);
}
EXPORT_SYMBOL_GPL(khoser_sarray_publish);

/**
 * khoser_sarray_lookup - find a published sparse array and restore it
 * @sa:     an initialized, empty, unpublished outgoing sparse array
 * @name:   object name
 * @compat: the composite compatible string this driver expects
 *
 * Compares @compat with the one the previous kernel published before
 * anything is restored, restores the chain (see khoser_sarray_restore(),
 * bounded by the page count the descriptor names) and checks that pages
 * and entries match the descriptor. An array can be restored once.
 *
 * Context: Process context (may sleep); takes the registry lock, then the
 * array's.
 * Return: 0; -EOPNOTSUPP without KHO; -ENOENT when not published; -EPROTO on
 * a compatible-string or kind mismatch; -EALREADY when restored before;
 * -EBUSY when @sa is not empty, not outgoing or published; -EINVAL on
 * corrupt data; -ENOMEM.
 */
int khoser_sarray_lookup(struct khoser_sarray *sa, const char *name,
			 const char *compat)
{
	return khoser_root_lookup(&khoser_sarray_kind, sa, name, compat);
}
EXPORT_SYMBOL_GPL(khoser_sarray_lookup);
