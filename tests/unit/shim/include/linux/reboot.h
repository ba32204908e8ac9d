/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for <linux/reboot.h>: the reboot notifier chain
 * (module.c), a blocking chain as in 7.2: higher priority first, a block
 * registered twice WARNs and gives -EEXIST, unregistering an unknown one
 * gives -ENOENT, a callback returning NOTIFY_STOP_MASK ends the call.
 */
#ifndef _KHOSER_SHIM_REBOOT_H
#define _KHOSER_SHIM_REBOOT_H

#include "../../kshim.h"
#include <linux/notifier.h>

#define SYS_DOWN 0x0001
#define SYS_RESTART SYS_DOWN
#define SYS_HALT 0x0002
#define SYS_POWER_OFF 0x0003

int register_reboot_notifier(struct notifier_block *nb);
int unregister_reboot_notifier(struct notifier_block *nb);

/*
 * Test hooks. shim_reboot() calls the chain with @action and NULL data
 * (the reboot(2) path; shim_kexec() passes SYS_RESTART and "kexec reboot"
 * as kernel_kexec() does), without any shim lock held, so it can run on a
 * thread of its own against others.
 */
void shim_reboot(unsigned long action);
int shim_reboot_notifiers(void);	/* registered blocks */

#endif
