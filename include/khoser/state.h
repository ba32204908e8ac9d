/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The lifecycle every khoser structure shares.
 *
 * DOC: states and locking
 *
 * A block set, sparse array or vbuf is in one of three states:
 *
 * - %KHOSER_STATE_OUT: outgoing and writable (a vbuf: idle, nothing
 *   preserved yet);
 * - %KHOSER_STATE_SEALED: outgoing and read-only (a sealed sparse array, a
 *   preserved vbuf, a block set sealed at kexec);
 * - %KHOSER_STATE_IN: restored from the previous kernel, read-only.
 *
 * A zeroed, never initialized structure matches none and is refused with
 * -EINVAL.
 *
 * Each structure carries a mutex, @lock of &struct khoser_life. khoser takes
 * it in every call that changes the structure as a whole (grow, shrink,
 * clear, seal, add, preserve, restore, destroy) and the named root takes it,
 * after its registry lock, to publish, to look up into the structure, to
 * seal published block sets when the kernel reboots into kexec and to list
 * them in debugfs. So khoser's own actors never race the owner's calls.
 * Entry-level calls (iterators, khoser_sarray_get()) take no lock: the
 * caller serializes them with its own calls that change the structure, as
 * for any kernel data structure. The seal at kexec frees and unlinks
 * nothing an owner's call can reach (a vbuf's chunk list rewritten there
 * is read by khoser alone, under the vbuf's lock), so an iterator racing
 * it only writes entries that are not handed over. A lookup into a
 * published or non-empty structure is refused with -EBUSY. The root keeps
 * no pointer to a structure it did not publish, and none after
 * khoser_unpublish(). Each export's kernel-doc says which locks it takes
 * (Context:).
 *
 * Lock order: the registry lock, then a structure's lock, then (vbuf) its
 * chunk list's lock. Callers may hold their own locks around any call.
 */
#ifndef _KHOSER_STATE_H
#define _KHOSER_STATE_H

#include <linux/mutex.h>
#include <linux/types.h>

#define KHOSER_STATE_OUT	0x4b534f57U	/* outgoing, writable */
#define KHOSER_STATE_SEALED	0x4b534f53U	/* outgoing, read-only */
#define KHOSER_STATE_IN		0x4b53494eU	/* restored, read-only */

/**
 * struct khoser_life - state shared by every khoser structure (private)
 * @lock:      see "states and locking" above
 * @state:     KHOSER_STATE_OUT, KHOSER_STATE_SEALED or KHOSER_STATE_IN
 * @published: published under a name; set and cleared by the named root
 *             under @lock
 */
struct khoser_life {
	struct mutex lock;	/* see "states and locking" above */
	u32 state;
	bool published;
};

/* Static initializer of a &struct khoser_life in state @_state. */
#define KHOSER_LIFE_INIT(_life, _state) {				\
	.lock = __MUTEX_INITIALIZER((_life).lock),			\
	.state = (_state),						\
}

#endif /* _KHOSER_STATE_H */
