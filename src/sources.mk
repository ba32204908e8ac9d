# SPDX-License-Identifier: GPL-2.0-only
# khoser.ko's sources, the one list: Kbuild builds the module from it and
# tests/unit/Makefile builds the same files in userspace against the shim.
khoser_sources := main core debugfs root compatible life chain kho ledger \
		  block block_format block_iter block_restore \
		  sarray sarray_xa vbuf
