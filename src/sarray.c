// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoser sparse arrays: u64 index -> u64 value in a chain of preserved pages
 * (include/khoser/abi/sarray.h), runs of consecutive indices sharing one
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
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/xarray.h>
#include "compat/kho.h"
#include "compat/slab.h"
#include "internal.h"
#include "pset.h"

#define PAGE_INDEX_MIN	16UL

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
	switch (sa->state) {
	case KHOSER_SA_OUTGOING:
		return 0;
	case KHOSER_SA_SEALED:
	case KHOSER_SA_INCOMING:
		if (!write)
			return 0;
		pr_err("%s: refused on a %s (read-only) sparse array\n", op,
		       sa->state == KHOSER_SA_SEALED ? "sealed" : "restored");
		return -EPERM;
	default:
		pr_err("%s: sparse array was never initialized\n", op);
		return -EINVAL;
	}
}

/* Make room for @need pages in the page index. */
static int grow_index(struct khoser_sarray *sa, unsigned long need)
{
	struct khoser_sarray_pref *pages;
	unsigned long cap;

	if (need <= sa->cap)
		return 0;
	cap = max(sa->cap * 2, PAGE_INDEX_MIN);
	if (cap < need)
		cap = need;
	pages = kvmalloc_array(cap, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	if (sa->npages)
		memcpy(pages, sa->pages, sa->npages * sizeof(*pages));
	kvfree(sa->pages);
	sa->pages = pages;
	sa->cap = cap;
	return 0;
}

/* Release every page and the index; keep the state and bound. */
static void drop_all(struct khoser_sarray *sa)
{
	unsigned long i;

	for (i = 0; i < sa->npages; i++) {
		if (sa->state == KHOSER_SA_INCOMING)
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
 * Context: Any context.
 */
void khoser_sarray_init(struct khoser_sarray *sa)
{
	*sa = (struct khoser_sarray)KHOSER_SARRAY_INIT;
}
EXPORT_SYMBOL_GPL(khoser_sarray_init);

/**
 * khoser_sarray_set_max_pages - set the chain-length bound
 * @sa:        an outgoing sparse array
 * @max_pages: most pages the array may hold when written or restored
 *
 * Context: Any context; caller serializes access to @sa.
 * Return: 0; -EINVAL when @max_pages is 0 or below the current size, or
 * @sa is uninitialized; -EPERM on a sealed or incoming array.
 */
int khoser_sarray_set_max_pages(struct khoser_sarray *sa,
				unsigned long max_pages)
{
	int err = check_state(sa, "set_max_pages", true);

	if (err)
		return err;
	if (!max_pages || max_pages < sa->npages)
		return -EINVAL;
	sa->max_pages = max_pages;
	return 0;
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
 * Context: Process context (may sleep); caller serializes access to @sa.
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
	if (!khoser_available())
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
 * Context: Any context; caller serializes access to @sa.
 * Return: 0 (also when already sealed); -EPERM on an incoming array;
 * -EINVAL on an uninitialized one.
 */
int khoser_sarray_seal(struct khoser_sarray *sa)
{
	int err;

	if (sa->state == KHOSER_SA_SEALED)
		return 0;
	err = check_state(sa, "seal", true);
	if (err)
		return err;
	sa->state = KHOSER_SA_SEALED;
	return 0;
}
EXPORT_SYMBOL_GPL(khoser_sarray_seal);

/**
 * khoser_sarray_destroy - release every page of an array
 * @sa: an initialized sparse array
 *
 * Outgoing pages are unpreserved and freed; incoming pages (claimed from
 * the previous kernel) are freed. The array is left empty and outgoing, as
 * after khoser_sarray_init() (its page bound kept), so it can be reused.
 *
 * Context: Process context; caller serializes access to @sa.
 * Return: 0; -EBUSY while the array is published (unpublish it first);
 * -EINVAL on an uninitialized array.
 */
int khoser_sarray_destroy(struct khoser_sarray *sa)
{
	int err = check_state(sa, "destroy", false);

	if (err)
		return err;
	if (sa->state != KHOSER_SA_INCOMING && sa->obj) {
		pr_err("destroy: sparse array is published as '%s'; unpublish it first\n",
		       sa->obj->name);
		return -EBUSY;
	}
	drop_all(sa);
	if (sa->obj) {
		sa->obj->sa = NULL;
		sa->obj = NULL;
	}
	sa->state = KHOSER_SA_OUTGOING;
	return 0;
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
		return "bad page magic";
	nruns = hdr->nruns;
	nvals = hdr->nvals;
	if (!nruns || !nvals)
		return "empty page";
	if (!page_fits(nruns, nvals))
		return "runs and values past the page end";
	for (r = 0; r < nruns; r++) {
		*bad = r;
		/* Run headers are 4-byte aligned: plain (packed) loads. */
		run = run_at(hdr, r);
		first = run->first;
		info = run->info;
		len = KHOSER_SARRAY_RUN_LEN(info);
		voff = KHOSER_SARRAY_RUN_VOFF(info);
		if (!len)
			return "empty run";
		if (voff != sum)
			return "run values out of place";
		if (len > nvals - sum)
			return "run length past the page end";
		if (len - 1 > U64_MAX - first)
			return "run wraps past the top of the index range";
		if (any && first <= prev)
			return "runs out of order or overlapping";
		sum += len;
		prev = first + (len - 1);
		any = true;
	}
	*bad = -1;
	if (sum != nvals)
		return "value count does not match the runs";
	*last = prev;
	return NULL;
}

static int restore_chain(struct khoser_sarray *sa, u64 head_pa,
			 unsigned long bound)
{
	struct khoser_sarray_page_hdr *hdr;
	struct khoser_pset seen;
	const char *why = NULL;
	unsigned long idx = 0;
	u64 pa = head_pa, last = 0;
	int err, bad = -1;

	sa->state = KHOSER_SA_INCOMING;
	if (!head_pa)
		return 0;
	err = khoser_pset_init(&seen, min(bound, 1024UL));
	if (err)
		goto fail_nolog;

	while (pa) {
		err = -EINVAL;
		if (idx >= bound) {
			why = "chain longer than the page bound";
			goto fail;
		}
		if (!PAGE_ALIGNED(pa)) {
			why = "misaligned address";
			goto fail;
		}
		err = khoser_pset_add(&seen, pa);
		if (err == -EEXIST) {
			why = "cycle back to an earlier page";
			err = -EINVAL;
			goto fail;
		}
		if (!err)
			err = grow_index(sa, idx + 1);
		if (err) {
			why = "out of memory";
			goto fail;
		}
		err = -EINVAL;
		hdr = khoser_kho_claim_page(pa, &why);
		if (!hdr)
			goto fail;
		sa->pages[idx].hdr = hdr;
		sa->npages++;
		why = check_page(hdr, idx > 0, &last, &bad);
		if (why)
			goto fail;
		sa->pages[idx].first = run_at(hdr, 0)->first;
		sa->entries += hdr->nvals;
		pa = hdr->next;
		idx++;
	}
	khoser_pset_destroy(&seen);
	sa->head_pa = head_pa;
	sa->last = last;
	return 0;

fail:
	if (bad >= 0)
		pr_err("restore: sparse-array page %lu at %#llx, run %d: %s\n",
		       idx, (unsigned long long)pa, bad, why);
	else
		pr_err("restore: sparse-array page %lu at %#llx: %s (bound %lu)\n",
		       idx, (unsigned long long)pa, why, bound);
	khoser_pset_destroy(&seen);
fail_nolog:
	drop_all(sa);
	sa->state = KHOSER_SA_OUTGOING;
	return err;
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
 * On any failure, one line is logged naming the problem and the page (and
 * run), every page claimed so far is released and @sa is left empty and
 * outgoing. Pages after the bad one are not touched.
 *
 * Context: Process context (may sleep).
 * Return: 0 and @sa is incoming (read-only); -EOPNOTSUPP without KHO;
 * -EBUSY when @sa is not empty; -EPERM when sealed or incoming; -EINVAL on
 * an uninitialized array or corrupt data; -ENOMEM.
 */
int khoser_sarray_restore(struct khoser_sarray *sa, u64 head_pa)
{
	int err = check_state(sa, "restore", true);

	if (err)
		return err;
	if (sa->npages || sa->entries)
		return -EBUSY;
	if (!khoser_available())
		return -EOPNOTSUPP;
	return restore_chain(sa, head_pa, sa->max_pages);
}
EXPORT_SYMBOL_GPL(khoser_sarray_restore);

/**
 * khoser_sarray_publish - seal an array and publish it under a name
 * @sa:     an outgoing (or sealed) sparse array
 * @name:   object name (see khoser_name_valid())
 * @compat: composite compatible string naming %KHOSER_SARRAY_COMPAT
 *
 * Seals @sa (no more adds). Unpublish it with khoser_unpublish() before
 * destroying it.
 *
 * Context: Process context (may sleep); caller serializes access to @sa.
 * Return: 0; -EOPNOTSUPP without KHO; -EBUSY when already published;
 * -EEXIST when @name is taken; -EPERM on an incoming array; -EINVAL on a
 * bad name or string or an uninitialized array; -ENOMEM.
 */
int khoser_sarray_publish(struct khoser_sarray *sa, const char *name,
			  const char *compat)
{
	struct khoser_root_ser fields = {
		.kind = KHOSER_KIND_SARRAY,
		.size = KHOSER_SARRAY_VALUE_SIZE,
	};
	u32 state = sa->state;
	int err;

	if (state == KHOSER_SA_INCOMING)
		return check_state(sa, "publish", true);
	err = check_state(sa, "publish", false);
	if (err)
		return err;
	if (sa->obj)
		return -EBUSY;
	fields.phys = sa->head_pa;
	fields.nblocks = sa->npages;
	fields.entries = sa->entries;
	fields.max_blocks = sa->max_pages;
	sa->state = KHOSER_SA_SEALED;
	err = khoser_root_add_obj(name, compat, &fields, sa, NULL);
	if (err)
		sa->state = state;
	return err;
}
EXPORT_SYMBOL_GPL(khoser_sarray_publish);

/**
 * khoser_sarray_lookup - find a published sparse array and restore it
 * @sa:     an initialized, empty outgoing sparse array
 * @name:   object name
 * @compat: the composite compatible string this driver expects
 *
 * Compares @compat with the one the previous kernel published before
 * anything is restored, restores the chain (see khoser_sarray_restore(),
 * bounded by the page count the descriptor names) and checks that pages
 * and entries match the descriptor. An array can be restored once.
 *
 * Context: Process context (may sleep).
 * Return: 0; -EOPNOTSUPP without KHO; -ENOENT when not published; -EPROTO on
 * a compatible-string or kind mismatch; -EALREADY when restored before;
 * -EBUSY when @sa is not empty; -EINVAL on corrupt data; -ENOMEM.
 */
int khoser_sarray_lookup(struct khoser_sarray *sa, const char *name,
			 const char *compat)
{
	const struct khoser_root_ser *d;
	struct khoser_object *obj;
	int err;

	err = check_state(sa, "lookup", true);
	if (err)
		return err;
	if (sa->npages || sa->entries)
		return -EBUSY;
	err = khoser_root_find(name, compat, KHOSER_KIND_SARRAY, &obj);
	if (err)
		return err;
	d = obj->desc;
	if (obj->restored) {
		err = -EALREADY;
	} else if (d->nblocks > sa->max_pages) {
		pr_err("%s: %llu pages, above this array's bound of %lu\n",
		       obj->name, (unsigned long long)d->nblocks,
		       sa->max_pages);
		err = -EINVAL;
	} else {
		err = restore_chain(sa, d->phys, d->nblocks);
		if (!err && (sa->npages != d->nblocks ||
			     sa->entries != d->entries)) {
			pr_err("%s: descriptor says %llu pages, %llu entries; chain has %lu, %llu\n",
			       obj->name, (unsigned long long)d->nblocks,
			       (unsigned long long)d->entries, sa->npages,
			       (unsigned long long)sa->entries);
			drop_all(sa);
			sa->state = KHOSER_SA_OUTGOING;
			err = -EINVAL;
		}
	}
	if (!err) {
		obj->restored = true;
		obj->sa = sa;
		sa->obj = obj;
	}
	khoser_root_unlock();
	return err;
}
EXPORT_SYMBOL_GPL(khoser_sarray_lookup);

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

/**
 * khoser_sarray_from_xarray - fill an empty array from an xarray
 * @sa: an initialized, empty outgoing sparse array
 * @xa: an xarray holding only value entries (xa_mk_value())
 *
 * Adds every entry of @xa, in index order, with its value xa_to_value().
 * @xa is checked first: an entry that is not a value entry is refused
 * before anything is added. On any failure @sa is left empty.
 *
 * Context: Process context (may sleep); the caller keeps @xa from changing.
 * Return: 0; -EBUSY when @sa is not empty; -EINVAL when @xa holds a
 * non-value entry or @sa is uninitialized; -EPERM on a sealed or incoming
 * array; -EOPNOTSUPP without KHO; -ENOSPC beyond the page bound; -ENOMEM.
 */
int khoser_sarray_from_xarray(struct khoser_sarray *sa, struct xarray *xa)
{
	unsigned long index;
	void *entry;
	int err;

	err = check_state(sa, "from_xarray", true);
	if (err)
		return err;
	if (sa->npages || sa->entries)
		return -EBUSY;
	xa_for_each(xa, index, entry) {
		if (!xa_is_value(entry)) {
			pr_err("from_xarray: entry %lu is not a value entry\n",
			       index);
			return -EINVAL;
		}
	}
	xa_for_each(xa, index, entry) {
		err = khoser_sarray_add(sa, index, xa_to_value(entry));
		if (err) {
			drop_all(sa);
			return err;
		}
	}
	return 0;
}
EXPORT_SYMBOL_GPL(khoser_sarray_from_xarray);

/**
 * khoser_sarray_to_xarray - copy an array into an empty xarray
 * @sa: the sparse array (typically restored)
 * @xa: an initialized, empty xarray
 *
 * Stores every entry as a value entry, xa_mk_value(value) at its index.
 * Value entries hold 0 to %LONG_MAX and xarray indices are unsigned longs:
 * @sa is checked first, and an entry outside that range is refused before
 * anything is stored. On any failure @xa is left empty.
 *
 * Context: Process context (may sleep); caller serializes access to both.
 * Return: 0; -EBUSY when @xa is not empty; -ERANGE when a value is above
 * %LONG_MAX or an index above %ULONG_MAX; -ENOMEM.
 */
int khoser_sarray_to_xarray(const struct khoser_sarray *sa,
			    struct xarray *xa)
{
	struct khoser_sarray_it it;
	u64 index, value;
	void *old;
	int err;

	if (!xa_empty(xa))
		return -EBUSY;
	khoser_sarray_for_each(sa, &it, index, value) {
		if (value > LONG_MAX || (unsigned long)index != index) {
			pr_err("to_xarray: entry %llu (value %#llx) does not fit an xarray value entry\n",
			       (unsigned long long)index,
			       (unsigned long long)value);
			return -ERANGE;
		}
	}
	khoser_sarray_for_each(sa, &it, index, value) {
		old = xa_store(xa, index, xa_mk_value(value), GFP_KERNEL);
		err = xa_err(old);
		if (err) {
			xa_destroy(xa);
			return err;
		}
	}
	return 0;
}
EXPORT_SYMBOL_GPL(khoser_sarray_to_xarray);
