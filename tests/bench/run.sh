#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench: khoser's figures, each next to a baseline measured in the same
# run. Three parts:
#   user    tests/bench/bench.c: khoser's sources built -O2 against the unit
#           test shim (tests/unit/Makefile), medians of 7 runs:
#           block-set append/read per entry size (1 to 2048 B; per-entry
#           iterator, and batch calls at 8/64/512 B) vs a flat buffer, and
#           upstream Linux's own kho_block.c on the same entries
#           (upstream_*), each twice: up to 1e6 entries from RAM, and
#           (*_hot_*) 256 KiB of entries held in the cache; restore validation vs a bare chain walk up to 10x
#           the default chain bound; a scaling table (grow, fill, seal,
#           restore, read per entry at 10^3, 10^5, 10^7 entries); sparse-
#           array bytes per entry vs the u64 floor and the RFC "KHO array"
#           layout; metadata per payload byte (mem_*) next to the kernel's
#           equivalent
#   icount  the same binary under callgrind: instructions per block of
#           restore validation vs a bare chain walk, and per entry of the
#           append and read loops at 64 and 2048 B vs upstream's (stable
#           run to run)
#   guest   khoser_test bench=1 in QEMU (tests/qemu/run.sh bench), two
#           boots under TCG: block-set grow vs kho_alloc_preserve, restore vs
#           kho_restore_folio, vbuf vs kho_{preserve,restore}_vmalloc,
#           sparse array vs xarray; metrics prefixed guest_
#
# The upstream reference is built at bench time from Debian's
# linux-source-7.2 (tests/qemu/kernel.sh --src-only: downloaded once into
# the khoser cache, never into the repository): its kernel/liveupdate/
# kho_block.c, compiled against the shim under renamed symbols
# (tests/unit/Makefile bench-upstream). A full run fails when that source
# cannot be had. --quick never downloads: it uses the cached source, or
# else runs without the upstream_ figures and says so (a "# upstream:
# skipped" line in the output and a message on stderr).
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
# (ratio = value / baseline_value, "-" for a 0 baseline), after "# key:
# value" lines naming the run (date, machine, upstream source), and writes
# them to FILE; tests/bench/table.py renders FILE as the README table
# (written next to FILE as .md; make bench-table puts bench/results.tsv's
# into tests/bench/README.md). Exits non-zero when a part fails or any
# figure it must produce is missing or malformed, or tests/bench/README.md
# lacks the table markers. Reports one TAP result per part (tests/lib.sh): user, icount, guest
# (skipped with --no-guest), the upstream reference (skipped when --quick
# finds no source), every figure well formed.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
quick=0 guest=1 out=
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--no-guest) guest=0 ;;
	--out) out=$2; shift ;;
	*) sed -n '/^# usage:/,/^# --out FILE/p' "$0" >&2; exit 2 ;;
	esac
	shift
done
# Sizes: as tests/bench/bench.c (--quick) uses them.
if [ "$quick" = 1 ]; then
	: "${out:=$top/bench/quick.tsv}"
	uflags=--quick
	chain=500 chains="50 500" scale="1000 10000" vbuf_mb=4
	g_blocks=200 g_vbuf=4,16 g_sa=20000 g_mem=1G
else
	: "${out:=$top/bench/results.tsv}"
	uflags=
	chain=10000 chains="1000 10000 100000" scale="1000 100000 10000000"
	vbuf_mb=64
	g_blocks=10000 g_vbuf=64,256 g_sa=1000000 g_mem=2G
fi

log() { echo "bench: $*" >&2; }
# die WHAT: the failed part, as a TAP result, and the end.
die() {
	log "$*"
	tap_not_ok "$*"
	tap_end || exit 1
}
tap_init bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tab=$(printf '\t')
cache=$KHOSER_CACHE

# --- the README table's markers (what make bench-table fills) -------------
"$top/tests/bench/table.py" --check "$top/tests/bench/README.md" ||
	die "tests/bench/README.md: the generated-table markers are broken"

# --- the upstream reference: Linux's kho_block.c from linux-source-7.2 -----
# Newest cached, unpacked linux-source-7.2 tree (tests/qemu/kernel.sh's).
cached_source() {
	local d best=
	for d in "$cache"/src/linux-7.2.*/; do
		[ -f "$d/.khoser-source-complete" ] || continue
		if [ -z "$best" ] || dpkg --compare-versions \
			"$(cat "$d/.khoser-source-complete")" gt \
			"$(cat "$best/.khoser-source-complete")"; then
			best=${d%/}
		fi
	done
	[ -n "$best" ] && printf '%s\n' "$best"
}
upstream='' up_note=''
if [ "$quick" = 1 ]; then
	upstream=$(cached_source) ||
		up_note="skipped: no linux-source-7.2 in $cache/src (--quick does not download; tests/qemu/kernel.sh --src-only fetches it)"
