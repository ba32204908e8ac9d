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
 * that touch are merged, so a chain claimed and released in address order
 * leaves one entry. The ledger lives as long as the module; the caller
 * (src/compat/kho.c) serializes every call with its claim lock. Each call
 * is O(log n) in the number of entries.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/rbtree.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/minmax.h>
#include "compat/slab.h"
#include "ledger.h"

/**
 * struct khoser_ledger_range - pages [@start, @end) claimed this boot
 * @node:  in the ledger, by @start
 * @start: first page frame
 * @end:   page frame after the last
 * @owned: khoser still holds them (else: spent)
 */
struct khoser_ledger_range {
	struct rb_node node;
	unsigned long start;
	unsigned long end;
	bool owned;
};

static struct rb_root ledger = RB_ROOT;
static struct khoser_ledger_stats totals;

/* An empty ledger (module init: nothing claimed yet). */
void khoser_ledger_init(void)
{
	ledger = RB_ROOT;
	memset(&totals, 0, sizeof(totals));
}

/* An entry for khoser_ledger_add(), allocated before the claim lock. */
struct khoser_ledger_range *khoser_ledger_prealloc(void)
{
	return kzalloc_obj(struct khoser_ledger_range);
}

/* Free an entry khoser_ledger_add() did not take. */
void khoser_ledger_free(struct khoser_ledger_range *r)
{
	kfree(r);
}

/* The first entry ending after @pfn (holding it, or after it), or NULL. */
static struct khoser_ledger_range *first_after(unsigned long pfn)
{
	struct rb_node *n = ledger.rb_node;
	struct khoser_ledger_range *r, *best = NULL;

	while (n) {
		r = rb_entry(n, struct khoser_ledger_range, node);
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
	struct khoser_ledger_range *r = first_after(pfn);

	if (!r)
		return max;
	if (r->start <= pfn) {
		*owned = r->owned;
		return 0;
	}
	return min(max, r->start - pfn);
}

/**
 * khoser_ledger_add - record [@pfn, + @npages) as claimed and owned
 * @r:      an entry from khoser_ledger_prealloc(), taken by the ledger
 * @pfn:    first page frame
 * @npages: pages claimed (khoser_ledger_room() said they are unclaimed)
 */
void khoser_ledger_add(struct khoser_ledger_range *r, unsigned long pfn,
		       unsigned long npages)
{
	struct rb_node **link = &ledger.rb_node, *parent = NULL;
	struct khoser_ledger_range *at;

	r->start = pfn;
	r->end = pfn + npages;
	r->owned = true;
	while (*link) {
		parent = *link;
		at = rb_entry(parent, struct khoser_ledger_range, node);
		link = pfn < at->start ? &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(&r->node, parent, link);
	rb_insert_color(&r->node, &ledger);
	totals.ranges++;
	totals.owned += npages;
}

/* Fold spent @b, which starts where spent @a ends, into @a. */
static void merge(struct khoser_ledger_range *a, struct khoser_ledger_range *b)
{
	a->end = b->end;
	rb_erase(&b->node, &ledger);
	kfree(b);
	totals.ranges--;
}

/**
 * khoser_ledger_spend - the owned range starting at @pfn is released
 * @pfn: its first page frame
 *
 * The range stays in the ledger, spent, merged with spent neighbours it
 * touches.
 *
 * Return: false when no owned range starts at @pfn (nothing changed).
 */
bool khoser_ledger_spend(unsigned long pfn)
{
	struct khoser_ledger_range *r = first_after(pfn), *o;
	struct rb_node *n;

	if (!r || r->start != pfn || !r->owned)
		return false;
	r->owned = false;
	totals.owned -= r->end - r->start;
	totals.spent += r->end - r->start;
	n = rb_prev(&r->node);
	o = rb_entry_safe(n, struct khoser_ledger_range, node);
	if (o && !o->owned && o->end == r->start) {
		merge(o, r);
		r = o;
	}
	n = rb_next(&r->node);
	o = rb_entry_safe(n, struct khoser_ledger_range, node);
	if (o && !o->owned && o->start == r->end)
		merge(r, o);
	return true;
}

/* Entries and pages, owned and spent. */
void khoser_ledger_stats(struct khoser_ledger_stats *st)
{
	*st = totals;
}

/* Forget every entry (module exit: nothing is owned any more). */
void khoser_ledger_clear(void)
{
	struct rb_node *n;

	while ((n = rb_first(&ledger))) {
		rb_erase(n, &ledger);
		kfree(rb_entry(n, struct khoser_ledger_range, node));
	}
	memset(&totals, 0, sizeof(totals));
}
