// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel-API shim: debugfs (fs/debugfs/ of 7.2, as a module sees it) and
 * single_open() seq_files (fs/seq_file.c).
 *
 * Entries live in a list under their own lock. Each file operation runs
 * with the entry "active"; debugfs_remove_recursive() marks the entries
 * removed and waits until none is active, as debugfs' file proxy does, so
 * a show function never runs after removal returned; a later read() of a
 * file still open gets -EIO, release() still runs.
 */
#include <stdarg.h>
#include "internal.h"
#include <linux/debugfs.h>
#include <linux/seq_file.h>

struct dentry {
	struct dentry *next;
	struct dentry *parent;
	const struct file_operations *fops;	/* NULL: a directory */
	void *data;
	int refs;	/* the table's (until removed) and open files' */
	int active;	/* file operations in progress */
	bool removed;
	char name[];
};

static pthread_mutex_t dlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t dcond = PTHREAD_COND_INITIALIZER;
static struct dentry *entries;

static struct dentry *lookup(struct dentry *parent, const char *name)
{
	struct dentry *d;

	for (d = entries; d; d = d->next)
		if (d->parent == parent && !d->removed &&
		    !strcmp(d->name, name))
			return d;
	return NULL;
}

static struct dentry *create(const char *name, struct dentry *parent,
			     void *data, const struct file_operations *fops)
{
	struct dentry *d;

	if (IS_ERR(parent))
		return parent;
	pthread_mutex_lock(&dlock);
	if (lookup(parent, name)) {
		pthread_mutex_unlock(&dlock);
		shim_printk(KERN_ERR, "debugfs: '%s' already exists in '%s'\n",
			    name, parent ? parent->name : "");
		return ERR_PTR(-EEXIST);
	}
	d = calloc(1, sizeof(*d) + strlen(name) + 1);
	if (!d)
		shim_die("out of host memory");
	strcpy(d->name, name);
	d->parent = parent;
	d->fops = fops;
	d->data = data;
	d->refs = 1;
	if (parent)
		parent->refs++;
	d->next = entries;
	entries = d;
	pthread_mutex_unlock(&dlock);
	return d;
}

struct dentry *debugfs_create_dir(const char *name, struct dentry *parent)
{
	return create(name, parent, NULL, NULL);
}

struct dentry *debugfs_create_file(const char *name, umode_t mode,
				   struct dentry *parent, void *data,
				   const struct file_operations *fops)
{
	static const struct file_operations none;

	return create(name, parent, data, fops ? fops : &none);
}

static bool below(const struct dentry *d, const struct dentry *top)
{
	for (; d; d = d->parent)
		if (d == top)
			return true;
	return false;
}

/* Drop a reference (a child holds one on its parent); dlock held. */
static void put(struct dentry *d)
{
	struct dentry **pp, *parent;

	while (d && !--d->refs) {
		for (pp = &entries; *pp != d; pp = &(*pp)->next)
			;
		*pp = d->next;
		parent = d->parent;
		free(d);
		d = parent;
	}
}

void debugfs_remove_recursive(struct dentry *top)
{
	struct dentry *d, **gone;
	size_t n = 0, i;

	if (IS_ERR_OR_NULL(top))
		return;
	pthread_mutex_lock(&dlock);
	for (d = entries; d; d = d->next)
		n++;
	gone = calloc(n + 1, sizeof(*gone));
	if (!gone)
		shim_die("out of host memory");
	n = 0;
	for (d = entries; d; d = d->next) {
		if (!d->removed && below(d, top)) {
			d->removed = true;
			gone[n++] = d;
		}
	}
	for (;;) {
		for (i = 0; i < n && !gone[i]->active; i++)
			;
		if (i == n)
			break;
		pthread_cond_wait(&dcond, &dlock);
	}
	for (i = 0; i < n; i++)
		put(gone[i]);	/* the table's reference */
	pthread_mutex_unlock(&dlock);
	free(gone);
}

void debugfs_remove(struct dentry *dentry)
{
	debugfs_remove_recursive(dentry);
}

static struct dentry *find_path(const char *path)
{
	struct dentry *d = NULL;
	char part[256];
	const char *s = path, *e;

	while (*s) {
		e = strchrnul(s, '/');
		if ((size_t)(e - s) >= sizeof(part))
			return NULL;
		memcpy(part, s, e - s);
		part[e - s] = '\0';
		d = lookup(d, part);
		if (!d)
			return NULL;
		s = *e ? e + 1 : e;
	}
	return d;
}

/* Run one file operation on @d unless it was removed; dlock not held. */
static bool enter(struct dentry *d)
{
	bool ok;

	pthread_mutex_lock(&dlock);
	ok = !d->removed;
	if (ok)
		d->active++;
	pthread_mutex_unlock(&dlock);
	return ok;
}

static void leave(struct dentry *d)
{
	pthread_mutex_lock(&dlock);
	d->active--;
	pthread_cond_broadcast(&dcond);
	pthread_mutex_unlock(&dlock);
}

