#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run each libFuzzer binary for SECONDS; a crash or leak fails it. One TAP
# result per fuzzer (tests/lib.sh).
#   run-fuzz.sh SECONDS FUZZER...
#   run-fuzz.sh --skip REASON NAME...   report each as skipped (make fuzz
#                                       without clang)
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lib.sh
. "$here/../lib.sh"
tap_init fuzz
if [ "$1" = --skip ]; then
	why=$2
	shift 2
	for f in "$@"; do
		tap_skip "$(basename "$f")" "$why"
	done
	tap_end
	exit
fi
secs=$1
shift
for f in "$@"; do
	name=$(basename "$f")
	corpus=$(dirname "$f")/corpus-$name
	mkdir -p "$corpus"
	log=$(mktemp)
	# A dictionary of the input's tokens, when the target has one.
	dict=$here/fuzz/$name.dict
	[ -f "$dict" ] || dict=
	if "$f" -max_total_time="$secs" -rss_limit_mb=4096 -timeout=10 \
		${dict:+"-dict=$dict"} -artifact_prefix="$(dirname "$f")/" \
		"$corpus" >"$log" 2>&1; then
		runs=$(grep -Eo 'Done [0-9]+ runs' "$log" | tail -1)
		tap_ok "$name ($runs in ${secs}s)"
	else
		tail -40 "$log" | sed 's/^/    /'
		tap_not_ok "$name"
	fi
	rm -f "$log"
done
tap_end
