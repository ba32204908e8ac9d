// SPDX-License-Identifier: GPL-2.0-only
/*
 * debugfs khoser/: "objects" lists outgoing and incoming objects, "formats"
 * the compatible strings this build implements.
 *
 * objects columns: size is the entry size (block), value size (sarray) or
 * byte length (vbuf); blocks the chain's blocks or pages (block, sarray) or
 * the buffer's pages (vbuf); entries the entries, or a vbuf's chunks.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include "compat/kho.h"
#include "internal.h"

static struct dentry *dir;

static const char *kind_name(u64 kind)
{
	switch (kind) {
	case KHOSER_KIND_RAW:
		return "raw";
	case KHOSER_KIND_BLOCK:
		return "block";
	case KHOSER_KIND_SARRAY:
		return "sarray";
	case KHOSER_KIND_VBUF:
		return "vbuf";
	default:
		return "?";
	}
}

static void show_object(const struct khoser_object *obj, void *arg)
{
	const struct khoser_root_ser *d = obj->desc;
	struct seq_file *m = arg;
	u64 blocks = 0, entries = 0;

	if (!d) {
		seq_printf(m, "in\t%s\t-\t-\t0\t0\t0\terror %d\n", obj->name,
			   obj->status);
		return;
	}
	if (obj->bs) {
		blocks = obj->bs->nblocks;
		entries = khoser_block_set_entries(obj->bs);
	} else {
		blocks = d->nblocks;
		entries = d->entries;
	}
	seq_printf(m, "%s\t%s\t%s\t%s\t%llu\t%llu\t%llu\t%s\n",
		   obj->incoming ? "in" : "out", obj->name, kind_name(d->kind),
		   d->compat, (unsigned long long)d->size,
		   (unsigned long long)blocks, (unsigned long long)entries,
		   !obj->incoming ? "published" :
		   obj->restored ? "restored" : "found");
}

static int objects_show(struct seq_file *m, void *v)
{
	seq_puts(m, "dir\tname\tkind\tcompat\tsize\tblocks\tentries\tstate\n");
	khoser_root_for_each(show_object, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(objects);

static int formats_show(struct seq_file *m, void *v)
{
	unsigned int i;

	for (i = 0; i < khoser_compat_nformats(); i++)
		seq_printf(m, "%s\n", khoser_compat_format(i));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(formats);

static int status_show(struct seq_file *m, void *v)
{
	seq_printf(m, "kho_api\t%d\nkho_enabled\t%d\nkho_boot\t%d\n",
		   khoser_kho_api(), khoser_is_enabled(),
		   khoser_is_kho_boot());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(status);

void khoser_debugfs_init(void)
{
	dir = debugfs_create_dir("khoser", NULL);
	debugfs_create_file("objects", 0444, dir, NULL, &objects_fops);
	debugfs_create_file("formats", 0444, dir, NULL, &formats_fops);
	debugfs_create_file("status", 0444, dir, NULL, &status_fops);
}

void khoser_debugfs_exit(void)
{
	debugfs_remove_recursive(dir);
}
