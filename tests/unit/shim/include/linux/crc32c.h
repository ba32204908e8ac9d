/* SPDX-License-Identifier: GPL-2.0-only */
/* Kernel-API shim: CRC32C as lib/crc32.c computes it (no final inversion). */
#ifndef _SHIM_LINUX_CRC32C_H
#define _SHIM_LINUX_CRC32C_H

#include "../../kshim.h"

u32 crc32c(u32 crc, const void *p, size_t len);

#endif
