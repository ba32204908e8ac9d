/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for <linux/build_bug.h>. */
#include "../../kshim.h"
