// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoser named root: one preserved descriptor (struct khoser_root_ser) per
 * published object, registered as KHO subtree "khoser-<name>".
 *
 * DOC: named root
 *
 * The root is the one layer above the structures and the only code that
 * touches the registry and its lock. It drives every kind through its
 * &struct khoser_kind table: publish, lookup (claim and validate the
 * descriptor, compare the compatible string, restore, cross-check), the
 * seal at reboot into kexec and the debugfs listing exist once, here; the
 * exported khoser_*_publish() and khoser_*_lookup() are thin doors (the
 * raw ones below, the typed ones with each structure).
 *
 * Locking: the registry lock protects both lists and every object on them.
 * A structure's own lock is taken after it (never the other way round), to
 * change its published flag, to publish, seal or describe it and to restore
 * into it. The root keeps a pointer to an outgoing structure only while it
 * is published (destroy refuses then); it keeps none to an incoming one:
 * what debugfs shows of it is its descriptor.
 *
 * Outgoing objects are ours until kexec. Incoming descriptors are claimed on
 * first lookup, validated field by field, and kept (with the verdict) until
 * released, so a name is never claimed twice.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <khoser/khoser.h>
#include "kho.h"
#include "compat/slab.h"
#include "common.h"

#define NODE_LEN (sizeof(KHOSER_NODE_PREFIX) - 1 + KHOSER_NAME_LEN)

/**
 * struct khoser_object - a published (outgoing) or found (incoming) object
 * @node:     link in the outgoing or incoming registry list
 * @kind:     outgoing: its kind
 * @payload:  outgoing: the published structure (NULL for raw objects)
 * @desc:     the preserved descriptor page; NULL for a refused descriptor
 * @incoming: found in the previous kernel's handover
 * @restored: incoming payload already restored (restore happens once)
 * @status:   incoming: 0, or the errno its validation failed with
 * @dep_named: outgoing, a kind with &khoser_kind.dep_base: the driver's
 *            string names that base, so the format is the driver's
 * @name:     object name
 * @compat:   outgoing, a kind with &khoser_kind.dep_base: the driver's
 *            string, as it was passed to publish
 */
struct khoser_object {
	struct list_head node;
	const struct khoser_kind *kind;
	void *payload;
	struct khoser_root_ser *desc;
	bool incoming;
	bool restored;
	int status;
	bool dep_named;
	char name[KHOSER_NAME_LEN];
	char compat[KHOSER_COMPAT_LEN];
};

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

/* --- raw objects: the payload is the driver's ------------------------------ */

struct raw_payload {
	phys_addr_t phys;
	u64 size;
	phys_addr_t *phys_out;
	u64 *size_out;
};

static int raw_publish(void *obj, struct khoser_root_ser *desc)
{
	const struct raw_payload *raw = obj;

	desc->kind = KHOSER_KIND_RAW;
	desc->phys = raw->phys;
	desc->size = raw->size;
	return 0;
}

static void raw_describe(void *obj, struct khoser_root_ser *desc)
{
}

static const char *raw_check_desc(const struct khoser_root_ser *d)
{
	if (d->nblocks || d->entries || d->max_blocks)
		return "reserved: chain fields set on a raw object";
	return NULL;
}

static int raw_restore(void *obj, const struct khoser_root_ser *desc,
		       const char *label)
{
	const struct raw_payload *raw = obj;

	*raw->phys_out = desc->phys;
	*raw->size_out = desc->size;
	return 0;
}

static const struct khoser_kind raw_kind = {
	.id = KHOSER_KIND_RAW,
	.name = "raw",
	.life = KHOSER_KIND_NO_LIFE,
	.publish = raw_publish,
	.describe = raw_describe,
	.check_desc = raw_check_desc,
	.restore = raw_restore,
};

/*
 * The kinds this build knows, by id: raw here, the structures registered
 * by khoser_core_init(), so that the root refers to no structure's file.
 */
static const struct khoser_kind *kinds[KHOSER_KIND_MAX + 1] = {
	[KHOSER_KIND_RAW] = &raw_kind,
};

/**
 * khoser_root_register - make a kind known to lookups
 * @kind: its table; its id from 2 to %KHOSER_KIND_MAX, once
 *
 * Context: module init, before any publish or lookup.
 * Return: 0, or -EINVAL on an id out of range or taken.
 */
int khoser_root_register(const struct khoser_kind *kind)
{
	if (kind->id <= KHOSER_KIND_RAW || kind->id > KHOSER_KIND_MAX ||
	    kinds[kind->id])
		return -EINVAL;
	kinds[kind->id] = kind;
	return 0;
}

