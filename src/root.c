// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoser named root: one preserved descriptor (include/khoser/abi/root.h) per
 * published object, registered as KHO subtree "khoser-<name>".
 *
 * Outgoing objects are ours until kexec. Incoming descriptors are claimed on
 * first lookup, validated field by field, and kept (with the verdict) until
 * released, so a name is never claimed twice.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include "compat/kho.h"
#include "compat/slab.h"
#include "internal.h"

#define NODE_LEN (sizeof(KHOSER_NODE_PREFIX) - 1 + KHOSER_NAME_LEN)

/**
 * struct khoser_registry - the objects this kernel knows by name
 * @lock: protects both lists and the objects on them
 * @out:  objects published here, for the next kernel
 * @in:   objects looked up here, from the previous kernel
 */
struct khoser_registry {
	struct mutex lock;	/* the lists and their objects */
	struct list_head out;
	struct list_head in;
};

static struct khoser_registry *reg;

/**
 * khoser_name_valid - check an object name
 * @name: the name
 *
 * A name is 1 to %KHOSER_NAME_MAX characters of [a-z0-9._-], starting with a
 * letter or digit (it becomes part of a KHO subtree name).
 *
 * Context: Any context.
 * Return: 0 when valid, -EINVAL otherwise.
 */
int khoser_name_valid(const char *name)
{
	size_t i;

	if (!name || !isalnum(name[0]) || isupper(name[0]))
		return -EINVAL;
	for (i = 0; name[i]; i++) {
		char c = name[i];

		if (i >= KHOSER_NAME_MAX)
			return -EINVAL;
		if (!(islower(c) || isdigit(c) || c == '.' || c == '_' ||
		      c == '-'))
			return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(khoser_name_valid);

static void node_name(char *buf, const char *name)
{
	snprintf(buf, NODE_LEN, KHOSER_NODE_PREFIX "%s", name);
}

static struct khoser_object *find(struct list_head *list, const char *name)
{
	struct khoser_object *obj;

	list_for_each_entry(obj, list, node)
		if (!strcmp(obj->name, name))
			return obj;
	return NULL;
}

static int check_args(const char *name, const char *compat)
{
	if (!khoser_available())
		return -EOPNOTSUPP;
	if (khoser_name_valid(name)) {
		pr_err("invalid object name\n");
		return -EINVAL;
	}
	if (khoser_compat_valid(compat)) {
		pr_err("%s: invalid compatible string\n", name);
		return -EINVAL;
	}
	return 0;
}

/*
 * Publish an object whose payload fields (kind to max_blocks) are those of
 * @fields, or, with @links->bs, those of that block set. The object is
 * attached to the block set, sparse array or vbuf in @links.
 */
static int root_add(const char *name, const char *compat,
		    const struct khoser_root_ser *fields,
		    const struct khoser_object *links)
{
	struct khoser_block_set *bs = links->bs;
	struct khoser_root_ser *desc;
	struct khoser_object *obj;
	char node[NODE_LEN];
	int err;

	err = check_args(name, compat);
	if (err)
		return err;
	err = khoser_compat_known(compat);
	if (err) {
		pr_err("%s: '%s' names a khoser format this build lacks\n",
		       name, compat);
		return err;
	}

	obj = kzalloc_obj(*obj);
	if (!obj)
		return -ENOMEM;
	desc = khoser_kho_alloc_page();
	if (IS_ERR(desc)) {
		err = PTR_ERR(desc);
		goto free_obj;
	}
	strscpy(obj->name, name, sizeof(obj->name));
	obj->desc = desc;
	strscpy_pad(desc->magic, KHOSER_ROOT_COMPAT, sizeof(desc->magic));
	strscpy_pad(desc->name, name, sizeof(desc->name));
	strscpy_pad(desc->compat, compat, sizeof(desc->compat));
	desc->kind = fields->kind;
	desc->phys = fields->phys;
	desc->size = fields->size;
	desc->nblocks = fields->nblocks;
	desc->entries = fields->entries;
	desc->max_blocks = fields->max_blocks;
	if (bs)
		khoser_block_set_describe(bs, desc);

	mutex_lock(&reg->lock);
	if (find(&reg->out, name)) {
		err = -EEXIST;
		goto unlock;
	}
	node_name(node, name);
	err = khoser_kho_add_subtree(node, desc, sizeof(*desc));
	if (err)
		goto unlock;
	if (bs) {
		obj->bs = bs;
		bs->obj = obj;
	}
	if (links->sa) {
		obj->sa = links->sa;
		obj->sa->obj = obj;
	}
	if (links->vb) {
		obj->vb = links->vb;
		obj->vb->obj = obj;
	}
	list_add_tail(&obj->node, &reg->out);
	mutex_unlock(&reg->lock);
	return 0;

unlock:
	mutex_unlock(&reg->lock);
	khoser_kho_free_page(desc);
free_obj:
	kfree(obj);
	return err;
}

/* Publish a raw object, or a block set (@bs) that the descriptor follows. */
int khoser_root_add(const char *name, const char *compat, u64 kind,
		    u64 phys, u64 size, struct khoser_block_set *bs)
{
	struct khoser_root_ser fields = {
		.kind = kind, .phys = phys, .size = size,
	};
	struct khoser_object links = { .bs = bs };

	return root_add(name, compat, &fields, &links);
}

/* Publish a sealed sparse array or a preserved vbuf described by @fields. */
int khoser_root_add_obj(const char *name, const char *compat,
			const struct khoser_root_ser *fields,
			struct khoser_sarray *sa, struct khoser_vbuf *vb)
{
	struct khoser_object links = { .sa = sa, .vb = vb };

	return root_add(name, compat, fields, &links);
}

/**
 * khoser_publish - publish an opaque object for the next kernel
 * @name:   object name (see khoser_name_valid())
 * @compat: composite compatible string (see khoser_compat_valid())
 * @phys:   physical address of the payload, which the caller preserves
 * @size:   payload size in bytes
 *
 * Records a small preserved descriptor and registers it with KHO. The payload
 * itself is the caller's to preserve and, in the next kernel, to restore.
 *
 * Context: Process context (may sleep).
 * Return: 0; -EOPNOTSUPP without KHO; -EINVAL on a bad name or string;
 * -EEXIST when @name is already published; -ENOMEM; or an errno from KHO.
 */
int khoser_publish(const char *name, const char *compat, phys_addr_t phys,
		   u64 size)
{
	return khoser_root_add(name, compat, KHOSER_KIND_RAW, phys, size, NULL);
}
EXPORT_SYMBOL_GPL(khoser_publish);

static void free_object(struct khoser_object *obj)
{
	list_del(&obj->node);
	if (obj->bs)
		obj->bs->obj = NULL;
	if (obj->sa)
		obj->sa->obj = NULL;
	if (obj->vb)
		obj->vb->obj = NULL;
	if (obj->desc && obj->incoming)
		khoser_kho_release_page(obj->desc);
	else if (obj->desc)
		khoser_kho_free_page(obj->desc);
	kfree(obj);
}

/* Drop @name from the outgoing or incoming registry. */
static int drop_named(const char *name, bool incoming)
{
	struct khoser_object *obj;
	int err = -ENOENT;

	if (!khoser_available())
		return -EOPNOTSUPP;
	mutex_lock(&reg->lock);
	obj = name ? find(incoming ? &reg->in : &reg->out, name) : NULL;
	if (obj) {
		if (!incoming)
			khoser_kho_remove_subtree(obj->desc);
		free_object(obj);
		err = 0;
	}
	mutex_unlock(&reg->lock);
	return err;
}

/**
 * khoser_unpublish - withdraw an object published in this kernel
 * @name: object name
 *
 * Context: Process context (may sleep).
 * Return: 0; -EOPNOTSUPP without KHO; -ENOENT when @name is not published.
 */
int khoser_unpublish(const char *name)
{
	return drop_named(name, false);
}
EXPORT_SYMBOL_GPL(khoser_unpublish);

/**
 * khoser_release - free the descriptor of an object found in this boot
 * @name: object name
 *
 * The payload is not touched. A block set restored from the object stays
 * valid.
 *
 * Context: Process context (may sleep).
 * Return: 0; -EOPNOTSUPP without KHO; -ENOENT when @name was not looked up.
 */
int khoser_release(const char *name)
{
	return drop_named(name, true);
}
EXPORT_SYMBOL_GPL(khoser_release);

/* A NUL-padded string field: terminated inside, nothing but NULs after. */
static bool field_ok(const char *f, size_t len)
{
	size_t n = strnlen(f, len);

	if (n == len || !n)
		return false;
	return !memchr_inv(f + n, 0, len - n);
}

static const char *check_desc(const struct khoser_root_ser *d,
			      const char *name)
{
	if (memcmp(d->magic, KHOSER_ROOT_COMPAT, sizeof(KHOSER_ROOT_COMPAT)) ||
	    !field_ok(d->magic, sizeof(d->magic)))
		return "bad descriptor magic";
	if (!field_ok(d->name, sizeof(d->name)) || strcmp(d->name, name))
		return "descriptor names another object";
	if (!field_ok(d->compat, sizeof(d->compat)))
		return "compatible string not terminated";
	if (d->kind < KHOSER_KIND_RAW || d->kind > KHOSER_KIND_MAX)
		return "unknown object kind";
	if (d->reserved[0] || d->reserved[1])
		return "reserved fields not zero";
	if (d->kind == KHOSER_KIND_BLOCK &&
	    (!d->size || d->size > KHOSER_BLOCK_MAX_ENTRY))
		return "block entry size out of range";
	if (d->kind == KHOSER_KIND_BLOCK && !PAGE_ALIGNED(d->phys))
		return "block head misaligned";
	if (d->kind == KHOSER_KIND_SARRAY &&
	    d->size != KHOSER_SARRAY_VALUE_SIZE)
		return "sparse-array value size wrong";
	if (d->kind == KHOSER_KIND_SARRAY && !PAGE_ALIGNED(d->phys))
		return "sparse-array head misaligned";
	if (d->kind == KHOSER_KIND_VBUF && (!d->phys || !PAGE_ALIGNED(d->phys)))
		return "vbuf header misaligned";
	if (d->kind == KHOSER_KIND_VBUF && !d->size)
		return "vbuf length zero";
	return NULL;
}

/* Claim and validate the descriptor of @name; the object records why not. */
static struct khoser_object *claim_object(const char *name)
{
	const char *why = NULL;
	struct khoser_object *obj;
	char node[NODE_LEN];
	u64 phys, size;
	int err;

	node_name(node, name);
	err = khoser_kho_retrieve_subtree(node, &phys, &size);
	if (err)
		return ERR_PTR(err);

	obj = kzalloc_obj(*obj);
	if (!obj)
		return ERR_PTR(-ENOMEM);
	strscpy(obj->name, name, sizeof(obj->name));
	obj->incoming = true;

	if (size != sizeof(struct khoser_root_ser)) {
		why = "descriptor size wrong";
	} else {
		obj->desc = khoser_kho_claim_page(phys, &why);
		if (obj->desc)
			why = check_desc(obj->desc, name);
	}
	if (why) {
		pr_err("%s: descriptor at %#llx (size %llu): %s\n", name,
		       (unsigned long long)phys, (unsigned long long)size, why);
		obj->status = -EINVAL;
		if (obj->desc)
			khoser_kho_release_page(obj->desc);
		obj->desc = NULL;
	}
	list_add_tail(&obj->node, &reg->in);
	return obj;
}

/*
 * Find the incoming object @name of @kind whose compatible string matches.
 * On success the registry lock is held: drop it with khoser_root_unlock().
 */
int khoser_root_find(const char *name, const char *compat, u64 kind,
		     struct khoser_object **objp)
{
	struct khoser_object *obj;
	int err;

	err = check_args(name, compat);
	if (err)
		return err;

	mutex_lock(&reg->lock);
	obj = find(&reg->in, name);
	if (!obj) {
		obj = claim_object(name);
		if (IS_ERR(obj)) {
			err = PTR_ERR(obj);
			goto unlock;
		}
	}
	err = obj->status;
	if (err)
		goto unlock;
	err = khoser_compat_check(name, compat, obj->desc->compat);
	if (err)
		goto unlock;
	if (obj->desc->kind != kind) {
		pr_err("%s: object kind %llu, expected %llu\n", name,
		       (unsigned long long)obj->desc->kind,
		       (unsigned long long)kind);
		err = -EPROTO;
		goto unlock;
	}
	*objp = obj;
	return 0;

unlock:
	mutex_unlock(&reg->lock);
	return err;
}

void khoser_root_unlock(void)
{
	mutex_unlock(&reg->lock);
}

/**
 * khoser_lookup - find an opaque object published by the previous kernel
 * @name:   object name
 * @compat: the composite compatible string this driver expects
 * @phys:   payload physical address, on success
 * @size:   payload size, on success
 *
 * Compares @compat with the published string before returning anything; on
 * a mismatch one line names the component that differs. The payload is the
 * caller's to restore (and to validate).
 *
 * Context: Process context (may sleep).
 * Return: 0; -EOPNOTSUPP without KHO; -ENOENT when not published; -EPROTO on
 * a compatible-string or kind mismatch; -EINVAL on a bad name, string or
 * descriptor; -ENOMEM.
 */
int khoser_lookup(const char *name, const char *compat, phys_addr_t *phys,
		  u64 *size)
{
	struct khoser_object *obj;
	int err;

	err = khoser_root_find(name, compat, KHOSER_KIND_RAW, &obj);
	if (err)
		return err;
	*phys = obj->desc->phys;
	*size = obj->desc->size;
	khoser_root_unlock();
	return 0;
}
EXPORT_SYMBOL_GPL(khoser_lookup);

/* Reboot into kexec: seal published block sets, refresh descriptors. */
void khoser_root_seal_all(void)
{
	struct khoser_object *obj;

	mutex_lock(&reg->lock);
	list_for_each_entry(obj, &reg->out, node) {
		if (!obj->bs)
			continue;
		if (khoser_block_set_seal(obj->bs)) {
			/* Hand over nothing rather than a chain upstream rejects. */
			pr_err("%s: cannot seal block set, handing over none\n",
			       obj->name);
			obj->desc->phys = 0;
			obj->desc->nblocks = 0;
			obj->desc->entries = 0;
			continue;
		}
		khoser_block_set_describe(obj->bs, obj->desc);
	}
	mutex_unlock(&reg->lock);
}

/* Visit every object, outgoing first, under the registry lock. */
void khoser_root_for_each(void (*fn)(const struct khoser_object *obj,
				     void *arg), void *arg)
{
	struct khoser_object *obj;

	mutex_lock(&reg->lock);
	list_for_each_entry(obj, &reg->out, node)
		fn(obj, arg);
	list_for_each_entry(obj, &reg->in, node)
		fn(obj, arg);
	mutex_unlock(&reg->lock);
}

/* Module init: an empty registry. */
int khoser_root_init(void)
{
	reg = kzalloc_obj(*reg);
	if (!reg)
		return -ENOMEM;
	mutex_init(&reg->lock);
	INIT_LIST_HEAD(&reg->out);
	INIT_LIST_HEAD(&reg->in);
	return 0;
}

/* Module exit: drop every object still registered, then the registry. */
void khoser_root_exit(void)
{
	struct khoser_object *obj, *tmp;

	mutex_lock(&reg->lock);
	list_for_each_entry_safe(obj, tmp, &reg->out, node) {
		khoser_kho_remove_subtree(obj->desc);
		free_object(obj);
	}
	list_for_each_entry_safe(obj, tmp, &reg->in, node)
		free_object(obj);
	mutex_unlock(&reg->lock);
	mutex_destroy(&reg->lock);
	kfree(reg);
	reg = NULL;
}
