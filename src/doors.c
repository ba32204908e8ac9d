// SPDX-License-Identifier: GPL-2.0-only
/*
 * The typed doors of the named root: publish and lookup for block sets,
 * sparse arrays and vbufs, each the root's common body (src/root.c) driving
 * the structure's kind table. The raw doors, whose kind has no structure,
 * live with the root.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/export.h>
#include <khoser/khoser.h>
#include "kind.h"
#include "root.h"

/**
 * khoser_block_set_publish - seal a set and publish it under a name
 * @bs:     an outgoing block set
 * @name:   object name (see khoser_name_valid())
 * @compat: composite compatible string naming %KHOSER_BLOCK_COMPAT
 *
 * The set stays writable by its owner; when the kernel reboots into kexec
 * it is sealed again (trailing empty blocks cut; every block, when an
 * empty one sits between filled ones, and the next kernel then refuses
 * the set), its descriptor updated, and it becomes read-only. Unpublish
 * it with khoser_unpublish() before destroying it.
 *
 * Context: Process context (may sleep); takes the registry lock, then the
 * set's; the caller serializes its iterators on @bs with this call.
 * Return: 0; -EOPNOTSUPP without KHO; -EBUSY when already published; -EEXIST
 * when @name is taken; -EPERM on an incoming set; -EINVAL on a bad name,
 * string or set; -ENOMEM.
 */
int khoser_block_set_publish(struct khoser_block_set *bs, const char *name,
			     const char *compat)
{
	return khoser_root_publish(&khoser_block_kind, bs, name, compat);
}
EXPORT_SYMBOL_GPL(khoser_block_set_publish);

/**
 * khoser_block_set_lookup - find a published block set and restore it
 * @bs:     an initialized, empty, unpublished outgoing block set with the
 *          expected entry size (and chain bound)
 * @name:   object name
 * @compat: the composite compatible string this driver expects
 *
 * Compares @compat with the one the previous kernel published before
 * anything is restored, then checks the descriptor against @bs, restores
 * the chain (bounded by the descriptor's block count) and checks that its
 * blocks and entries match the descriptor. A set can be restored once.
 *
 * Context: Process context (may sleep); takes the registry lock, then the
 * set's.
 * Return: 0; -EOPNOTSUPP without KHO; -ENOENT when not published; -EPROTO on
 * a compatible-string, kind or entry-size mismatch; -EALREADY when restored
 * before; -EBUSY when @bs is not empty, not outgoing or published; -EINVAL
 * on corrupt data; -ENOMEM.
 */
int khoser_block_set_lookup(struct khoser_block_set *bs, const char *name,
			    const char *compat)
{
	return khoser_root_lookup(&khoser_block_kind, bs, name, compat);
}
EXPORT_SYMBOL_GPL(khoser_block_set_lookup);

/**
 * khoser_sarray_publish - seal an array and publish it under a name
 * @sa:     an outgoing (or sealed) sparse array
 * @name:   object name (see khoser_name_valid())
 * @compat: composite compatible string naming %KHOSER_SARRAY_COMPAT
 *
 * Seals @sa (no more adds). Unpublish it with khoser_unpublish() before
 * destroying it.
 *
 * Context: Process context (may sleep); takes the registry lock, then the
 * array's.
 * Return: 0; -EOPNOTSUPP without KHO; -EBUSY when already published;
 * -EEXIST when @name is taken; -EPERM on an incoming array; -EINVAL on a
 * bad name or string or an uninitialized array; -ENOMEM.
 */
int khoser_sarray_publish(struct khoser_sarray *sa, const char *name,
			  const char *compat)
{
	return khoser_root_publish(&khoser_sarray_kind, sa, name, compat);
}
EXPORT_SYMBOL_GPL(khoser_sarray_publish);

/**
 * khoser_sarray_lookup - find a published sparse array and restore it
 * @sa:     an initialized, empty, unpublished outgoing sparse array
 * @name:   object name
 * @compat: the composite compatible string this driver expects
 *
 * Compares @compat with the one the previous kernel published before
 * anything is restored, restores the chain (see khoser_sarray_restore(),
 * bounded by the page count the descriptor names) and checks that pages
 * and entries match the descriptor. An array can be restored once.
 *
 * Context: Process context (may sleep); takes the registry lock, then the
 * array's.
 * Return: 0; -EOPNOTSUPP without KHO; -ENOENT when not published; -EPROTO on
 * a compatible-string or kind mismatch; -EALREADY when restored before;
 * -EBUSY when @sa is not empty, not outgoing or published; -EINVAL on
 * corrupt data; -ENOMEM.
 */
int khoser_sarray_lookup(struct khoser_sarray *sa, const char *name,
			 const char *compat)
{
	return khoser_root_lookup(&khoser_sarray_kind, sa, name, compat);
}
EXPORT_SYMBOL_GPL(khoser_sarray_lookup);

/**
 * khoser_vbuf_publish - publish a preserved buffer under a name
 * @vb:     a vbuf holding a preserved buffer (khoser_vbuf_preserve())
 * @name:   object name (see khoser_name_valid())
 * @compat: composite compatible string naming %KHOSER_VBUF_COMPAT
 *
 * Unpublish it with khoser_unpublish() before destroying it.
 *
 * Context: Process context (may sleep); takes the registry lock, then the
 * vbuf's.
 * Return: 0; -EOPNOTSUPP without KHO; -EBUSY when already published;
 * -EEXIST when @name is taken; -EINVAL on a bad name or string or a vbuf
 * that holds no preserved buffer; -ENOMEM.
 */
int khoser_vbuf_publish(struct khoser_vbuf *vb, const char *name,
			const char *compat)
{
	return khoser_root_publish(&khoser_vbuf_kind, vb, name, compat);
}
EXPORT_SYMBOL_GPL(khoser_vbuf_publish);

/**
 * khoser_vbuf_lookup - find a published buffer and map it
 * @vb:     an idle vbuf
 * @name:   object name
 * @compat: the composite compatible string this driver expects
 *
 * Compares @compat with the one the previous kernel published before
 * anything is restored, then restores as khoser_vbuf_restore() does,
 * checking the header against the descriptor too. A buffer is restored
 * once.
 *
 * Context: Process context (may sleep); takes the registry lock, then the
 * vbuf's.
 * Return: 0; -EOPNOTSUPP without KHO; -ENOENT when not published; -EPROTO on
 * a compatible-string or kind mismatch; -EALREADY when restored before;
 * -EBUSY when @vb is not idle; -EINVAL on corrupt data; -ENOMEM.
 */
int khoser_vbuf_lookup(struct khoser_vbuf *vb, const char *name,
		       const char *compat)
{
	return khoser_root_lookup(&khoser_vbuf_kind, vb, name, compat);
}
EXPORT_SYMBOL_GPL(khoser_vbuf_lookup);
