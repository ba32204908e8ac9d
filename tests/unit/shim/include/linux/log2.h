/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for <linux/log2.h>. */
#include "../../kshim.h"
