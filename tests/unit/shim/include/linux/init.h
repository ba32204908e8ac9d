/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for <linux/init.h>: __init and friends (kshim.h). */
#include "../../kshim.h"
