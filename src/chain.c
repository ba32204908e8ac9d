// SPDX-License-Identifier: GPL-2.0-only
/*
 * Claim a chain of preserved pages handed over by the previous kernel.
 *
 * DOC: chain walker
 *
 * Block sets and sparse arrays are singly linked chains of pages, each
 * starting with the physical address of the next. khoser_chain_walk()
 * follows one from its head, and for every page, before anything in it is
 * read: bounds the chain's length, checks the address is page-aligned, was
 * not visited before (a cycle) and is in RAM, and claims the page through
 * KHO (which proves the previous kernel preserved it, with order 0). Then
 * the structure's visit callback takes the page and checks its contents.
 * On the first failure one line is logged naming the page, its index and
 * the reason, and the walk stops: pages after a bad one are never touched.
 * Releasing the pages claimed so far is the caller's (they are in its own
 * structure).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/mm.h>
#include "chain.h"
#include "compat/kho.h"
#include "life.h"
#include "pset.h"

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
	struct khoser_pset seen;
	u64 pa = head, next = 0;
	unsigned long idx = 0;
	void *page;
	int err;

	*count = 0;
	if (!head)
		return 0;
	err = khoser_pset_init(&seen, min(chain->bound, 1024UL));
	if (err)
		return err;
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
		err = khoser_pset_add(&seen, pa);
		if (err) {
			why = err == -EEXIST ?
			      "cycle: chain comes back to an earlier page" :
			      "no-memory: out of memory";
			err = err == -EEXIST ? -EINVAL : err;
			break;
		}
		page = khoser_kho_claim_page(pa, &why);
		if (!page) {
			err = -EINVAL;
			break;
		}
		(*count)++;
		err = chain->visit(chain->ctx, page, idx, &next, &why);
		if (err)
			break;
		pa = next;
		idx++;
	}
	khoser_pset_destroy(&seen);
	if (err)
		khoser_refused(chain->label, why, "%s %lu at %#llx%s%s, bound %lu",
			       chain->what, idx, (unsigned long long)pa,
			       chain->detail && *chain->detail ? ", " : "",
			       chain->detail ? chain->detail : "",
			       chain->bound);
	return err;
}
