#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
# /init of the khoser test initramfs. Loads khoser and khoser_test for this
# hop, then either re-packs its own root as the next initrd and kexecs into
# the next kernel, or ends the run (reboot -f; QEMU runs with -no-reboot).
# Every line the host parses starts with "khoser-run: ".
export PATH=/bin
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /run

# HOPS MODE SEED VER RELOAD KRELS EXTRA EXTRA_MODULES
# shellcheck source=/dev/null
. /etc/khoser.conf
hop=$(cat /etc/hop)
krel=$(uname -r)
m=/lib/modules/$krel
leak=/sys/kernel/debug/kmemleak
say() { echo "khoser-run: $*"; }

say "hop $hop of $HOPS, kernel $krel"
[ -f $leak ] && echo clear > $leak

# With khoserctl in the initramfs (run.sh --khoserctl), it loads khoser.
ctl=
[ -x /bin/khoserctl ] && ctl=1
load() {
	if [ -n "$ctl" ]; then
		khoserctl load || return 1
	else
		insmod "$m/khoser.ko" || return 1
	fi
	# shellcheck disable=SC2086 # EXTRA is a list of parameters
	insmod "$m/khoser_test.ko" seed="$SEED" hop="$hop" hops="$HOPS" \
		mode="$MODE" ${VER:+ver="$VER"} $EXTRA || return 1
	# Consumer modules (run.sh --consumer), after khoser_test.
	for x in $EXTRA_MODULES; do
		insmod "$m/$x.ko" || { say "FAIL load $x"; return 1; }
	done
}
unload() {
	for x in $EXTRA_MODULES; do
		rmmod "$x" || return 1
	done
	rmmod khoser_test && rmmod khoser
}

load || say "FAIL module load"
say "kho_enabled=$(cat /sys/module/khoser/parameters/kho_enabled 2>/dev/null)" \
	"kho_boot=$(cat /sys/module/khoser/parameters/kho_boot 2>/dev/null)"

if [ "$RELOAD" = 1 ] && [ "$hop" = 1 ]; then
	# The same binaries again: unloading must leave nothing behind.
	unload || say "FAIL unload"
	[ -d /sys/kernel/debug/khoser ] && say "FAIL debugfs left after unload"
	for f in /sys/kernel/debug/kho/out/sub_fdts/*khoser*; do
		[ -e "$f" ] && say "FAIL KHO subtree left after unload: $f"
	done
	load || say "FAIL reload"
	say "reloaded"
fi
sed 's/^/khoser-run: objects: /' /sys/kernel/debug/khoser/objects 2>/dev/null
if [ -n "$ctl" ]; then
	say "khoserctl-json: $(khoserctl status --json | tr -d '\n')"
	khoserctl doctor >/run/doctor 2>&1
	rc=$?
	sed 's/^/khoser-run: doctor: /' /run/doctor
	say "khoserctl doctor exit $rc"
fi

if [ -f $leak ]; then
	echo scan > $leak
	echo scan > $leak
	if [ -s $leak ]; then
		say "FAIL kmemleak"
		cat $leak
	fi
fi

if [ "$hop" -lt "$HOPS" ]; then
	next=$((hop + 1))
	echo $next > /etc/hop
	nk=$(echo "$KRELS" | cut -d' ' -f$next)
	cd / && find . -xdev | cpio -o -H newc 2>/dev/null | gzip -1 > /run/next.gz
	say "kexec into $nk"
	kexec-helper /boot/bzImage-"$nk" /run/next.gz "$(cat /proc/cmdline)"
	say "FAIL kexec returned $?"
fi
say "END"
reboot -f
