// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel-API shim: loading the module (module_init()/module_exit() of
 * linux/module.h here), its parameters and sysfs_emit(), and the reboot
 * notifier chain (kernel/reboot.c, kernel/notifier.c of 7.2).
 */
#include <stdarg.h>
#include "internal.h"
#include <linux/module.h>
#include <linux/reboot.h>
#include <linux/sysfs.h>

static bool loaded;

int shim_module_load(int (*init)(void))
{
	int err;

	if (shim_module_loaded())
		shim_die("module loaded twice");
	err = init();
	if (!err) {
		shim_lock();
		loaded = true;
		shim_unlock();
	}
	return err;
}

void shim_module_unload(void (*exit)(void))
{
	if (!shim_module_loaded())
		shim_die("module unloaded while not loaded");
	exit();
	shim_lock();
	loaded = false;
	shim_unlock();
}

bool shim_module_loaded(void)
{
	bool r;

	shim_lock();
	r = loaded;
	shim_unlock();
	return r;
}

/* --- parameters ----------------------------------------------------------- */

#define MAX_PARAMS 32
static const struct kernel_param *params[MAX_PARAMS];
static unsigned int nparams;

void shim_param_register(const struct kernel_param *kp)
{
	if (nparams == MAX_PARAMS)
		shim_die("too many module parameters");
	params[nparams++] = kp;
}

int shim_param_read(const char *name, char *buf, size_t len)
{
	const struct kernel_param *kp = NULL;
	unsigned int i;
	char *page;
	int ret;

	for (i = 0; i < nparams; i++)
		if (!strcmp(params[i]->name, name))
			kp = params[i];
	if (!kp || !shim_module_loaded())
		return -ENOENT;
	if (!kp->ops->get)
		return -EPERM;
	page = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	if (!page)
		shim_die("out of host memory");
	memset(page, 0, PAGE_SIZE);
	ret = kp->ops->get(page, kp);
	if (len) {
		strncpy(buf, page, len - 1);
		buf[len - 1] = '\0';
	}
	free(page);
	return ret;
}

int shim_param_write(const char *name, const char *val)
{
	const struct kernel_param *kp = NULL;
	unsigned int i;

	for (i = 0; i < nparams; i++)
		if (!strcmp(params[i]->name, name))
			kp = params[i];
	if (!kp || !shim_module_loaded())
		return -ENOENT;
	if (!kp->ops->set || !(kp->perm & 0200))
		return -EPERM;
	return kp->ops->set(val, kp);
}

int param_get_uint(char *buffer, const struct kernel_param *kp)
{
	return sysfs_emit(buffer, "%u\n", *(unsigned int *)kp->arg);
}

/* lib/kstrtox.c: digits in @base (0: 0x/0 prefixes), one trailing newline. */
int kstrtouint(const char *s, unsigned int base, unsigned int *res)
{
	unsigned long long v;
	char *end;

	if (!*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (*end == '\n')
		end++;
	if (end == s || *end)
		return -EINVAL;
	if (errno == ERANGE || v > UINT_MAX)
		return -ERANGE;
	*res = v;
	return 0;
}

int sysfs_emit(char *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!buf || ((unsigned long)buf & (PAGE_SIZE - 1))) {
		shim_warn("invalid sysfs_emit: buf not at the start of a page");
		return 0;
	}
	va_start(ap, fmt);
	n = vsnprintf(buf, PAGE_SIZE, fmt, ap);
	va_end(ap);
	if (n < 0)
		return 0;
	return n < (int)PAGE_SIZE ? n : (int)PAGE_SIZE - 1;
}

/* --- reboot notifiers --------------------------------------------- */

static pthread_rwlock_t chain_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct notifier_block *chain;

int register_reboot_notifier(struct notifier_block *nb)
{
	struct notifier_block **pp;
	int err = 0;

	pthread_rwlock_wrlock(&chain_lock);
	for (pp = &chain; *pp; pp = &(*pp)->next) {
		if (*pp == nb) {
			err = -EEXIST;
			break;
		}
		if (nb->priority > (*pp)->priority)
			break;
	}
	if (!err) {
		nb->next = *pp;
		*pp = nb;
	}
	pthread_rwlock_unlock(&chain_lock);
	if (err)
		shim_warn("notifier callback already registered");
	return err;
}

int unregister_reboot_notifier(struct notifier_block *nb)
{
	struct notifier_block **pp;
	int err = -ENOENT;

	pthread_rwlock_wrlock(&chain_lock);
	for (pp = &chain; *pp; pp = &(*pp)->next) {
		if (*pp == nb) {
			*pp = nb->next;
			err = 0;
			break;
		}
	}
	pthread_rwlock_unlock(&chain_lock);
	return err;
}

void shim_reboot_notify(unsigned long action, void *data)
{
	struct notifier_block *nb;
	int ret;

	pthread_rwlock_rdlock(&chain_lock);
	for (nb = chain; nb; nb = nb->next) {
		ret = nb->notifier_call(nb, action, data);
		if (ret & NOTIFY_STOP_MASK)
			break;
	}
	pthread_rwlock_unlock(&chain_lock);
}

void shim_reboot(unsigned long action)
{
	shim_reboot_notify(action, NULL);
}

int shim_reboot_notifiers(void)
{
	struct notifier_block *nb;
	int n = 0;

	pthread_rwlock_rdlock(&chain_lock);
	for (nb = chain; nb; nb = nb->next)
		n++;
	pthread_rwlock_unlock(&chain_lock);
	return n;
}

/* A new kernel: no module loaded, no notifiers. */
void shim_module_new_boot(void)
{
	shim_lock();
	loaded = false;
	shim_unlock();
	pthread_rwlock_wrlock(&chain_lock);
	chain = NULL;
	pthread_rwlock_unlock(&chain_lock);
}