else
	log "upstream: linux-source-7.2 (tests/qemu/kernel.sh --src-only)"
	if ! upstream=$("$top/tests/qemu/kernel.sh" --version 7.2 --src-only |
		tail -n1) || [ ! -d "$upstream" ]; then
		die "upstream: cannot get Debian's linux-source-7.2 for the upstream reference (network, mirror or cache: see tests/qemu/kernel.sh); a full run needs it (--quick runs without it)"
	fi
fi
if [ -n "$upstream" ] && [ ! -f "$upstream/kernel/liveupdate/kho_block.c" ]; then
	die "upstream: $upstream has no kernel/liveupdate/kho_block.c: the upstream reference is gone from this linux-source-7.2"
fi
if [ -n "$upstream" ]; then
	up_note="linux-source-7.2 $(cat "$upstream/.khoser-source-complete" 2>/dev/null || echo "?"), kernel/liveupdate/kho_block.c"
else
	log "upstream reference SKIPPED: ${up_note#skipped: }"
fi

# --- what each part must produce ------------------------------------------
expect=()
# Per entry size, from RAM and (_hot) from the cache.
for s in 1 8 24 64 512 2048; do
	for w in "" _hot; do
		expect+=("block_append${w}_${s}b" "block_read${w}_${s}b")
		[ -z "$upstream" ] || expect+=("upstream_block_append${w}_${s}b"
			"upstream_block_read${w}_${s}b")
	done
done
for s in 8 64 512; do
	for w in "" _hot; do
		expect+=("block_append_batch${w}_${s}b" "block_read_batch${w}_${s}b")
	done
done
expect+=(mem_block_64b mem_block_2048b mem_sarray_dense mem_sarray_random_1pct
	"mem_vbuf_${vbuf_mb}m" "mem_vbuf_${vbuf_mb}m_scattered")
for c in $chains; do
	expect+=("scale_restore_chain_$c")
done
for p in grow fill seal restore read; do
	for n in $scale; do
		expect+=("scale_${p}_$n")
	done
done
for f in v2_o0 v2_o0_crc v2_o4 v2_o4_crc; do
	expect+=("block_${f}_append_64b" "block_${f}_read_64b"
		"block_${f}_restore_64b")
done
expect+=(block_v2_o0_crc_per_kib block_v2_o4_crc_per_kib)
expect+=(block_append_64b_icount block_read_64b_icount
	block_append_2048b_icount block_read_2048b_icount)
expect+=("block_restore_$chain" sarray_bytes_dense sarray_bytes_dense_floor
	sarray_bytes_random_1pct 'sarray_bytes_stride_2^20'
	sarray_bytes_range_extremes "block_restore_${chain}_icount"
	"block_restore_${chain}_icount_own")
[ -z "$upstream" ] || expect+=("upstream_block_restore_$chain"
	"block_restore_${chain}_icount_vs_upstream")
if [ "$guest" = 1 ]; then
	expect+=(guest_block_grow "guest_block_restore_$g_blocks"
		guest_sarray_store guest_sarray_lookup guest_sarray_bytes)
	for mb in ${g_vbuf//,/ }; do
		expect+=("guest_vbuf_preserve_${mb}m" "guest_vbuf_meta_${mb}m"
			"guest_vbuf_restore_${mb}m")
	done
fi

# --- user: the shared sources against the shim ------------------------------
if [ -n "$upstream" ]; then
	log "building the bench with upstream's kho_block.c from $upstream"
	bin=$(make -s -C "$top/tests/unit" bench-upstream UPSTREAM="$upstream" |
		tail -n1)
else
	bin=$top/tests/unit/build/bench/bench
	log "building $bin"
	make -s -C "$top/tests/unit" build/bench/bench >&2
fi
[ -x "$bin" ] || die "user: no bench binary ($bin)"
log "user: block sets, scaling, sparse arrays, metadata ($([ "$quick" = 1 ] && echo quick || echo full) sizes)"
load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")
# shellcheck disable=SC2086 # $uflags: empty or one flag
"$bin" $uflags >"$work/user.tsv" || die "user: $bin failed"
tap_ok "user: $(wc -l <"$work/user.tsv") figures from $(basename "$bin")"

# --- icount: restore validation vs a bare chain walk --------------------------
command -v valgrind >/dev/null || die "icount: valgrind is missing (tests/deps.sh)"
log "icount: callgrind"
# shellcheck disable=SC2086
valgrind -q --tool=callgrind --instr-atstart=no \
	--callgrind-out-file="$work/cg.out" "$bin" $uflags --icount >&2
# One dump per client request: "restore", "bare_walk", "upstream_restore".
dump() {
	grep -l "^desc: Trigger: Client Request: $1\$" "$work"/cg.out.* ||
		{ log "no callgrind dump '$1'"; return 1; }
}
icount() { sed -n 's/^totals: \([0-9]*\)$/\1/p' "$(dump "$1")"; }
# Instructions in khoser's own code (src/, self cost): the validation
# proper, without the KHO primitive (the shim's stand-in) it calls.
own_icount() {
	callgrind_annotate --inclusive=no --tree=none --auto=no \
		--threshold=100 "$(dump "$1")" |
		awk 'match($0, /%\) +[^ ]+/) {
			f = substr($0, RSTART, RLENGTH)
			# the path is relative to the top when run from it
			if (f ~ /[ \/]src\// && f !~ /tests\//) {
				gsub(",", "", $1); n += $1 } }
			END { print n + 0 }'
}
ours=$(icount restore)
bare=$(icount bare_walk)
own=$(own_icount restore)
awk -v n="$chain" -v o="$ours" -v b="$bare" -v w="$own" 'BEGIN {
	printf "block_restore_%d_icount\t%.0f\tinstr/block\tbare_chain_walk\t%.1f\t%.1f\n",
		n, o / n, b / n, b ? o / b : 0
	printf "block_restore_%d_icount_own\t%.0f\tinstr/block\ttarget\t120\t%.3f\n",
		n, w / n, w / n / 120 }' >"$work/icount.tsv"
