/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for <linux/ctype.h>. */
#include "../../kshim.h"
