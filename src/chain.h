/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one walker of preserved page chains (block sets, sparse arrays).
 */
#ifndef _KHOSER_CHAIN_H
#define _KHOSER_CHAIN_H

#include <linux/types.h>

/**
 * struct khoser_chain - a chain of preserved pages to claim
 * @label: who is restoring, for the log line (object name or function)
 * @what:  what one page is called in the log line ("block", "page")
 * @bound: most pages the chain may have
 * @max_order: largest block order a link may have (KHO's mark gives the
 *         order of each; 0: pages only)
 * @visit: takes ownership of @page (2^@order pages), the @idx-th link of
 *         the chain: keeps it (or releases it), checks it, and returns 0
 *         with *@next set to the next link's address, or an errno with
 *         *@why set ("reason-word: text")
 * @seen:  whether @pa lies in a link already handed to @visit (asked only
 *         when a claim fails, to name a cycle as such)
 * @ctx:   passed to @visit and @seen
 * @detail: optional text @visit may fill to say where in the page it
 *          found the problem (e.g. "run 3"), added to the log line
 */
struct khoser_chain {
	const char *label;
	const char *what;
	unsigned long bound;
	unsigned int max_order;
	int (*visit)(void *ctx, void *page, unsigned int order,
		     unsigned long idx, u64 *next, const char **why);
	bool (*seen)(void *ctx, u64 pa);
	void *ctx;
	const char *detail;
};

int khoser_chain_walk(const struct khoser_chain *chain, u64 head,
		      unsigned long *count);

#endif /* _KHOSER_CHAIN_H */
