// SPDX-License-Identifier: GPL-2.0-only
/*
 * debugfs khoser/: "objects" lists outgoing and incoming objects, "formats"
 * the compatible strings this build implements, "status" what khoser sees.
 *
 * DOC: debugfs
 *
 * objects columns: size is the entry size (block), value size (sarray) or
 * byte length (vbuf, raw); blocks the chain's blocks or pages (block,
 * sarray) or the buffer's pages (vbuf); entries the entries, or a vbuf's
 * chunks. The named root fills each line from a snapshot taken under its
 * registry lock and the structure's own lock (khoser_root_for_each()), so a read never
 * races the owner of a published structure.
 *
 * status: kho_api, kho_enabled, kho_boot (0 or 1) and preserved_pages, the
 * pages khoser itself holds preserved for the next kernel (0 once every
 * structure is destroyed or unpublished and destroyed); then the claim
 * ledger (DOC "ledger of claimed pages"): claimed_pages, the
 * previous kernel's pages khoser holds now, released_pages, those it
 * released or handed on, ledger_ranges and ledger_bytes, its size.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <khoser/khoser.h>
#include "kho.h"
#include "common.h"

static struct dentry *dir;

static void show_object(const struct khoser_obj_info *info, void *arg)
{
	struct seq_file *m = arg;

	if (!info->compat) {
		seq_printf(m, "in\t%s\t-\t-\t0\t0\t0\terror %d\n", info->name,
			   info->status);
		return;
	}
	seq_printf(m, "%s\t%s\t%s\t%s\t%llu\t%llu\t%llu\t%s\n",
		   info->incoming ? "in" : "out", info->name, info->kind,
		   info->compat, (unsigned long long)info->size,
		   (unsigned long long)info->blocks,
		   (unsigned long long)info->entries, info->state);
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
	const char *f;
	unsigned int i;

	for (i = 0; (f = khoser_compat_format(i)); i++)
		seq_printf(m, "%s\n", f);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(formats);

static int status_show(struct seq_file *m, void *v)
{
	struct khoser_ledger_stats st;

	khoser_kho_ledger_stats(&st);
	seq_printf(m, "kho_api\t%d\nkho_enabled\t%d\nkho_boot\t%d\npreserved_pages\t%ld\n",
		   khoser_kho_api(), khoser_is_enabled(),
		   khoser_is_kho_boot(), khoser_kho_preserved_pages());
	seq_printf(m, "claimed_pages\t%lu\nreleased_pages\t%lu\nledger_ranges\t%lu\nledger_bytes\t%lu\n",
		   st.owned, st.spent, st.ranges, st.bytes);
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