static const struct khoser_kind *kind_of(u64 id)
{
	return id < ARRAY_SIZE(kinds) ? kinds[id] : NULL;
}

/* --- names and arguments --------------------------------------------------- */

/* [a-z0-9._-] */
static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
	       c == '_' || c == '-';
}

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

	/* ASCII only: the kernel's islower() also takes Latin-1 letters. */
	if (!name || !name_char(name[0]) || strchr("._-", name[0]))
		return -EINVAL;
	for (i = 0; name[i]; i++) {
		if (i >= KHOSER_NAME_MAX || !name_char(name[i]))
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

/* @compat to publish (one version each) or, @expected, to look up with. */
static int check_args(const char *name, const char *compat, bool expected)
{
	if (!khoser_kho_usable())
		return -EOPNOTSUPP;
	if (khoser_name_valid(name)) {
		pr_err("invalid object name\n");
		return -EINVAL;
	}
	if (expected ? khoser_compat_valid_expected(compat) :
		       khoser_compat_valid(compat)) {
		if (!expected && !khoser_compat_valid_expected(compat))
			pr_err("%s: version sets are for lookups; publish one version per component\n",
			       name);
		else
			pr_err("%s: invalid compatible string\n", name);
		return -EINVAL;
	}
	return 0;
}

static struct khoser_life *life_of(const struct khoser_kind *kind,
				   void *payload)
{
	if (kind->life == KHOSER_KIND_NO_LIFE)
		return NULL;
	return (struct khoser_life *)((u8 *)payload + kind->life);
}

/* --- publish and unpublish --------------------------------------------------- */

/*
 * @compat, which names no version of @dep's base, into @buf (a descriptor's
 * field, NUL-padded) with the component @dep added in its sorted place;
 * @dep NULL (the implicit v1): as it is. Logs nothing; 0 or an errno, @buf
 * then empty.
 */
static int add_dep(char *buf, const char *compat, const char *dep)
{
	int ret;

	memset(buf, 0, KHOSER_COMPAT_LEN);
	if (!dep) {
		strscpy(buf, compat, KHOSER_COMPAT_LEN);
		return 0;
	}
	ret = khoser_compat_add(buf, KHOSER_COMPAT_LEN, compat, dep);
	if (ret < 0) {
		memset(buf, 0, KHOSER_COMPAT_LEN);
		return ret;
	}
	return 0;
}

/*
 * Structure locked: store @compat in @obj's descriptor, with the component
 * naming the format of @kind's dependency (kind->dep_compat(), absent: its
 * implicit v1) added when @compat lacks that base; refused when @compat
 * names another version of it. For such a kind @obj keeps @compat and
 * whether it names the base, for the seal at kexec.
 */
static int store_compat(const struct khoser_kind *kind, void *payload,
			const char *compat, struct khoser_object *obj)
{
	struct khoser_root_ser *desc = obj->desc;
	const char *dep = NULL, *name = obj->name;
	unsigned long mine, theirs = 1;
	int err;

	memset(desc->compat, 0, sizeof(desc->compat));
	if (!kind->dep_base) {
		strscpy(desc->compat, compat, sizeof(desc->compat));
		return 0;
	}
	if (kind->dep_compat)
		dep = kind->dep_compat(payload);
	if (dep && khoser_compat_version(dep, kind->dep_base, &theirs)) {
		pr_err("%s: %s payload names its format '%s', not %s-v<N>\n",
		       name, kind->name, dep, kind->dep_base);
		return -EINVAL;
	}
	err = khoser_compat_version(compat, kind->dep_base, &mine);
	if (!err && mine != theirs) {
		pr_err("%s: '%s' names %s-v%lu, the %s payload is written in v%lu\n",
		       name, compat, kind->dep_base, mine, kind->name, theirs);
		return -EINVAL;
	}
	obj->dep_named = !err;
	strscpy(obj->compat, compat, sizeof(obj->compat));
	if (obj->dep_named) {
		strscpy(desc->compat, compat, sizeof(desc->compat));
		return 0;
	}
	err = add_dep(desc->compat, compat, dep);
	if (err)
		pr_err("%s: cannot add %s to '%s'\n", name, dep, compat);
	return err;
}

/* Publish @payload of @kind; @desc is the caller's, filled but for payload. */
static int publish_locked(const struct khoser_kind *kind, void *payload,
			  const char *compat, struct khoser_object *obj)
{
	struct khoser_life *life = life_of(kind, payload);
	char node[NODE_LEN];
	u32 before = 0;
	int err = 0;

	if (life) {
		mutex_lock(&life->lock);
		before = life->state;
		if (life->published)
			err = -EBUSY;
	}
	if (!err && find(&reg->out, obj->name))
		err = -EEXIST;
	/* The string first: kind->publish() checks it names the format. */
	if (!err)
		err = store_compat(kind, payload, compat, obj);
	if (!err)
		err = kind->publish(payload, obj->desc);
	if (!err) {
		node_name(node, obj->name);
		err = khoser_kho_add_subtree(node, obj->desc,
					     sizeof(*obj->desc));
		if (err && life)
			life->state = before;
	}
	if (life) {
		if (!err)
			life->published = true;
		mutex_unlock(&life->lock);
	}
	if (err)
		return err;
	obj->kind = kind;
	obj->payload = life ? payload : NULL;
	list_add_tail(&obj->node, &reg->out);
	return 0;
}

/**
 * khoser_root_publish - publish @payload of @kind under @name
 * @kind:    its kind
 * @payload: the structure (for the raw kind, the caller's address and size)
 * @name:    object name
 * @compat:  the caller's compatible string, one version per component
 *
 * The typed doors' common body; unit tests drive it with kinds of their
 * own.
 *
 * Context: Process context (may sleep); takes the registry lock, then the
 * structure's, which kind->publish() and kind->dep_compat() run under.
 * Return: 0 or a negative errno, as the doors document.
 */
int khoser_root_publish(const struct khoser_kind *kind, void *payload,
			const char *name, const char *compat)
{
	struct khoser_life *life = life_of(kind, payload);
	struct khoser_root_ser *desc;
	struct khoser_object *obj;
	int err;

	if (life) {
		err = khoser_life_check(life, kind->name, "publish", false);
		if (err)
			return err;
	}
	err = check_args(name, compat, false);
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

	mutex_lock(&reg->lock);
	err = publish_locked(kind, payload, compat, obj);
	mutex_unlock(&reg->lock);
	if (!err)
		return 0;
	khoser_kho_free_page(desc);
free_obj:
	kfree(obj);
	return err;
}

/* Unlink @obj and free it; for an outgoing one, unpublish its structure. */
static void drop_object(struct khoser_object *obj)
{
	struct khoser_life *life;

	list_del(&obj->node);
	if (obj->incoming) {
		if (obj->desc)
			khoser_kho_release_page(obj->desc);
	} else {
		khoser_kho_remove_subtree(obj->desc);
		if (obj->payload) {
			life = life_of(obj->kind, obj->payload);
			mutex_lock(&life->lock);
			life->published = false;
			mutex_unlock(&life->lock);
		}
		khoser_kho_free_page(obj->desc);
	}
	kfree(obj);
}

/* Drop @name from the outgoing or incoming registry. */
static int drop_named(const char *name, bool incoming)
{
	struct khoser_object *obj;
	int err = -ENOENT;

	if (!khoser_kho_usable())
		return -EOPNOTSUPP;
	mutex_lock(&reg->lock);
	obj = name ? find(incoming ? &reg->in : &reg->out, name) : NULL;
	if (obj) {
		drop_object(obj);
		err = 0;
	}
	mutex_unlock(&reg->lock);
	return err;
}

/**
 * khoser_unpublish - withdraw an object published in this kernel
 * @name: object name
 *
 * A block set, sparse array or vbuf published under @name can be
 * destroyed afterwards (a sparse array stays sealed).
 *
 * Context: Process context (may sleep); takes the registry lock, then the
 * structure's.
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
 * The payload is not touched. A structure restored from the object stays
 * valid and its owner's.
 *
 * Context: Process context (may sleep); takes the registry lock.
 * Return: 0; -EOPNOTSUPP without KHO; -ENOENT when @name was not looked up.
 */
int khoser_release(const char *name)
{
	return drop_named(name, true);
}
EXPORT_SYMBOL_GPL(khoser_release);

/* --- lookup ------------------------------------------------------------------- */

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
	const struct khoser_kind *kind;

	if (memcmp(d->magic, KHOSER_ROOT_COMPAT, sizeof(KHOSER_ROOT_COMPAT)) ||
	    !field_ok(d->magic, sizeof(d->magic)))
		return "bad-magic: bad descriptor magic";
	if (!field_ok(d->name, sizeof(d->name)) || strcmp(d->name, name))
		return "wrong-name: descriptor names another object";
	if (!field_ok(d->compat, sizeof(d->compat)))
		return "bad-compat: compatible string not terminated";
	if (d->reserved[0] || d->reserved[1])
		return "reserved: reserved fields not zero";
	kind = kind_of(d->kind);
	if (!kind)
		return "bad-kind: unknown object kind";
	return kind->check_desc(d);
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
		why = "desc-size: descriptor size wrong";
	} else {
		obj->desc = khoser_kho_claim_page(phys, &why);
		if (obj->desc) {
			why = check_desc(obj->desc, name);
		} else if (khoser_why_is(why, "no-memory")) {
			/* Nothing claimed: a later lookup may succeed. */
			kfree(obj);
			return ERR_PTR(-ENOMEM);
		}
	}
	if (why) {
		khoser_refused(name, why, "descriptor at %#llx, size %llu",
			       (unsigned long long)phys,
			       (unsigned long long)size);
		obj->status = -EINVAL;
		if (obj->desc)
			khoser_kho_release_page(obj->desc);
		obj->desc = NULL;
	}
	list_add_tail(&obj->node, &reg->in);
	return obj;
}

