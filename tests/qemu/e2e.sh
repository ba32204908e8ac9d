#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The QEMU kexec scenarios of make check, one TAP result each
# (tests/lib.sh); a scenario switched off is reported as skipped.
#
# usage: tests/qemu/e2e.sh [--variant fast|debug] [--leakcheck] [NAME...]
#   --variant    the kernel (default $KHOSER_E2E_VARIANT, else fast); debug:
#                KASAN + kmemleak + DEBUG_VM + PROVE_LOCKING (the 7.3 debug
#                kernel is built too unless KHOSER_E2E_CROSS=0)
#   --leakcheck  run.sh --leakcheck: in the last boot khoser_test and
#                khoser unload, leaving nothing held, then kmemleak scans
#   NAME...      only these scenarios (names as in the results: roundtrip,
#                corrupt-v1, cross-7.2-7.3, ...); the others are listed as
#                not selected, not counted
# KHOSER_E2E_CROSS=0 skips the scenarios across kernel versions.
set -u
here=$(dirname "$0")
# shellcheck source=tests/lib.sh
. "$here/../lib.sh"
variant=${KHOSER_E2E_VARIANT:-fast}
leakcheck=
while [ $# -gt 0 ]; do
	case $1 in
	--variant) variant=$2; shift ;;
	--leakcheck) leakcheck=--leakcheck ;;
	-*) sed -n '/^# usage:/,/^# KHOSER_E2E_CROSS/p' "$0" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
only=" $* "
all=0
[ $# -gt 0 ] || all=1
out=$(mktemp)
trap 'rm -f "$out"' EXIT
tap_init e2e
[ "$all" = 1 ] ||
	tap_diag "$variant kernel${leakcheck:+, leak check in the last boot}: only$only"
# label ARGS...: a scenario's name in the results: the scenario, or its
# --log name, or for cross the kernels (cross-7.2-7.3).
label() {
	l='' k=''
	while [ $# -gt 1 ]; do
		case $1 in
		--log) l=$2; shift ;;
		--kernels) k=$2; shift ;;
		esac
		shift
	done
	if [ -n "$l" ]; then
		echo "$l"
	elif [ -n "$k" ]; then
		echo "$1-$(echo "$k" | tr , -)"
	else
		echo "$1"
	fi
}
selected() {
	[ "$all" = 1 ] && return 0
	case $only in *" $1 "*) return 0 ;; esac
	return 1
}
run() {
	name=$(label "$@")
	if ! selected "$name"; then
		tap_diag "$name: not selected"
		return
	fi
	# shellcheck disable=SC2086 # $leakcheck: empty or one option
	"$here/run.sh" --variant "$variant" $leakcheck "$@" >"$out" 2>&1
	rc=$?
	grep -v '^kernel.sh:' "$out"
	tap_result "$rc" "$name ($variant kernel)"
}
# skip NAME REASON: a scenario not run here, counted as skipped.
skip() {
	selected "$1" || { tap_diag "$1: not selected"; return; }
	tap_skip "$1 ($variant kernel)" "$2"
}
for s in roundtrip multihop corrupt kho-off reload; do
	run "$s"
done
# khoser, khoser_test and the example consumer loaded with no parameters.
run defaults
# Upstream's own kho_block.c (from the kernel source) and khoser, both ways.
run interop
# corrupt with khoser and khoser_test writing khoser-block-v1 only: the
# damage lands on v1 chunk lists, and no v2 set (c2-crc) is written.
run --write-format 1 --log corrupt-v1 corrupt
# Debian's stock kernel (KHO compiled out); its image has no debug variant.
if [ "$variant" = fast ]; then
	run stock
else
	skip stock "Debian's stock kernel image has no $variant variant"
fi
# Live update across kernel versions (KHOSER_E2E_CROSS=0 skips them).
cross() {
	if [ "${KHOSER_E2E_CROSS:-1}" = 1 ]; then
		run "$@"
	else
		skip "$(label "$@")" "KHOSER_E2E_CROSS=0: no scenario across kernel versions"
	fi
}
for k in 7.2,7.3 7.3,7.2 7.2,7.3,7.2; do
	cross --kernels "$k" cross
done
cross --kernels 7.2,7.3 interop
cross mismatch
# Block format v2 against the OLD module set (khoser before v2,
# tests/qemu/oldset.sh): upgrade from it, roll back to it.
for s in upgrade rollback rollback-v1; do
	cross "$s"
done
tap_end
