#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Boot a KHO kernel in QEMU and kexec through several hops with khoser and
# khoser_test, then judge the serial log.
#
# usage: run.sh [options] SCENARIO
#   roundtrip   2 boots: preserve, then verify every byte
#   multihop    3 boots: boot 1's data re-preserved and verified in boot 3
#   corrupt     2 boots: damaged objects refused, the rest verified
#   kho-off     1 boot without kho=on: loads, every call -EOPNOTSUPP
#   reload      2 boots: unload/reload the modules in boot 1 first
#   cross       like roundtrip, across --kernels (e.g. 7.2,7.3,7.2)
#   stock       1 boot of Debian's stock 7.2 kernel (KHO compiled out) with
#               khoser built against its headers: loads, every call
#               -EOPNOTSUPP
#   mismatch    7.2 -> 7.3, the 7.3 companion built as version 2: its
#               lookups must be refused with -EPROTO naming the component
#   custom      set everything with the options below
# options:
#   --variant fast|debug   kernel config (debug: KASAN, kmemleak, lockdep)
#   --kernels 7.2,7.3,...  kernel per boot (default 7.2 for every boot)
#   --hops N --mode normal|corrupt|off|mismatch --ver N --no-kho --reload
#   --build-ver V=N        build the companion for kernel V as version N
#   --extra "PARAMS"       more khoser_test parameters
#   --timeout SECS         whole run (default 300, debug 900)
#   --mem SIZE             guest memory (default 1G, debug 3G)
#   --summary              print a short human summary
# Exit 0 only when every boot's verdict is PASS and the log is clean.
# The serial log is kept in $KHOSER_CACHE/qemu/logs/SCENARIO.log.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${KHOSER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/khoser}
variant=fast kernels= hops= mode= ver= kho=1 reload=0 extra= timeout= mem_opt=
declare -A build_ver=()
summary=0 scenario=
while [ $# -gt 0 ]; do
	case $1 in
	--variant) variant=$2; shift ;;
	--kernels) kernels=$2; shift ;;
	--hops) hops=$2; shift ;;
	--mode) mode=$2; shift ;;
	--ver) ver=$2; shift ;;
	--build-ver) build_ver[${2%%=*}]=${2#*=}; shift ;;
	--no-kho) kho=0 ;;
	--reload) reload=1 ;;
	--extra) extra=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--mem) mem_opt=$2; shift ;;
	--summary) summary=1 ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) scenario=$1 ;;
	esac
	shift
done

case $scenario in
roundtrip) : "${hops:=2}" "${mode:=normal}" ;;
multihop) : "${hops:=3}" "${mode:=normal}" ;;
corrupt) : "${hops:=2}" "${mode:=corrupt}" ;;
kho-off) : "${hops:=1}" "${mode:=off}"; kho=0 ;;
reload) : "${hops:=2}" "${mode:=normal}"; reload=1 ;;
cross) : "${mode:=normal}"
	[ -n "$kernels" ] || { echo "run.sh: cross needs --kernels" >&2; exit 2; }
	: "${hops:=$(($(tr -cd , <<<"${kernels%,}" | wc -c) + 1))}" ;;
mismatch) : "${hops:=2}" "${mode:=mismatch}" "${kernels:=7.2,7.3}"
	[ ${#build_ver[@]} -gt 0 ] || build_ver[${kernels##*,}]=2 ;;
stock) : "${hops:=1}" "${mode:=off}" "${kernels:=stock}" ;;
custom) : "${hops:=2}" "${mode:=normal}" ;;
*) sed -n '3,24p' "$0" >&2; exit 2 ;;
esac
[ "$variant" = debug ] && : "${timeout:=900}"
: "${timeout:=300}"
[ -n "$kernels" ] || kernels=$(printf '7.2%.0s,' $(seq "$hops"))
IFS=, read -r -a seq <<<"${kernels%,}"
[ "${#seq[@]}" -eq "$hops" ] || {
	echo "run.sh: --kernels needs $hops entries" >&2
	exit 2
}

log() { echo "run.sh: $*" >&2; }

# --- tools ------------------------------------------------------------------
need=
command -v qemu-system-x86_64 >/dev/null || need="$need qemu-system-x86"
[ -x /bin/busybox ] && file -L /bin/busybox | grep -q static ||
	need="$need busybox-static"
