/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The named root's calls for the module glue (main.c), debugfs and the
 * unit tests (which publish and look up kinds of their own).
 */
#ifndef _KHOSER_ROOT_PRIV_H
#define _KHOSER_ROOT_PRIV_H

#include <linux/types.h>

/**
 * struct khoser_obj_info - what debugfs shows of one object
 * @name:     object name
 * @kind:     kind name ("raw", "block", "sarray", "vbuf", "?")
 * @compat:   composite compatible string, or NULL for a refused descriptor
 * @incoming: found in the previous kernel's handover
 * @state:    "published", "sealed" (at kexec), "found", "restored", "error"
 * @status:   incoming: 0, or the errno its descriptor was refused with
 * @size:     entry size (block), value size (sarray), length (vbuf, raw)
 * @blocks:   blocks or pages of the chain (block, sarray), pages (vbuf)
 * @entries:  entries (block, sarray), chunks (vbuf)
 */
struct khoser_obj_info {
	const char *name;
	const char *kind;
	const char *compat;
	bool incoming;
	const char *state;
	int status;
	u64 size;
	u64 blocks;
	u64 entries;
};

struct khoser_kind;

int khoser_root_publish(const struct khoser_kind *kind, void *payload,
			const char *name, const char *compat);
int khoser_root_lookup(const struct khoser_kind *kind, void *payload,
		       const char *name, const char *compat);
int khoser_root_init(void);
void khoser_root_exit(void);
void khoser_root_kexec_seal(void);
void khoser_root_for_each(void (*fn)(const struct khoser_obj_info *info,
				     void *arg), void *arg);

#endif /* _KHOSER_ROOT_PRIV_H */
