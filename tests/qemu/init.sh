#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
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

# HOPS MODE SEED VER RELOAD KRELS EXTRA
. /etc/khoser.conf
hop=$(cat /etc/hop)
krel=$(uname -r)
m=/lib/modules/$krel
leak=/sys/kernel/debug/kmemleak
say() { echo "khoser-run: $*"; }

say "hop $hop of $HOPS, kernel $krel"
[ -f $leak ] && echo clear > $leak

load() {
	insmod $m/khoser.ko &&
		insmod $m/khoser_test.ko seed="$SEED" hop="$hop" hops="$HOPS" \
			mode="$MODE" ${VER:+ver="$VER"} $EXTRA
}
unload() {
	rmmod khoser_test && rmmod khoser
}

load || say "FAIL module load"
say "kho_enabled=$(cat /sys/module/khoser/parameters/kho_enabled 2>/dev/null)" \
	"kho_boot=$(cat /sys/module/khoser/parameters/kho_boot 2>/dev/null)"

if [ "$RELOAD" = 1 ] && [ "$hop" = 1 ]; then
	# The same binaries again: unloading must leave nothing behind.
	unload || say "FAIL unload"
	[ -d /sys/kernel/debug/khoser ] && say "FAIL debugfs left after unload"
	ls /sys/kernel/debug/kho/out/sub_fdts 2>/dev/null | grep -q khoser &&
		say "FAIL KHO subtree left after unload"
	load || say "FAIL reload"
	say "reloaded"
fi
sed 's/^/khoser-run: objects: /' /sys/kernel/debug/khoser/objects 2>/dev/null

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
