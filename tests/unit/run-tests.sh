#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run unit-test binaries; report every case as TAP (tests/lib.sh), named
# "BINARY: CASE", cases a binary skips as skipped, a line per binary, and
# one total line. A binary that crashes, exits non-zero with no case
# failed, or reports fewer cases than its plan is one failure more, shown
# with its output.
# VALGRIND=1 runs each under valgrind memcheck (errors fail the binary),
# with TEST_QUICK=1: the cases marked slow are skipped.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lib.sh
. "$here/../lib.sh"
if [ -n "${VALGRIND:-}" ]; then
	tap_init valgrind
else
	tap_init unit
fi
for t in "$@"; do
	name=$(basename "$t")
	log=$(mktemp)
	if [ -n "${VALGRIND:-}" ]; then
		TEST_QUICK=1 valgrind -q --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite "$t" >"$log" 2>&1
	else
		"$t" >"$log" 2>&1
	fi
	rc=$?
	f0=$tap_failed n0=$tap_n s0=$tap_skipped
	while IFS= read -r line; do
		case $line in
		"not ok "[0-9]*) tap_not_ok "$name: ${line#not ok * - }" ;;
		"ok "[0-9]*" # SKIP "*)
			d=${line#ok * - }
			tap_skip "$name: ${d%% # SKIP *}" "${d#* # SKIP }"
			;;
		"ok "[0-9]*) tap_ok "$name: ${line#ok * - }" ;;
		esac
	done <"$log"
	n=$((tap_n - n0)) fl=$((tap_failed - f0)) sk=$((tap_skipped - s0))
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$log" | head -1)
	why=
	if [ -z "$plan" ]; then
		why="exit $rc, no plan"
	elif [ "$n" -ne "$plan" ]; then
		why="exit $rc after $n of its $plan cases"
	elif [ "$rc" -ne 0 ] && [ "$tap_failed" -eq "$f0" ]; then
		why="exit $rc with every case passed (a sanitizer or valgrind error)"
	fi
	[ -z "$why" ] || tap_not_ok "$name: $why"
	if [ "$tap_failed" -gt "$f0" ]; then
		# Its output (the FAIL lines say where), indented: not results.
		sed 's/^/    /' "$log"
	fi
	echo "$name: $((n - fl - sk)) passed, $((tap_failed - f0)) failed, $sk skipped"
	rm -f "$log"
done
tap_end
