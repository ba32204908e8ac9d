/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The lifecycle every khoser structure shares: its states, its lock and the
 * seal at kexec.
 */

/**
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
 * Each structure carries its own mutex, @lock of &struct khoser_life.
 * khoser takes it in every call that changes the structure as a whole
 * (grow, shrink, clear, seal, preserve, restore, destroy) and the named
 * root takes it, after its registry lock, to publish, to look up into the
 * structure, to seal published block sets when the kernel reboots into
 * kexec and to list them in debugfs. So khoser's own actors never race the
 * owner's calls: the debugfs listing reads a published set under the set's
 * lock, the reboot seal runs under it, and a lookup into a published or
 * non-empty structure is refused with -EBUSY.
 *
 * Entry-level calls (the iterators, khoser_sarray_add(),
 * khoser_sarray_get()) take no lock: the owner serializes them with its own
 * calls that change the structure, as for any kernel data structure, and
 * re-initializes a block set's iterators after khoser_block_set_shrink()
 * and khoser_block_set_clear(), which leave them pointing where no entry is
 * counted, in blocks the next seal may release. The seal at kexec frees
 * and unlinks nothing an owner's call can reach (a vbuf's chunk list
 * rewritten there is read by khoser alone, under the vbuf's lock), so an
 * iterator racing it only writes entries that are not handed over.
 *
 * The root keeps no pointer to a structure it did not publish, and none
 * after khoser_unpublish(). Each export's kernel-doc says which locks it
 * takes (its Context: line).
 *
 * Lock order: the registry lock, then a structure's lock, then (vbuf) its
 * chunk list's lock. Callers may hold their own locks around any call.
 */

/**
 * DOC: the seal at kexec
 *
 * A published block set can still be written until the reboot; khoser's
 * reboot notifier seals it on the way into kexec: it cuts the chain after
 * the last filled block, unpreserves the empty blocks after it (freeing and
 * unlinking nothing, so a writer racing the reboot never touches freed
 * memory), refreshes the descriptor (counting the entries of the blocks
 * handed over only) and makes the set read-only. Stop writing before kexec:
 * an entry written after that seal is not handed over, and if it lands in
 * a block that is, the next kernel refuses the set ("count-mismatch"). A
 * set that cannot be sealed, with an empty block between filled ones, hands
 * over nothing: every block is unpreserved, and the next kernel refuses the
 * object as "unsealed" rather than restoring an empty set (unit test
 * test_block_bounds.c b_kexec_seal_hole_cuts_every_block). Call
 * khoser_unpublish() before destroying a published set (destroy refuses
 * with -EBUSY otherwise).
 *
 * A sparse array is sealed when published (no more adds); a preserved
 * buffer's bytes can change until kexec, its pages cannot. The same
 * notifier writes a published vbuf's chunk list again when the module
 * parameter write_format changed since the buffer was preserved (the rule,
 * case by case: "Rolling back to an older khoser" in tests/qemu/README.md);
 * only khoser reads a chunk list, under the vbuf's lock, so freeing the old
 * one there takes nothing from under a running task.
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
 * @lock:      see DOC "states and locking" above
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