/* The incoming @name of @kind, its compatible string @compat. */
static int find_incoming(const struct khoser_kind *kind, const char *name,
			 const char *compat, struct khoser_object **objp)
{
	struct khoser_object *obj = find(&reg->in, name);
	int err;

	if (!obj) {
		obj = claim_object(name);
		if (IS_ERR(obj))
			return PTR_ERR(obj);
	}
	if (obj->status)
		return obj->status;
	err = khoser_compat_match(name, compat, obj->desc->compat,
				  kind->dep_base);
	if (err)
		return err;
	if (obj->desc->kind != kind->id) {
		khoser_refused(name, "wrong-kind: the object is of another kind",
			       "object kind %llu, expected %llu",
			       (unsigned long long)obj->desc->kind,
			       (unsigned long long)kind->id);
		return -EPROTO;
	}
	if (kind->once && obj->restored)
		return -EALREADY;
	*objp = obj;
	return 0;
}

/**
 * khoser_root_lookup - find @name, check it and restore it into @payload
 * @kind:    the kind the caller expects
 * @payload: the structure to restore into (for the raw kind, where to put
 *           the address and size)
 * @name:    object name
 * @compat:  the caller's expected compatible string (version sets allowed)
 *
 * The typed doors' common body; unit tests drive it with kinds of their
 * own.
 *
 * Context: Process context (may sleep); takes the registry lock, then the
 * structure's, which kind->restore() runs under.
 * Return: 0 or a negative errno, as the doors document.
 */
