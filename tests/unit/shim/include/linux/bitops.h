/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for <linux/bitops.h>. */
#include "../../kshim.h"
