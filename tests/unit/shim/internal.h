/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Between the shim's own files (shim.c, vm.c); not for tests.
 */
#ifndef _KHOSER_SHIM_INTERNAL_H
#define _KHOSER_SHIM_INTERNAL_H

#include "kshim.h"

extern int shim_ram_fd;		/* the memfd behind the simulated RAM */
bool shim_should_fail(void);	/* counts a fallible call; true: fail it */
bool shim_page_in_use(const struct page *page);
struct page *shim_alloc_page(void);	/* order 0, not failure-injected */
void shim_vm_reset(void);	/* drop every vmalloc/vmap area */

#endif