for c in cpio gzip file; do command -v $c >/dev/null || need="$need $c"; done
if [ -n "$need" ]; then
	log "installing$need"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $need >/dev/null
fi

work=$cache/qemu
mkdir -p "$work/logs"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# --- kernels and modules ----------------------------------------------------
# One build of khoser + khoser_test per kernel, from a copy of the sources.
declare -A krel_of
# Debian's stock kernel: modules built in the sid chroot with its headers.
build_stock() {
	local kver=${KHOSER_STOCK_KVER:-7.2.13+deb14-amd64} img out
	img=$("$top/tests/stock/image.sh" | tail -1)
	out=$stage/src-stock
	mkdir -p "$out"
	(cd "$top" && git ls-files -co --exclude-standard Makefile Kbuild src include tests/module) |
		(cd "$top" && xargs cp --parents -t "$out")
	"$top/tests/stock/chroot.sh" build "$out" --out "$out/ko" -- sh -c \
		"make KDIR=/usr/src/linux-headers-$kver W=1 && make -C /usr/src/linux-headers-$kver M=/build/src/tests/module KBUILD_EXTRA_SYMBOLS=/build/src/Module.symvers W=1 modules" \
		>"$stage/build-stock.log" 2>&1 || {
		cat "$stage/build-stock.log" "$out/ko/build.log" >&2
		return 1
	}
	mkdir -p "$stage/root/lib/modules/$kver" "$stage/root/boot"
	cp "$out/ko/khoser.ko" "$out/ko/khoser_test.ko" "$stage/root/lib/modules/$kver/"
	cp "$img" "$stage/root/boot/bzImage-$kver"
	krel_of[stock]=$kver
}

build_for() {
	local v=$1 kdir krel out
	[ "$v" = stock ] && { build_stock; return; }
	kdir=$("$top/tests/qemu/kernel.sh" --version "$v" --variant "$variant" | tail -1)
	krel=$(cat "$kdir/include/config/kernel.release")
	out=$stage/src-$v
	mkdir -p "$out"
	(cd "$top" && git ls-files -co --exclude-standard Kbuild src include tests/module 2>/dev/null ||
		find Kbuild src include tests/module -type f) |
		(cd "$top" && xargs cp --parents -t "$out")
	make -s -C "$kdir" M="$out" W=1 modules >"$stage/build-$v.log" 2>&1 &&
		make -s -C "$kdir" M="$out/tests/module" \
			KBUILD_EXTRA_SYMBOLS="$out/Module.symvers" W=1 \
			KT_VERSION="${build_ver[$v]:-1}" modules \
			>>"$stage/build-$v.log" 2>&1 || {
		cat "$stage/build-$v.log" >&2
		return 1
	}
	# Compiler and modpost diagnostics (not kbuild's toolchain notices).
	if grep -E '\.[ch]:[0-9]+(:[0-9]+)?: (warning|error)|^(WARNING|ERROR): modpost|^make.*Error' "$stage/build-$v.log" >&2; then
		log "module build for $v has warnings"
		return 1
	fi
	mkdir -p "$stage/root/lib/modules/$krel" "$stage/root/boot"
	cp "$out/khoser.ko" "$out/tests/module/khoser_test.ko" \
		"$stage/root/lib/modules/$krel/"
	cp "$kdir/arch/x86/boot/bzImage" "$stage/root/boot/bzImage-$krel"
	krel_of[$v]=$krel
}
for v in $(printf '%s\n' "${seq[@]}" | sort -u); do
	build_for "$v"