# Per entry, the iterator loops of tests/bench/bench.c io_icount() (4096
# entries each), khoser against upstream (or, without it, no baseline).
for s in 64 2048; do
	for op in append read; do
		k=$(icount "${op}_$s")
		u=0
		[ -z "$upstream" ] || u=$(icount "upstream_${op}_$s")
		awk -v op="$op" -v s="$s" -v k="$k" -v u="$u" 'BEGIN {
			printf "block_%s_%sb_icount\t%.1f\tinstr/entry\tupstream\t%.1f\t%s\n",
				op, s, k / 4096, u / 4096,
				u ? sprintf("%.3f", k / u) : "-" }' >>"$work/icount.tsv"
	done
done
if [ -n "$upstream" ]; then
	up=$(icount upstream_restore)
	awk -v n="$chain" -v o="$ours" -v u="$up" 'BEGIN {
		printf "block_restore_%d_icount_vs_upstream\t%.0f\tinstr/block\tupstream_restore\t%.0f\t%.3f\n",
			n, o / n, u / n, u ? o / u : 0 }' >>"$work/icount.tsv"
fi
tap_ok "icount: $(wc -l <"$work/icount.tsv") figures under callgrind"

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
		die "guest: khoser_test bench=1 in QEMU failed"
	fi
	# "khoser_test: bench METRIC VALUE UNIT BASELINE VALUE"
	tr -d '\r' <"$work/serial.log" |
		sed -n 's/^.*khoser_test: bench \([^ ]* [^ ]* [^ ]* [^ ]* [^ ]*\)$/\1/p' |
		awk '{
		printf "guest_%s\t%s\t%s\t%s\t%s\t%s\n", $1, $2, $3, $4, $5,
			$5 + 0 ? sprintf("%.3f", $2 / $5) : "-" }' >"$work/guest.tsv"
	tap_ok "guest: $(wc -l <"$work/guest.tsv") figures from khoser_test bench=1 in QEMU"
else
	tap_skip "guest: khoser_test bench=1 in QEMU" "--no-guest"
fi
if [ -n "$upstream" ]; then
	tap_ok "upstream reference: $up_note"
else
	tap_skip "upstream reference: the upstream_ figures" "${up_note#skipped: }"
fi

# --- every expected figure, once, well formed --------------------------------
cat "$work/user.tsv" "$work/icount.tsv" "$work/guest.tsv" >"$work/figures.tsv"
bad=0
for m in "${expect[@]}"; do
	n=$(awk -F "$tab" -v m="$m" '$1 == m && NF == 6 && $2 ~ /^[0-9.]+$/ &&
		$5 ~ /^[0-9.]+$/' "$work/figures.tsv" | wc -l)
	if [ "$n" -ne 1 ]; then
		log "figure $m: $n well-formed lines, expected 1"
		bad=1
	fi
done
extra=$(cut -f1 "$work/figures.tsv" | grep -vxF -f <(printf '%s\n' "${expect[@]}") || true)
if [ -n "$extra" ]; then
	log "unexpected figures (add them to the runner's list): $(tr '\n' ' ' <<<"$extra")"
	bad=1
fi
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n1)
{
	printf '# date: %s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
	printf '# machine: %s CPUs, %s, Linux %s\n' "$(nproc)" "${cpu:-unknown CPU}" \
		"$(uname -r)"
	printf '# load: %s (1-minute load average when the user part started)\n' "$load"
	printf '# run: tests/bench/run.sh%s%s\n' "${uflags:+ $uflags}" \
		"$([ "$guest" = 1 ] || echo " --no-guest")"
	printf '# upstream: %s\n' "$up_note"
	cat "$work/figures.tsv"
} >"$work/all.tsv"
cat "$work/all.tsv"
mkdir -p "$(dirname "$out")"
cp "$work/all.tsv" "$out"
log "$(wc -l <"$work/figures.tsv") figures ($((${#expect[@]})) expected) written to $out"
tap_result "$bad" "figures: each of the ${#expect[@]} expected once, well formed, none unexpected"
bad=0
"$top/tests/bench/table.py" "$out" >"${out%.tsv}.md" ||
	{ log "tests/bench/table.py failed on $out"; bad=1; }
tap_result "$bad" "table: tests/bench/table.py renders $(basename "$out")"
tap_end
