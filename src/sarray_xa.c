// SPDX-License-Identifier: GPL-2.0-only
/*
 * The xarray bridge of sparse arrays: fill an array from an xarray of value
 * entries before kexec, copy a restored array into an xarray after.
 *
 * DOC: xarray bridge
 *
 * Both directions check everything first and change nothing on a refusal:
 * an xarray entry that is not a value entry, or an array entry whose index
 * or value an xarray value entry cannot hold, is refused before the first
 * entry is copied. Built only on the sparse array's exports.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/xarray.h>
#include <khoser/sarray.h>
#include "common.h"

/**
 * khoser_sarray_from_xarray - fill an empty array from an xarray
 * @sa: an initialized, empty outgoing sparse array
 * @xa: an xarray holding only value entries (xa_mk_value())
 *
 * Adds every entry of @xa, in index order, with its value xa_to_value().
 * @xa is checked first: an entry that is not a value entry is refused
 * before anything is added. On any failure @sa is left empty.
 *
 * Context: Process context (may sleep); the caller keeps @xa from changing
 * and serializes its calls on @sa, as for khoser_sarray_add().
 * Return: 0; -EBUSY when @sa is not empty; -EINVAL when @xa holds a
 * non-value entry or @sa is uninitialized; -EPERM on a sealed or incoming
 * array; -EOPNOTSUPP without KHO; -ENOSPC beyond the page bound; -ENOMEM.
 */
int khoser_sarray_from_xarray(struct khoser_sarray *sa, struct xarray *xa)
{
	unsigned long index;
	void *entry;
	int err;

	err = khoser_life_check(&sa->life, "sparse array", "from_xarray", true);
	if (err)
		return err;
	if (sa->npages || sa->entries)
		return -EBUSY;
	xa_for_each(xa, index, entry) {
		if (!xa_is_value(entry)) {
			pr_err("from_xarray: entry %lu is not a value entry\n",
			       index);
			return -EINVAL;
		}
	}
	xa_for_each(xa, index, entry) {
		err = khoser_sarray_add(sa, index, xa_to_value(entry));
		if (err) {
			khoser_sarray_destroy(sa);
			return err;
		}
	}
	return 0;
}
EXPORT_SYMBOL_GPL(khoser_sarray_from_xarray);

/**
 * khoser_sarray_to_xarray - copy an array into an empty xarray
 * @sa: the sparse array (typically restored)
 * @xa: an initialized, empty xarray
 *
 * Stores every entry as a value entry, xa_mk_value(value) at its index.
 * Value entries hold 0 to %LONG_MAX and xarray indices are unsigned longs:
 * @sa is checked first, and an entry outside that range is refused before
 * anything is stored. On any failure @xa is left empty.
 *
 * Context: Process context (may sleep); caller serializes access to both.
 * Return: 0; -EBUSY when @xa is not empty; -ERANGE when a value is above
 * %LONG_MAX or an index above %ULONG_MAX; -ENOMEM.
 */
int khoser_sarray_to_xarray(const struct khoser_sarray *sa,
			    struct xarray *xa)
{
	struct khoser_sarray_it it;
	u64 index, value;
	void *old;
	int err;

	if (!xa_empty(xa))
		return -EBUSY;
	khoser_sarray_for_each(sa, &it, index, value) {
		if (value > LONG_MAX || (unsigned long)index != index) {
			pr_err("to_xarray: entry %llu (value %#llx) does not fit an xarray value entry\n",
			       (unsigned long long)index,
			       (unsigned long long)value);
			return -ERANGE;
		}
	}
	khoser_sarray_for_each(sa, &it, index, value) {
		old = xa_store(xa, index, xa_mk_value(value), GFP_KERNEL);
		err = xa_err(old);
		if (err) {
			xa_destroy(xa);
			return err;
		}
	}
	return 0;
}
EXPORT_SYMBOL_GPL(khoser_sarray_to_xarray);
