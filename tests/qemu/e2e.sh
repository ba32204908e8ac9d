#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The QEMU kexec scenarios of make check, one count each.
# KHOSER_E2E_VARIANT=debug runs them on the KASAN/kmemleak/lockdep kernel
# (the 7.3 debug kernel is built too unless KHOSER_E2E_CROSS=0).
set -u
here=$(dirname "$0")
variant=${KHOSER_E2E_VARIANT:-fast}
passed=0 failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
run() {
	if "$here/run.sh" --variant "$variant" "$@" >"$out" 2>&1; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
	grep -v '^kernel.sh:' "$out"
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
[ "$variant" = fast ] && run stock
# Live update across kernel versions (KHOSER_E2E_CROSS=0 skips them).
if [ "${KHOSER_E2E_CROSS:-1}" = 1 ]; then
	for k in 7.2,7.3 7.3,7.2 7.2,7.3,7.2; do
		run --kernels "$k" cross
	done
	run --kernels 7.2,7.3 interop
	run mismatch
	# Block format v2 against the OLD module set (khoser before v2,
	# tests/qemu/oldset.sh): upgrade from it, roll back to it.
	for s in upgrade rollback rollback-v1; do
		run "$s"
	done
fi
echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
