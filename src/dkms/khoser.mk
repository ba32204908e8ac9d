# SPDX-License-Identifier: GPL-2.0-only
# khoser.mk: build an out-of-tree kernel module against khoser.
# Installed by khoser-dkms as /usr/share/khoser/khoser.mk.
#
# A consumer's whole Makefile (it is also its Kbuild file):
#
#	obj-m := mydrv.o
#	mydrv-y := main.o state.o
#	include /usr/share/khoser/khoser.mk
#
# then `make` (the running kernel), `make KERNELRELEASE=6.1.0-99-amd64`
# (as DKMS calls it: /lib/modules/KERNELRELEASE/build), `make
# KDIR=/path/to/build`, `make clean`, `make modules_install`. Sources
# #include <khoser/khoser.h>.
#
# What a consumer builds against lives in DKMS's tree, next to the khoser
# build it belongs to, and is reached through the link DKMS keeps for the
# version installed for a kernel:
#
#	DKMS_TREE/khoser/kernel-KERNELRELEASE-ARCH/devel/
#		Module.symvers	-> KBUILD_EXTRA_SYMBOLS
#		include/	-> include path
#		info		version, kernel, kho_api
#
# so it exists exactly while khoser is installed for that kernel.
#
# Variables: KERNELRELEASE, KDIR (kernel build tree), KHOSER_DKMS_TREE
# (dkms_tree from /etc/dkms/framework.conf, else /var/lib/dkms),
# KHOSER_SOURCE_TREE (/usr/src, where khoser-dkms puts khoser-VERSION/),
# KHOSER_ARCH (uname -m, DKMS's default), KHOSER_DIR (the kit itself, to
# bypass DKMS), KHOSER_NO_RULES=1 (define no targets: write your own,
# $(MAKE) $(KHOSER_KBUILD_ARGS) modules).

# The release a tree builds modules for: UTS_RELEASE, as in their vermagic
# (Debian's 6.1 headers say "6.1.192" in include/config/kernel.release).
khoser_uts = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)".*/\1/p' \
	$(1)/include/generated/utsrelease.h 2>/dev/null)

ifneq ($(KBUILD_EXTMOD),)
# --- Kbuild pass (also read by modpost for KBUILD_EXTRA_SYMBOLS) -----------
# The outer make passes KHOSER_DIR; a bare `make -C KDIR M=...` does not.
ifeq ($(KHOSER_DIR),)
KHOSER_DIR := $(or $(KHOSER_DKMS_TREE),/var/lib/dkms)/khoser/kernel-$(call \
	khoser_uts,$(or $(abs_objtree),$(objtree)))-$(shell uname -m)/devel
