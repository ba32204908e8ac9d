/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for <asm/page.h>. */
#include "../../kshim.h"
