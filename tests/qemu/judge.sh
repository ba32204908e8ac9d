#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The verdict of one QEMU run (tests/qemu/run.sh sources this once the run
# is over): judges the serial log $serial of scenario $scenario against
# what the run asked for ($hops, $mode, $kho, $extra_mods, $khoserctl and
# the rest of run.sh's options), prints the lines that matter and PASS or
# every FAIL reason, and exits 0 or 1.
# shellcheck disable=SC2154  # the run's variables come from run.sh
# --- verdict ----------------------------------------------------------------
fail=()
[ "$rc" -eq 124 ] && fail+=("timeout after ${timeout}s")
grep -q 'khoser-run: END' "$serial" || fail+=("run did not reach its end")
boots=$(grep -c 'khoser-run: hop [0-9]* of' "$serial" || true)
[ "$boots" -eq "$hops" ] || fail+=("$boots boots seen, expected $hops")
verdicts=$(grep -c 'khoser_test: PASS' "$serial" || true)
want=$((hops - 1))
[ "$mode" = off ] && want=1
[ "$verdicts" -eq "$want" ] || fail+=("$verdicts PASS verdicts, expected $want")
if grep -nE 'khoser_test: (FAIL|damage: could not apply)|khoser-run: FAIL' "$serial" >&2; then
	fail+=("failure reported in the guest")
fi
# Splats: WARN, BUG, KASAN, lockdep ("WARNING: possible circular locking
# dependency", "INFO: trying to register non-static key"), DEBUG_VM
# ("kernel BUG at"), SLUB debugging ("BUG kmalloc-64 (...): Poison
# overwritten"), kmemleak (its own line, or the report init.sh cats).
if grep -nE 'WARNING:|BUG:|kernel BUG at|BUG [^ ]+ \(|Oops|Kernel panic|Call Trace|KASAN|kmemleak: [0-9]+ new|unreferenced object 0x|INFO: trying to register non-static key|DEBUG_LOCKS_WARN_ON|UBSAN|general protection' \
	"$serial" >&2; then
	fail+=("kernel complained")
fi
# The component and versions of the mismatch lines (--expect-version).
vcomp=khoser_test vwant='v[0-9]*' vfound='v[0-9]*'
if [ -n "$expect_version" ]; then
	IFS=: read -r vcomp vwant vfound <<<"$expect_version"
fi
if [ "$mode" = mismatch ] &&
	! grep -q "khoser: .*: $vcomp: expected $vwant, found $vfound" "$serial"; then
	fail+=("no log line naming the mismatched component ($vcomp: expected $vwant, found $vfound)")
fi
# Consumers: a PASS in every KHO boot (none without KHO).
cwant=$((hops - 1))
[ "$kho" = 1 ] && [ "$mode" != off ] || cwant=0
for x in $extra_mods; do
	n=$(grep -c "$x: PASS" "$serial" || true)
	[ "$n" -eq "$cwant" ] || fail+=("$x: $n PASS verdicts, expected $cwant")
	! grep -q "$x: FAIL" "$serial" || fail+=("$x reported FAIL")
done
if [ -n "$khoserctl" ]; then
	# doctor: 0 in every boot with KHO on, 1 (a problem found) without.
	dwant=0
	[ "$kho" = 1 ] || dwant=1
	n=$(grep -c "khoser-run: khoserctl doctor exit $dwant\b" "$serial" || true)
	[ "$n" -eq "$hops" ] ||
		fail+=("khoserctl doctor: exit $dwant in $n of $hops boots")
	# doctor sees each consumer as built for the running kernel.
	for x in $extra_mods; do
		n=$(grep -cE "khoser-run: doctor: ok +consumer +$x built for" "$serial" || true)
		[ "$n" -eq "$hops" ] ||
			fail+=("khoserctl doctor: consumer $x seen in $n of $hops boots")
	done
	# status --json: valid, and true to what each boot is.
	if ! bad=$(sed -n 's/^.*khoser-run: khoserctl-json: //p' "$serial" |
		python3 "$top/tests/qemu/check-status.py" "$hops" "$kho" "$mode" 2>&1); then
		fail+=("khoserctl status --json: $bad")
	fi
