// SPDX-License-Identifier: GPL-2.0-only
/*
 * DOC: ledger of claimed pages
 *
 * Claiming a page of the previous kernel clears its KHO mark, so the mark
 * alone cannot tell that a page was claimed already: a multi-page range
 * (a version 2 block, a vbuf chunk) whose inner pages khoser claimed
 * before, on their own or as another object's, passes every mark check,
 * and would be owned, and freed, twice. The ledger records every range
 * khoser claims this boot, by page frame, in one red-black tree of
 * disjoint ranges; the claim layer refuses any claim that overlaps one,
 * before it reads a mark (the page may be someone else's by then).
 *
 * A range is *owned* while khoser holds it, and *spent* once khoser has
 * released it or handed it on (a vbuf's pages to its mapping): a spent
 * page is never again preserved memory of this boot, so any later claim
 * over it comes from corrupt data and is refused as well. Spent ranges
 * that touch are merged, and so are owned ones claimed one after the
 * other, so a chain in contiguous memory is one entry. The ledger lives
 * as long as the module; the claim layer (khoser_kho_claim_page() and the
 * rest) serializes every call with its claim lock. Each call is O(log n)
 * in the number of entries, and O(1) for a claim that continues the last
 * one (a chain claimed in address order); entries are allocated in chunks
 * of about a page, and reused once merged.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/list.h>
#include <linux/rbtree.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/minmax.h>
#include "compat/slab.h"
#include "kho.h"

/**
 * struct khoser_ledger_range - pages [@start, @end) claimed this boot
 * @node:      in the ledger, by @start
 * @next_free: on the free list instead
 * @start:     first page frame
 * @end:       page frame after the last
 * @owned:     khoser still holds them (else: spent)
 */
struct khoser_ledger_range {
	union {
		struct rb_node node;
		struct khoser_ledger_range *next_free;
	};
	unsigned long start;
	unsigned long end;
	bool owned;
};

/* Entries come in chunks of about a page: one allocation per many claims. */
#define CHUNK_RANGES 63

struct khoser_ledger_chunk {
	struct list_head list;
	struct khoser_ledger_range r[CHUNK_RANGES];
};

/**
 * struct khoser_ledger - the claimed ranges, disjoint, by start
 * @tree:      every entry
 * @rightmost: the entry that starts last (claims mostly go up in address
 *             order: an entry past it needs no descent)
 * @hint:      the entry the last claim went into (a chain claimed in
 *             address order continues it: no descent)
 * @hint_next: the entry after @hint, when @hint_ok (no entry came or went
 *             since it was found)
 * @hint_ok:   @hint_next is current
 * @free:      entries not in use
 * @nfree:     how many
 * @chunks:    every chunk of entries
 * @totals:    what khoser_ledger_stats() reports
 */
struct khoser_ledger {
	struct rb_root tree;
	struct khoser_ledger_range *rightmost;
	struct khoser_ledger_range *hint;
	struct khoser_ledger_range *hint_next;
	bool hint_ok;
	struct khoser_ledger_range *free;
	unsigned int nfree;
	struct list_head chunks;
	struct khoser_ledger_stats totals;
};

static struct khoser_ledger ledger;

/* An empty ledger (module init: nothing claimed yet). */
void khoser_ledger_init(void)
{
	memset(&ledger, 0, sizeof(ledger));
	ledger.tree = RB_ROOT;
	INIT_LIST_HEAD(&ledger.chunks);
}

/* Make sure @n entries are free: 0, or -ENOMEM. May sleep. */
static int have_free(unsigned int n)
{
	struct khoser_ledger_chunk *c;
	int i;

	while (ledger.nfree < n) {
		c = kmalloc_obj(*c);
		if (!c)
			return -ENOMEM;
		list_add(&c->list, &ledger.chunks);
		for (i = 0; i < CHUNK_RANGES; i++) {
			c->r[i].next_free = ledger.free;
			ledger.free = &c->r[i];
		}
		ledger.nfree += CHUNK_RANGES;
		ledger.totals.bytes += sizeof(*c);
	}
	return 0;
}

