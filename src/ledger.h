/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ledger of the previous kernel's pages khoser has claimed this boot
 * (src/ledger.c). Used only by the claim layer (src/compat/kho.c), under
 * its claim lock.
 */
#ifndef _KHOSER_LEDGER_H
#define _KHOSER_LEDGER_H

#include <linux/types.h>

struct khoser_ledger_stats {
	unsigned long ranges;	/* entries (owned and spent) */
	unsigned long owned;	/* pages khoser holds */
	unsigned long spent;	/* pages released or handed on */
	unsigned long bytes;	/* memory the entries take */
};

void khoser_ledger_init(void);
int khoser_ledger_reserve(void);
unsigned long khoser_ledger_room(unsigned long pfn, unsigned long max,
				 bool *owned);
void khoser_ledger_add(unsigned long pfn, unsigned long npages);
bool khoser_ledger_spend(unsigned long pfn, unsigned long npages);
void khoser_ledger_stats(struct khoser_ledger_stats *st);
void khoser_ledger_clear(void);

#endif /* _KHOSER_LEDGER_H */
