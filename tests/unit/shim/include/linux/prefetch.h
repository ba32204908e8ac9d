/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for <linux/prefetch.h>. */
#include "../../kshim.h"
