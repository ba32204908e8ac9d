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
 * @visit: takes ownership of @page, the @idx-th of the chain: keeps it (or
 *         releases it), checks it, and returns 0 with *@next set to the
 *         next page's address, or an errno with *@why set
 *         ("reason-word: text")
 * @ctx:   passed to @visit
 * @detail: optional text @visit may fill to say where in the page it
 *          found the problem (e.g. "run 3"), added to the log line
 */
struct khoser_chain {
	const char *label;
	const char *what;
	unsigned long bound;
	int (*visit)(void *ctx, void *page, unsigned long idx, u64 *next,
		     const char **why);
	void *ctx;
	const char *detail;
};

int khoser_chain_walk(const struct khoser_chain *chain, u64 head,
		      unsigned long *count);

#endif /* _KHOSER_CHAIN_H */
