/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A set of page addresses (open addressing), used on restore to detect a
 * chain that comes back to a page it already claimed, without claiming it
 * twice.
 */
#ifndef _KHOSER_PSET_H
#define _KHOSER_PSET_H

#include <linux/types.h>

/**
 * struct khoser_pset - set of non-zero page-aligned addresses
 * @slots: hash table, 0 marks a free slot
 * @mask:  table size minus one (size is a power of two)
 * @used:  number of addresses held
 */
struct khoser_pset {
	u64 *slots;
	unsigned long mask;
	unsigned long used;
};

int khoser_pset_init(struct khoser_pset *ps, unsigned long hint);
int khoser_pset_add(struct khoser_pset *ps, u64 addr);
void khoser_pset_destroy(struct khoser_pset *ps);

#endif /* _KHOSER_PSET_H */