done
krels=
for v in "${seq[@]}"; do krels="$krels ${krel_of[$v]}"; done
krels=${krels# }

# --- initramfs ----------------------------------------------------------------
r=$stage/root
mkdir -p "$r"/{bin,dev,etc,proc,sys,run,tmp}
cp /bin/busybox "$r/bin/busybox"
gcc -static -O2 -o "$r/bin/kexec-helper" "$top/tests/qemu/kexec-helper.c"
cp "$top/tests/qemu/init.sh" "$r/init"
chmod +x "$r/init"
echo 1 >"$r/etc/hop"
cat >"$r/etc/khoser.conf" <<CONF
HOPS=$hops
MODE=$mode
SEED=$((RANDOM * 32768 + RANDOM))
VER=$ver
RELOAD=$reload
KRELS="$krels"
EXTRA="$extra"
CONF
(cd "$r" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$stage/initrd.gz"

# --- QEMU -------------------------------------------------------------------
first=${krels%% *}
append="console=ttyS0 panic=-1 loglevel=7"
[ "$kho" = 1 ] && append="$append kho=on"
mem=1G
if [ "$variant" = debug ]; then
	# KASAN's shadow inflates the kernel's reservations, and the next
	# kernel boots inside the scratch area: size it explicitly.
	mem=3G
	append="$append kho_scratch=64M,1024M,64M"
fi
mem=${mem_opt:-$mem}
qemu() {
	timeout "$1" qemu-system-x86_64 -accel "$2" -m "$mem" -smp 1 \
		-nographic -no-reboot -kernel "$r/boot/bzImage-$first" \
		-initrd "$stage/initrd.gz" -append "$append" </dev/null
}
# KVM hung on some hosts: use it only once a short boot has shown it works.
accel=tcg
kvm_ok=$work/kvm-ok
if [ -z "${KHOSER_QEMU_ACCEL:-}" ] && [ -w /dev/kvm ]; then
	if [ ! -f "$kvm_ok" ] && [ ! -f "$work/kvm-bad" ]; then
		if qemu 20 kvm 2>&1 | grep -q 'khoser-run: hop 1'; then
			touch "$kvm_ok"
		else
			touch "$work/kvm-bad"
			log "KVM did not boot here; using TCG"
		fi
	fi
	[ -f "$kvm_ok" ] && accel=kvm
fi
accel=${KHOSER_QEMU_ACCEL:-$accel}

name=$scenario
[ "$scenario" = cross ] && name=$scenario-${kernels//,/-}
out=$work/logs/$name.log
log "$scenario: $hops boots ($krels), mode $mode, $variant kernel, $accel"
start=$(date +%s)
rc=0
qemu "$timeout" "$accel" >"$out" 2>&1 || rc=$?
secs=$(($(date +%s) - start))

# --- verdict ----------------------------------------------------------------
fail=()
[ "$rc" -eq 124 ] && fail+=("timeout after ${timeout}s")
grep -q 'khoser-run: END' "$out" || fail+=("run did not reach its end")
boots=$(grep -c 'khoser-run: hop [0-9]* of' "$out" || true)
[ "$boots" -eq "$hops" ] || fail+=("$boots boots seen, expected $hops")
verdicts=$(grep -c 'khoser_test: PASS' "$out" || true)
want=$((hops - 1))
[ "$mode" = off ] && want=1
[ "$verdicts" -eq "$want" ] || fail+=("$verdicts PASS verdicts, expected $want")
if grep -nE 'khoser_test: FAIL|khoser-run: FAIL' "$out" >&2; then
	fail+=("failure reported in the guest")
fi
if grep -nE 'WARNING:|BUG:|Oops|Kernel panic|Call Trace|KASAN|kmemleak: [0-9]+ new|UBSAN|general protection' \
	"$out" >&2; then
	fail+=("kernel complained")
fi
if [ "$mode" = mismatch ] &&
	! grep -q 'khoser: .*: khoser_test: expected v[0-9]*, found v[0-9]*' "$out"; then
	fail+=("no log line naming the mismatched component")
fi
for k in $(seq 2 "$hops"); do
	[ "$kho" = 1 ] || break
	grep -q "KHO: exec from: .*(count $((k - 1)))" "$out" ||
		fail+=("boot $k was not a KHO boot")
done

grep -E 'khoser_test: (PASS|FAIL)|khoser_test: (preserved|data of)|khoser-run: (hop|reloaded)|khoser: .*expected v' "$out" |
	sed 's/^/  /' || true
if [ "$summary" = 1 ]; then
	pres=$(grep -m1 'khoser_test: preserved' "$out" | sed 's/.*preserved //')
	echo "summary: ${pres%% for hop*}; hops $((hops - 1)) ($krels); verdict" \
		"$( [ ${#fail[@]} -eq 0 ] && echo PASS || echo FAIL ); ${secs}s"
fi
if [ ${#fail[@]} -gt 0 ]; then
	printf "run.sh: $scenario: FAIL: %s\n" "${fail[@]}"
	echo "run.sh: serial log: $out"
	exit 1
fi
echo "run.sh: $scenario: PASS ($hops boots, ${secs}s, log $out)"