fi
for k in $(seq 2 "$hops"); do
	[ "$kho" = 1 ] || break
	grep -q "KHO: exec from: .*(count $((k - 1)))" "$serial" ||
		fail+=("boot $k was not a KHO boot")
done

# --- inventories: what boot N preserved, boot N+1 verified or refused -----
# One file per boot and verb, "NAME fields..." sorted; a reload in boot 1
# starts its lists again (the objects loaded first were destroyed). Besides
# khoser_test's lines, khoser's own refusal lines: "NAME WORD TEXT" for each
# "khoser: NAME: refused: WORD: TEXT (where)" (krefused), "NAME" for each
# "khoser: NAME: COMPONENT: expected vN, found vM" (kversion); and the serial
# line of each verified or refused object ("verb NAME LINE", order).
inv=$stage/inv
mkdir -p "$inv"
tr -d '\r' <"$serial" | awk -v dir="$inv" '
	function out(v, text,   f) {
		f = dir "/" boot "." v
		if (seen[v] != boot) { printf "" > f; seen[v] = boot }
		print text >> f; close(f) }
	/khoser-run: hop [0-9]+ of/ {
		sub(/.*khoser-run: hop /, ""); boot = $1 + 0; next }
	/khoser-run: reload: loading again/ {
		for (v in seen) if (seen[v] == boot) {
			printf "" > (dir "/" boot "." v); close(dir "/" boot "." v) }
		next }
	/khoser_test: (preserved|verified|refused) [^ ]/ {
		sub(/.*khoser_test: /, ""); v = $1; sub(/^[a-z]+ /, "")
		# The block format written or read: its own list, not compared.
		if (match($0, / (read|wrote)=v[0-9]+$/)) {
			out("format", v " " $1 " " $2 " " substr($0, RSTART + 1))
			$0 = substr($0, 1, RSTART - 1)
		}
		out(v, $0)
		if (v != "preserved") out("order", v " " $1 " " NR)
		next }
	match($0, /khoser: [^ :]+: refused: [a-z-]+: /) {
		split(substr($0, RSTART + 8, RLENGTH - 8), w, ": ")
		text = substr($0, RSTART + RLENGTH); sub(/ \([^()]*\)$/, "", text)
		out("krefused", w[1] " " w[3] " " text); next }
	match($0, /khoser: [^ :]+: [^ ]+: expected v[0-9]+, found v[0-9]+$/) {
		split(substr($0, RSTART + 8), w, ": ")
		sub(/^expected /, "", w[3]); sub(/, found /, " ", w[3])
		out("kversion", w[1] " " w[2] " " w[3]) }'
for k in $(seq 1 "$hops"); do
	for v in preserved verified refused krefused kversion order format; do
		touch "$inv/$k.$v"
		sort -o "$inv/$k.$v" "$inv/$k.$v"
	done
