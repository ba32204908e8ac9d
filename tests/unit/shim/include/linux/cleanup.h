/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for <linux/cleanup.h>: guard() and friends (kshim.h). */
#include "../../kshim.h"
