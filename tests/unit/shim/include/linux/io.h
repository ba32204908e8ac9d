/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for <linux/io.h>. */
#include "../../kshim.h"
