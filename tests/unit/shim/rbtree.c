// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel-API shim: red-black trees, as lib/rbtree.c offers them (node
 * layout and calls of <linux/rbtree.h>; the rebalancing written here from
 * the textbook algorithm, not copied): insertion and erasure rebalance, so
 * a descent is O(log n) as in the kernel.
 */
#include <linux/rbtree.h>

#define RB_RED		0UL
#define RB_BLACK	1UL

static bool is_black(const struct rb_node *n)
{
	return !n || (n->__rb_parent_color & RB_BLACK);
}

static bool is_red(const struct rb_node *n)
{
	return !is_black(n);
}

static void set_parent(struct rb_node *n, struct rb_node *p)
{
	n->__rb_parent_color = (n->__rb_parent_color & 3UL) | (unsigned long)p;
}

static void set_colour(struct rb_node *n, unsigned long colour)
{
	n->__rb_parent_color = (n->__rb_parent_color & ~1UL) | colour;
}

/* Make @new take @old's place under @parent (or as the root). */
static void replace_child(struct rb_node *old, struct rb_node *new,
			  struct rb_node *parent, struct rb_root *root)
{
	if (!parent)
		root->rb_node = new;
	else if (parent->rb_left == old)
		parent->rb_left = new;
	else
		parent->rb_right = new;
}

static void rotate_left(struct rb_node *x, struct rb_root *root)
{
	struct rb_node *y = x->rb_right, *p = rb_parent(x);

	x->rb_right = y->rb_left;
	if (y->rb_left)
		set_parent(y->rb_left, x);
	set_parent(y, p);
	replace_child(x, y, p, root);
	y->rb_left = x;
	set_parent(x, y);
}

static void rotate_right(struct rb_node *x, struct rb_root *root)
{
	struct rb_node *y = x->rb_left, *p = rb_parent(x);

	x->rb_left = y->rb_right;
	if (y->rb_right)
		set_parent(y->rb_right, x);
	set_parent(y, p);
	replace_child(x, y, p, root);
	y->rb_right = x;
	set_parent(x, y);
}

void rb_insert_color(struct rb_node *z, struct rb_root *root)
{
	struct rb_node *p, *g, *u;

	while ((p = rb_parent(z)) && is_red(p)) {
		g = rb_parent(p);	/* a red node is never the root */
		if (p == g->rb_left) {
			u = g->rb_right;
			if (is_red(u)) {
				set_colour(p, RB_BLACK);
				set_colour(u, RB_BLACK);
				set_colour(g, RB_RED);
				z = g;
				continue;
			}
			if (z == p->rb_right) {
				rotate_left(p, root);
				z = p;
				p = rb_parent(z);
			}
			set_colour(p, RB_BLACK);
			set_colour(g, RB_RED);
			rotate_right(g, root);
		} else {
			u = g->rb_left;
			if (is_red(u)) {
				set_colour(p, RB_BLACK);
				set_colour(u, RB_BLACK);
				set_colour(g, RB_RED);
				z = g;
				continue;
			}
			if (z == p->rb_left) {
				rotate_right(p, root);
				z = p;
				p = rb_parent(z);
			}
			set_colour(p, RB_BLACK);
			set_colour(g, RB_RED);
			rotate_left(g, root);
		}
	}
	set_colour(root->rb_node, RB_BLACK);
}

/* After removing a black node: @x (maybe NULL) under @p is one black short. */
static void erase_fixup(struct rb_node *x, struct rb_node *p,
			struct rb_root *root)
{
	struct rb_node *w;

