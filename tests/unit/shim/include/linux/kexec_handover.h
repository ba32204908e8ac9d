/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for <linux/kexec_handover.h>: the KHO API of Linux 7.1+
 * (as exported by 7.2), implemented on the shim's simulated RAM as 7.2 does
 * it (kho.c, kho_subtree.c, kho_radix.c).
 */
#ifndef _KHOSER_SHIM_KEXEC_HANDOVER_H
#define _KHOSER_SHIM_KEXEC_HANDOVER_H

#include "../../kshim.h"

bool kho_is_enabled(void);
bool is_kho_boot(void);
int kho_preserve_folio(struct folio *folio);
void kho_unpreserve_folio(struct folio *folio);
int kho_preserve_pages(struct page *page, unsigned long nr_pages);
void kho_unpreserve_pages(struct page *page, unsigned long nr_pages);
void *kho_alloc_preserve(size_t size);
void kho_unpreserve_free(void *mem);
void kho_restore_free(void *mem);
struct folio *kho_restore_folio(phys_addr_t phys);
struct page *kho_restore_pages(phys_addr_t phys, unsigned long nr_pages);
int kho_add_subtree(const char *name, void *blob, size_t size);
void kho_remove_subtree(void *blob);
int kho_retrieve_subtree(const char *name, phys_addr_t *phys, size_t *size);

/* Test hook: corrupt what the previous kernel handed over for @name. */
void shim_set_incoming_subtree(const char *name, u64 phys, u64 size);

#endif
