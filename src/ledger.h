/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ledger of the previous kernel's pages khoser has claimed this boot
 * (src/ledger.c). Used only by the claim layer (src/compat/kho.c), under
 * its claim lock.
 */
#ifndef _KHOSER_LEDGER_H
#define _KHOSER_LEDGER_H

#include <linux/types.h>

struct khoser_ledger_range;

struct khoser_ledger_stats {
	unsigned long ranges;	/* entries (owned and spent) */
	unsigned long owned;	/* pages khoser holds */
	unsigned long spent;	/* pages released or handed on */
};

void khoser_ledger_init(void);
struct khoser_ledger_range *khoser_ledger_prealloc(void);
void khoser_ledger_free(struct khoser_ledger_range *r);
unsigned long khoser_ledger_room(unsigned long pfn, unsigned long max,
				 bool *owned);
void khoser_ledger_add(struct khoser_ledger_range *r, unsigned long pfn,
		       unsigned long npages);
bool khoser_ledger_spend(unsigned long pfn);
void khoser_ledger_stats(struct khoser_ledger_stats *st);
void khoser_ledger_clear(void);

#endif /* _KHOSER_LEDGER_H */