int khoser_root_lookup(const struct khoser_kind *kind, void *payload,
		       const char *name, const char *compat)
{
	struct khoser_life *life = life_of(kind, payload);
	struct khoser_object *obj = NULL;
	int err;

	if (life) {
		/* Not idle: refused before the descriptor is claimed. */
		err = khoser_life_check_idle(life, kind->name, "lookup", true);
		if (err)
			return err;
	}
	err = check_args(name, compat, true);
	if (err)
		return err;

	mutex_lock(&reg->lock);
	err = find_incoming(kind, name, compat, &obj);
	if (!err && life) {
		mutex_lock(&life->lock);
		err = khoser_life_check_idle(life, kind->name, "lookup", true);
		if (!err)
			err = kind->restore(payload, obj->desc, name);
		mutex_unlock(&life->lock);
	} else if (!err) {
		err = kind->restore(payload, obj->desc, name);
	}
	if (!err && kind->once)
		obj->restored = true;
	mutex_unlock(&reg->lock);
	return err;
}

/**
 * khoser_incoming_compat - the compatible string an object was published with
 * @name: object name
 * @buf:  output buffer
 * @len:  size of @buf
 *
 * Claims and validates the descriptor the previous kernel published under
 * @name as a lookup does (and keeps it, with the verdict, for the lookups
 * that follow), without restoring the payload, and copies its compatible
 * string into @buf. After a lookup with version sets, this string (and
 * khoser_compat_version()) tells which versions were found.
 *
 * Context: Process context (may sleep); takes the registry lock.
 * Return: the string's length; -EOPNOTSUPP without KHO; -EINVAL on a bad
 * name or a refused descriptor; -ENOENT when not published; -EPROTO when
 * the string found is malformed; -ENOSPC when @buf cannot hold it and its
 * NUL (@buf then ""); -ENOMEM.
 */
