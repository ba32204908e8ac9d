# SPDX-License-Identifier: GPL-2.0-only
# khoser.mk: build an out-of-tree kernel module against khoser.
# Installed by khoser-dkms as /usr/share/khoser/khoser.mk.
#
# A consumer's whole Makefile (it is also its Kbuild file):
#
#	obj-m := mydrv.o
#	mydrv-y := main.o state.o
#	KDIR ?= /lib/modules/$(shell uname -r)/build
#	include /usr/share/khoser/khoser.mk
#
# then `make`, `make KDIR=/lib/modules/VERSION/build`, `make clean`,
# `make modules_install`. Sources #include <khoser/khoser.h>.
#
# khoser-dkms publishes, after each DKMS build of khoser for a kernel:
#
#	/var/lib/khoser/KERNELRELEASE/Module.symvers	-> KBUILD_EXTRA_SYMBOLS
#	/var/lib/khoser/KERNELRELEASE/include/		-> include path
#	/var/lib/khoser/KERNELRELEASE/info		version, kho_api
#
# Variables: KDIR (kernel build tree), KHOSER_STATE (/var/lib/khoser),
# KHOSER_DIR (the per-kernel directory itself), KHOSER_NO_RULES=1 (define
# no targets: write your own, $(MAKE) $(KHOSER_KBUILD_ARGS) modules).

KHOSER_STATE ?= /var/lib/khoser
# The release a tree builds modules for: UTS_RELEASE, as in their vermagic
# (Debian's 6.1 headers say "6.1.192" in include/config/kernel.release).
khoser_uts = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)".*/\1/p' \
	$(1)/include/generated/utsrelease.h 2>/dev/null)

ifneq ($(KBUILD_EXTMOD),)
# --- Kbuild pass (also read by modpost for KBUILD_EXTRA_SYMBOLS) -----------
KHOSER_DIR ?= $(KHOSER_STATE)/$(call khoser_uts,$(or $(abs_objtree),$(objtree)))
ccflags-y += -I$(KHOSER_DIR)/include
KBUILD_EXTRA_SYMBOLS += $(KHOSER_DIR)/Module.symvers
else
# --- Outer make ------------------------------------------------------------
KDIR ?= /lib/modules/$(shell uname -r)/build
KHOSER_KREL := $(call khoser_uts,$(KDIR))
KHOSER_DIR ?= $(KHOSER_STATE)/$(KHOSER_KREL)
KHOSER_KBUILD_ARGS = -C $(KDIR) M=$(CURDIR) KHOSER_DIR=$(KHOSER_DIR)

ifeq ($(KHOSER_NO_RULES),)
.PHONY: modules khoser-check modules_install clean

modules: khoser-check
	$(MAKE) $(KHOSER_KBUILD_ARGS) modules

modules_install: modules
	$(MAKE) $(KHOSER_KBUILD_ARGS) modules_install

clean:
	@if [ -d "$(KDIR)" ]; then $(MAKE) $(KHOSER_KBUILD_ARGS) clean; fi
endif

# Refuse clearly instead of failing later in modpost.
khoser-check:
	@if [ -z "$(KHOSER_KREL)" ]; then \
		echo "khoser.mk: $(KDIR) is not a prepared kernel build tree" \
			"(no include/generated/utsrelease.h)." >&2; \
		echo "khoser.mk: install the target kernel's headers" \
			"(linux-headers-...) or set KDIR." >&2; \
		exit 1; \
	fi
	@if [ ! -f "$(KHOSER_DIR)/Module.symvers" ]; then \
		echo "khoser.mk: khoser is not built for kernel $(KHOSER_KREL):" \
			"no $(KHOSER_DIR)/Module.symvers." >&2; \
		echo "khoser.mk: install khoser-dkms, or run" \
			"'dkms autoinstall -k $(KHOSER_KREL)'." >&2; \
		exit 1; \
	fi
	@sed -n 's/^\(version\|kho_api\)=/khoser.mk: khoser \1 /p' \
		"$(KHOSER_DIR)/info" 2>/dev/null || true
endif
