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
#   upgrade     7.2 with the OLD module set (khoser before block format v2,
#               tests/qemu/oldset.sh) writing v1 -> 7.3 NEW -> 7.2 NEW:
#               data intact; boot 2 reads every block set in v1, boot 3
#               (what 7.3 wrote with the defaults) in v2
#   rollback    7.3 NEW writing v2 (order-0 blocks) -> 7.2 OLD: every
#               object refused with -EPROTO and one "khoser-block: expected
#               v1, found v2" line each; then nothing held, modules unload
#   rollback-v1 the same with write_format=1 on 7.3's khoser and
#               khoser_test: the OLD companion verifies every byte
#   bench       2 boots of khoser_test bench=1 (tests/bench/run.sh reads the
#               figures from the log); no inventories
#   custom      set everything with the options below
# options:
#   --variant fast|debug   kernel config (debug: KASAN, kmemleak, lockdep)
#   --kernels 7.2,7.3,...  kernel per boot (default 7.2 for every boot);
#                          V:old boots V with the OLD module set (khoser and
#                          khoser_test of tests/qemu/oldset.sh's commit)
#   --write-format N       write_format=N to khoser.ko and khoser_test.ko in
#                          every boot of the NEW module set
#   --new-extra "PARAMS"   more khoser_test parameters, NEW module set only
#   --expect-read B=vN,..  every block set (and vbuf chunk list) boot B
#                          verifies must say it was read in format vN
#   --expect-version C:vN:vM  mismatch: every refusal is one "khoser: NAME:
#                          C: expected vN, found vM" line (default
#                          khoser_test, any versions)
#   --leakcheck            last boot: after the companion, khoser holds no
#                          preserved page and no incoming object, both
#                          modules unload and leave nothing in kho/out
#   --hops N --mode normal|corrupt|off|mismatch --ver N --no-kho --reload
#   --build-ver V=N        build the companion for kernel V as version N
#   --extra "PARAMS"       more khoser_test parameters
#   --timeout SECS         whole run (default 300, debug 900)
#   --mem SIZE             guest memory (default 1G, debug 3G)
#   --summary              print a short human summary
#   --modules DIR[,DIR..]  take khoser.ko and khoser_test.ko from DIR (e.g.
#                          DKMS's /lib/modules/REL/updates/dkms) for the
#                          kernels they were built for, instead of building
#   --consumer KO|DIR[,..] consumer modules (a .ko, or every .ko in DIR),
#                          each put in the initramfs of the kernel it was
#                          built for and loaded after khoser_test in every
#                          boot; each must say "NAME: PASS" in every KHO boot
#   --khoserctl PATH       khoserctl (and its shared libraries) in the guest:
#                          it loads khoser; "status --json" and "doctor" are
#                          checked in every boot
#   --log NAME             serial log name (default: the scenario)
#   --copy-log FILE        also copy the serial log to FILE
# Exit 0 only when every boot's verdict is PASS, the log is clean and the
# inventories agree: each object that boot N logs as "khoser_test:
# preserved NAME ..." must come back in boot N+1 as "verified NAME ..." with
# the same kind, entries, bytes, blocks and digest, or (corrupt: the damaged
# c* objects; mismatch: all) as "refused NAME"; nothing else may be
# verified or refused, and boot 1's objects must arrive intact in the last.
# Each refused object must have caused exactly one khoser log line in that
# boot, "khoser: NAME: refused: WORD: ..." with the WORD khoser_test names
# in its line (reason=WORD; reason=version: one "expected vN, found vM" line
# instead), and khoser may refuse nothing else.
# The serial log is kept in $KHOSER_CACHE/qemu/logs/SCENARIO.log.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${KHOSER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/khoser}
variant=fast kernels='' hops='' mode='' ver='' kho=1 reload=0 extra='' timeout=''
mem_opt='' summary=0 scenario='' moddirs='' consumers='' khoserctl='' logname=''
copylog='' write_format='' expect_read='' expect_version='' leakcheck=0
new_extra=''
declare -A build_ver=()
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
	--modules) moddirs=$2; shift ;;
	--consumer) consumers=$2; shift ;;
	--khoserctl) khoserctl=$2; shift ;;
	--log) logname=$2; shift ;;
	--copy-log) copylog=$2; shift ;;
	--write-format) write_format=$2; shift ;;
	--new-extra) new_extra=$2; shift ;;
	--expect-read) expect_read=$2; shift ;;
	--expect-version) expect_version=$2; shift ;;
	--leakcheck) leakcheck=1 ;;
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
bench) : "${hops:=2}" "${mode:=normal}"; extra="bench=1 $extra" ;;
upgrade) : "${hops:=3}" "${mode:=normal}" "${kernels:=7.2:old,7.3,7.2}"
	: "${expect_read:=2=v1,3=v2}" ;;
