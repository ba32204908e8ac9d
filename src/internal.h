/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Module life (core.c) and debugfs (debugfs.c), for the module glue.
 */
#ifndef _KHOSER_INTERNAL_H
#define _KHOSER_INTERNAL_H

int khoser_core_init(void);
void khoser_core_exit(void);
void khoser_debugfs_init(void);
void khoser_debugfs_exit(void);

#endif /* _KHOSER_INTERNAL_H */
