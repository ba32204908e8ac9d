// SPDX-License-Identifier: GPL-2.0-only
/*
 * Probe fixture, not compiled: src/compat/probe.sh reads KHO's page-mark
 * layout from a tree's kernel/liveupdate/kexec_handover.c. The shim marks
 * preserved pages this way (shim.c, KHO_MARK), as Linux 7.2 and 7.3 do.
 */
#define KHO_PAGE_MAGIC 0x4b484f50U /* 'KHOP' */

union kho_page_info {
	unsigned long page_private;
	struct {
		unsigned int order;
		unsigned int magic;
	};
};
