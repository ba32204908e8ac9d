/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How the named root drives each kind of structure: one table per kind,
 * defined next to the structure, used only by src/root.c.
 */
#ifndef _KHOSER_KIND_H
#define _KHOSER_KIND_H

#include <linux/stddef.h>
#include <linux/types.h>
#include <khoser/abi/root.h>
#include <khoser/state.h>

/* &khoser_kind.life of a kind without a structure. */
#define KHOSER_KIND_NO_LIFE	((size_t)-1)

/**
 * struct khoser_kind - one kind of published object
 * @id:         KHOSER_KIND_* recorded in the descriptor
 * @name:       for debugfs and log lines
 * @once:       an incoming object of this kind is restored at most once
 * @life:       offset of the structure's &struct khoser_life (its lock,
 *              state, published flag); %KHOSER_KIND_NO_LIFE for a kind
 *              without a structure (raw)
 * @publish:    structure locked and unpublished: make it ready to hand
 *              over and fill the payload fields of @desc (kind to
 *              max_blocks); an errno refuses the publish
 * @kexec_seal: optional; structure locked, at reboot into kexec: make it
 *              ready once more and refresh @desc; frees and unlinks nothing
 * @describe:   structure locked: its live figures, into @desc's payload
 *              fields, for debugfs
 * @check_desc: the payload fields of a descriptor of this kind in range,
 *              before anything is claimed: NULL, or "reason-word: text"
 * @dep_base:   optional; base name of a format the payload is built on
 *              ("khoser-block" for a vbuf's chunk list). A found string may
 *              name it even when the caller's does not (khoser's own
 *              metadata): accepted when this build reads that version
 * @dep_compat: optional; structure locked: the component naming the format
 *              @dep_base is written in (e.g. "khoser-block-v2"), or NULL
 *              for the implicit v1; root adds it to the published string
 * @dep_want:   optional, with @dep_compat and @dep_rewrite; structure
 *              locked, at reboot into kexec: the component naming the
 *              format @dep_base should be handed over in now (a vbuf's
 *              chunk list: write_format's), NULL for v1
 * @dep_rewrite: structure locked, at reboot into kexec, after @kexec_seal,
 *              when @dep_want differs from @dep_compat and the driver's
 *              string named no @dep_base (so khoser chose the format):
 *              rewrite the payload's @dep_base part in the format @comp
 *              names (NULL: v1) and refresh @desc's payload fields. 0, or
 *              an errno with the payload, its preserved memory and @desc
 *              as before; frees nothing another task may touch. The root
 *              then writes the string naming @comp, or logs the one line
 * @restore:    structure locked, initialized, idle and empty: restore the
 *              payload @desc names, cross-check every descriptor field with
 *              what was found; on failure one line naming @label, nothing
 *              left claimed, the structure as before
 */
struct khoser_kind {
	u64 id;
	const char *name;
	bool once;
	size_t life;
	int (*publish)(void *obj, struct khoser_root_ser *desc);
	void (*kexec_seal)(void *obj, struct khoser_root_ser *desc,
			   const char *label);
	void (*describe)(void *obj, struct khoser_root_ser *desc);
	const char *(*check_desc)(const struct khoser_root_ser *desc);
	const char *dep_base;
	const char *(*dep_compat)(void *obj);
	const char *(*dep_want)(void *obj);
	int (*dep_rewrite)(void *obj, const char *comp,
			   struct khoser_root_ser *desc);
	int (*restore)(void *obj, const struct khoser_root_ser *desc,
		       const char *label);
};

extern const struct khoser_kind khoser_block_kind;
extern const struct khoser_kind khoser_sarray_kind;
extern const struct khoser_kind khoser_vbuf_kind;

#endif /* _KHOSER_KIND_H */