done
names() { cut -d' ' -f1 "$@" | sort; }
invfail() { fail+=("inventory: $*"); }
check_inventory() {
	local k p v r dup damaged line n lost
	for k in $(seq 2 "$hops"); do
		p=$inv/$((k - 1)).preserved v=$inv/$k.verified r=$inv/$k.refused
		[ -s "$p" ] || { invfail "boot $((k - 1)) preserved nothing"; continue; }
		dup=$(names "$v" "$r" | uniq -d)
		[ -z "$dup" ] || invfail "boot $k logged $(tr '\n' ' ' <<<"$dup")more than once"
		# Verified exactly as preserved.
		while read -r line; do
			grep -qxF "$line" "$p" && continue
			n=${line%% *}
			invfail "boot $k verified $n as '${line#* }', boot $((k - 1)) preserved '$(grep "^$n " "$p" | cut -d' ' -f2-)'"
		done <"$v"
		# Every object accounted for, nothing more.
		for n in $(names "$p" | comm -23 - <(names "$v" "$r")); do
			invfail "boot $k neither verified nor refused $n (preserved in boot $((k - 1)))"
		done
		for n in $(names "$v" "$r" | comm -13 <(names "$p") -); do
			invfail "boot $k verified or refused $n, which boot $((k - 1)) did not preserve"
		done
		# Refused: only the damaged objects (corrupt), all (mismatch).
		case $mode in
		corrupt) damaged=$(names "$p" | grep '^c' || true) ;;
		mismatch) damaged=$(names "$p") ;;
		*) damaged= ;;
		esac
		[ "$(names "$r")" = "$damaged" ] ||
			invfail "boot $k refused '$(names "$r" | tr '\n' ' ')', expected '$(tr '\n' ' ' <<<"$damaged")'"
		echo "  inventory: boot $k: $(wc -l <"$v") verified as boot $((k - 1)) preserved them ($(sed -n 's/.* bytes=\([0-9]*\).*/\1/p' "$v" | awk '{s += $1} END {print s + 0}') bytes), $(wc -l <"$r") refused, of $(wc -l <"$p")"
	done
	# Boot 1's data reaches the last boot intact, however many hops it took
	# (chunk layout, "blocks" of a vbuf, may change when a hop copies it).
	if [ "$mode" = normal ] && [ "$hops" -gt 2 ]; then
		strip() { sed 's/ blocks=[0-9]*//' "$1" | sort; }
		lost=$(comm -23 <(strip "$inv/1.preserved") <(strip "$inv/$hops.verified") | cut -d' ' -f1)
		for n in $lost; do
			invfail "boot 1's $n did not arrive intact in boot $hops"
		done
		echo "  inventory: $(comm -12 <(strip "$inv/1.preserved") <(strip "$inv/$hops.verified") | wc -l) of boot 1's $(wc -l <"$inv/1.preserved") objects verified intact in boot $hops"
	fi
}
# --- refusals: each refused object, the one log line it must have caused ---
# khoser_test logs "refused NAME err=E reason=WORD damage=HOW [target=T]
# [says=TEXT]" (it has checked the errno). khoser must have logged exactly
# one line for NAME in that boot: "khoser: NAME: refused: WORD: TEXT (where)"
# with that WORD (and that TEXT, where the word names several checks), or,
# for reason=version, one "khoser: NAME: COMPONENT: expected vN, found vM"
# and no refused line. No object may be refused that khoser_test did not
# expect to be refused, and a target (the object the damage pointed into)
# must be verified, as preserved, later in the same boot.
reffail() { fail+=("refusals: $*"); }
damage_says() {
	case $1 in
	reboot) echo "damaged at reboot in boot 1, after the seal" ;;
	boot2) echo "descriptor edited in boot 2 before the lookup" ;;
	written) echo "written wrong in boot 1, past khoser" ;;
	none) echo "not damaged: looked up as another version" ;;
	*) echo "damage '$1'" ;;
	esac
}
check_refusals() {
	local k r kr kv n rest f reason damage target says text got nv at tat nr ok
	local -A by=()
	for k in $(seq 1 "$hops"); do
		r=$inv/$k.refused kr=$inv/$k.krefused kv=$inv/$k.kversion
		by=() ok=0
		while read -r n rest; do
			reason='' damage='' target='' says=''
			case $rest in
			*' says='*) says=${rest#* says=} rest=${rest%% says=*} ;;
			esac
			for f in $rest; do
				case $f in
				reason=*) reason=${f#reason=} ;;
				damage=*) damage=${f#damage=} ;;
				target=*) target=${f#target=} ;;
				esac
			done
			if [ -z "$reason" ] || [ -z "$damage" ]; then
				reffail "boot $k: khoser_test refused $n without an expected reason and damage"
				continue
			fi
			got=$(awk -v n="$n" '$1 == n { print $2 }' "$kr" | tr '\n' ' ')
			got=${got% }
			nv=$(awk -v n="$n" '$1 == n' "$kv" | wc -l)
			if [ "$reason" = version ]; then
				line=$(awk -v n="$n" '$1 == n { print $2 ": expected " $3 ", found " $4 }' "$kv")
				if [ "$nv" -ne 1 ] || [ -n "$got" ]; then
					reffail "boot $k: $n: expected one 'khoser: $n: ...: expected vN, found vM' line and no refused line; found $nv such lines, refused '$got'"
				elif ! grep -qx "$vcomp: expected $vwant, found $vfound" <<<"$line"; then
					reffail "boot $k: $n: refused for '$line', expected '$vcomp: expected $vwant, found $vfound'"
				else
					ok=$((ok + 1))
				fi
			elif [ "$got" != "$reason" ] || [ "$nv" -ne 0 ]; then
				reffail "boot $k: $n: expected exactly one 'khoser: $n: refused: $reason:' line; found refused '${got:-none}' and $nv version lines"
			elif text=$(awk -v n="$n" '$1 == n { $1 = $2 = ""; print substr($0, 3) }' "$kr") &&
				[ -n "$says" ] && [ "$text" != "$says" ]; then
				reffail "boot $k: $n: refused for '$reason: $text', expected '$reason: $says'"
			else
				ok=$((ok + 1))
			fi
			if [ -n "$target" ]; then
				at=$(awk -v n="$n" '$1 == "refused" && $2 == n { print $3 }' "$inv/$k.order")
				tat=$(awk -v n="$target" '$1 == "verified" && $2 == n { print $3 }' "$inv/$k.order")
				if [ -z "$tat" ] || [ -z "$at" ] || [ "$tat" -le "$at" ]; then
					reffail "boot $k: $n pointed into $target, which boot $k did not verify after refusing $n"
				fi
			fi
			by[$damage]=$((${by[$damage]:-0} + 1))
			[ "$reason" != version ] || rest="$rest ($line)"
			echo "  refused: boot $k: $n ${rest%% target=*}${says:+ ($says)}$([ -z "$target" ] || echo ", $target verified intact after it") ($(damage_says "$damage"))"
		done <"$r"
		for n in $(cut -d' ' -f1 "$kr" "$kv" | sort -u | comm -23 - <(names "$r")); do
			reffail "boot $k: khoser refused $n, which khoser_test did not expect to be refused"
		done
		[ -s "$r" ] || continue
		nr=$(wc -l <"$r")
		echo "  refusals: boot $k: $ok of $nr refused objects with one log line each, for the expected reason (damage: $(for f in reboot boot2 written none; do [ -z "${by[$f]:-}" ] || printf '%s %s, ' "${by[$f]}" "$f"; done | sed 's/, $//'))"
		# Boot 1 says how many it damaged at reboot.
		if [ "$mode" = corrupt ]; then
			n=$(sed -n 's/.*khoser_test: damaged \([0-9]*\) objects at reboot.*/\1/p' "$serial" | head -1)
			if [ "${n:-x}" != "${by[reboot]:-0}" ]; then
				reffail "boot $((k - 1)) damaged ${n:-no} objects at reboot, boot $k refused ${by[reboot]:-0} as damaged at reboot"
			fi
		fi
	done
}
# --- formats: the block format each object was written and read in --------
# The companion of the new set ends "preserved" lines of block sets and
# vbufs with wrote=vN and "verified" lines with read=vN (the format the
# lookup found). --expect-read B=vN: boot B said for each block set and
# vbuf it verified which format it read, that format is the one boot B-1
# said it wrote (vN where boot B-1 says nothing: the OLD companion, which
# writes v1 only), and it read at least one in vN.
check_formats() {
	local k f p want got n o kind r w list
	for k in $(seq 1 "$hops"); do
		f=$inv/$k.format
		for v in wrote read; do
			got=$(awk -v v="$v" 'index($4, v "=") == 1 { print substr($4, length(v) + 2) }' "$f" |
				sort | uniq -c | awk '{ printf "%s%s in %s", sep, $1, $2; sep = ", " }')
			[ -z "$got" ] || echo "  formats: boot $k: $v $got"
		done
	done
	[ -n "$expect_read" ] || return 0
	IFS=, read -r -a want <<<"$expect_read"
	for w in "${want[@]}"; do
		k=${w%%=*} v=${w#*=}
		f=$inv/$k.format p=$inv/$((k - 1)).format
		n=0 list=''
		while read -r o kind; do
			[ "$kind" = kind=block ] || [ "$kind" = kind=vbuf ] || continue
			r=$(awk -v o="$o" '$1 == "verified" && $2 == o { print substr($4, 6) }' "$f")
			w=$(awk -v o="$o" '$1 == "preserved" && $2 == o { print substr($4, 7) }' "$p" 2>/dev/null)
			if [ -z "$r" ]; then
				fmtfail "boot $k verified $o without saying which format it read"
			elif [ "$r" != "${w:-$v}" ]; then
				fmtfail "boot $k read $o in $r, boot $((k - 1)) wrote it in ${w:-$v}"
			else
				list="$list $o:$r"
			fi
			[ "$r" != "$v" ] || n=$((n + 1))
		done < <(cut -d' ' -f1,2 "$inv/$k.verified")
		[ "$n" -gt 0 ] || fmtfail "boot $k read no block set or vbuf in $v"
		echo "  formats: boot $k read each block set and vbuf in the format boot $((k - 1)) wrote it in ($n in $v):$list"
	done
}
fmtfail() { fail+=("formats: $*"); }
# --- corrupt: one bit flipped in block 2 of c2-crc (v2, CRC) and c1-flip --
# c2-crc: refused (check_refusals: reason crc), and its line names block 2.
# c1-flip: a v1 block has no CRC: by design it reads back flipped, unseen.
check_flips() {
	local n line
	n=$(grep -c 'khoser_test: undetected c1-flip: ' "$serial" || true)
	[ "$n" -eq 1 ] ||
		fail+=("corrupt: $n 'undetected c1-flip' lines, expected 1 (the bit flipped in a v1 block read back unseen)")
	grep 'khoser_test: undetected c1-flip: ' "$serial" | sed 's/.*khoser_test: /  /' || true
	grep -q 'khoser_test: preserved c2-crc ' "$serial" || return 0
	line=$(grep -o 'khoser: c2-crc: refused: .*' "$serial" | tr -d '\r' || true)
	case $line in
	*'refused: crc: '*'block 2'*) echo "  crc: $line" ;;
	*) fail+=("corrupt: c2-crc's refusal '$line' is not a crc one naming block 2") ;;
	esac
}
# --- defaults and interop: what each boot of them must say ------------------
# The serial log line by line, each after the number of its boot and a tab.
byboot=$stage/byboot
tr -d '\r' <"$serial" | awk '
	/khoser-run: hop [0-9]+ of/ { s = $0; sub(/.*khoser-run: hop /, "", s); b = s + 0 }
	{ print b "\t" $0 }' >"$byboot"
