/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for <linux/seq_file.h> (debugfs.c): single_open()
 * files as 7.2's seq_read() runs them. The show function prints into a
 * buffer of PAGE_SIZE; when it overflows, the buffer is doubled and show
 * runs again (so show must not have side effects), then read() copies out
 * from it.
 */
#ifndef _KHOSER_SHIM_SEQ_FILE_H
#define _KHOSER_SHIM_SEQ_FILE_H

#include "../../kshim.h"
#include <linux/fs.h>

struct seq_file {
	char *buf;
	size_t size;
	size_t count;
	size_t from;	/* next byte to copy out */
	bool done;	/* show has run to completion */
	int (*show)(struct seq_file *m, void *v);
	void *private;
};

#define SEQ_START_TOKEN ((void *)1)

void seq_printf(struct seq_file *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void seq_puts(struct seq_file *m, const char *s);
void seq_putc(struct seq_file *m, char c);
void seq_write(struct seq_file *m, const void *data, size_t len);
bool seq_has_overflowed(struct seq_file *m);

int single_open(struct file *file, int (*show)(struct seq_file *m, void *v),
		void *data);
int single_release(struct inode *inode, struct file *file);
ssize_t seq_read(struct file *file, char __user *buf, size_t len,
		 loff_t *ppos);
loff_t seq_lseek(struct file *file, loff_t off, int whence);

#define DEFINE_SHOW_ATTRIBUTE(__name)					\
static int __name##_open(struct inode *inode, struct file *file)	\
{									\
	return single_open(file, __name##_show, inode->i_private);	\
}									\
									\
static const struct file_operations __name##_fops = {			\
	.owner		= THIS_MODULE,					\
	.open		= __name##_open,				\
	.read		= seq_read,					\
	.llseek		= seq_lseek,					\
	.release	= single_release,				\
}

#endif
