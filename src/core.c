// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoser core: whether KHO is usable, and the registry's life.
 *
 * DOC: availability
 *
 * khoser decides once, at init, whether it can use KHO: the kernel it was
 * built for exports a KHO API khoser knows (src/compat/probe.sh) and KHO is
 * enabled (kho=on). When not, the module still loads and every call that
 * would touch KHO fails with -EOPNOTSUPP.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/export.h>
#include <linux/printk.h>
#include <khoser/khoser.h>
#include "kho.h"
#include "common.h"

/**
 * khoser_is_enabled - whether khoser can preserve and restore
 *
 * True when the running kernel exports a KHO API khoser was built for and
 * KHO is enabled (kho=on). When false, every call that would touch KHO
 * fails with -EOPNOTSUPP.
 *
 * Context: Any context.
 * Return: true when KHO is usable.
 */
bool khoser_is_enabled(void)
{
	return khoser_kho_usable();
}
EXPORT_SYMBOL_GPL(khoser_is_enabled);

/**
 * khoser_is_kho_boot - whether this kernel was started by a KHO kexec
 *
 * Context: Any context.
 * Return: true when KHO is usable and the previous kernel handed over state.
 */
bool khoser_is_kho_boot(void)
{
	return khoser_kho_boot();
}
EXPORT_SYMBOL_GPL(khoser_is_kho_boot);

/* The structures the named root drives (see "adding a structure kind"). */
static const struct khoser_kind * const kinds[] = {
	&khoser_block_kind, &khoser_sarray_kind, &khoser_vbuf_kind,
};

/* Decide availability, set up the registry and register the kinds. */
int khoser_core_init(void)
{
	int err = khoser_root_init();
	unsigned int i;

	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(kinds) && !err; i++)
		err = khoser_root_register(kinds[i]);
	if (err) {
		khoser_root_exit();
		return err;
	}
	khoser_kho_probe();
	if (!khoser_kho_api())
		pr_info("kernel built without a usable KHO API: unavailable\n");
	else
		pr_info("KHO %s%s\n", khoser_is_enabled() ? "enabled" : "disabled",
			khoser_is_kho_boot() ? ", KHO boot" : "");
	return 0;
}

void khoser_core_exit(void)
{
	khoser_root_exit();
	khoser_kho_exit();
}