inboot() { awk -v b="$1" 'index($0, b "\t") == 1 { print substr($0, length(b) + 2) }' "$byboot"; }
# First line of stdin matching sed expression $1, its groups as sed prints them.
pick() { sed -n "s/$1/p" | head -1; }
# defaults: the modules loaded with no parameter at all; boot 1 (not a KHO
# boot) only preserves; every later boot takes its hop from what the one
# before handed over, verifies khoser_test's 8 objects and the consumer's
# table, and preserves both again.
check_defaults() {
	local k l h rec v c nobj=8
	for k in $(seq 1 "$hops"); do
		l=$(inboot "$k")
		grep -q 'khoser-run: loaded with no parameters: khoser khoser_test khoser_consumer$' <<<"$l" ||
			dfail "boot $k: the modules were not loaded with no parameters"
		h=$(pick '.*khoser_test: handing over \([0-9]*\) objects, .*/\1' <<<"$l")
		[ "$h" = "$nobj" ] ||
			dfail "boot $k: khoser_test handed over '${h:-nothing}', expected $nobj objects"
		rec=$(pick '.*khoser_consumer: preserved \([0-9]*\) records, generation \([0-9]*\)$/\1 \2' <<<"$l")
		[ "${rec#* }" = "$k" ] ||
			dfail "boot $k: khoser_consumer preserved '${rec:-nothing}' (records, generation), expected generation $k"
		if [ "$k" = 1 ]; then
			grep -q 'khoser_test: hop 1, not a KHO boot: preserving, seed ' <<<"$l" ||
				dfail "boot 1: khoser_test did not say it preserves as hop 1"
			! grep -E 'khoser_test: (PASS|FAIL|verified )|khoser_consumer: (PASS|FAIL)' <<<"$l" >&2 ||
				dfail "boot 1 is not a KHO boot: it must preserve, not verify"
			echo "  defaults: boot 1, not a KHO boot: khoser_test preserved ${h:-?} objects, khoser_consumer ${rec%% *} records (generation ${rec#* }); nothing verified, no verdict"
			continue
		fi
		grep -q "khoser_test: hop $k, a KHO boot: hop $((k - 1)) handed over $nobj objects with seed " <<<"$l" ||
			dfail "boot $k: khoser_test did not take hop $k from what hop $((k - 1)) handed over ($nobj objects)"
		v=$(pick '.*khoser_test: PASS \([0-9]*\) objects verified (\([0-9]*\) bytes.*/\1 \2' <<<"$l")
		[ "${v%% *}" = "$nobj" ] ||
			dfail "boot $k: khoser_test: '${v:-no PASS}', expected PASS with $nobj objects verified"
		grep -q "khoser_test: kt-hdr: all $nobj objects hop $((k - 1)) listed were checked" <<<"$l" ||
			dfail "boot $k: khoser_test did not check all $nobj objects kt-hdr listed"
		c=$(pick '.*khoser_consumer: PASS \([0-9]*\) checks, generation \([0-9]*\)$/\1 \2' <<<"$l")
		if [ "${c#* }" != "$((k - 1))" ] || [ "${c%% *}" -le "${rec%% *}" ]; then
			dfail "boot $k: khoser_consumer: '${c:-no PASS}' (checks, generation), expected PASS for generation $((k - 1)), a check per record at least"
		fi
		echo "  defaults: boot $k, a KHO boot: khoser_test took hop $k from hop $((k - 1))'s kt-hdr, PASS ${v%% *} objects verified (${v#* } bytes), all $nobj listed checked; khoser_consumer PASS ${c%% *} checks, generation ${c#* }; both preserved again (khoser_test ${h:-?} objects, khoser_consumer generation ${rec#* })"
	done
}
dfail() { fail+=("defaults: $*"); }
# interop: in every boot khoser_upstream writes a chain with upstream's code
# (grown ahead, shrunk) and one with khoser's (grown ahead, sealed), 40-byte
# entries, the last block part full; each later boot reads each with the
# other side's code: the entries, blocks and digest the writer logged.
check_interop() {
	local k l w r side n b last d exp
	local -A wrote=()
	for k in $(seq 1 "$hops"); do
		l=$(inboot "$k")
		if [ "$k" -gt 1 ]; then
			for side in 'upstream -> khoser' 'khoser -> upstream'; do
				r=$(pick ".*khoser_upstream: $side: \([0-9]*\) entries of 40 B in \([0-9]*\) blocks (the last holding \([0-9]*\)).* every byte as written, digest \([0-9a-f]*\)$/\1 \2 \3 \4" <<<"$l")
				read -r n b last d <<<"$r"
				exp=${wrote[${side%% *}]:-}
				if [ -z "$r" ]; then
					ifail "boot $k: no '$side' line: the chain boot $((k - 1)) wrote was not read"
				elif [ "$n $b $d" != "$exp" ]; then
					ifail "boot $k: $side read $n entries in $b blocks, digest $d; boot $((k - 1)) wrote '$exp' (entries blocks digest)"
				else
					echo "  interop: boot $k: $side: $n entries of 40 B in $b blocks (the last holding $last) read back, digest $d as boot $((k - 1)) wrote it"
				fi
			done
		fi
		wrote=()
		w=$(pick '.*khoser_upstream: upstream wrote \([0-9]*\) entries of 40 B: grown to \([0-9]*\) blocks, shrunk to \([0-9]*\) .* \([0-9]*\) entries a block, digest \([0-9a-f]*\)$/\1 \2 \3 \4 \5' <<<"$l")
		interop_wrote upstream "$k" "$w"
		w=$(pick '.*khoser_upstream: khoser wrote \([0-9]*\) entries of 40 B in khoser-block-v1: grown to \([0-9]*\) blocks, sealed to \([0-9]*\) .* \([0-9]*\) entries a block, digest \([0-9a-f]*\)$/\1 \2 \3 \4 \5' <<<"$l")
		interop_wrote khoser "$k" "$w"
	done
}
# interop_wrote SIDE BOOT "ENTRIES GROWN BLOCKS CAP DIGEST": grown ahead,
# then cut to exactly the blocks its entries need, the last part full.
interop_wrote() {
	local n g b cap d
	read -r n g b cap d <<<"$3"
	if [ -z "$3" ]; then
		ifail "boot $2: $1 wrote no chain"
	elif [ "$g" -le "$b" ] || [ "$b" -ne $(((n + cap - 1) / cap)) ] || [ $((n % cap)) -eq 0 ]; then
		ifail "boot $2: $1 wrote $n entries, $cap a block, grown to $g blocks and cut to $b: not grown ahead, cut to what its entries need, the last block part full"
	else
		wrote[$1]="$n $b $d"
		echo "  interop: boot $2: $1 wrote $n entries of 40 B, $cap a block: grown to $g blocks, cut to $b (the last holding $((n - (b - 1) * cap))), digest $d"
	fi
}
ifail() { fail+=("interop: $*"); }

