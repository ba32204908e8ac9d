/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for <linux/minmax.h>: min_t() and friends. */
#ifndef _KHOSER_SHIM_MINMAX_H
#define _KHOSER_SHIM_MINMAX_H

#include "../../kshim.h"

#endif
