/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for the bits of <linux/fs.h> debugfs files use. */
#ifndef _KHOSER_SHIM_FS_H
#define _KHOSER_SHIM_FS_H

#include "../../kshim.h"

/* loff_t: glibc's (sys/types.h). */
typedef unsigned short umode_t;

struct module;

struct inode {
	void *i_private;
};

struct file {
	void *private_data;
	loff_t f_pos;
};

struct file_operations {
	struct module *owner;
	int (*open)(struct inode *inode, struct file *file);
	ssize_t (*read)(struct file *file, char __user *buf, size_t len,
			loff_t *ppos);
	loff_t (*llseek)(struct file *file, loff_t off, int whence);
	int (*release)(struct inode *inode, struct file *file);
};

#endif