rollback) : "${hops:=2}" "${mode:=mismatch}" "${kernels:=7.3,7.2:old}"
	: "${expect_version:=khoser-block:v1:v2}"; leakcheck=1
	# Without the 4080-byte base set: its entries do not fit a v2 block,
	# so it stays v1 and the OLD companion would read it. The v2 sets
	# keep their large blocks: their descriptors count pages, which the
	# OLD khoser's plausibility check accepts before it compares strings.
	extra="esizes=1,24,64 counts=10000,5000,200000 $extra" ;;
rollback-v1) : "${hops:=2}" "${mode:=normal}" "${kernels:=7.3,7.2:old}"
	: "${write_format:=1}" ;;
custom) : "${hops:=2}" "${mode:=normal}" ;;
*) sed -n '3,/^# The serial log/p' "$0" >&2; exit 2 ;;
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

# Kernel release a .ko was built for (first word of its vermagic).
ko_krel() { modinfo -F vermagic "$1" 2>/dev/null | cut -d' ' -f1; }
# prebuilt KREL: find khoser.ko + khoser_test.ko for KREL in --modules.
prebuilt_dir=
prebuilt() {
	local d
	IFS=, read -r -a dirs <<<"$moddirs"
	for d in "${dirs[@]}"; do
		if [ ! -f "$d/khoser.ko" ] || [ ! -f "$d/khoser_test.ko" ]; then
			continue
		fi
		[ "$(ko_krel "$d/khoser.ko")" = "$1" ] || continue
		[ "$(ko_krel "$d/khoser_test.ko")" = "$1" ] || continue
		prebuilt_dir=$d
		return 0
	done
	return 1
}
build_for() {
	local v=$1 kdir krel out key mcache
	[ "$v" = stock ] && { build_stock; return; }
	kdir=$("$top/tests/qemu/kernel.sh" --version "$v" --variant "$variant" | tail -1)
	krel=$(cat "$kdir/include/config/kernel.release")
	mkdir -p "$stage/root/lib/modules/$krel" "$stage/root/boot"
	cp "$kdir/arch/x86/boot/bzImage" "$stage/root/boot/bzImage-$krel"
	cp "$kdir/.config" "$stage/root/boot/config-$krel"
	krel_of[$v]=$krel
	if prebuilt "$krel"; then
		log "$v: khoser.ko and khoser_test.ko from $prebuilt_dir"
		cp "$prebuilt_dir/khoser.ko" "$prebuilt_dir/khoser_test.ko" \
			"$stage/root/lib/modules/$krel/"
		return 0
	fi
	out=$stage/src-$v
	mkdir -p "$out"
	(
		cd "$top"
		if git rev-parse --git-dir >/dev/null 2>&1; then
			git ls-files -co --exclude-standard Kbuild src include tests/module
		else
			find Kbuild src include tests/module -type f
		fi
	) | (cd "$top" && xargs cp --parents -t "$out")
	# Built before from the same sources, for the same tree and version?
	# (The key covers every source file, the tree's build stamp, which
	# names its config hash and compiler, and the companion's version.)
	key=$( {
		(cd "$out" && find . -type f | LC_ALL=C sort | xargs sha256sum)
		echo "$kdir ${build_ver[$v]:-1}"
		cat "$kdir/.khoser-build-complete"
	} | sha256sum | cut -c1-16)
	mcache=$work/modules/$krel-$variant-$key
	if [ -f "$mcache/khoser_test.ko" ]; then
		log "$v: khoser.ko and khoser_test.ko built before from these sources ($mcache)"
		cp "$mcache/khoser.ko" "$mcache/khoser_test.ko" \
			"$stage/root/lib/modules/$krel/"
		return 0
	fi
	if ! { make -s -C "$kdir" M="$out" W=1 modules &&
		make -s -C "$kdir" M="$out/tests/module" \
			KBUILD_EXTRA_SYMBOLS="$out/Module.symvers" W=1 \
			KT_VERSION="${build_ver[$v]:-1}" modules; } \
		>"$stage/build-$v.log" 2>&1; then
		cat "$stage/build-$v.log" >&2
		return 1
	fi
	# Compiler and modpost diagnostics (not kbuild's toolchain notices).
	if grep -E '\.[ch]:[0-9]+(:[0-9]+)?: (warning|error)|^(WARNING|ERROR): modpost|^make.*Error' "$stage/build-$v.log" >&2; then
		log "module build for $v has warnings"
		return 1
	fi
	cp "$out/khoser.ko" "$out/tests/module/khoser_test.ko" \
		"$stage/root/lib/modules/$krel/"
	mkdir -p "$work/modules"
	rm -rf "$mcache.tmp.$$"
	mkdir "$mcache.tmp.$$"
	cp "$out/khoser.ko" "$out/tests/module/khoser_test.ko" "$mcache.tmp.$$/"
	mv -T "$mcache.tmp.$$" "$mcache" 2>/dev/null || rm -rf "$mcache.tmp.$$"
	# Keep the 32 newest builds.
	find "$work/modules" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' |
		sort -rn | tail -n +33 | cut -d' ' -f2- | xargs -r rm -rf
}
# The OLD module set for kernel V (a boot "V:old"), in /lib/modules-old.
build_old() {
	local v=$1 kdir krel dir
	kdir=$("$top/tests/qemu/kernel.sh" --version "$v" --variant "$variant" | tail -1)
	krel=$(cat "$kdir/include/config/kernel.release")
	dir=$("$top/tests/qemu/oldset.sh" "$kdir" | tail -1) || return 1
	mkdir -p "$stage/root/lib/modules-old/$krel" "$stage/root/boot"
	cp "$kdir/arch/x86/boot/bzImage" "$stage/root/boot/bzImage-$krel"
	cp "$dir/khoser.ko" "$dir/khoser_test.ko" "$stage/root/lib/modules-old/$krel/"
	krel_of[$v:old]=$krel
	log "$v: OLD module set of $(cut -c1-12 "$dir/commit")"
}
for v in $(printf '%s\n' "${seq[@]}" | sort -u); do
	case $v in
	*:old)
		[ -z "$khoserctl$moddirs" ] || {
			log "--khoserctl and --modules take the NEW module set only"
			exit 2
		}
		build_old "${v%:old}"
		;;
	*:new) build_for "${v%:new}"; krel_of[$v]=${krel_of[${v%:new}]} ;;
	*) build_for "$v" ;;
	esac
