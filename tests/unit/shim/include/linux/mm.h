/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for <linux/mm.h>. */
#include "../../kshim.h"
#include <linux/overflow.h>
