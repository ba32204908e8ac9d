/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for <linux/compiler.h>. */
#include "../../kshim.h"
