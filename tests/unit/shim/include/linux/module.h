/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for <linux/module.h>. module_init(fn) and
 * module_exit(fn) define shim_module_init() and shim_module_exit() (kshim.h)
 * which load and unload the module through module.c; the MODULE_*() tags
 * are dropped.
 */
#ifndef _KHOSER_SHIM_MODULE_H
#define _KHOSER_SHIM_MODULE_H

#include "../../kshim.h"
#include <linux/moduleparam.h>

int shim_module_load(int (*init)(void));
void shim_module_unload(void (*exit)(void));

#define module_init(fn)							\
	int shim_module_init(void) { return shim_module_load(fn); }	\
	extern int shim_module_init_defined
#define module_exit(fn)							\
	void shim_module_exit(void) { shim_module_unload(fn); }	\
	extern int shim_module_exit_defined

#define MODULE_TAG_ extern int shim_module_tag_unused
#define MODULE_LICENSE(s) MODULE_TAG_
#define MODULE_DESCRIPTION(s) MODULE_TAG_
#define MODULE_AUTHOR(s) MODULE_TAG_
#define MODULE_VERSION(s) MODULE_TAG_
#define MODULE_INFO(tag, s) MODULE_TAG_
#define MODULE_PARM_DESC(name, s) MODULE_TAG_

#endif
