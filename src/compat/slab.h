/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Typed allocation helpers (kmalloc_obj() and friends) for trees that
 * predate them; probed by the macros' presence, not by version.
 */
#ifndef _KHOSER_COMPAT_SLAB_H
#define _KHOSER_COMPAT_SLAB_H

#include <linux/slab.h>

#ifndef kmalloc_obj
#define kmalloc_obj(p, ...) kmalloc(sizeof(p), GFP_KERNEL)
#endif
#ifndef kzalloc_obj
#define kzalloc_obj(p, ...) kzalloc(sizeof(p), GFP_KERNEL)
#endif

#endif /* _KHOSER_COMPAT_SLAB_H */
