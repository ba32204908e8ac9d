// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel-API shim: simulated boots. A cold boot starts from empty RAM; a
 * kexec runs the reboot notifiers (kernel_kexec() -> kernel_restart_prepare()
 * with SYS_RESTART and "kexec reboot"), then hands preserved memory and
 * subtrees over (kho.c) and starts a new kernel: no kmalloc memory,
 * mappings, module, debugfs files or notifiers of the old one survive.
 * Boots are not meant to race anything.
 */
#include "internal.h"
#include <linux/reboot.h>

static void new_kernel(void)
{
	shim_module_new_boot();
	shim_debugfs_new_boot();
	shim_lock();
	shim_vm_reset();
	shim_slab_new_boot();
	shim_fail_reset(0);
	shim_unlock();
}

void shim_boot(bool kho_enabled)
{
	shim_lock();
	if (!shim_ram)
		shim_mm_init();
	shim_vm_reset();
	shim_mm_new_boot();
	shim_kho_boot(kho_enabled);
	shim_log_reset();
	shim_frag_order = MAX_PAGE_ORDER;
	shim_unlock();
	new_kernel();
}

void shim_kexec(bool kho_enabled)
{
	shim_reboot_notify(SYS_RESTART, "kexec reboot");
	shim_lock();
	shim_vm_reset();
	shim_kho_kexec(kho_enabled);
	shim_mm_kexec();
	shim_unlock();
	new_kernel();
}

void shim_fini(void)
{
	new_kernel();
	shim_lock();
	shim_kho_fini();
	shim_mm_fini();
	shim_unlock();
}
