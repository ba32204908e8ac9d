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
#   defaults    3 boots: khoser, khoser_test and the example consumer
#               (tests/consumer, built here) loaded with no parameters at
#               all: boot 1 preserves, boots 2 and 3 verify (khoser_test's 8
#               objects, the consumer's table) and preserve again
#   interop     2 boots (or one per --kernels entry) with khoser_upstream
#               (tests/qemu/upstream: upstream's kho_block.c from the
#               kernel's source, renamed): a chain upstream's code wrote is
#               read by khoser, one khoser wrote by upstream's code
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
new_extra='' defaults=0
# Modules of this tree built here besides khoser and khoser_test, loaded
# after them like --consumer ones: "NAME:DIR" (DIR in the tree).
own_mods=()
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
defaults) : "${hops:=3}" "${mode:=normal}"; defaults=1
	own_mods+=(khoser_consumer:tests/consumer) ;;
interop) : "${mode:=normal}"
	own_mods+=(khoser_upstream:tests/qemu/upstream)
	if [ -n "$kernels" ]; then
		: "${hops:=$(($(tr -cd , <<<"${kernels%,}" | wc -c) + 1))}"
	fi
	: "${hops:=2}" ;;
custom) : "${hops:=2}" "${mode:=normal}" ;;
*) sed -n '3,/^# The serial log/p' "$0" >&2; exit 2 ;;
esac
[ "$variant" = debug ] && : "${timeout:=900}"
: "${timeout:=300}"
kernels_opt=$kernels
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
		[ ${#own_mods[@]} -eq 0 ] || {
			log "$scenario builds its own modules: no --modules"
			return 1
		}
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
			git ls-files -co --exclude-standard Kbuild src include \
				tests/module tests/consumer tests/qemu/upstream
		else
			find Kbuild src include tests/module tests/consumer \
				tests/qemu/upstream -type f
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
	# (Modules of own_mods build against khoser's Module.symvers.)
	if [ -f "$mcache/khoser_test.ko" ] && [ -f "$mcache/Module.symvers" ]; then
		log "$v: khoser.ko and khoser_test.ko built before from these sources ($mcache)"
		cp "$mcache/khoser.ko" "$mcache/khoser_test.ko" \
			"$stage/root/lib/modules/$krel/"
		cp "$mcache/Module.symvers" "$out/"
		build_own "$v" "$kdir" "$krel" "$out" "$mcache"
		return
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
	cp "$out/khoser.ko" "$out/tests/module/khoser_test.ko" \
		"$out/Module.symvers" "$mcache.tmp.$$/"
	mv -T "$mcache.tmp.$$" "$mcache" 2>/dev/null || rm -rf "$mcache.tmp.$$"
	# Keep the 32 newest builds.
	find "$work/modules" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' |
		sort -rn | tail -n +33 | cut -d' ' -f2- | xargs -r rm -rf
	build_own "$v" "$kdir" "$krel" "$out" "$mcache"
}
# The modules of own_mods for kernel V, against khoser built in OUT (its
# Module.symvers there), each cached next to khoser in MCACHE once built.
build_own() {
	local v=$1 kdir=$2 krel=$3 out=$4 mcache=$5 m name dir bad
	for m in "${own_mods[@]}"; do
		name=${m%%:*} dir=$out/${m#*:}
		if [ ! -f "$mcache/$name.ko" ]; then
			case $name in
			khoser_consumer)
				# As a consumer builds: through khoser.mk, against
				# the kit (include/ and Module.symvers) in OUT.
				make -s -C "$dir" KDIR="$kdir" W=1 \
					KHOSER_MK="$out/src/dkms/khoser.mk" \
					KHOSER_DIR="$out" ;;
			*)
				make -s -C "$kdir" M="$dir" W=1 \
					KBUILD_EXTRA_SYMBOLS="$out/Module.symvers" modules ;;
			esac >"$stage/build-$v-$name.log" 2>&1 || {
				cat "$stage/build-$v-$name.log" >&2
				return 1
			}
			if grep -E '\.[ch]:[0-9]+(:[0-9]+)?: (warning|error)|^(WARNING|ERROR): modpost|^make.*Error' "$stage/build-$v-$name.log" >&2; then
				log "$name build for $v has warnings"
				return 1
			fi
			# Upstream's code linked in under its own names? Every
			# global symbol of kho_block.o must carry the ku_ prefix.
			if [ "$name" = khoser_upstream ]; then
				bad=$(nm -g --defined-only "$dir/kho_block.o" |
					awk '$3 !~ /^(__pfx_)?ku_/ { print $3 }')
				[ -z "$bad" ] || {
					log "$name: symbols of upstream's kho_block.c not renamed (ku_rename.h): $(tr '\n' ' ' <<<"$bad")"
					return 1
				}
				log "$v: upstream's kho_block.c from $(sed -n 's/^include \(.*\)\/Makefile$/\1/p' "$kdir/Makefile")/kernel/liveupdate, $(nm -g --defined-only "$dir/kho_block.o" | wc -l) global symbols, all ku_*"
			fi
			cp "$dir/$name.ko" "$mcache/$name.ko.tmp.$$"
			mv -f "$mcache/$name.ko.tmp.$$" "$mcache/$name.ko"
		else
			log "$v: $name.ko built before from these sources"
		fi
		cp "$mcache/$name.ko" "$stage/root/lib/modules/$krel/"
	done
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
for m in "${own_mods[@]}"; do
	extra_mods="${extra_mods:+$extra_mods }${m%%:*}"
done
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
SEED=$((RANDOM * 32768 + RANDOM + 1))
VER=$ver
RELOAD=$reload
KRELS="$krels"
EXTRA="$extra"
EXTRA_MODULES="$extra_mods"
KSETS="$ksets"
NEW_ARGS="${write_format:+write_format=$write_format}"
NEW_EXTRA="$new_extra"
LEAKCHECK=$leakcheck
DEFAULTS=$defaults
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
case $scenario in
cross) name=$scenario-${kernels//,/-} ;;
interop) [ -z "$kernels_opt" ] || name=$scenario-${kernels//,/-} ;;
esac
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

# shellcheck disable=SC1091  # judge.sh is checked on its own
. "$top/tests/qemu/judge.sh"
