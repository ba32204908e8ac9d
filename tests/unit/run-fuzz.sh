#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run each libFuzzer binary for SECONDS; a crash or leak fails it.
set -u
secs=$1
shift
passed=0 failed=0
for f in "$@"; do
	name=$(basename "$f")
	corpus=$(dirname "$f")/corpus-$name
	mkdir -p "$corpus"
	log=$(mktemp)
	# A dictionary of the input's tokens, when the target has one.
	dict=$(dirname "$0")/fuzz/$name.dict
	[ -f "$dict" ] || dict=
	if "$f" -max_total_time="$secs" -rss_limit_mb=4096 -timeout=10 \
		${dict:+"-dict=$dict"} -artifact_prefix="$(dirname "$f")/" \
		"$corpus" >"$log" 2>&1; then
		runs=$(grep -Eo 'Done [0-9]+ runs' "$log" | tail -1)
		echo "$name: ok ($runs in ${secs}s)"
		passed=$((passed + 1))
	else
		tail -40 "$log"
		echo "$name: FAILED"
		failed=$((failed + 1))
	fi
	rm -f "$log"
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