done
krels='' ksets=''
for v in "${seq[@]}"; do
	krels="$krels ${krel_of[$v]}"
	case $v in
	*:old) ksets="$ksets old" ;;
	*) ksets="$ksets new" ;;
	esac
done
krels=${krels# } ksets=${ksets# }

# --- consumers and khoserctl ---------------------------------------------------
extra_mods=
if [ -n "$consumers" ]; then
	IFS=, read -r -a cons <<<"$consumers"
	kos=()
	for c in "${cons[@]}"; do
		if [ -d "$c" ]; then
			kos+=("$c"/*.ko)
		else
			kos+=("$c")
		fi
	done
	for ko in "${kos[@]}"; do
		[ -f "$ko" ] || { log "no such consumer module: $ko"; exit 2; }
		k=$(ko_krel "$ko")
		[ -d "$stage/root/lib/modules/$k" ] || {
			log "$ko is built for '$k', not for a kernel of this run ($krels)"
			exit 2
		}
		cp "$ko" "$stage/root/lib/modules/$k/"
		name=$(basename "$ko" .ko)
		case " $extra_mods " in
		*" $name "*) ;;
		*) extra_mods="$extra_mods $name" ;;
		esac
	done
	extra_mods=${extra_mods# }
fi
if [ -n "$khoserctl" ]; then
	[ -x "$khoserctl" ] || { log "not executable: $khoserctl"; exit 2; }
	mkdir -p "$stage/root/bin"
	cp "$khoserctl" "$stage/root/bin/khoserctl"
	# Dynamically linked (libkmod ships no static library): take the
	# loader and libraries along, at the paths the binary asks for.
	for lib in $(ldd "$khoserctl" | grep -o '/[^ ]*'); do
		mkdir -p "$stage/root$(dirname "$lib")"
		cp -L "$lib" "$stage/root$lib"
	done
	# libkmod finds modules through the depmod indexes.
	for k in $krels; do
		depmod -b "$stage/root" "$k" 2>"$stage/depmod.log" ||
			{ cat "$stage/depmod.log" >&2; exit 1; }
	done
fi

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
EXTRA_MODULES="$extra_mods"
KSETS="$ksets"
NEW_ARGS="${write_format:+write_format=$write_format}"
NEW_EXTRA="$new_extra"
LEAKCHECK=$leakcheck
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
# Benchmarks need a fine clock: without a PIT or HPET reference the guest
# cannot calibrate its TSC and falls back to jiffies (4 ms steps). Under TCG
# the guest TSC is the host's, so give it the host's rate.
if [ "$scenario" = bench ] && grep -qw constant_tsc /proc/cpuinfo; then
	khz=$(awk -F: '/^cpu MHz/ { printf "%d", $2 * 1000; exit }' /proc/cpuinfo)
	[ -z "$khz" ] || append="$append tsc_early_khz=$khz tsc=reliable"
fi
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
out=$work/logs/${logname:-$name}.log
log "$scenario: $hops boots ($krels), mode $mode, $variant kernel, $accel"
start=$(date +%s)
rc=0
# Judged from a private copy: runs of the same scenario elsewhere write the
# same log name.
serial=$stage/serial.log
qemu "$timeout" "$accel" >"$serial" 2>&1 || rc=$?
secs=$(($(date +%s) - start))
cp "$serial" "$out.$$" && mv -f "$out.$$" "$out"
[ -z "$copylog" ] || cp "$serial" "$copylog"

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
if [ "$kho" = 1 ] && [ "$mode" != off ] && [ "$scenario" != bench ]; then
	check_inventory
	check_refusals
	check_formats
	[ "$mode" != corrupt ] || check_flips
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