int khoser_incoming_compat(const char *name, char *buf, size_t len)
{
	struct khoser_object *obj;
	ssize_t n;
	int err;

	if (!khoser_kho_usable())
		return -EOPNOTSUPP;
	if (khoser_name_valid(name)) {
		pr_err("invalid object name\n");
		return -EINVAL;
	}
	mutex_lock(&reg->lock);
	obj = find(&reg->in, name);
	if (!obj)
		obj = claim_object(name);
	err = IS_ERR(obj) ? PTR_ERR(obj) : obj->status;
	if (!err && khoser_compat_valid(obj->desc->compat)) {
		pr_err("%s: malformed compatible string in handed-over data\n",
		       name);
		err = -EPROTO;
	}
	if (!err) {
		n = buf && len ? strscpy(buf, obj->desc->compat, len) : -E2BIG;
		err = n < 0 ? -ENOSPC : n;
		if (n < 0 && buf && len)
			buf[0] = '\0';
	}
	mutex_unlock(&reg->lock);
	return err;
}
EXPORT_SYMBOL_GPL(khoser_incoming_compat);

/* --- the raw doors (the typed ones: with each structure) ------------------ */

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
 * Context: Process context (may sleep); takes the registry lock.
 * Return: 0; -EOPNOTSUPP without KHO; -EINVAL on a bad name or string;
 * -EEXIST when @name is already published; -ENOMEM; or an errno from KHO.
 */
int khoser_publish(const char *name, const char *compat, phys_addr_t phys,
		   u64 size)
{
	struct raw_payload raw = { .phys = phys, .size = size };

	return khoser_root_publish(&raw_kind, &raw, name, compat);
}
EXPORT_SYMBOL_GPL(khoser_publish);

/**
 * khoser_lookup - find an opaque object published by the previous kernel
 * @name:   object name
 * @compat: the composite compatible string this driver expects
 * @phys:   payload physical address, on success
 * @size:   payload size, on success
 *
 * Compares @compat with the published string before returning anything; on
 * a mismatch one line names the component that differs. The payload is the
 * caller's to restore (and to validate). May be called again.
 *
 * Context: Process context (may sleep); takes the registry lock.
 * Return: 0; -EOPNOTSUPP without KHO; -ENOENT when not published; -EPROTO on
 * a compatible-string or kind mismatch; -EINVAL on a bad name, string or
 * descriptor; -ENOMEM.
 */
int khoser_lookup(const char *name, const char *compat, phys_addr_t *phys,
		  u64 *size)
{
	struct raw_payload raw = { .phys_out = phys, .size_out = size };

	return khoser_root_lookup(&raw_kind, &raw, name, compat);
}
EXPORT_SYMBOL_GPL(khoser_lookup);

/* --- reboot, debugfs, module life --------------------------------------------- */

