/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * khoser named root: publish an object under a name before kexec, find it by
 * name (and composite compatible string) after.
 */
#ifndef _KHOSER_ROOT_H
#define _KHOSER_ROOT_H

#include <linux/types.h>
#include <khoser/abi/root.h>

/* Longest object name, without the terminating NUL. */
#define KHOSER_NAME_MAX		(KHOSER_NAME_LEN - 1)

int khoser_publish(const char *name, const char *compat, phys_addr_t phys,
		   u64 size);
int khoser_lookup(const char *name, const char *compat, phys_addr_t *phys,
		  u64 *size);
int khoser_unpublish(const char *name);
int khoser_release(const char *name);
int khoser_incoming_compat(const char *name, char *buf, size_t len);
int khoser_name_valid(const char *name);

#endif /* _KHOSER_ROOT_H */
