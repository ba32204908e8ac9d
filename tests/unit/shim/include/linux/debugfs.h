/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for <linux/debugfs.h> (debugfs.c): directories and
 * files in a small table, read through shim_debugfs_read() as read(2)
 * would read them. As 7.2: creating a name that exists gives
 * ERR_PTR(-EEXIST), an error pointer as parent is passed back, removing
 * NULL or an error pointer does nothing, and removal waits for file
 * operations in progress (later reads of a file still open get -EIO).
 */
#ifndef _KHOSER_SHIM_DEBUGFS_H
#define _KHOSER_SHIM_DEBUGFS_H

#include "../../kshim.h"
#include <linux/fs.h>

struct dentry;

struct dentry *debugfs_create_dir(const char *name, struct dentry *parent);
struct dentry *debugfs_create_file(const char *name, umode_t mode,
				   struct dentry *parent, void *data,
				   const struct file_operations *fops);
void debugfs_remove(struct dentry *dentry);
void debugfs_remove_recursive(struct dentry *dentry);

/*
 * Test hooks. shim_debugfs_read() opens @path (relative to debugfs' root,
 * e.g. "khoser/objects"), reads it to the end in small read() calls and
 * releases it, like cat(1). It stores up to @len - 1 bytes and a NUL in
 * @buf and returns the file's full length (more than @len - 1: truncated),
 * or a negative errno (-ENOENT: no such file).
 */
long shim_debugfs_read(const char *path, char *buf, size_t len);
int shim_debugfs_entries(void);	/* files and directories */

#endif
