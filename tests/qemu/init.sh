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

# HOPS MODE SEED VER RELOAD KRELS EXTRA EXTRA_MODULES KSETS NEW_ARGS
# NEW_EXTRA LEAKCHECK DEFAULTS (1: every module loaded with no parameter,
# as an administrator would: each finds out itself which boot this is)
# shellcheck source=/dev/null
. /etc/khoser.conf
hop=$(cat /etc/hop)
krel=$(uname -r)
# This boot's module set: new (this tree's build, /lib/modules) or old
# (tests/qemu/oldset.sh's, /lib/modules-old); NEW_ARGS go to both modules of
# the new set only (the old one has no write_format), NEW_EXTRA to its
# khoser_test.
set=$(echo "$KSETS" | cut -d' ' -f"$hop")
m=/lib/modules/$krel
args=$NEW_ARGS targs=$NEW_EXTRA
if [ "$set" = old ]; then
	m=/lib/modules-old/$krel
	args='' targs=''
fi
leak=/sys/kernel/debug/kmemleak
say() { echo "khoser-run: $*"; }

say "hop $hop of $HOPS, kernel $krel"
say "module set ${set:-new}${args:+ ($args)}${targs:+ (khoser_test $targs)}"
[ -f $leak ] && echo clear > $leak

# With khoserctl in the initramfs (run.sh --khoserctl), it loads khoser.
ctl=
[ -x /bin/khoserctl ] && ctl=1
load() {
	if [ "${DEFAULTS:-0}" = 1 ]; then
		insmod "$m/khoser.ko" || return 1
		insmod "$m/khoser_test.ko" || return 1
		for x in $EXTRA_MODULES; do
			insmod "$m/$x.ko" || { say "FAIL load $x"; return 1; }
		done
		say "loaded with no parameters: khoser khoser_test $EXTRA_MODULES"
		return 0
	fi
	if [ -n "$ctl" ]; then
		khoserctl load || return 1
	else
		# shellcheck disable=SC2086 # a list of parameters
		insmod "$m/khoser.ko" $args || return 1
	fi
	# shellcheck disable=SC2086 # EXTRA is a list of parameters
	insmod "$m/khoser_test.ko" seed="$SEED" hop="$hop" hops="$HOPS" \
		mode="$MODE" ${VER:+ver="$VER"} $args $targs $EXTRA || return 1
	# Consumer modules (run.sh --consumer), after khoser_test.
	for x in $EXTRA_MODULES; do
		insmod "$m/$x.ko" || { say "FAIL load $x"; return 1; }
	done
}

load || say "FAIL module load"
say "kho_enabled=$(cat /sys/module/khoser/parameters/kho_enabled 2>/dev/null)" \
	"kho_boot=$(cat /sys/module/khoser/parameters/kho_boot 2>/dev/null)"

# khoser subtrees in KHO's out-tree, one name a line.
kho_out=/sys/kernel/debug/kho/out/sub_fdts
khoser_subtrees() {
	for f in "$kho_out"/*khoser*; do
		[ -e "$f" ] && echo "${f##*/}"
	done
}
# Pages khoser says it holds preserved itself (debugfs khoser/status).
preserved_pages() {
	awk -F '\t' '$1 == "preserved_pages" { print $2 }' \
		/sys/kernel/debug/khoser/status 2>/dev/null
}

if [ "$RELOAD" = 1 ] && [ "$hop" = 1 ]; then
	# The same binaries again: unloading must leave nothing behind. The
	# directory looked at must exist and show khoser's subtrees first, or
	# "none left" would prove nothing.
	[ -d "$kho_out" ] || say "FAIL reload: $kho_out does not exist"
	n=$(khoser_subtrees | wc -l)
	say "reload: $n khoser subtrees in $kho_out before unload"
	[ "$n" -gt 0 ] || say "FAIL reload: no khoser subtree in $kho_out before unload"
	pp=$(preserved_pages)
	say "reload: preserved_pages ${pp:-absent} before unload"
	case $pp in
	'' | 0 | *[!0-9]*) say "FAIL reload: khoser/status says preserved_pages '$pp' with every object preserved" ;;
	esac
	for x in $EXTRA_MODULES; do
		rmmod "$x" || say "FAIL unload $x"
	done
	# Every object is unpublished and destroyed now; khoser is still there.
	rmmod khoser_test || say "FAIL unload khoser_test"
	pp=$(preserved_pages)
	if [ -z "$pp" ]; then
		say "FAIL reload: khoser/status has no preserved_pages line"
	elif [ "$pp" = 0 ]; then
		say "reload: preserved_pages 0 with every object destroyed"
	else
		say "FAIL reload: khoser holds $pp preserved pages with every object destroyed"
	fi
	rmmod khoser || say "FAIL unload khoser"
	[ -d /sys/kernel/debug/khoser ] && say "FAIL reload: debugfs khoser/ left after unload"
	[ -d "$kho_out" ] || say "FAIL reload: $kho_out does not exist"
	left=$(khoser_subtrees | tr '\n' ' ')
	if [ -z "$left" ]; then
		say "reload: no khoser subtree in $kho_out after unload"
	else
		say "FAIL reload: khoser subtrees left in $kho_out after unload: $left"
	fi
	say "reload: loading again"
	load || say "FAIL reload"
	say "reloaded"
fi
sed 's/^/khoser-run: objects: /' /sys/kernel/debug/khoser/objects 2>/dev/null

# After the companion looked everything up (rollback: refused it all):
# khoser holds nothing, and both modules unload leaving nothing behind.
if [ "$LEAKCHECK" = 1 ] && [ "$hop" = "$HOPS" ]; then
	pp=$(preserved_pages)
	nin=$(grep -c '^in' /sys/kernel/debug/khoser/objects 2>/dev/null)
	say "leakcheck: preserved_pages ${pp:-absent}, ${nin:-no} incoming objects left"
	[ "$pp" = 0 ] || say "FAIL leakcheck: khoser holds '$pp' preserved pages"
	[ "$nin" = 0 ] || say "FAIL leakcheck: $nin incoming objects left in khoser/objects"
	rmmod khoser_test || say "FAIL leakcheck: unload khoser_test"
	pp=$(preserved_pages)
	[ "$pp" = 0 ] || say "FAIL leakcheck: preserved_pages '$pp' after khoser_test unloaded"
	rmmod khoser || say "FAIL leakcheck: unload khoser"
	[ -d /sys/kernel/debug/khoser ] && say "FAIL leakcheck: debugfs khoser/ left after unload"
	left=$(khoser_subtrees | tr '\n' ' ')
	[ -z "$left" ] || say "FAIL leakcheck: khoser subtrees in $kho_out: $left"
	say "leakcheck: modules unloaded, nothing left in $kho_out, kernel up"
fi
if [ -n "$ctl" ]; then
	say "khoserctl-json: $(khoserctl status --json | tr -d '\n')"
	khoserctl doctor >/run/doctor 2>&1
	rc=$?
	sed 's/^/khoser-run: doctor: /' /run/doctor
	say "khoserctl doctor exit $rc"
fi

# kmemleak reports an object only once it is 5 s old (MSECS_MIN_AGE) and
# was unreferenced in two scans running; debugfs files have size 0, so the
# report is read, not tested with -s.
if [ -f $leak ]; then
	sleep 6
	echo scan > $leak
	echo scan > $leak
	cat $leak > /run/kmemleak
	if [ -s /run/kmemleak ]; then
		say "FAIL kmemleak: $(grep -c '^unreferenced object' /run/kmemleak) unreferenced objects"
		cat /run/kmemleak
	else
		say "kmemleak: scan after the hop reports nothing"
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