endif
ccflags-y += -I$(KHOSER_DIR)/include
KBUILD_EXTRA_SYMBOLS += $(KHOSER_DIR)/Module.symvers
else
# --- Outer make ------------------------------------------------------------
# dkms_tree as DKMS reads it: framework.conf, then framework.conf.d/*.conf.
KHOSER_DKMS_TREE ?= $(or $(lastword $(shell sed -n \
	's/^[[:space:]]*dkms_tree=["'\'']\{0,1\}\([^"'\'' ]*\).*/\1/p' \
	/etc/dkms/framework.conf $(wildcard /etc/dkms/framework.conf.d/*.conf) \
	2>/dev/null)),/var/lib/dkms)
KHOSER_ARCH ?= $(shell uname -m)
KHOSER_SOURCE_TREE ?= /usr/src
ifeq ($(origin KDIR),undefined)
KDIR := /lib/modules/$(or $(KERNELRELEASE),$(shell uname -r))/build
khoser_no_tree = install its headers (linux-headers-$(or $(KERNELRELEASE),$(shell \
	uname -r))), or set KDIR.
else
khoser_no_tree = set KDIR to a kernel build tree.
endif
KHOSER_TREE_KREL := $(call khoser_uts,$(KDIR))
KHOSER_KREL := $(or $(KERNELRELEASE),$(KHOSER_TREE_KREL))
KHOSER_LINK := $(KHOSER_DKMS_TREE)/khoser/kernel-$(KHOSER_KREL)-$(KHOSER_ARCH)
KHOSER_DIR ?= $(KHOSER_LINK)/devel
KHOSER_KBUILD_ARGS = -C $(KDIR) M=$(CURDIR) KHOSER_DIR=$(KHOSER_DIR)

ifeq ($(KHOSER_NO_RULES),)
.PHONY: modules modules_install clean

modules: khoser-check
	$(MAKE) $(KHOSER_KBUILD_ARGS) modules

modules_install: modules
	$(MAKE) $(KHOSER_KBUILD_ARGS) modules_install

clean:
	@if [ -d "$(KDIR)" ]; then $(MAKE) $(KHOSER_KBUILD_ARGS) clean; fi
endif

# Refuse clearly, naming what to run, instead of failing later in modpost.
# (With KHOSER_NO_RULES, this target does not become the default goal.)
khoser_goal := $(.DEFAULT_GOAL)
# khoser's versions DKMS can build (sources installed by khoser-dkms, or
# already added), newest last, and those built for this kernel.
khoser_dkms_versions = $(sort $(patsubst khoser-%,%,$(notdir $(patsubst \
	%/dkms.conf,%,$(wildcard $(KHOSER_SOURCE_TREE)/khoser-[0-9]*/dkms.conf)))) \
	$(notdir $(patsubst %/source,%,$(wildcard $(KHOSER_DKMS_TREE)/khoser/*/source))))
khoser_dkms_built = $(filter-out original_module,$(notdir $(patsubst \
	%/$(KHOSER_KREL)/$(KHOSER_ARCH),%,$(wildcard \
	$(KHOSER_DKMS_TREE)/khoser/*/$(KHOSER_KREL)/$(KHOSER_ARCH)))))
khoser_mv = khoser/$(or $(lastword $(khoser_dkms_versions)),VERSION)

.PHONY: khoser-check
khoser-check:
	@if [ -z "$(KHOSER_TREE_KREL)" ]; then \
		echo "khoser.mk: $(KDIR) is not a prepared kernel build tree" \
			"(no include/generated/utsrelease.h)." >&2; \
		echo "khoser.mk: $(khoser_no_tree)" >&2; \
		exit 1; \
	fi
	@if [ "$(KHOSER_KREL)" != "$(KHOSER_TREE_KREL)" ]; then \
		echo "khoser.mk: KERNELRELEASE=$(KHOSER_KREL) but $(KDIR)" \
			"builds for $(KHOSER_TREE_KREL)." >&2; \
		exit 1; \
	fi
	@if [ -f "$(KHOSER_DIR)/Module.symvers" ]; then :; \
	elif [ "$(KHOSER_DIR)" != "$(KHOSER_LINK)/devel" ]; then \
		echo "khoser.mk: no $(KHOSER_DIR)/Module.symvers (KHOSER_DIR)." >&2; \
		exit 1; \
	elif [ -e "$(KHOSER_LINK)" ]; then \
		echo "khoser.mk: khoser is installed for kernel $(KHOSER_KREL)" \
			"but its build lacks the consumer kit ($(KHOSER_DIR))." >&2; \
		echo "khoser.mk: rebuild it: dkms remove $(khoser_mv)" \
			"-k $(KHOSER_KREL) && dkms install $(khoser_mv) -k $(KHOSER_KREL)" >&2; \
		exit 1; \
	elif [ -n "$(khoser_dkms_built)" ]; then \
		echo "khoser.mk: khoser $(lastword $(khoser_dkms_built)) is built" \
			"for kernel $(KHOSER_KREL) but not installed." >&2; \
		echo "khoser.mk: run 'dkms install" \
			"khoser/$(lastword $(khoser_dkms_built)) -k $(KHOSER_KREL)'." >&2; \
		exit 1; \
	elif [ -n "$(khoser_dkms_versions)" ]; then \
		echo "khoser.mk: khoser is not built for kernel $(KHOSER_KREL)." >&2; \
		echo "khoser.mk: run 'dkms install $(khoser_mv) -k $(KHOSER_KREL)'." >&2; \
		exit 1; \
	else \
		echo "khoser.mk: khoser is not installed (no" \
			"$(KHOSER_SOURCE_TREE)/khoser-VERSION/dkms.conf)." >&2; \
		echo "khoser.mk: run 'apt install khoser-dkms'." >&2; \
		exit 1; \
	fi
	@sed -n 's/^\(version\|kho_api\)=/khoser.mk: khoser \1 /p' \
		"$(KHOSER_DIR)/info" 2>/dev/null || true
.DEFAULT_GOAL := $(khoser_goal)
endif