/* Two dependency components the same (NULL: the implicit v1)? */
static bool same_dep(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/*
 * At reboot into kexec, registry and structure locked: hand @obj's
 * dependency (a vbuf's chunk list) over in the format its kind asks for
 * now (write_format), rewriting it and the descriptor's string, when khoser
 * chose it at publish: not when the driver's string names it. Whatever
 * stops the rewrite, the payload, descriptor and string stay as they were,
 * and one line says in which format it is handed over.
 */
static void kexec_dep(struct khoser_object *obj)
{
	const struct khoser_kind *kind = obj->kind;
	char compat[KHOSER_COMPAT_LEN];
	const char *have, *want, *why;
	int err;

	have = kind->dep_compat ? kind->dep_compat(obj->payload) : NULL;
	want = kind->dep_want(obj->payload);
	if (same_dep(have, want))
		return;
	/* have or want NULL: the base's implicit v1. */
	if (obj->dep_named) {
		pr_warn("%s: %s stays in %s%s, which its compatible string names, not %s%s\n",
			obj->name, kind->name, have ?: kind->dep_base,
			have ? "" : "-v1", want ?: kind->dep_base,
			want ? "" : "-v1");
		return;
	}
	why = "no room for it in the compatible string";
	err = add_dep(compat, obj->compat, want);
	if (!err) {
		why = "cannot rewrite it";
		err = kind->dep_rewrite(obj->payload, want, obj->desc);
	}
	if (err) {
		pr_warn("%s: %s handed over in %s%s, not %s%s: %s (error %d)\n",
			obj->name, kind->name, have ?: kind->dep_base,
			have ? "" : "-v1", want ?: kind->dep_base,
			want ? "" : "-v1", why, err);
		return;
	}
	memcpy(obj->desc->compat, compat, sizeof(obj->desc->compat));
}

/**
 * khoser_root_kexec_seal - make every published object ready to hand over
 *
 * At reboot into kexec (khoser's reboot notifier): each published structure
 * is sealed once more (kind->kexec_seal(): a block set's trailing empty
 * blocks cut, CRCs computed) and its descriptor refreshed; a vbuf's chunk
 * list is rewritten in the format write_format asks for now, when khoser
 * chose its format (kexec_dep()). Other tasks still run: everything is
 * done under the locks their calls take, and nothing they may reach is
 * freed.
 *
 * Context: Process context (may sleep; allocates); takes the registry
 * lock, then each structure's, which kind->kexec_seal(), kind->dep_want()
 * and kind->dep_rewrite() run under.
 */
void khoser_root_kexec_seal(void)
{
	const struct khoser_kind *kind;
	struct khoser_object *obj;
	struct khoser_life *life;

	mutex_lock(&reg->lock);
	list_for_each_entry(obj, &reg->out, node) {
		kind = obj->kind;
		if (!obj->payload || (!kind->kexec_seal && !kind->dep_want))
			continue;
		life = life_of(kind, obj->payload);
		mutex_lock(&life->lock);
		if (kind->kexec_seal)
			kind->kexec_seal(obj->payload, obj->desc, obj->name);
		if (kind->dep_want)
			kexec_dep(obj);
		mutex_unlock(&life->lock);
	}
	mutex_unlock(&reg->lock);
}

static void info_of(struct khoser_object *obj, struct khoser_obj_info *info)
{
	const struct khoser_root_ser *d = obj->desc;
	const struct khoser_kind *kind = d ? kind_of(d->kind) : NULL;
	struct khoser_root_ser live;
	struct khoser_life *life;

	*info = (struct khoser_obj_info){
		.name = obj->name, .incoming = obj->incoming,
		.status = obj->status, .kind = kind ? kind->name : "?",
	};
	if (!d) {
		info->state = "error";
		return;
	}
	info->compat = d->compat;
	live = *d;
	if (obj->payload) {
		life = life_of(obj->kind, obj->payload);
		mutex_lock(&life->lock);
		obj->kind->describe(obj->payload, &live);
		info->state = life->state == KHOSER_STATE_OUT ? "published" :
			      "sealed";
		mutex_unlock(&life->lock);
	} else {
		info->state = !obj->incoming ? "published" :
			      obj->restored ? "restored" : "found";
	}
	info->size = live.size;
	info->blocks = live.nblocks;
	info->entries = live.entries;
}

/* Visit every object, outgoing first, under the registry lock. */
void khoser_root_for_each(void (*fn)(const struct khoser_obj_info *info,
				     void *arg), void *arg)
{
	struct khoser_obj_info info;
	struct khoser_object *obj;

	mutex_lock(&reg->lock);
	list_for_each_entry(obj, &reg->out, node) {
		info_of(obj, &info);
		fn(&info, arg);
	}
	list_for_each_entry(obj, &reg->in, node) {
		info_of(obj, &info);
		fn(&info, arg);
	}
	mutex_unlock(&reg->lock);
}

/* Module init: an empty registry. */
int khoser_root_init(void)
{
	unsigned int i;

	for (i = KHOSER_KIND_RAW + 1; i < ARRAY_SIZE(kinds); i++)
		kinds[i] = NULL;
	reg = kzalloc_obj(*reg);
	if (!reg)
		return -ENOMEM;
	mutex_init(&reg->lock);
	INIT_LIST_HEAD(&reg->out);
	INIT_LIST_HEAD(&reg->in);
	return 0;
}

/*
 * Module exit: drop every object still registered, then the registry. No
 * module using khoser is loaded any more, so a structure still published
 * belonged to one that did not unpublish it: it is not touched (its memory
 * may be gone), only its descriptor is withdrawn.
 */
void khoser_root_exit(void)
{
	struct khoser_object *obj, *tmp;

	mutex_lock(&reg->lock);
	list_for_each_entry_safe(obj, tmp, &reg->out, node) {
		if (obj->payload)
			pr_warn("%s: still published at unload; withdrawn\n",
				obj->name);
		obj->payload = NULL;
		drop_object(obj);
	}
	list_for_each_entry_safe(obj, tmp, &reg->in, node)
		drop_object(obj);
	mutex_unlock(&reg->lock);
	mutex_destroy(&reg->lock);
	kfree(reg);
	reg = NULL;
}
