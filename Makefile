# SPDX-License-Identifier: GPL-2.0-only
# khoser: out-of-tree module for Kexec HandOver serializers.
#
#   make [KDIR=/path/to/kernel/build]   build khoser.ko (default: running kernel)
#   make test-module [KDIR=...]         also build tests/module/khoser_test.ko
#   make dkms [KDIR=...]                DKMS's MAKE step (dkms.conf): khoser.ko
#                                       and the consumer kit in devel/
#   make dkms-test [KDIR=...]           khoser-test-dkms's MAKE step:
#                                       khoser_test.ko against the installed khoser
#   make tools                          build src/user/khoserctl
#   make clean
#   make setup                          install and cache what the tests need
#   make demo                           QEMU kexec round trip with a summary
#   make check                          every test (see tests/check.sh)
#   make unit | valgrind | fuzz | e2e | e2e-debug | lint | matrix | pkg | user
#                                       single steps of make check
#   make deb                            Debian packages in build-deb/
#   make bench                          figures next to baselines (bench/)
#   make bench-table                    tests/bench/README.md table from them

# KERNELRELEASE (as DKMS passes it) picks the kernel; else the running one.
KDIR ?= /lib/modules/$(or $(KERNELRELEASE),$(shell uname -r))/build

.PHONY: all modules test-module tools clean setup demo check e2e e2e-debug \
	bench bench-table unit valgrind fuzz lint matrix pkg user deb dkms \
	dkms-test

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# The companion module links against the khoser.ko just built.
test-module: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR)/tests/module \
		KBUILD_EXTRA_SYMBOLS=$(CURDIR)/Module.symvers modules

# The kit consumers build against (src/dkms/publish.sh), staged in devel/
# for DKMS's POST_BUILD to store; KHOSER_VERSION is DKMS's PACKAGE_VERSION.
dkms: modules
	src/dkms/publish.sh stage \
		$(or $(KERNELRELEASE),$(shell sed -n 's/.*UTS_RELEASE "\(.*\)".*/\1/p' \
			$(KDIR)/include/generated/utsrelease.h)) $(KHOSER_VERSION)

# khoser-test-dkms (tests/module/dkms.conf): khoser_test.ko linked against
# the khoser DKMS installed for the kernel, found through khoser.mk.
dkms-test:
	$(MAKE) -f tests/module/dkms.mk KDIR=$(KDIR)

tools:
	$(MAKE) -C src/user

clean:
	if [ -d "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; \
		$(MAKE) -C $(KDIR) M=$(CURDIR)/tests/module clean; fi
	rm -rf src/compat/generated build-deb devel
	if [ -d tests/unit ]; then $(MAKE) -C tests/unit clean; fi
	if [ -d src/user ]; then $(MAKE) -C src/user clean; fi

setup:
	tests/deps.sh
	tests/qemu/kernel.sh --version 7.2 >/dev/null
	tests/qemu/kernel.sh --version 7.3 >/dev/null
	tests/qemu/kernel.sh --version 7.2 --variant debug >/dev/null
	tests/stock/chroot.sh ensure >/dev/null
	tests/stock/chroot.sh --suite trixie --kver 7.3 ensure >/dev/null
	tests/stock/chroot.sh --suite trixie --kver 6.12 ensure >/dev/null

demo:
	tests/qemu/run.sh --summary roundtrip

check:
	tests/check.sh

e2e:
	tests/qemu/e2e.sh

# roundtrip, corrupt and reload on the KASAN/kmemleak/lockdep kernel, both
# modules unloaded in the last boot before a kmemleak scan.
e2e-debug:
	tests/qemu/e2e.sh --variant debug --leakcheck roundtrip corrupt reload

bench:
	tests/bench/run.sh

# The performance table of tests/bench/README.md, from the last make bench (bench/results.tsv).
bench-table:
	tests/bench/table.py --update tests/bench/README.md bench/results.tsv

unit:
	$(MAKE) -C tests/unit run

valgrind:
	$(MAKE) -C tests/unit valgrind

fuzz:
	$(MAKE) -C tests/unit fuzz

lint:
	tests/lint.sh

matrix:
	tests/matrix.sh

pkg:
	tests/pkg.sh

user:
	tests/user/run.sh

deb:
	tests/pkg.sh --build-only build-deb
