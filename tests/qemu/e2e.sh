#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The QEMU kexec scenarios of make check, one count each.
# KHOSER_E2E_VARIANT=debug runs them on the KASAN/kmemleak/lockdep kernel.
set -u
here=$(dirname "$0")
variant=${KHOSER_E2E_VARIANT:-fast}
passed=0 failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for s in roundtrip multihop corrupt kho-off reload; do
	if "$here/run.sh" --variant "$variant" "$s" >"$out" 2>&1; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
	grep -v '^kernel.sh:' "$out"
done
echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
