/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for <linux/moduleparam.h>: module_param_cb() registers
 * the parameter (at program start) so a test can read it as
 * /sys/module/<mod>/parameters/<name> would show it, while the module is
 * loaded.
 */
#ifndef _KHOSER_SHIM_MODULEPARAM_H
#define _KHOSER_SHIM_MODULEPARAM_H

#include "../../kshim.h"

struct kernel_param;

struct kernel_param_ops {
	unsigned int flags;
	int (*set)(const char *val, const struct kernel_param *kp);
	int (*get)(char *buffer, const struct kernel_param *kp);
	void (*free)(void *arg);
};

struct kernel_param {
	const char *name;
	const struct kernel_param_ops *ops;
	unsigned short perm;
	void *arg;
};

void shim_param_register(const struct kernel_param *kp);

#define module_param_cb(name, ops_, arg_, perm_)			\
	static const struct kernel_param __param_##name = {		\
		#name, ops_, perm_, arg_ };				\
	__attribute__((constructor)) static void __param_reg_##name(void) \
	{								\
		shim_param_register(&__param_##name);			\
	}								\
	extern int shim_param_defined_##name

/*
 * Test hook: read parameter @name as sysfs would (get() into a fresh page),
 * copying up to @len - 1 bytes and a NUL into @buf. Returns get()'s value;
 * -ENOENT when the module is not loaded or has no such parameter.
 */
int shim_param_read(const char *name, char *buf, size_t len);
/* Test hook: write parameter @name as sysfs would; set()'s value. */
int shim_param_write(const char *name, const char *val);

int param_get_uint(char *buffer, const struct kernel_param *kp);
int kstrtouint(const char *s, unsigned int base, unsigned int *res);

#endif