if [ "$kho" = 1 ] && [ "$mode" != off ] && [ "$scenario" != bench ]; then
	check_inventory
	check_refusals
	check_formats
	[ "$mode" != corrupt ] || check_flips
	[ "$defaults" = 0 ] || check_defaults
	[ "$scenario" != interop ] || check_interop
fi

grep -E 'khoser_[a-z]+: (PASS|FAIL)|khoser_test: (handing over|data of|damaged)|khoser-run: (hop|module set|reload|leakcheck|khoserctl doctor|FAIL)|khoser: .*expected v' "$serial" |
	sed 's/^/  /' || true
if [ "$summary" = 1 ]; then
	pres=$(grep -m1 'khoser_test: handing over' "$serial" | sed 's/.*handing over //')
	echo "summary: ${pres%% for hop*}; hops $((hops - 1)) ($krels); verdict" \
		"$( [ ${#fail[@]} -eq 0 ] && echo PASS || echo FAIL ); ${secs}s"
fi
if [ ${#fail[@]} -gt 0 ]; then
	printf "run.sh: $scenario: FAIL: %s\n" "${fail[@]}"
	echo "run.sh: serial log: $out"
	exit 1
fi
echo "run.sh: $scenario: PASS ($hops boots, ${secs}s, log $out)"
