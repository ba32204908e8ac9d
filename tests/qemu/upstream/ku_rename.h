/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Force-included (-include) into upstream Linux's kernel/liveupdate/
 * kho_block.c when the khoser_upstream test module builds it, and included
 * by ku_main.c before <linux/kho_block.h>: every external symbol of
 * kho_block.c gets a ku_ prefix, so the module never defines upstream's
 * names (were upstream to export them one day, they would clash). run.sh
 * checks with nm that every global symbol kho_block.o defines has the
 * prefix, so a function upstream adds later fails the build instead of
 * slipping through under its own name.
 */
#ifndef _KU_RENAME_H
#define _KU_RENAME_H

#define kho_block_set_init		ku_kho_block_set_init
#define kho_block_set_grow		ku_kho_block_set_grow
#define kho_block_set_shrink		ku_kho_block_set_shrink
#define kho_block_set_restore		ku_kho_block_set_restore
#define kho_block_set_destroy		ku_kho_block_set_destroy
#define kho_block_set_clear		ku_kho_block_set_clear
#define kho_block_set_it_init		ku_kho_block_set_it_init
#define kho_block_set_it_reserve_entry	ku_kho_block_set_it_reserve_entry
#define kho_block_set_it_read_entry	ku_kho_block_set_it_read_entry
#define kho_block_set_it_prev		ku_kho_block_set_it_prev

#endif /* _KU_RENAME_H */
