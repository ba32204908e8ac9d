// SPDX-License-Identifier: GPL-2.0-only
/*
 * Claim a chain of preserved pages handed over by the previous kernel.
 *
 * DOC: chain walker
 *
 * Block sets and sparse arrays are singly linked chains of pages, each
 * starting with the physical address of the next. khoser_chain_walk()
 * follows one from its head, and for every link, before anything in it is
 * read: bounds the chain's length, checks the address is page-aligned and
 * in RAM, and claims the link through KHO, which proves the previous kernel
 * preserved it, with an order the chain allows. Then the structure's visit
 * callback takes the link and checks its contents.
 *
 * A cycle needs no set of visited addresses: every page khoser claims is
 * in the claim layer's ledger, so a chain that comes back to an earlier
 * link fails its claim; only then does the walker ask the structure
 * whether the address was one of its links, to name the failure a cycle.
 * On the first failure one line is logged naming the page, its index and
 * the reason, and the walk stops: pages after a bad one are never touched.
 * Releasing the pages claimed so far is the caller's (they are in its own
 * structure).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/mm.h>
#include "common.h"
#include "kho.h"

/**
 * khoser_chain_walk - claim and check every page of a chain
 * @chain: what to walk and how to check each page
 * @head:  physical address of the first page, 0 for an empty chain
 * @count: pages handed to @chain->visit (claimed), also on failure
 *
 * Return: 0; -EINVAL on a corrupt chain (logged); -ENOMEM; or the errno of
 * @chain->visit.
 */
int khoser_chain_walk(const struct khoser_chain *chain, u64 head,
		      unsigned long *count)
{
	const char *why = NULL;
	u64 pa = head, next = 0;
	unsigned long idx = 0;
	unsigned int order;
	void *page;
	int err = 0;

	*count = 0;
	while (pa) {
		err = -EINVAL;
		if (idx >= chain->bound) {
			why = "chain-too-long: chain longer than its bound";
			break;
		}
		if (!PAGE_ALIGNED(pa)) {
			why = "misaligned: misaligned address";
			break;
		}
		page = khoser_kho_claim_block(pa, chain->max_order, &order,
					      &why);
		if (!page) {
			if (khoser_why_is(why, "no-memory"))
				err = -ENOMEM;
			else if (idx && chain->seen(chain->ctx, pa))
				why = "cycle: chain comes back to an earlier page";
			break;
		}
		(*count)++;
		err = chain->visit(chain->ctx, page, order, idx, &next, &why);
		if (err)
			break;
		pa = next;
		idx++;
	}
	if (err)
		khoser_refused(chain->label, why, "%s %lu at %#llx%s%s, bound %lu",
			       chain->what, idx, (unsigned long long)pa,
			       chain->detail && *chain->detail ? ", " : "",
			       chain->detail ? chain->detail : "",
			       chain->bound);
	return err;
}
