#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run unit-test binaries; print their results and one total line.
# VALGRIND=1 runs each under valgrind memcheck (errors fail the binary).
set -u
passed=0 failed=0 status=0
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
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
	p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
	f=$(echo "$line" | sed -n 's/.*passed, \([0-9]*\) failed.*/\1/p')
	if [ -z "$line" ] || { [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; }; then
		# Crashed, or a sanitizer/valgrind error: count the binary as one failure.
		cat "$log"
		echo "$name: exit $rc"
		failed=$((failed + 1))
		status=1
	else
		[ "$f" -eq 0 ] || cat "$log"
		echo "$name: $line"
		passed=$((passed + p))
		failed=$((failed + f))
		[ "$f" -eq 0 ] || status=1
	fi
	rm -f "$log"
done
echo "unit: $passed passed, $failed failed"
exit $status