/**
 * khoser_ledger_reserve - make sure khoser_ledger_add() has an entry
 *
 * Context: the claim lock held; may sleep (allocates a chunk when none is
 * free).
 * Return: 0, or -ENOMEM.
 */
int khoser_ledger_reserve(void)
{
	return have_free(1);
}

static struct khoser_ledger_range *get_free(void)
{
	struct khoser_ledger_range *r = ledger.free;

	ledger.free = r->next_free;
	ledger.nfree--;
	return r;
}

static void put_free(struct khoser_ledger_range *r)
{
	r->next_free = ledger.free;
	ledger.free = r;
	ledger.nfree++;
}

static struct khoser_ledger_range *entry(struct rb_node *n)
{
	return rb_entry_safe(n, struct khoser_ledger_range, node);
}

/* The first entry ending after @pfn (holding it, or after it), or NULL. */
static struct khoser_ledger_range *first_after(unsigned long pfn)
{
	struct rb_node *n = ledger.tree.rb_node;
	struct khoser_ledger_range *r, *best = NULL;

	if (!ledger.rightmost || ledger.rightmost->end <= pfn)
		return NULL;
	while (n) {
		r = entry(n);
		if (r->end > pfn) {
			best = r;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return best;
}

/**
 * khoser_ledger_room - how many pages from @pfn on are unclaimed
 * @pfn:   first page frame
 * @max:   most pages asked about
 * @owned: set, when @pfn itself is claimed, to whether khoser holds it
 *
 * Return: 0 when @pfn is in the ledger; else the unclaimed pages from @pfn
 * up to the next entry, at most @max.
 */
unsigned long khoser_ledger_room(unsigned long pfn, unsigned long max,
				 bool *owned)
{
	struct khoser_ledger_range *r;

	if (ledger.hint && ledger.hint->end == pfn) {	/* no descent */
		if (!ledger.hint_ok) {
			ledger.hint_next = entry(rb_next(&ledger.hint->node));
			ledger.hint_ok = true;
		}
		r = ledger.hint_next;
	} else {
		r = first_after(pfn);
	}
	if (!r)
		return max;
	if (r->start <= pfn) {
		*owned = r->owned;
		return 0;
	}
	return min(max, r->start - pfn);
}

/* Put @r (its start set) into the tree. */
static void insert(struct khoser_ledger_range *r)
{
	struct rb_node **link = &ledger.tree.rb_node, *parent = NULL;

	if (!ledger.rightmost || r->start >= ledger.rightmost->end) {
		/* Past every entry: the rightmost's right child. */
		if (ledger.rightmost) {
			parent = &ledger.rightmost->node;
			link = &parent->rb_right;
		}
		ledger.rightmost = r;
	} else {
		while (*link) {
			parent = *link;
			link = r->start < entry(parent)->start ?
			       &parent->rb_left : &parent->rb_right;
		}
	}
	rb_link_node(&r->node, parent, link);
	rb_insert_color(&r->node, &ledger.tree);
	ledger.hint_ok = false;
	ledger.totals.ranges++;
}

/* A new entry [@start, @end), owned or not, into the tree. */
static struct khoser_ledger_range *new_range(unsigned long start,
					     unsigned long end, bool owned)
{
	struct khoser_ledger_range *r = get_free();

	r->start = start;
	r->end = end;
	r->owned = owned;
	insert(r);
	return r;
}

static void erase(struct khoser_ledger_range *r)
{
	if (ledger.hint == r)
		ledger.hint = NULL;
	if (ledger.rightmost == r)
		ledger.rightmost = entry(rb_prev(&r->node));
	rb_erase(&r->node, &ledger.tree);
	ledger.hint_ok = false;
	put_free(r);
	ledger.totals.ranges--;
}

/**
 * khoser_ledger_add - record [@pfn, + @npages) as claimed and owned
 * @pfn:    first page frame
 * @npages: pages claimed (khoser_ledger_room() said they are unclaimed)
 *
 * A claim that continues the entry the last claim went into extends it
 * (a chain claimed in address order, in contiguous memory, is one entry).
 *
 * Context: the claim lock held, after khoser_ledger_reserve().
 */
void khoser_ledger_add(unsigned long pfn, unsigned long npages)
{
	struct khoser_ledger_range *last = ledger.hint;

	ledger.totals.owned += npages;
	if (last && last->owned && last->end == pfn)
		last->end += npages;
	else
		ledger.hint = new_range(pfn, pfn + npages, true);
}

/* Join spent @r with the spent entries it touches. */
static void merge_spent(struct khoser_ledger_range *r)
{
	struct khoser_ledger_range *o = entry(rb_prev(&r->node));

	if (o && !o->owned && o->end == r->start) {
		o->end = r->end;
		erase(r);
		r = o;
	}
	o = entry(rb_next(&r->node));
	if (o && !o->owned && o->start == r->end) {
		r->end = o->end;
		erase(o);
	}
}

/*
 * Carve spent [@pfn, @end) out of owned @r, which holds more: into a
 * spent neighbour it touches, or as a new entry (and a new one for what
 * stays owned after it). false when the entries cannot be had.
 */
static bool carve(struct khoser_ledger_range *r, unsigned long pfn,
		  unsigned long end)
{
	struct khoser_ledger_range *o;
	unsigned long tail = r->end;

	if (pfn == r->start) {
		o = entry(rb_prev(&r->node));
		if (o && !o->owned && o->end == pfn) {
			o->end = end;
			r->start = end;
			return true;
		}
	} else if (end == r->end) {
		o = entry(rb_next(&r->node));
		if (o && !o->owned && o->start == end) {
			o->start = pfn;
			r->end = pfn;
			return true;
		}
	}
	if (have_free(pfn > r->start && end < r->end ? 2 : 1))
		return false;
	if (pfn == r->start) {		/* r keeps the rest, after */
		r->start = end;
		merge_spent(new_range(pfn, end, false));
		return true;
	}
	r->end = pfn;			/* r keeps what is before */
	if (end < tail)
		new_range(end, tail, true);
	merge_spent(new_range(pfn, end, false));
	return true;
}

/**
 * khoser_ledger_spend - owned pages [@pfn, + @npages) are released
 * @pfn:    first page frame of a range claimed (khoser_ledger_add())
 * @npages: its size
 *
 * The pages stay in the ledger, spent, merged with spent neighbours they
 * touch. When the entries to split an owned one cannot be allocated, the
 * pages stay recorded as owned: every claim over them is refused all the
 * same, only khoser_ledger_stats() counts them as owned.
 *
 * Context: the claim lock held; may sleep.
 * Return: false when the pages are not all owned (nothing changed).
 */
bool khoser_ledger_spend(unsigned long pfn, unsigned long npages)
{
	struct khoser_ledger_range *r = first_after(pfn);
	unsigned long end = pfn + npages;

	if (!r || !r->owned || r->start > pfn || r->end < end)
		return false;
	if (r->start == pfn && r->end == end) {
		r->owned = false;
		merge_spent(r);
	} else if (!carve(r, pfn, end)) {
		return true;
	}
	ledger.totals.owned -= npages;
	ledger.totals.spent += npages;
	return true;
}

/* Entries, pages owned and spent, bytes. Context: the claim lock held. */
void khoser_ledger_stats(struct khoser_ledger_stats *st)
{
	*st = ledger.totals;
}

/*
 * Forget every entry and free the chunks (module exit: nothing is owned
 * any more). Context: the claim lock held.
 */
void khoser_ledger_clear(void)
{
	struct khoser_ledger_chunk *c, *tmp;

	list_for_each_entry_safe(c, tmp, &ledger.chunks, list)
		kfree(c);
	khoser_ledger_init();
}
