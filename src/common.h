/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The layers every structure shares, private to the module: the lifecycle
 * checks and the refusal line (life.c), the chain walker (chain.c), the
 * kind table through which the named root drives each structure and the
 * root's own calls (root.c), compatible-string matching (compatible.c),
 * growable arrays, and the module glue (core.c, debugfs.c).
 *
 * DOC: adding a structure kind
 *
 * A new kind is a source file of its own (its format, lifecycle, kind
 * table and publish/lookup doors), its public header under
 * include/khoser/ (one include line in khoser.h) and its ABI header under
 * include/khoser/abi/ (its compatible string, and its KHOSER_KIND_ id in
 * root.h's list); then one line each in src/sources.mk (the one source
 * list), in the kinds khoser_core_init() registers and in the formats
 * list of compatible.c (khoser_compat_format()).
 */
#ifndef _KHOSER_COMMON_H
#define _KHOSER_COMMON_H

#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/types.h>
#include <khoser/abi/root.h>
#include <khoser/state.h>

/* ---- module glue ---- */

/*
 * Module life (core.c) and debugfs (debugfs.c), for the module glue.
 */

int khoser_core_init(void);
void khoser_core_exit(void);
void khoser_debugfs_init(void);
void khoser_debugfs_exit(void);

/* ---- lifecycle ---- */

/*
 * The lifecycle checks every structure shares (include/khoser/state.h),
 * and the one format of a refusal on restore.
 */

/*
 * Initialize @life (and its lock) in @state, unpublished. A macro, so that
 * each structure's lock has its own lockdep class (a vbuf's lock is held
 * while its chunk list's is taken).
 */
#define khoser_life_init(life, _state) do {				\
	struct khoser_life *life__ = (life);				\
									\
	mutex_init(&life__->lock);					\
	life__->state = (_state);					\
	life__->published = false;					\
} while (0)

int khoser_life_check(const struct khoser_life *life, const char *what,
		      const char *op, bool write);
int khoser_life_check_idle(const struct khoser_life *life, const char *what,
			   const char *op, bool empty);
int khoser_life_lock(struct khoser_life *life, const char *what,
		     const char *op, bool write);
int khoser_life_lock_idle(struct khoser_life *life, const char *what,
			  const char *op);
int khoser_life_set_bound(struct khoser_life *life, const char *what,
			  const char *op, unsigned long *bound,
			  const unsigned long *size, unsigned long max);

/*
 * Log why restoring @label was refused: @why is "reason-word: text" (the
 * word is stable, for tools and tests), @fmt says where.
 */
#define khoser_refused(label, why, fmt, ...)				\
	pr_err("%s: refused: %s (" fmt ")\n", label, why, ##__VA_ARGS__)

/* Whether "reason-word: text" @why has the reason word @word. */
static inline bool khoser_why_is(const char *why, const char *word)
{
	size_t n = strlen(word);

	return why && !strncmp(why, word, n) && why[n] == ':';
}

/* ---- chain walker ---- */

/*
 * The one walker of preserved page chains (block sets, sparse arrays).
 */

/**
 * struct khoser_chain - a chain of preserved pages to claim
 * @label: who is restoring, for the log line (object name or function)
 * @what:  what one page is called in the log line ("block", "page")
 * @bound: most pages the chain may have
 * @max_order: largest block order a link may have (KHO's mark gives the
 *         order of each; 0: pages only)
 * @visit: takes ownership of @page (2^@order pages), the @idx-th link of
 *         the chain: keeps it (or releases it), checks it, and returns 0
 *         with *@next set to the next link's address, or an errno with
 *         *@why set ("reason-word: text")
 * @seen:  whether @pa lies in a link already handed to @visit (asked only
 *         when a claim fails, to name a cycle as such)
 * @ctx:   passed to @visit and @seen
 * @detail: optional text @visit may fill to say where in the page it
 *          found the problem (e.g. "run 3"), added to the log line
 */
struct khoser_chain {
	const char *label;
	const char *what;
	unsigned long bound;
	unsigned int max_order;
	int (*visit)(void *ctx, void *page, unsigned int order,
		     unsigned long idx, u64 *next, const char **why);
	bool (*seen)(void *ctx, u64 pa);
	void *ctx;
	const char *detail;
};

int khoser_chain_walk(const struct khoser_chain *chain, u64 head,
		      unsigned long *count);

/* ---- kind table ---- */

/*
 * How the named root drives each kind of structure: one table per kind,
 * defined next to the structure, used only by the named root.
 */

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

/* ---- named root ---- */

/*
 * The named root's calls for the module glue (main.c), debugfs and the
 * unit tests (which publish and look up kinds of their own).
 */

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
int khoser_root_register(const struct khoser_kind *kind);
void khoser_root_exit(void);
void khoser_root_kexec_seal(void);
void khoser_root_for_each(void (*fn)(const struct khoser_obj_info *info,
				     void *arg), void *arg);

/* ---- compatible strings ---- */

/*
 * Compatible-string work for the named root: matching with a
 * kind's dependency format, adding a dependency component.
 */

int khoser_compat_match(const char *name, const char *expected,
			const char *found, const char *dep_base);
int khoser_compat_add(char *buf, size_t len, const char *compat,
		      const char *comp);

/* ---- growable arrays ---- */

/*
 * The growable arrays of khoser's structures (a block set's blocks, a
 * sparse array's page index): kvmalloc'd, grown geometrically.
 */

/* Most bytes kvmalloc() hands out: above, it WARNs and fails (mm/slub.c). */
#define KHOSER_ARRAY_MAX_BYTES	((size_t)INT_MAX)

/*
 * Room for @need elements of @size bytes in @arr, which holds @used of
 * *@cap: at least twice as many, never fewer than @least, but never more
 * than @bound nor than kvmalloc() hands out. Return: the array to use from
 * now on (@arr itself when it has room already; else a new one holding
 * the @used elements, @arr freed and *@cap updated), or NULL when @need is
 * beyond those limits (nothing allocated) or on allocation failure, @arr
 * and *@cap left as they were.
 */
static inline void *khoser_array_room(void *arr, size_t size,
				      unsigned long used, unsigned long *cap,
				      unsigned long need, unsigned long least,
				      unsigned long bound)
{
	unsigned long most = min_t(unsigned long, bound,
				   KHOSER_ARRAY_MAX_BYTES / size);
	unsigned long room;
	void *grown;

	if (need <= *cap)
		return arr;
	if (need > most)
		return NULL;
	/* *@cap < @need <= @most: doubling it cannot wrap. */
	room = min(max3(need, *cap * 2, least), most);
	grown = kvmalloc_array(room, size, GFP_KERNEL);
	if (!grown)
		return NULL;
	if (used)
		memcpy(grown, arr, used * size);
	kvfree(arr);
	*cap = room;
	return grown;
}

#endif /* _KHOSER_COMMON_H */