	while (x != root->rb_node && is_black(x)) {
		if (x == p->rb_left) {
			w = p->rb_right;
			if (is_red(w)) {
				set_colour(w, RB_BLACK);
				set_colour(p, RB_RED);
				rotate_left(p, root);
				w = p->rb_right;
			}
			if (is_black(w->rb_left) && is_black(w->rb_right)) {
				set_colour(w, RB_RED);
				x = p;
				p = rb_parent(x);
				continue;
			}
			if (is_black(w->rb_right)) {
				set_colour(w->rb_left, RB_BLACK);
				set_colour(w, RB_RED);
				rotate_right(w, root);
				w = p->rb_right;
			}
			set_colour(w, p->__rb_parent_color & RB_BLACK);
			set_colour(p, RB_BLACK);
			set_colour(w->rb_right, RB_BLACK);
			rotate_left(p, root);
		} else {
			w = p->rb_left;
			if (is_red(w)) {
				set_colour(w, RB_BLACK);
				set_colour(p, RB_RED);
				rotate_right(p, root);
				w = p->rb_left;
			}
			if (is_black(w->rb_left) && is_black(w->rb_right)) {
				set_colour(w, RB_RED);
				x = p;
				p = rb_parent(x);
				continue;
			}
			if (is_black(w->rb_left)) {
				set_colour(w->rb_right, RB_BLACK);
				set_colour(w, RB_RED);
				rotate_left(w, root);
				w = p->rb_left;
			}
			set_colour(w, p->__rb_parent_color & RB_BLACK);
			set_colour(p, RB_BLACK);
			set_colour(w->rb_left, RB_BLACK);
			rotate_right(p, root);
		}
		x = root->rb_node;
	}
	if (x)
		set_colour(x, RB_BLACK);
}

void rb_erase(struct rb_node *node, struct rb_root *root)
{
	struct rb_node *child, *parent, *succ;
	unsigned long colour;

	if (node->rb_left && node->rb_right) {
		/* Move the successor into @node's place, then remove it. */
		succ = node->rb_right;
		while (succ->rb_left)
			succ = succ->rb_left;
		child = succ->rb_right;
		parent = rb_parent(succ);
		colour = succ->__rb_parent_color & RB_BLACK;
		if (parent == node) {
			parent = succ;
		} else {
			if (child)
				set_parent(child, parent);
			parent->rb_left = child;
			succ->rb_right = node->rb_right;
			set_parent(node->rb_right, succ);
		}
		replace_child(node, succ, rb_parent(node), root);
		succ->__rb_parent_color = node->__rb_parent_color;
		succ->rb_left = node->rb_left;
		set_parent(node->rb_left, succ);
	} else {
		child = node->rb_left ? node->rb_left : node->rb_right;
		parent = rb_parent(node);
		colour = node->__rb_parent_color & RB_BLACK;
		if (child)
			set_parent(child, parent);
		replace_child(node, child, parent, root);
	}
	if (colour == RB_BLACK)
		erase_fixup(child, parent, root);
}

struct rb_node *rb_first(const struct rb_root *root)
{
	struct rb_node *n = root->rb_node;

	while (n && n->rb_left)
		n = n->rb_left;
	return n;
}

struct rb_node *rb_last(const struct rb_root *root)
{
	struct rb_node *n = root->rb_node;

	while (n && n->rb_right)
		n = n->rb_right;
	return n;
}

struct rb_node *rb_next(const struct rb_node *node)
{
	struct rb_node *p;

	if (node->rb_right) {
		node = node->rb_right;
		while (node->rb_left)
			node = node->rb_left;
		return (struct rb_node *)node;
	}
	while ((p = rb_parent(node)) && node == p->rb_right)
		node = p;
	return p;
}

struct rb_node *rb_prev(const struct rb_node *node)
{
	struct rb_node *p;

	if (node->rb_left) {
		node = node->rb_left;
		while (node->rb_right)
			node = node->rb_right;
		return (struct rb_node *)node;
	}
	while ((p = rb_parent(node)) && node == p->rb_left)
		node = p;
	return p;
}

/* Black height of the subtree at @n, or -1 when a rule is broken. */
static int black_height(const struct rb_node *n, const struct rb_node *parent)
{
	int l, r;

	if (!n)
		return 1;
	if (rb_parent(n) != parent)
		return -1;
	if (is_red(n) && (is_red(n->rb_left) || is_red(n->rb_right)))
		return -1;
	l = black_height(n->rb_left, n);
	r = black_height(n->rb_right, n);
	if (l < 0 || l != r)
		return -1;
	return l + is_black(n);
}

bool shim_rb_valid(const struct rb_root *root)
{
	return is_black(root->rb_node) &&
	       black_height(root->rb_node, NULL) > 0;
}
