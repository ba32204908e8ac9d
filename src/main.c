// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoser module: status parameters, write_format, the reboot hook that seals
 * published objects before kexec, and debugfs.
 *
 * DOC: module glue
 *
 * Init decides availability and creates the registry (khoser_core_init()), registers
 * the reboot notifier and debugfs. The notifier runs in kernel_kexec()
 * before the jump, while other tasks still run: the root seals under the
 * registry lock, then each structure's (khoser_root_kexec_seal()). That is also where
 * write_format reaches the vbufs published before it was set: their chunk
 * lists are rewritten in the format it names then, so the parameter may
 * be set any time before kexec.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/notifier.h>
#include <linux/reboot.h>
#include <linux/sysfs.h>
#include <khoser/khoser.h>
#include "block_int.h"
#include "kho.h"
#include "common.h"

static int get_enabled(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%c\n", khoser_is_enabled() ? 'Y' : 'N');
}

static int get_kho_boot(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%c\n", khoser_is_kho_boot() ? 'Y' : 'N');
}

static const struct kernel_param_ops enabled_ops = { .get = get_enabled };
static const struct kernel_param_ops kho_boot_ops = { .get = get_kho_boot };
module_param_cb(kho_enabled, &enabled_ops, NULL, 0444);
MODULE_PARM_DESC(kho_enabled, "KHO usable by khoser (read-only)");
module_param_cb(kho_boot, &kho_boot_ops, NULL, 0444);
MODULE_PARM_DESC(kho_boot, "booted by a KHO kexec (read-only)");

/*
 * write_format: 1 or 2, the block format of khoser's own metadata. Read
 * when a vbuf is preserved and again at kexec (DOC "vbuf
 * chunk-list format").
 */
static int set_write_format(const char *val, const struct kernel_param *kp)
{
	unsigned int v;
	int err = kstrtouint(val, 0, &v);

	if (err)
		return err;
	if (!khoser_block_format(v))
		return -EINVAL;
	WRITE_ONCE(khoser_own_format, v);
	return 0;
}

static const struct kernel_param_ops write_format_ops = {
	.set = set_write_format,
	.get = param_get_uint,
};
module_param_cb(write_format, &write_format_ops, &khoser_own_format, 0644);
MODULE_PARM_DESC(write_format,
		 "block format of khoser's own metadata (vbuf chunk lists; published ones rewritten at kexec): 2 (default), or 1 for a kernel whose khoser reads only khoser-block-v1");

static int khoser_reboot(struct notifier_block *nb, unsigned long action,
			 void *data)
{
	khoser_root_kexec_seal();
	return NOTIFY_DONE;
}

static struct notifier_block reboot_nb = {
	.notifier_call = khoser_reboot,
};

static int __init khoser_init(void)
{
	int err = khoser_core_init();

	if (err)
		return err;
	err = register_reboot_notifier(&reboot_nb);
	if (err) {
		khoser_core_exit();
		return err;
	}
	khoser_debugfs_init();
	return 0;
}

static void __exit khoser_exit(void)
{
	khoser_debugfs_exit();
	unregister_reboot_notifier(&reboot_nb);
	khoser_core_exit();
}

module_init(khoser_init);
module_exit(khoser_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Serializers for Kexec HandOver");
MODULE_AUTHOR("khoser developers");
MODULE_VERSION("0.1.0");
/* Read by khoserctl and the DKMS publish step: built with a usable KHO API? */
MODULE_INFO(kho_api, KHOSER_KHO_API_INFO);
