# SPDX-License-Identifier: GPL-2.0-only
# khoser: out-of-tree module for Kexec HandOver serializers.
#
#   make [KDIR=/path/to/kernel/build]   build khoser.ko (default: running kernel)
#   make clean
#   make setup                          install and cache what the tests need
#   make demo                           QEMU kexec round trip with a summary
#   make check                          every test (see tests/check.sh)
#   make unit | valgrind | fuzz | e2e | lint   single steps of make check
#   make bench                          figures next to baselines (bench/)

KDIR ?= /lib/modules/$(shell uname -r)/build

.PHONY: all modules clean setup demo check e2e bench unit valgrind fuzz lint

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	if [ -d "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	rm -rf src/compat/generated
	$(MAKE) -C tests/unit clean

setup:
	tests/deps.sh
	tests/qemu/kernel.sh --version 7.2 >/dev/null
	tests/stock/chroot.sh ensure >/dev/null

demo:
	tests/qemu/run.sh --summary roundtrip

check:
	tests/check.sh

e2e:
	tests/qemu/e2e.sh

bench:
	tests/bench/run.sh

unit:
	$(MAKE) -C tests/unit run

valgrind:
	$(MAKE) -C tests/unit valgrind

fuzz:
	$(MAKE) -C tests/unit fuzz

lint:
	tests/lint.sh
