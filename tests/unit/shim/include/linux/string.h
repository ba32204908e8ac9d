/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for <linux/string.h>. */
#include "../../kshim.h"
#include <linux/overflow.h>
