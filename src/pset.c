// SPDX-License-Identifier: GPL-2.0-only
/*
 * Address set for cycle detection on restore.
 *
 * DOC: page-address set
 *
 * An open-addressing hash set of page addresses, grown by doubling, used by
 * the chain walker (src/chain.c) to name a cycle as such. No locking: one
 * set belongs to one walk.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "pset.h"

#define PSET_MIN_SLOTS	64UL

static unsigned long pset_hash(u64 addr, unsigned long mask)
{
	/* Fibonacci hashing of the frame number. */
	return (unsigned long)(((addr >> PAGE_SHIFT) * 0x9e3779b97f4a7c15ULL)
			       >> 32) & mask;
}

static void pset_insert(u64 *slots, unsigned long mask, u64 addr)
{
	unsigned long i = pset_hash(addr, mask);

	while (slots[i])
		i = (i + 1) & mask;
	slots[i] = addr;
}

/**
 * khoser_pset_init - make an empty set
 * @ps:   the set
 * @hint: expected number of addresses
 *
 * Return: 0, or -ENOMEM.
 */
int khoser_pset_init(struct khoser_pset *ps, unsigned long hint)
{
	unsigned long n = PSET_MIN_SLOTS;

	while (n < hint * 2 && n < (1UL << 24))
		n <<= 1;
	ps->slots = kvcalloc(n, sizeof(*ps->slots), GFP_KERNEL);
	if (!ps->slots)
		return -ENOMEM;
	ps->mask = n - 1;
	ps->used = 0;
	return 0;
}

static int pset_grow(struct khoser_pset *ps)
{
	unsigned long n = (ps->mask + 1) * 2, i;
	u64 *slots;

	slots = kvcalloc(n, sizeof(*slots), GFP_KERNEL);
	if (!slots)
		return -ENOMEM;
	for (i = 0; i <= ps->mask; i++)
		if (ps->slots[i])
			pset_insert(slots, n - 1, ps->slots[i]);
	kvfree(ps->slots);
	ps->slots = slots;
	ps->mask = n - 1;
	return 0;
}

/**
 * khoser_pset_add - add an address
 * @ps:   the set
 * @addr: non-zero address
 *
 * Return: 0 when added, -EEXIST when already present, -ENOMEM.
 */
int khoser_pset_add(struct khoser_pset *ps, u64 addr)
{
	unsigned long i = pset_hash(addr, ps->mask);
	int err;

	while (ps->slots[i]) {
		if (ps->slots[i] == addr)
			return -EEXIST;
		i = (i + 1) & ps->mask;
	}
	if ((ps->used + 1) * 2 > ps->mask + 1) {
		err = pset_grow(ps);
		if (err)
			return err;
		pset_insert(ps->slots, ps->mask, addr);
	} else {
		ps->slots[i] = addr;
	}
	ps->used++;
	return 0;
}

/**
 * khoser_pset_destroy - free the set
 * @ps: the set
 */
void khoser_pset_destroy(struct khoser_pset *ps)
{
	kvfree(ps->slots);
	ps->slots = NULL;
	ps->mask = 0;
	ps->used = 0;
}
