/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * khoser: serializers for Kexec HandOver. Consumer drivers include this.
 */
#ifndef _KHOSER_KHOSER_H
#define _KHOSER_KHOSER_H

#include <linux/types.h>
#include <khoser/block.h>
#include <khoser/compatible.h>
#include <khoser/root.h>
#include <khoser/sarray.h>
#include <khoser/vbuf.h>

bool khoser_is_enabled(void);
bool khoser_is_kho_boot(void);

#endif /* _KHOSER_KHOSER_H */
