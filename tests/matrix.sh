#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make matrix: khoser (+ khoser_test) and the consumer (tests/consumer,
# through src/dkms/khoser.mk and a staged kit of khoser's exports, as
# with the package) built with W=1 against each kernel tree below, one row
# each (tests/matrix-row.sh):
#
#   Debian 12 stock 6.1          host, bookworm's linux-headers-amd64
#   Debian 13 stock 6.12         trixie chroot (gcc-14)
#   Debian stock 7.2             sid chroot (gcc-16), KHO compiled out
#   Debian stock 7.3             trixie chroot, trixie-backports headers
#   KHO 7.2, KHO 7.3             trees from tests/qemu/kernel.sh (host)
#
# A row passes when the outcome is the expected one (built with the KHO API,
# or built in unavailable mode, or refused clearly) with no warning at all.
# The table is printed (markdown, as in README) and kept in
# $KHOSER_CACHE/matrix/table.md. Rows are cached: a row is rebuilt only
# when the sources or that kernel tree change. KHOSER_MATRIX_FRESH=1
# ignores the cache.
#
# One TAP result per row (tests/lib.sh), then "matrix: N passed, N failed,
# N skipped".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
cache=$KHOSER_CACHE
mdir=$cache/matrix
mkdir -p "$mdir"
export DEBIAN_FRONTEND=noninteractive
recipe=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log() { echo "matrix: $*" >&2; }

tap_init matrix
if [ "$(id -u)" != 0 ]; then
	tap_not_ok "must run as root (apt-get, chroot)"
	tap_end
	exit 2
fi

# The tracked files a row copies (copy_tracked), and their hash (part of
# each row's key).
src_hash=$(
	cd "$top" || exit
	{
		echo "recipe $recipe"
		find Kbuild Makefile dkms.conf src include tests/module tests/consumer \
			tests/matrix-row.sh -type f ! -path 'src/user/*' \
			! -path 'src/compat/generated/*' ! -name '*.o' ! -name '*.ko' \
			! -name '.*' | LC_ALL=C sort | xargs sha256sum
	} | sha256sum | cut -c1-12
)

# --- kernel trees ---------------------------------------------------------------
# Each row: NAME|WHERE|KDIR|ID|EXPECT. WHERE is "host" or "chroot:SUITE:KVER".
# ID identifies the tree's contents (for the cache). EXPECT: kho (built with
# the KHO API), unavailable (built in unavailable mode) or refused.
rows=()
missing=()

