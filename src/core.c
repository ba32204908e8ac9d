// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoser core state: whether KHO is usable, and the registry's life.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/export.h>
#include <linux/printk.h>
#include "compat/kho.h"
#include "internal.h"

static bool available;

bool khoser_available(void)
{
	return available;
}

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
	return available;
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
	return available && khoser_kho_boot();
}
EXPORT_SYMBOL_GPL(khoser_is_kho_boot);

/* Decide availability and set up the registry. */
int khoser_core_init(void)
{
	int err = khoser_root_init();

	if (err)
		return err;
	available = khoser_kho_api() && khoser_kho_enabled();
	if (!khoser_kho_api())
		pr_info("kernel built without a usable KHO API: unavailable\n");
	else
		pr_info("KHO %s%s\n", available ? "enabled" : "disabled",
			khoser_is_kho_boot() ? ", KHO boot" : "");
	return 0;
}

void khoser_core_exit(void)
{
	khoser_root_exit();
	available = false;
}
