// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lifecycle checks shared by block sets, sparse arrays and vbufs.
 *
 * DOC: one state model
 *
 * Every structure starts %KHOSER_STATE_OUT (writable), may become
 * %KHOSER_STATE_SEALED (outgoing, read-only) and, restored from the previous
 * kernel, is %KHOSER_STATE_IN (read-only). The checks here give each
 * refusal the same errno everywhere: -EINVAL for a structure that was never
 * initialized, -EPERM for a write to a read-only one, -EBUSY for a restore
 * into one that is not empty and idle.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/mutex.h>
#include "kho.h"
#include "common.h"

static bool initialized(const struct khoser_life *life)
{
	return life->state == KHOSER_STATE_OUT ||
	       life->state == KHOSER_STATE_SEALED ||
	       life->state == KHOSER_STATE_IN;
}

/*
 * 0 when @op may run on @life: initialized and, for a write, writable.
 * Otherwise one line and -EINVAL or -EPERM.
 */
int khoser_life_check(const struct khoser_life *life, const char *what,
		      const char *op, bool write)
{
	if (!initialized(life)) {
		pr_err("%s: %s was never initialized\n", op, what);
		return -EINVAL;
	}
	if (write && life->state != KHOSER_STATE_OUT) {
		pr_err("%s: refused on a %s (read-only) %s\n", op,
		       life->state == KHOSER_STATE_IN ? "restored" : "sealed",
		       what);
		return -EPERM;
	}
	return 0;
}

/*
 * For restore and lookup into @life: initialized (-EINVAL), outgoing,
 * unpublished and @empty (-EBUSY otherwise).
 */
int khoser_life_check_idle(const struct khoser_life *life, const char *what,
			   const char *op, bool empty)
{
	if (!initialized(life)) {
		pr_err("%s: %s was never initialized\n", op, what);
		return -EINVAL;
	}
	if (life->state != KHOSER_STATE_OUT || life->published || !empty)
		return -EBUSY;
	return 0;
}

/*
 * Take @life's lock for @op: 0 with the lock held when the structure is
 * initialized and, for a write, writable; otherwise the errno, unlocked.
 * The state is checked before locking too: a never initialized structure's
 * lock was never initialized either.
 */
int khoser_life_lock(struct khoser_life *life, const char *what,
		     const char *op, bool write)
{
	int err = khoser_life_check(life, what, op, false);

	if (err)
		return err;
	mutex_lock(&life->lock);
	err = khoser_life_check(life, what, op, write);
	if (err)
		mutex_unlock(&life->lock);
	return err;
}

/*
 * Take @life's lock to restore or preserve into it: 0 with the lock held
 * when it is outgoing, unpublished and KHO is usable (emptiness is the
 * caller's to check, under the lock); otherwise the errno, unlocked.
 */
int khoser_life_lock_idle(struct khoser_life *life, const char *what,
			  const char *op)
{
	int err = khoser_life_lock(life, what, op, false);

	if (err)
		return err;
	err = khoser_life_check_idle(life, what, op, true);
	if (!err && !khoser_kho_usable())
		err = -EOPNOTSUPP;
	if (err)
		mutex_unlock(&life->lock);
	return err;
}

/*
 * Set a writable structure's chain bound *@bound to @max, not below the
 * @size it has: 0, -EINVAL, -EPERM.
 */
int khoser_life_set_bound(struct khoser_life *life, const char *what,
			  const char *op, unsigned long *bound,
			  const unsigned long *size, unsigned long max)
{
	int err = khoser_life_lock(life, what, op, true);

	if (err)
		return err;
	if (!max || max < *size)
		err = -EINVAL;
	else
		*bound = max;
	mutex_unlock(&life->lock);
	return err;
}