stock61() {
	local dep
	apt_install linux-headers-amd64 || return 1
	dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 |
		grep -o 'linux-headers-[^ ,]*-amd64' | head -1)
	[ -d "/lib/modules/${dep#linux-headers-}/build" ] || return 1
	rows+=("Debian 12 stock 6.1|host|/lib/modules/${dep#linux-headers-}/build|$dep $(dpkg-query -W -f='${Version}' "$dep")|unavailable")
}
stock_chroot() {
	local name=$1 suite=$2 kver=$3 expect=$4 k id
	k=$("$top/tests/stock/chroot.sh" --suite "$suite" --kver "$kver" kver \
		2>"$work/chroot-$suite-$kver.log" | tail -1) ||
		{ tail -20 "$work/chroot-$suite-$kver.log" >&2; return 1; }
	id=$(awk -v k="kver=$k" '$0 == k { p = 1; print; next }
		p && /^  / { print; next } { p = 0 }' \
		"$cache/chroot-$suite/.khoser-stamp" | tr '\n' ' ')
	rows+=("$name|chroot:$suite:$k|/usr/src/linux-headers-$k|$suite $id|$expect")
}
kho_tree() {
	local v=$1 kdir
	kdir=$("$top/tests/qemu/kernel.sh" --version "$v" 2>"$work/kernel-$v.log" |
		tail -1) || { tail -20 "$work/kernel-$v.log" >&2; return 1; }
	rows+=("KHO $v tree (kernel.sh)|host|$kdir|$(tr '\n' ' ' <"$kdir/.khoser-build-complete" |
		sed 's/ seconds .*//')|kho")
}
stock61 || missing+=("Debian 12 stock 6.1")
stock_chroot "Debian 13 stock 6.12" trixie 6.12 unavailable ||
	missing+=("Debian 13 stock 6.12")
stock_chroot "Debian stock 7.2 (sid)" sid "${KHOSER_STOCK_KVER:-7.2.13+deb14-amd64}" kho ||
	missing+=("Debian stock 7.2")
stock_chroot "Debian stock 7.3 (trixie-backports)" trixie 7.3 kho ||
	missing+=("Debian stock 7.3")
kho_tree 7.2 || missing+=("KHO 7.2 tree")
kho_tree 7.3 || missing+=("KHO 7.3 tree")

# --- rows -------------------------------------------------------------------------
run_row() {
	local where=$1 kdir=$2 res=$3 d=$work/row suite kver
	rm -rf "$d"
	mkdir -p "$d"
	copy_tracked "$top" "$d"
	rm -f "$work/chroot-build.log"
	case $where in
	host)
		(cd "$d" && sh tests/matrix-row.sh "$kdir") >"$res" 2>&1
		;;
	chroot:*)
		suite=${where#chroot:}
		kver=${suite#*:}
		suite=${suite%%:*}
		"$top/tests/stock/chroot.sh" --suite "$suite" --kver "$kver" \
			build "$d" --out "$work/out" -- sh tests/matrix-row.sh "$kdir" \
			>"$res" 2>"$work/chroot-build.log"
		;;
	esac
}

val() { sed -n "s/^row: $1=//p" "$2" | head -1; }

table=$work/table.md
{
	echo "| kernel tree | release | compiler | KHO in config | khoser + khoser_test | consumer | result | W=1 warnings |"
	echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
} >"$table"
for row in "${rows[@]}"; do
	IFS='|' read -r name where kdir id expect <<<"$row"
	key=$(printf '%s\n%s\n%s\n' "$src_hash" "$where" "$id" | sha256sum | cut -c1-12)
	slug=$(printf '%s' "$name" | tr -c 'A-Za-z0-9.' '-')
	res=$mdir/$slug.$key
	cached=" (cached)"
	if [ -n "${KHOSER_MATRIX_FRESH:-}" ] || [ ! -s "$res" ]; then
		cached=
		t0=$SECONDS
		rm -f "$mdir/$slug".*
		run_row "$where" "$kdir" "$res.tmp"
		echo "row: seconds=$((SECONDS - t0))" >>"$res.tmp"
		mv "$res.tmp" "$res"
	fi
	krel=$(val krel "$res") cc=$(val cc "$res") config=$(val config "$res")
	krc=$(val khoser_rc "$res") kw=$(val khoser_warnings "$res")
	api=$(val kho_api "$res") crc=$(val consumer_rc "$res")
	cw=$(val consumer_warnings "$res") dep=$(val consumer_depends "$res")
	refusal=$(val refusal "$res")
	warnings=$((${kw:-0} + ${cw:-0}))
	if [ "$krc" = 0 ] && [ "$crc" = 0 ] && [ "$dep" = khoser ]; then
		kcol=built consumer=built
		if [ "$api" = yes ]; then
			outcome=kho
			result="built, KHO API"
			[ "$config" = y ] || result="built, KHO API; KHO compiled out: -EOPNOTSUPP at run time"
		else
			outcome=unavailable
			result="unavailable mode (no usable KHO API): loads, -EOPNOTSUPP"
		fi
	elif [ "$krc" != 0 ] && [ -n "$refusal" ]; then
		kcol="refused" consumer="-" outcome=refused result="clear refusal: $refusal"
	else
		kcol=$([ "$krc" = 0 ] && echo built || echo FAILED)
		consumer=$([ "$crc" = 0 ] && echo built || echo FAILED)
		outcome=failed result="build failed"
	fi
	echo "| $name | ${krel:-?} | ${cc:-?} | $([ "$config" = y ] && echo yes || echo no) | $kcol | $consumer | $result | $warnings |" >>"$table"
	if [ "$outcome" = "$expect" ] && [ "$warnings" -eq 0 ]; then
		tap_ok "$name: $result$cached"
	else
		tap_not_ok "$name: $result, $warnings warnings, expected $expect$cached"
		grep -E '^log: ' "$res" | head -12 | sed 's/^/     | /'
		if [ -s "$work/chroot-build.log" ]; then
			tail -5 "$work/chroot-build.log" | sed 's/^/     | /'
		fi
	fi
done
for m in "${missing[@]}"; do
	tap_not_ok "$m: kernel tree unavailable"
	echo "| $m | - | - | - | - | - | tree unavailable | - |" >>"$table"
done
cp "$table" "$mdir/table.md"
echo
cat "$table"
echo
tap_end
