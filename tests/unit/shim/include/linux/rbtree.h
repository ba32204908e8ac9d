/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for <linux/rbtree.h>: the same node layout (parent
 * pointer and colour in one word), the same calls (rb_link_node() by the
 * caller's descent, rb_insert_color(), rb_erase(), rb_first/last/next/
 * prev()), a real red-black tree (shim/rbtree.c), so that O(log n) holds
 * as in the kernel.
 */
#ifndef _SHIM_LINUX_RBTREE_H
#define _SHIM_LINUX_RBTREE_H

#include "../../kshim.h"

struct rb_node {
	unsigned long __rb_parent_color;
	struct rb_node *rb_right;
	struct rb_node *rb_left;
} __attribute__((aligned(sizeof(long))));

struct rb_root {
	struct rb_node *rb_node;
};

#define RB_ROOT (struct rb_root) { NULL, }
#define RB_EMPTY_ROOT(root) (READ_ONCE((root)->rb_node) == NULL)
#define rb_parent(r) ((struct rb_node *)((r)->__rb_parent_color & ~3UL))
#define rb_entry(ptr, type, member) container_of(ptr, type, member)
#define rb_entry_safe(ptr, type, member)				\
	({ __typeof__(ptr) ____ptr = (ptr);				\
	   ____ptr ? rb_entry(____ptr, type, member) : NULL; })

static inline void rb_link_node(struct rb_node *node, struct rb_node *parent,
				struct rb_node **rb_link)
{
	node->__rb_parent_color = (unsigned long)parent;	/* red */
	node->rb_left = NULL;
	node->rb_right = NULL;
	*rb_link = node;
}

void rb_insert_color(struct rb_node *node, struct rb_root *root);
void rb_erase(struct rb_node *node, struct rb_root *root);
struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);

/* Test hook: the tree is a valid red-black tree (colours, links). */
bool shim_rb_valid(const struct rb_root *root);

#endif
