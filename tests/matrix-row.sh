#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# One row of `make matrix`, run in a scratch copy of the tree (on the host,
# or in a chroot through tests/stock/chroot.sh): build khoser.ko and
# khoser_test.ko with W=1 against KDIR, stage the consumer kit the way the
# DKMS build does (src/dkms/publish.sh stage), build tests/consumer through
# src/dkms/khoser.mk against that kit, and print the facts as "row: KEY=VALUE"
# lines (warnings and errors as "log: ..." lines).
#
# usage: tests/matrix-row.sh KDIR
set -u
kdir=$1
out=.matrix
rm -rf "$out"
mkdir -p "$out"
jobs=$(nproc 2>/dev/null || echo 2)
say() { echo "row: $*"; }
# Show the first warnings or errors of a build log.
show() { grep -E 'warning:|error:|Error [0-9]' "$1" | head -8 | sed 's/^/log: /'; }

krel=$(sed -n 's/.*UTS_RELEASE "\(.*\)".*/\1/p' "$kdir/include/generated/utsrelease.h" 2>/dev/null)
say "krel=${krel:-unknown}"
if grep -qx 'CONFIG_KEXEC_HANDOVER=y' "$kdir/.config" 2>/dev/null; then
	say "config=y"
else
	say "config=n"
fi
say "cc=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\([^ ]*\) .* \([0-9][0-9.]*\)"$/\1 \2/p' "$kdir/.config")"

make -j"$jobs" KDIR="$kdir" W=1 test-module >"$out/khoser.log" 2>&1
rc=$?
say "khoser_rc=$rc"
say "khoser_warnings=$(grep -c 'warning:' "$out/khoser.log")"
show "$out/khoser.log"
if [ "$rc" -ne 0 ]; then
	# A clear refusal names khoser and the reason; anything else failed.
	grep -m1 -E '^khoser: .*(refus|unsupported|not supported)' "$out/khoser.log" |
		sed 's/^/row: refusal=/'
	exit 0
fi
say "kho_api=$(modinfo -F kho_api ./khoser.ko)"
say "vermagic=$(modinfo -F vermagic ./khoser.ko | cut -d' ' -f1)"
probe=src/compat/generated/khoser_probe.h
say "probe=$(grep -c '^#define KHOSER_HAVE' "$probe")"
if grep -q '^#define KHOSER_HAVE_KHO_H 1' "$probe"; then
	say "kho_h=yes"
else
	say "kho_h=no"
fi
say "exports=$(grep -c 'EXPORT_SYMBOL_GPL' Module.symvers)"

src/dkms/publish.sh stage "$krel" >"$out/publish.log" 2>&1
say "publish_rc=$?"
cp -R tests/consumer "$out/consumer"
make -j"$jobs" -C "$out/consumer" KDIR="$kdir" KHOSER_MK="$PWD/src/dkms/khoser.mk" \
	KHOSER_DIR="$PWD/devel" W=1 >"$out/consumer.log" 2>&1
rc=$?
say "consumer_rc=$rc"
[ "$rc" -eq 0 ] || grep 'khoser.mk:' "$out/consumer.log" | sed 's/^/log: /'
say "consumer_warnings=$(grep -c 'warning:' "$out/consumer.log")"
say "consumer_depends=$(modinfo -F depends "$out/consumer/khoser_consumer.ko" 2>/dev/null)"
show "$out/consumer.log"
exit 0
