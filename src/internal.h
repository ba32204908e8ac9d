/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Declarations shared between khoser's source files; not for consumers.
 */
#ifndef _KHOSER_INTERNAL_H
#define _KHOSER_INTERNAL_H

#include <linux/list.h>
#include <linux/types.h>
#include <khoser/khoser.h>

/**
 * struct khoser_object - a published (outgoing) or found (incoming) object
 * @node:     link in the outgoing or incoming registry list
 * @desc:     the preserved descriptor page; NULL for a failed incoming lookup
 * @bs:       the block set behind the object, when it is one
 * @sa:       the sparse array behind the object, when it is one
 * @vb:       the vbuf behind the object, when it is one
 * @incoming: found in the previous kernel's handover
 * @restored: incoming payload already restored (restore happens once)
 * @status:   incoming: 0, or the errno its validation failed with
 * @name:     object name
 */
struct khoser_object {
	struct list_head node;
	struct khoser_root_ser *desc;
	struct khoser_block_set *bs;
	struct khoser_sarray *sa;
	struct khoser_vbuf *vb;
	bool incoming;
	bool restored;
	int status;
	char name[KHOSER_NAME_LEN];
};

/* Registry (root.c). */
int khoser_root_add(const char *name, const char *compat, u64 kind,
		    u64 phys, u64 size, struct khoser_block_set *bs);
int khoser_root_add_obj(const char *name, const char *compat,
			const struct khoser_root_ser *fields,
			struct khoser_sarray *sa, struct khoser_vbuf *vb);
int khoser_root_find(const char *name, const char *compat, u64 kind,
		     struct khoser_object **objp);
void khoser_root_unlock(void);
void khoser_root_seal_all(void);
int khoser_root_init(void);
void khoser_root_exit(void);
void khoser_root_for_each(void (*fn)(const struct khoser_object *obj,
				     void *arg), void *arg);

/* Block sets (block.c), for the registry. */
void khoser_block_set_describe(struct khoser_block_set *bs,
			       struct khoser_root_ser *desc);

/* Format catalogue (compatible.c). */
unsigned int khoser_compat_nformats(void);

/* Module-wide state (core.c) and debugfs (debugfs.c). */
bool khoser_available(void);
int khoser_core_init(void);
void khoser_core_exit(void);
void khoser_debugfs_init(void);
void khoser_debugfs_exit(void);

#endif /* _KHOSER_INTERNAL_H */
