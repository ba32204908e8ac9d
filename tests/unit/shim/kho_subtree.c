// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel-API shim: KHO subtrees, modelled on Linux 7.2's
 * kernel/liveupdate/kexec_handover.c and the libfdt calls it makes:
 *
 * kho_add_subtree()	<- the same: a child node of the root FDT, which
 *	is ONE page: the header (40 bytes), the reserve map (16), the root
 *	node with its "compatible" and "preserved-memory-map" properties, and
 *	the "kexec-metadata" node the kernel adds at boot take 233 bytes; each
 *	subtree takes 48 bytes plus its name (NUL included) rounded up to 4.
 *	A name another node matches is -EEXIST (libfdt's name match: "a"
 *	matches a node "a@1"), no room is -ENOMEM. Newest node first, as
 *	fdt_add_subnode() inserts before its siblings. With KHO disabled
 *	the kernel dereferences a NULL FDT: the shim aborts.
 * kho_remove_subtree()	<- the same: drops the first node (newest first)
 *	that records the blob's address; nothing when none does.
 * kho_retrieve_subtree()	<- the same: -ENOENT unless a KHO boot or when
 *	no node matches, -EINVAL on a NULL @phys, @size optional.
 *
 * Difference: the "kexec-metadata" node is counted in the FDT but not
 * retrievable (the shim hands over no metadata page): retrieving it gives
 * -ENOENT. LUO's and memblock's nodes (present with liveupdate=on or
 * reserve_mem=) are not modelled.
 */
#include "internal.h"
#include <linux/kexec_handover.h>

struct subtree {
	struct subtree *next;
	u64 phys;
	u64 size;
	bool internal;	/* the kernel's own node: not retrievable here */
	char name[];
};

#define FDT_SIZE PAGE_SIZE
#define FDT_BASE (40 + 16 + 8 + 20 + 20 + 4 + 4 + 11 + 21)
#define FDT_SUBTREE_STRINGS (15 + 10)	/* "preserved-data", "blob-size" */
#define METADATA_NODE "kexec-metadata"

static struct subtree *out_list, *in_list;
static bool out_on;	/* kho_out.fdt exists */
static bool in_on;	/* a KHO boot: the previous kernel's FDT */
static long fdt_used;

static long node_bytes(const char *name)
{
	return 4 + ALIGN(strlen(name) + 1, 4UL) + 2 * (12 + 8) + 4;
}

/* libfdt's fdt_nodename_eq_(): @query without a unit address matches one. */
static bool name_matches(const char *node, const char *query)
{
	size_t len = strlen(query);

	if (strncmp(node, query, len))
		return false;
	return node[len] == '\0' ||
	       (node[len] == '@' && !strchr(query, '@'));
}

static struct subtree *find(struct subtree *list, const char *name)
{
	for (; list; list = list->next)
		if (name_matches(list->name, name))
			return list;
	return NULL;
}

static void free_list(struct subtree **list)
{
	struct subtree *s;

	while ((s = *list)) {
		*list = s->next;
		free(s);
	}
}

static struct subtree *new_subtree(const char *name, u64 phys, u64 size)
{
	struct subtree *s = calloc(1, sizeof(*s) + strlen(name) + 1);

	if (!s)
		shim_die("out of host memory");
	strcpy(s->name, name);
	s->phys = phys;
	s->size = size;
	return s;
}

/* Add to the outgoing FDT; shim lock held. */
static int add(const char *name, u64 phys, u64 size, bool internal)
{
	long need = node_bytes(name);
	struct subtree *s;

	if (find(out_list, name))
		return -EEXIST;
	if (!out_list)
		need += FDT_SUBTREE_STRINGS;
	if (fdt_used + need > FDT_SIZE)
		return -ENOMEM;
	s = new_subtree(name, phys, size);
	s->internal = internal;
	s->next = out_list;
	out_list = s;
	fdt_used += need;
	return 0;
}

int kho_add_subtree(const char *name, void *blob, size_t size)
{
	u64 phys = virt_to_phys(blob);
	bool fail;
	int err;

	if (!out_on)
		shim_die("kho_add_subtree(\"%s\") with KHO disabled: the kernel oopses on its NULL FDT",
			 name);
	fail = shim_should_fail();
	shim_lock();
	if (fail && !find(out_list, name))
		err = -ENOMEM;
	else
		err = add(name, phys, size, false);
	shim_unlock();
	return err;
}

void kho_remove_subtree(void *blob)
{
	u64 phys = virt_to_phys(blob);
	struct subtree **pp, *s;

	if (!out_on)
		shim_die("kho_remove_subtree with KHO disabled: the kernel oopses on its NULL FDT");
	shim_lock();
	for (pp = &out_list; (s = *pp); pp = &s->next) {
		if (s->phys == phys && !s->internal) {
			*pp = s->next;
			fdt_used -= node_bytes(s->name);
			free(s);
			break;
		}
	}
	shim_unlock();
}

int kho_retrieve_subtree(const char *name, phys_addr_t *phys, size_t *size)
{
	struct subtree *s;
	int err = -ENOENT;

	if (!in_on)
		return -ENOENT;
	if (!phys)
		return -EINVAL;
	shim_lock();
	s = find(in_list, name);
	if (s && !s->internal) {
		*phys = s->phys;
		if (size)
			*size = s->size;
		err = 0;
	}
	shim_unlock();
	return err;
}

/* Test hook: rewrite an incoming subtree's address and size. */
void shim_set_incoming_subtree(const char *name, u64 phys, u64 size)
{
	struct subtree *s;

	shim_lock();
	for (s = in_list; s; s = s->next) {
		if (!strcmp(s->name, name)) {
			s->phys = phys;
			s->size = size;
		}
	}
	shim_unlock();
}

long shim_kho_fdt_room(void)
{
	long room;

	shim_lock();
	room = out_on ? FDT_SIZE - fdt_used - (out_list ? 0 :
						FDT_SUBTREE_STRINGS) : 0;
	shim_unlock();
	return room;
}

/*
 * A new kernel: with @handover the old outgoing FDT becomes the incoming
 * one; with @enabled a fresh outgoing FDT gets the metadata node.
 */
void shim_subtree_boot(bool enabled, bool handover)
{
	shim_lock();
	free_list(&in_list);
	if (handover) {
		in_list = out_list;
		out_list = NULL;
	}
	free_list(&out_list);
	in_on = handover;
	out_on = enabled;
	fdt_used = FDT_BASE;
	if (enabled)
		add(METADATA_NODE, 0, 0, true);
	shim_unlock();
}
