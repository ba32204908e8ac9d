#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench: khoser's figures, each next to a baseline measured in the same
# run. Three parts:
#   user    tests/bench/bench.c: khoser's sources built -O2 against the unit
#           test shim (tests/unit/Makefile, target build/bench/bench):
#           block-set append/read (per-entry iterator and batch calls) vs a
#           flat buffer, restore validation of a chain, sparse-array bytes
#           per entry vs the u64 floor and the RFC "KHO array" layout;
#           medians of 7 runs
#   icount  the same binary under callgrind: instructions per block of
#           restore validation vs a bare chain walk (stable run to run)
#   guest   khoser_test bench=1 in QEMU (tests/qemu/run.sh bench), two
#           boots under TCG: block-set grow vs kho_alloc_preserve, restore vs
#           kho_restore_folio, vbuf vs kho_{preserve,restore}_vmalloc,
#           sparse array vs xarray; metrics prefixed guest_
#
# usage: tests/bench/run.sh [--quick] [--no-guest] [--out FILE]
#   --quick     small sizes, the same code paths: a smoke test of the
#               runner and every figure (make check), not a measurement;
#               writes bench/quick.tsv unless --out says otherwise
#   --no-guest  skip the QEMU part
#   --out FILE  where to write the figures (default bench/results.tsv)
#
# Prints one tab-separated line per figure,
#	metric	value	unit	baseline_name	baseline_value	ratio
# (ratio = value / baseline_value), and writes them to FILE. Exits non-zero
# when a part fails or any figure it must produce is missing or malformed.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
quick=0 guest=1 out=
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--no-guest) guest=0 ;;
	--out) out=$2; shift ;;
	*) sed -n '/^# usage:/,/^# when a part/p' "$0" >&2; exit 2 ;;
	esac
	shift
done
if [ "$quick" = 1 ]; then
	: "${out:=$top/bench/quick.tsv}"
	uflags=--quick
	chain=500		# tests/bench/bench.c --quick
	g_blocks=200 g_vbuf=4,16 g_sa=20000 g_mem=1G
else
	: "${out:=$top/bench/results.tsv}"
	uflags=
	chain=10000
	g_blocks=10000 g_vbuf=64,256 g_sa=1000000 g_mem=2G
fi

log() { echo "bench: $*" >&2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tab=$(printf '\t')

# --- what each part must produce ------------------------------------------
expect=()
for s in 8 64 512; do
	expect+=("block_append_${s}b" "block_read_${s}b"
		"block_append_batch_${s}b" "block_read_batch_${s}b")
done
expect+=("block_restore_$chain" sarray_bytes_dense sarray_bytes_dense_floor
	sarray_bytes_random_1pct 'sarray_bytes_stride_2^20'
	sarray_bytes_range_extremes "block_restore_${chain}_icount")
if [ "$guest" = 1 ]; then
	expect+=(guest_block_grow "guest_block_restore_$g_blocks"
		guest_sarray_store guest_sarray_lookup guest_sarray_bytes)
	for mb in ${g_vbuf//,/ }; do
		expect+=("guest_vbuf_preserve_${mb}m" "guest_vbuf_meta_${mb}m"
			"guest_vbuf_restore_${mb}m")
	done
fi

# --- user: the shared sources against the shim ------------------------------
bin=$top/tests/unit/build/bench/bench
log "building $bin"
make -s -C "$top/tests/unit" build/bench/bench >&2
log "user: block sets and sparse arrays ($([ "$quick" = 1 ] && echo quick || echo full) sizes)"
# shellcheck disable=SC2086 # $uflags: empty or one flag
"$bin" $uflags >"$work/user.tsv"

# --- icount: restore validation vs a bare chain walk --------------------------
command -v valgrind >/dev/null || { log "valgrind is missing (tests/deps.sh)"; exit 1; }
log "icount: callgrind"
# shellcheck disable=SC2086
valgrind -q --tool=callgrind --instr-atstart=no \
	--callgrind-out-file="$work/cg.out" "$bin" $uflags --icount >&2
# One dump per client request: "restore", then "bare_walk".
icount() {
	local f
	f=$(grep -l "^desc: Trigger: Client Request: $1\$" "$work"/cg.out.*) ||
		{ log "no callgrind dump '$1'"; return 1; }
	sed -n 's/^totals: \([0-9]*\)$/\1/p' "$f"
}
ours=$(icount restore)
bare=$(icount bare_walk)
awk -v n="$chain" -v o="$ours" -v b="$bare" 'BEGIN {
	printf "block_restore_%d_icount\t%.0f\tinstr/block\tbare_chain_walk\t%.1f\t%.1f\n",
		n, o / n, b / n, b ? o / b : 0 }' >"$work/icount.tsv"

# --- guest: khoser_test bench=1 under QEMU -----------------------------------
: >"$work/guest.tsv"
if [ "$guest" = 1 ]; then
	log "guest: khoser_test bench=1 in QEMU (blocks $g_blocks, vbuf ${g_vbuf} MiB, sarray $g_sa)"
	glog=bench-quick
	[ "$quick" = 1 ] || glog=bench
	if ! "$top/tests/qemu/run.sh" --mem "$g_mem" --log "$glog" \
		--copy-log "$work/serial.log" \
		--extra "bench_blocks=$g_blocks bench_vbuf_mb=$g_vbuf bench_sa=$g_sa" \
		bench >"$work/qemu.out" 2>&1; then
		grep -v '^kernel.sh:' "$work/qemu.out" >&2
		log "guest part failed"
		exit 1
	fi
	# "khoser_test: bench METRIC VALUE UNIT BASELINE VALUE"
	tr -d '\r' <"$work/serial.log" |
		sed -n 's/^.*khoser_test: bench \([^ ]* [^ ]* [^ ]* [^ ]* [^ ]*\)$/\1/p' |
		awk '{
		printf "guest_%s\t%s\t%s\t%s\t%s\t%s\n", $1, $2, $3, $4, $5,
			$5 + 0 ? sprintf("%.3f", $2 / $5) : "-" }' >"$work/guest.tsv"
fi

# --- every expected figure, once, well formed --------------------------------
cat "$work/user.tsv" "$work/icount.tsv" "$work/guest.tsv" >"$work/all.tsv"
bad=0
for m in "${expect[@]}"; do
	n=$(awk -F "$tab" -v m="$m" '$1 == m && NF == 6 && $2 ~ /^[0-9.]+$/ &&
		$5 ~ /^[0-9.]+$/' "$work/all.tsv" | wc -l)
	if [ "$n" -ne 1 ]; then
		log "figure $m: $n well-formed lines, expected 1"
		bad=1
	fi
done
extra=$(cut -f1 "$work/all.tsv" | grep -vxF -f <(printf '%s\n' "${expect[@]}") || true)
if [ -n "$extra" ]; then
	log "unexpected figures (add them to the runner's list): $(tr '\n' ' ' <<<"$extra")"
	bad=1
fi
cat "$work/all.tsv"
mkdir -p "$(dirname "$out")"
cp "$work/all.tsv" "$out"
log "$(wc -l <"$work/all.tsv") figures ($((${#expect[@]})) expected) written to $out"
[ "$bad" = 0 ]