long shim_debugfs_read(const char *path, char *buf, size_t len)
{
	struct inode inode = { 0 };
	struct file file = { 0 };
	struct dentry *d;
	long total = 0;
	ssize_t n;
	char chunk[61];	/* odd-sized reads, as short user buffers do */
	int err = 0;

	pthread_mutex_lock(&dlock);
	d = find_path(path);
	if (d && !d->fops)
		err = -EISDIR;
	else if (!d)
		err = -ENOENT;
	else
		d->refs++;	/* the open file's */
	pthread_mutex_unlock(&dlock);
	if (err)
		return err;
	if (len)
		buf[0] = '\0';
	inode.i_private = d->data;
	if (!enter(d)) {
		err = -ENOENT;
		goto put;
	}
	if (d->fops->open)
		err = d->fops->open(&inode, &file);
	leave(d);
	if (err)
		goto put;
	for (;;) {
		if (!d->fops->read) {
			err = -EINVAL;
			break;
		}
		if (!enter(d)) {
			err = -EIO;
			break;
		}
		n = d->fops->read(&file, chunk, sizeof(chunk), &file.f_pos);
		leave(d);
		if (n <= 0) {
			err = n;
			break;
		}
		if (len && (size_t)total < len - 1) {
			size_t k = min((size_t)n, len - 1 - total);

			memcpy(buf + total, chunk, k);
			buf[total + k] = '\0';
		}
		total += n;
	}
	if (d->fops->release)
		d->fops->release(&inode, &file);
put:
	pthread_mutex_lock(&dlock);
	put(d);
	pthread_mutex_unlock(&dlock);
	return err ? err : total;
}

int shim_debugfs_entries(void)
{
	struct dentry *d;
	int n = 0;

	pthread_mutex_lock(&dlock);
	for (d = entries; d; d = d->next)
		n += !d->removed;
	pthread_mutex_unlock(&dlock);
	return n;
}

/* A new kernel has an empty debugfs (no file is open across a boot). */
void shim_debugfs_new_boot(void)
{
	struct dentry *d;

	pthread_mutex_lock(&dlock);
	while ((d = entries)) {
		entries = d->next;
		free(d);
	}
	pthread_mutex_unlock(&dlock);
}

/* --- seq_file ----------------------------------------------------------- */

void seq_printf(struct seq_file *m, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (m->count < m->size) {
		va_start(ap, fmt);
		n = vsnprintf(m->buf + m->count, m->size - m->count, fmt, ap);
		va_end(ap);
		if (n >= 0 && m->count + n < m->size) {
			m->count += n;
			return;
		}
	}
	m->count = m->size;	/* overflow: show runs again, larger */
}

void seq_write(struct seq_file *m, const void *data, size_t len)
{
	if (m->count + len < m->size) {
		memcpy(m->buf + m->count, data, len);
		m->count += len;
		return;
	}
	m->count = m->size;
}

void seq_puts(struct seq_file *m, const char *s)
{
	seq_write(m, s, strlen(s));
}

void seq_putc(struct seq_file *m, char c)
{
	if (m->count >= m->size)
		return;
	m->buf[m->count++] = c;
}

bool seq_has_overflowed(struct seq_file *m)
{
	return m->count == m->size;
}

int single_open(struct file *file, int (*show)(struct seq_file *m, void *v),
		void *data)
{
	struct seq_file *m = calloc(1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	m->show = show;
	m->private = data;
	file->private_data = m;
	return 0;
}

int single_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;

	free(m->buf);
	free(m);
	file->private_data = NULL;
	return 0;
}

/* Run show until its output fits, doubling the buffer from PAGE_SIZE. */
static int fill(struct seq_file *m)
{
	int ret;

	for (m->size = PAGE_SIZE;; m->size *= 2) {
		free(m->buf);
		m->buf = malloc(m->size);
		if (!m->buf)
			shim_die("out of host memory");
		m->count = 0;
		ret = m->show(m, SEQ_START_TOKEN);
		if (ret < 0)
			return ret;
		if (ret > 0)	/* SEQ_SKIP: discard */
			m->count = 0;
		if (!seq_has_overflowed(m))
			return 0;
	}
}

ssize_t seq_read(struct file *file, char __user *buf, size_t len,
		 loff_t *ppos)
{
	struct seq_file *m = file->private_data;
	size_t n;
	int err;

	if (!m->done) {
		err = fill(m);
		if (err)
			return err;
		m->done = true;
	}
	n = min(len, m->count - m->from);
	memcpy(buf, m->buf + m->from, n);
	m->from += n;
	*ppos += n;
	return n;
}

loff_t seq_lseek(struct file *file, loff_t off, int whence)
{
	struct seq_file *m = file->private_data;

	if (whence != 0 || off < 0)
		return -EINVAL;
	if (off == 0) {
		m->done = false;
		m->from = 0;
	} else if (m->done && (size_t)off <= m->count) {
		m->from = off;
	} else {
		return -EINVAL;
	}
	file->f_pos = off;
	return off;
}
