// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel-API shim: the radix tree in which Linux 7.2 records preserved
 * memory (kho_radix_add_page(), kho_radix_del_page(), kho_radix_walk_tree()
 * in kernel/liveupdate/kexec_handover.c, layout in
 * include/linux/kho/abi/kexec_handover.h).
 *
 * One bit per (pfn, order). The key puts a marker bit for the order above
 * the pfn shifted by the order: order 0 has the highest marker, so a walk in
 * ascending key order visits higher orders first. Levels 1 and up are tables
 * of PAGE_SIZE / 8 child pointers (512 with 4 KiB pages), level 0 leaves
 * bitmaps of PAGE_SIZE * 8 bits (32768), all one page large as in the
 * kernel; nodes are never freed by a delete. A delete whose path misses a
 * node is reported (the kernel WARNs); one that finds a leaf
 * but a clear bit is silent, as in the kernel.
 *
 * Difference: the nodes are host memory, not pages of the simulated RAM
 * (the kernel takes them from the page allocator), so they do not show in
 * the page counts tests check; their allocation is not what fails under
 * failure injection (kho.c fails the add itself instead).
 */
#include "internal.h"

#define ORDER0_LOG2 (64 - PAGE_SHIFT)
#define TABLE_LOG2 (PAGE_SHIFT - 3)	/* PAGE_SIZE / sizeof(u64) entries */
#define BITMAP_LOG2 (PAGE_SHIFT + 3)	/* PAGE_SIZE * 8 bits */
#define DEPTH (DIV_ROUND_UP(ORDER0_LOG2 - BITMAP_LOG2 + 1, TABLE_LOG2) + 1)
#define LONG_BITS (8 * sizeof(unsigned long))

union rnode {
	union rnode *table[1 << TABLE_LOG2];
	unsigned long bitmap[(1 << BITMAP_LOG2) / LONG_BITS];
};

/* Both kinds of node are one page, as the kernel's (any page size). */
static_assert(sizeof(((union rnode *)0)->table) == PAGE_SIZE);
static_assert(sizeof(((union rnode *)0)->bitmap) == PAGE_SIZE);

struct shim_radix {
	union rnode *root;
};

static unsigned long encode(unsigned long pfn, unsigned int order)
{
	return 1UL << (ORDER0_LOG2 - order) | pfn >> order;
}

static unsigned int table_index(unsigned long key, unsigned int level)
{
	return key >> ((level - 1) * TABLE_LOG2 + BITMAP_LOG2) &
	       ((1 << TABLE_LOG2) - 1);
}

static unsigned long bit_index(unsigned long key)
{
	return key & ((1UL << BITMAP_LOG2) - 1);
}

static union rnode *new_node(void)
{
	union rnode *n = calloc(1, sizeof(*n));

	if (!n)
		shim_die("out of host memory");
	return n;
}

struct shim_radix *shim_radix_new(void)
{
	struct shim_radix *t = calloc(1, sizeof(*t));

	if (!t)
		shim_die("out of host memory");
	t->root = new_node();
	return t;
}

static void free_node(union rnode *n, unsigned int level)
{
	unsigned int i;

	if (level)
		for (i = 0; i < ARRAY_SIZE(n->table); i++)
			if (n->table[i])
				free_node(n->table[i], level - 1);
	free(n);
}

void shim_radix_free(struct shim_radix *t)
{
	if (!t)
		return;
	free_node(t->root, DEPTH - 1);
	free(t);
}

/* The leaf holding @key; with @create, nodes are added on the way. */
static union rnode *leaf_of(struct shim_radix *t, unsigned long key,
			    bool create)
{
	union rnode *n = t->root;
	unsigned int level, idx;

	for (level = DEPTH - 1; level > 0; level--) {
		idx = table_index(key, level);
		if (!n->table[idx]) {
			if (!create)
				return NULL;
			n->table[idx] = new_node();
		}
		n = n->table[idx];
	}
	return n;
}

int shim_radix_add(struct shim_radix *t, unsigned long pfn,
		   unsigned int order, bool *added)
{
	unsigned long key = encode(pfn, order), b = bit_index(key);
	union rnode *leaf = leaf_of(t, key, true);
	unsigned long mask = 1UL << (b % LONG_BITS);

	*added = !(leaf->bitmap[b / LONG_BITS] & mask);
	leaf->bitmap[b / LONG_BITS] |= mask;
	return 0;
}

int shim_radix_del(struct shim_radix *t, unsigned long pfn,
		   unsigned int order, bool *removed)
{
	unsigned long key = encode(pfn, order), b = bit_index(key);
	union rnode *leaf = leaf_of(t, key, false);
	unsigned long mask = 1UL << (b % LONG_BITS);

	*removed = false;
	if (!leaf)
		return -ENOENT;
	*removed = leaf->bitmap[b / LONG_BITS] & mask;
	leaf->bitmap[b / LONG_BITS] &= ~mask;
	return 0;
}

bool shim_radix_test(struct shim_radix *t, unsigned long pfn,
		     unsigned int order)
{
	unsigned long key = encode(pfn, order), b = bit_index(key);
	union rnode *leaf = leaf_of(t, key, false);

	return leaf && (leaf->bitmap[b / LONG_BITS] >> (b % LONG_BITS) & 1);
}

struct walk {
	int (*cb)(u64 phys, unsigned int order, void *arg);
	void *arg;
};

/* Key back to (phys, order): the marker's position gives the order. */
static u64 decode(unsigned long key, unsigned int *order)
{
	*order = ORDER0_LOG2 - (63 - __builtin_clzl(key));
	return (u64)key << (PAGE_SHIFT + *order);
}

static int walk_node(const union rnode *n, unsigned int level,
		     unsigned long prefix, const struct walk *w)
{
	unsigned long i, word, key;
	unsigned int order;
	u64 phys;
	int err;

	if (!level) {
		for (i = 0; i < ARRAY_SIZE(n->bitmap); i++) {
			for (word = n->bitmap[i]; word; word &= word - 1) {
				key = prefix | (i * LONG_BITS +
						__builtin_ctzl(word));
				phys = decode(key, &order);
				err = w->cb(phys, order, w->arg);
				if (err)
					return err;
			}
		}
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(n->table); i++) {
		if (!n->table[i])
			continue;
		err = walk_node(n->table[i], level - 1, prefix |
				i << ((level - 1) * TABLE_LOG2 + BITMAP_LOG2),
				w);
		if (err)
			return err;
	}
	return 0;
}

int shim_radix_walk(struct shim_radix *t,
		    int (*cb)(u64 phys, unsigned int order, void *arg),
		    void *arg)
{
	struct walk w = { cb, arg };

	return walk_node(t->root, DEPTH - 1, 0, &w);
}
