#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The checks are functions run through check(), which shellcheck cannot see.
# shellcheck disable=SC2317
# The Debian packages, end to end, on this machine (as root), the way an
# admin and a consumer-driver author live with them:
#
#   build      dpkg-buildpackage -b -us -uc on a copy of the tracked files
#              (version 0.1.0-1: DKMS must see 0.1.0), and of the example
#              consumer package tests/consumer/debian (khoser-consumer-dkms)
#   lintian    no error-level tags
#   contents   the files each package must ship: khoser-dkms builds only
#              khoser.ko, khoser_test is in khoser-test-dkms
#   cross      debian/rules builds khoserctl with the host toolchain
#   install    apt-get install of the four packages: DKMS's own postinst
#              builds khoser, khoser_test and the consumer (BUILD_DEPENDS,
#              through khoser.mk, KERNELRELEASE only) for every kernel with
#              headers: Debian 12's stock 6.1 (installed here if missing;
#              KHO unavailable, modules signed with DKMS's MOK key) and the
#              KHO-enabled 7.2 tree (tests/qemu/kernel.sh, made known to
#              DKMS as /lib/modules/RELEASE/build)
#   upgrade    a new kernel's headers appear (the KHO 7.3 tree, a kernel
#              with xz-compressed modules): DKMS's header hook autoinstalls
#              all three for it; the consumer kit says kho_api=yes, also
#              when publish.sh reads DKMS's khoser.ko.xz
#   consumer   tests/consumer built by hand through the installed khoser.mk
#              for each kernel, warning-free with W=1, and with
#              KERNELRELEASE=<a kernel that is not running> only
#   khoserctl  tests/user/run.sh on the installed /usr/sbin/khoserctl
#   qemu-*     QEMU kexec runs with the modules DKMS built (khoser,
#              khoser_test, the consumer package's module) and the installed
#              khoserctl in the guest: 7.2 -> 7.2, 7.2 -> 7.3 -> 7.2, and
#              one boot without kho=on
#   admin      dkms install --force; dkms remove + install; dkms uninstall
#              for one of three kernels; that kernel removed; khoser-test-dkms
#              removed alone: after each, the consumer builds where khoser
#              is installed, and where it is not, khoser.mk names the
#              command to run (which is then run, and works)
#   purge      apt-get purge: modules, DKMS trees and sources gone, and
#              khoser.mk says to install khoser-dkms
#   dkms-3     sid's dkms (3.1+) in the sid chroot (tests/stock/chroot.sh):
#              khoser-dkms and the consumer package for Debian's stock 7.2
#              headers, the kit, dkms install --force, a consumer build,
#              purge
#
# One TAP result per check (tests/lib.sh), then "pkg: N passed, N failed,
# N skipped". A check whose prerequisite failed (a kernel tree, the 7.3
# upgrade, the modules DKMS built) is reported as skipped, naming it.
#
# usage: tests/pkg.sh                      everything above
#        tests/pkg.sh --build-only OUTDIR  only build the .debs into OUTDIR
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
export DEBIAN_FRONTEND=noninteractive
build_only=
if [ "${1:-}" = --build-only ]; then
	build_only=$(realpath -m "${2:?usage: $0 --build-only OUTDIR}")
fi

t_start=$SECONDS
log() { echo "pkg: $*" >&2; }
tap_init pkg
result() { tap_result "$2" "$1"; }
finish() {
	tap_diag "pkg: $((SECONDS - t_start))s"
	tap_end
	exit
}
# check NAME CMD...: run CMD quietly, show its output only on failure.
check() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	[ "$rc" -eq 0 ] || printf '%s\n' "$out" | tail -40 | cut -c1-300 | sed 's/^/     | /'
	result "$name" "$rc"
	return "$rc"
}
# note TEXT: an indented detail line under the last check.
note() { printf '%s\n' "$@" | sed 's/^/     | /'; }
# check_if VALUE WHY NAME CMD...: check NAME CMD... when VALUE is not
# empty; else NAME is skipped for WHY (a prerequisite failed above), and
# the status is 1.
check_if() {
	local v=$1 why=$2
	shift 2
	if [ -n "$v" ]; then
		check "$@"
	else
		tap_skip "$1" "$why"
		return 1
	fi
}

if [ -z "$build_only" ]; then
	[ "$(id -u)" = 0 ] || { tap_not_ok "must run as root (apt-get, dkms)"; finish; }
	# One run at a time: it installs and removes system packages.
	locks=$KHOSER_CACHE/locks
	mkdir -p "$locks"
	exec 8>"$locks/pkg.lock"
	flock -n 8 || { log "waiting for another tests/pkg.sh"; flock 8; }
fi
work=$(mktemp -d)
# Undone at exit: the fake running kernel's directory, the compressed module
# that makes the 7.3 kernel look like one with compressed modules.
undo=()
cleanup() {
	local u
	for u in "${undo[@]}"; do eval "$u"; done
	rm -rf "$work"
}
trap cleanup EXIT

# --- build ------------------------------------------------------------------
bdeps=(debhelper dh-dkms libkmod-dev pkg-config kmod python3 lintian openssl
	dpkg-dev gcc make xz-utils)
check "build: dependencies installed (${bdeps[*]})" apt_install "${bdeps[@]}" ||
	finish

src=$work/khoser-src
mkdir -p "$src"
copy_tracked "$top" "$src"
# The consumer package is built from its own directory (outside the tree).
cp -a "$src/tests/consumer" "$work/khoser-consumer"
build() {
	(cd "$1" && dpkg-buildpackage -b -us -uc) >"$2" 2>&1 ||
		{ tail -40 "$2"; return 1; }
}
if ! check "build: dpkg-buildpackage -b -us -uc" build "$src" "$work/build.log"; then
	finish
fi
version=$(cd "$src" && dpkg-parsechangelog -S Version)
up=${version%-*}	# the upstream version: what DKMS must call it
arch=$(uname -m)
dkms_deb=$work/khoser-dkms_${version}_all.deb
test_deb=$work/khoser-test-dkms_${version}_all.deb
tools_deb=$(ls "$work"/khoser-tools_"${version}"_*.deb)
changes=$(ls "$work"/khoser_"${version}"_*.changes)
if [ -n "$build_only" ]; then
	mkdir -p "$build_only"
	cp "$work"/*.deb "$work"/*.buildinfo "$changes" "$build_only/"
	ls -1 "$build_only"
	finish
fi
check "build: example consumer package (tests/consumer/debian)" \
	build "$work/khoser-consumer" "$work/build-consumer.log"
cversion=$(cd "$work/khoser-consumer" && dpkg-parsechangelog -S Version)
consumer_deb=$work/khoser-consumer-dkms_${cversion}_all.deb

lint() {
	local c rc=0
	: >"$work/lintian.log"
	for c in "$changes" "$work"/khoser-consumer_*.changes; do
		lintian --fail-on error "$c" >>"$work/lintian.log" 2>&1 || rc=1
	done
	cat "$work/lintian.log"
	echo "lintian: $(grep -c '^E:' "$work/lintian.log") errors," \
		"$(grep -c '^W:' "$work/lintian.log") warnings"
	return "$rc"
}
check "lintian: no errors" lint
grep -E '^[EW]:' "$work/lintian.log" | sed 's/^/     | /'

# --- contents -----------------------------------------------------------------
# has LIST PATH...: every PATH (relative to /) is in dpkg -c LIST.
has() {
	local list=$1 f
	shift
	for f in "$@"; do
		grep -q " \./$f\$" "$list" || { echo "$(basename "$list" .list) lacks /$f"; return 1; }
	done
}
contents() {
	local d=/usr/src/khoser-$up t=/usr/src/khoser-test-$up l conf
	dpkg -c "$dkms_deb" >"$work/dkms.list"
	dpkg -c "$test_deb" >"$work/test.list"
	dpkg -c "$tools_deb" >"$work/tools.list"
	dpkg -c "$consumer_deb" >"$work/consumer.list"
	has "$work/dkms.list" "${d#/}"/{dkms.conf,Kbuild,Makefile,src/main.c} \
		"${d#/}"/src/compat/probe.sh "${d#/}"/src/kho.c \
		"${d#/}"/src/dkms/publish.sh \
		"${d#/}"/include/khoser/{khoser.h,abi/block.h} \
		usr/share/khoser/khoser.mk || return 1
	if grep -E 'tests/|src/user|\.ko$|\.o$|generated|unpublish|khoser-test|test-comp' \
		"$work/dkms.list"; then
		echo "khoser-dkms ships files it should not"
		return 1
	fi
	l=$(grep " \.$d/src/dkms/publish.sh\$" "$work/dkms.list")
	case $l in -rwx*) ;; *) echo "publish.sh not executable: $l"; return 1 ;; esac
	has "$work/test.list" "${t#/}"/{dkms.conf,Makefile,Kbuild} \
		"${t#/}"/tests/module/{Kbuild,kt_main.c} \
		"${t#/}"/tests/module/{dkms.mk,dkms.conf} \
		"${t#/}"/src/dkms/khoser.mk \
		"${t#/}"/src/kho.c || return 1
	has "$work/tools.list" usr/sbin/khoserctl \
		usr/share/man/man8/khoserctl.8.gz || return 1
	has "$work/consumer.list" \
		usr/src/khoser-consumer-"$cversion"/{dkms.conf,Makefile,kc_main.c} ||
		return 1
	# The dkms.conf files as installed: DKMS's version without the Debian
	# revision, khoser alone in khoser-dkms, no deprecated CLEAN.
	dpkg-deb --fsys-tarfile "$dkms_deb" | tar -xO ".$d/dkms.conf" >"$work/dkms.conf"
	dpkg-deb --fsys-tarfile "$test_deb" | tar -xO ".$t/dkms.conf" >"$work/test.conf"
	for conf in "$work/dkms.conf" "$work/test.conf"; do
		grep -qx "PACKAGE_VERSION=\"$up\"" "$conf" ||
			{ grep -n PACKAGE_VERSION "$conf"; echo "want version $up"; return 1; }
		! grep -q '^CLEAN' "$conf" || { echo "CLEAN in $conf"; return 1; }
	done
	if [ "$(grep -c '^BUILT_MODULE_NAME' "$work/dkms.conf")" != 1 ] ||
		! grep -qx 'BUILT_MODULE_NAME\[0\]="khoser"' "$work/dkms.conf"; then
		grep BUILT_MODULE "$work/dkms.conf"
		return 1
	fi
	grep -qx 'BUILD_DEPENDS\[0\]="khoser"' "$work/test.conf" ||
		{ echo "khoser-test-dkms does not build after khoser"; return 1; }
	l=$(dpkg-deb --fsys-tarfile "$tools_deb" |
		tar -xO ./usr/share/man/man8/khoserctl.8.gz | gzip -dc | head -3)
	grep -q "^\.TH KHOSERCTL 8 .*\"khoser $up\"" <<<"$l" ||
		{ echo "man page does not say khoser $up: $l"; return 1; }
}
check "contents: dpkg -c; dkms.conf versions $up, khoser.ko only in khoser-dkms" contents
note "khoser-dkms: $(grep -c '^-' "$work/dkms.list") files, khoser-test-dkms: $(
	grep -c '^-' "$work/test.list") files, khoser-tools: $(
	grep -c '^-' "$work/tools.list") files"

# Cross-building: debhelper hands the host toolchain to src/user's make.
cross() {
	local out
	out=$(cd "$src" && CC=aarch64-linux-gnu-gcc dpkg-architecture -aarm64 \
		-c env DH_NO_ACT=1 debian/rules override_dh_auto_build 2>&1)
	printf '%s\n' "$out"
	if ! grep -q 'CC=aarch64-linux-gnu-gcc' <<<"$out" ||
		! grep -q 'PKG_CONFIG=aarch64-linux-gnu-pkg-config' <<<"$out"; then
		return 1
	fi
	# ... and src/user/Makefile compiles with them.
	out=$(make -n -C "$src/src/user" B="$work/cross" \
		CC=aarch64-linux-gnu-gcc PKG_CONFIG=true 2>&1)
	printf '%s\n' "$out"
	grep -q '^aarch64-linux-gnu-gcc .*-o [^ ]*/khoserctl' <<<"$out"
}
check "cross: dh_auto_build passes CC and PKG_CONFIG for arm64" cross

# --- kernels with headers -----------------------------------------------------
# Debian 12's stock headers, and the KHO trees registered as kernels whose
# headers are installed (a symlink, like linux-headers-* make). Checks run
# in a subshell (check), so they hand results back through files.
kernels=()
stock=
stock_headers() {
	local meta dep
	apt_install linux-headers-amd64 || return 1
	meta=$(dpkg-query -W -f='${Depends}' linux-headers-amd64)
	dep=$(printf '%s\n' "$meta" | grep -o 'linux-headers-[^ ,]*-amd64' | head -1)
	[ -d "/lib/modules/${dep#linux-headers-}/build" ] || return 1
	echo "${dep#linux-headers-}" >"$work/stock"
}
if check "kernels: Debian 12 stock headers installed" stock_headers; then
	stock=$(cat "$work/stock")
	kernels+=("$stock")
fi
declare -A kdir_of krel_of
tree() {
	local v=$1 kdir
	kdir=$("$top/tests/qemu/kernel.sh" --version "$v" 2>"$work/kernel-$v.log" |
		tail -1) || { cat "$work/kernel-$v.log"; return 1; }
	echo "$kdir" >"$work/kdir-$v"
	cat "$kdir/include/config/kernel.release" >"$work/krel-$v"
}
# register KREL KDIR: /lib/modules/KREL/build -> KDIR, as headers make it.
register() {
	local d=/lib/modules/$1
	if [ -e "$d/build" ] && [ ! -e "$d/.khoser-test-kernel" ]; then
		echo "$d/build exists and is not ours: not touching it"
		return 1
	fi
	mkdir -p "$d"
	touch "$d/.khoser-test-kernel"
	ln -sfn "$2" "$d/build"
}
for v in 7.2 7.3; do
	if check "kernels: KHO $v tree built" tree "$v"; then
		kdir_of[$v]=$(cat "$work/kdir-$v")
		krel_of[$v]=$(cat "$work/krel-$v")
	fi
done
k72=${krel_of[7.2]:-} k73=${krel_of[7.3]:-}
if [ -n "$k72" ] && check "kernels: KHO 7.2 tree registered" register "$k72" "${kdir_of[7.2]}"; then
	kernels+=("$k72")
fi
# 7.3 comes later, as a kernel upgrade. A stale registration from an earlier
# run would make it a kernel DKMS already knows.
if [ -n "$k73" ] && [ -e "/lib/modules/$k73/.khoser-test-kernel" ]; then
	rm -f "/lib/modules/$k73/build"
fi

# --- install --------------------------------------------------------------------
pkgs=(khoser-consumer-dkms khoser-test-dkms khoser-dkms khoser-tools)
purge_all() {
	local p have=()
	for p in "${pkgs[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed\|config-files' &&
			have+=("$p")
	done
	[ ${#have[@]} -eq 0 ] || apt-get purge -y -qq "${have[@]}" >/dev/null 2>&1
	return 0
}
purge_all
# Like a real machine, the running kernel has a /lib/modules entry (here
# without headers): DKMS skips it, saying so.
running=/lib/modules/$(uname -r)
if [ ! -e "$running" ]; then
	mkdir -p "$running"
	undo+=("rmdir '$running' 2>/dev/null")
fi
install() {
	apt-get install -y -q --no-install-recommends "$dkms_deb" "$tools_deb" \
		"$test_deb" "$consumer_deb" >"$work/install.log" 2>&1
	local rc=$?
	[ "$rc" -eq 0 ] || tail -30 "$work/install.log"
	return "$rc"
}
t0=$SECONDS
check "install: apt-get install the four packages" install || finish
note "install with DKMS builds: $((SECONDS - t0))s"
grep -E 'Building for|Building initial module|Done\.|rror|skipped' \
	"$work/install.log" | sed 's/^/     | /'

# --- dkms -------------------------------------------------------------------------
# DKMS module:module file:version, for the three packages.
mods=("khoser:khoser:$up" "khoser-test:khoser_test:$up"
	"khoser-consumer:khoser_consumer:$cversion")
kit() { echo "/var/lib/dkms/khoser/kernel-$1-$arch/devel"; }
# ko K NAME: the module file DKMS installed for kernel K, in whatever form.
ko() {
	local f
	for f in /lib/modules/"$1"/updates/dkms/"$2".ko{,.xz,.zst,.gz}; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}
# dkms_for K API [SUFFIX]: the three modules installed for K, the kit
# stored in DKMS's tree and reachable through DKMS's link, kho_api=API.
dkms_for() {
	local k=$1 want=$2 suffix=${3:-} m f name file ver st
	for m in "${mods[@]}"; do
		IFS=: read -r name file ver <<<"$m"
		st=$(dkms status -m "$name" -v "$ver" -k "$k")
		grep -q ': installed' <<<"$st" || {
			dkms status -k "$k"
			echo "$name $ver is not installed for $k"
			return 1
		}
		f=$(ko "$k" "$file") || { echo "no $file.ko* for $k"; return 1; }
		[ "$f" = "/lib/modules/$k/updates/dkms/$file.ko$suffix" ] ||
			{ echo "$f, expected $file.ko$suffix"; return 1; }
		[ "$(modinfo -F vermagic "$f" | cut -d' ' -f1)" = "$k" ] ||
			{ echo "$f: vermagic is not $k"; return 1; }
	done
	[ "$(modinfo -F depends "$(ko "$k" khoser_consumer)")" = khoser ] ||
		{ echo "khoser_consumer does not depend on khoser"; return 1; }
	[ "$(readlink -f "$(kit "$k")")" = "/var/lib/dkms/khoser/$up/$k/$arch/devel" ] ||
		{ echo "no kit in DKMS's tree for $k: $(kit "$k")"; return 1; }
	for f in Module.symvers info include/khoser/khoser.h include/khoser/abi/block.h; do
		[ -f "$(kit "$k")/$f" ] || { echo "kit lacks $f"; return 1; }
	done
	printf '%s\n' "version=$up" "kernel=$k" "kho_api=$want" |
		cmp - "$(kit "$k")/info" ||
		{ cat "$(kit "$k")/info"; echo "expected kho_api=$want"; return 1; }
	grep -qP '\tkhoser_block_set_publish\t.*\tEXPORT_SYMBOL_GPL' \
		"$(kit "$k")/Module.symvers" ||
		{ echo "Module.symvers lacks khoser_block_set_publish"; return 1; }
}
dkms status | sed 's/^/     | /'
all_kernels() {
	local k
	for k in "${kernels[@]}"; do
		grep -q "Building for.*$k" "$work/install.log" ||
			{ echo "DKMS's postinst did not build for $k"; return 1; }
	done
}
check "install: DKMS's postinst builds for every kernel with headers" all_kernels
# Names and reasons for checks that need a kernel that failed above.
n_stock=${stock:-Debian 12 stock} n72=${k72:-KHO 7.2} n73=${k73:-KHO 7.3}
no_stock="no Debian 12 stock headers (failed above)"
no72="no KHO 7.2 tree (failed above)"
no73="no KHO 7.3 tree (failed above)"
check_if "$stock" "$no_stock" \
	"dkms: khoser, khoser_test, consumer for $n_stock; kit kho_api=no" \
	dkms_for "$stock" no
check_if "$k72" "$no72" \
	"dkms: khoser, khoser_test, consumer for $n72; kit kho_api=yes" \
	dkms_for "$k72" yes
versions() {
	local m d c
	m=$(modinfo -F version "$(ko "$k72" khoser)")
	d=$(dkms status khoser | cut -d, -f1 | sort -u)
	c=$(/usr/sbin/khoserctl --version)
	echo "package $version, DKMS $d, module $m, $c"
	[ "$m" = "$up" ] && [ "$d" = "khoser/$up" ] && [ "$c" = "khoserctl $up" ]
}
check_if "$k72" "$no72" \
	"versions: package $version is $up for DKMS, module, khoserctl" versions
signed() {
	local s
	s=$(modinfo -F signer "$(ko "$stock" khoser)")
	echo "signer: ${s:-none}"
	[ -n "$s" ] && [ -f /var/lib/dkms/mok.pub ]
}
check_if "$stock" "$no_stock" "dkms: $n_stock modules signed with DKMS's MOK key" signed
check "dkms: installed khoser.mk is src/dkms/khoser.mk" \
	cmp /usr/share/khoser/khoser.mk "$top/src/dkms/khoser.mk"

# --- upgrade: a new kernel's headers appear -------------------------------------
# The KHO 7.3 tree, made a kernel whose modules are xz-compressed (as
# Debian's own are now): one compressed module in its tree, so that DKMS
# compresses what it installs for it.
xz_kernel() {
	local k=$1 d=$work/xzmod m=/lib/modules/$1/kernel/khoser-pkg-test
	mkdir -p "$d" "$m"
	printf '%s\n' '// SPDX-License-Identifier: GPL-2.0-only' \
		'#include <linux/module.h>' 'MODULE_LICENSE("GPL");' \
		'MODULE_DESCRIPTION("placeholder compressed module");' >"$d/xzmod.c"
	echo 'obj-m := xzmod.o' >"$d/Kbuild"
	make -C "/lib/modules/$k/build" M="$d" modules >"$d/build.log" 2>&1 ||
		{ cat "$d/build.log"; return 1; }
	xz -c "$d/xzmod.ko" >"$m/xzmod.ko.xz" && depmod "$k"
}
upgrade() {
	register "$k73" "${kdir_of[7.3]}" && xz_kernel "$k73" || return 1
	# What linux-headers-RELEASE's postinst runs.
	run-parts --report --exit-on-error --arg="$k73" /etc/kernel/header_postinst.d \
		>"$work/upgrade.log" 2>&1 || { cat "$work/upgrade.log"; return 1; }
	grep -E 'autoinstall|Building|rror' "$work/upgrade.log"
}
# publish.sh reads the module in whichever form DKMS left it.
xz_stage() {
	local d=$work/xzstage
	rm -rf "$d"
	mkdir -p "$d/include"
	cp "$(ko "$k73" khoser)" "$d/" || return 1
	cp -R "$(kit "$k73")/include/khoser" "$d/include/"
	cp "$(kit "$k73")/Module.symvers" "$d/"
	ls "$d"
	(cd "$d" && "$top/src/dkms/publish.sh" stage "$k73" "$up") &&
		cat "$d/devel/info" && grep -qx kho_api=yes "$d/devel/info"
}
# up73: the 7.3 kernel, once the upgrade made it DKMS's third kernel.
up73=
[ -z "$k73" ] ||
	undo+=("rm -rf '/lib/modules/$k73/kernel/khoser-pkg-test'; depmod '$k73' 2>/dev/null")
if check_if "$k73" "$no73" "upgrade: headers of $n73 appear, DKMS's hook autoinstalls" \
	upgrade; then
	up73=$k73
	kernels+=("$k73")
fi
no_up73="the upgrade to $n73 failed above"
check_if "$up73" "$no_up73" \
	"upgrade: khoser, then khoser_test and consumer (BUILD_DEPENDS) for $n73, .ko.xz; kit kho_api=yes" \
	dkms_for "$k73" yes .xz
check_if "$up73" "$no_up73" \
	"upgrade: publish.sh stage reads kho_api from DKMS's khoser.ko.xz" xz_stage

# --- consumer by hand -------------------------------------------------------------
# cbuild K MAKEARGS...: tests/consumer through the installed khoser.mk;
# output in $work/cb-K.log, the module in $work/cb-K/.
cbuild() {
	local k=$1 d=$work/cb-$1
	shift
	rm -rf "$d"
	cp -a "$top/tests/consumer" "$d"
	rm -rf "$d/debian"
	make -C "$d" "$@" >"$work/cb-$k.log" 2>&1
}
consumer() {
	local k=$1
	cbuild "$k" KDIR="/lib/modules/$k/build" W=1 || { cat "$work/cb-$k.log"; return 1; }
	if grep -E 'warning:|error:' "$work/cb-$k.log"; then
		return 1
	fi
	[ "$(modinfo -F depends "$work/cb-$k/khoser_consumer.ko")" = khoser ] ||
		{ echo "khoser_consumer.ko does not depend on khoser"; return 1; }
	grep -q "^khoser.mk: khoser version $up" "$work/cb-$k.log" ||
		{ cat "$work/cb-$k.log"; echo "not built through khoser.mk"; return 1; }
}
for k in "${kernels[@]}"; do
	check "consumer: built through the installed khoser.mk for $k, W=1" consumer "$k"
done
# make KERNELRELEASE=K picks K's tree and K's khoser, not the running ones.
krelease() {
	local k=$1
	cbuild "$k" KERNELRELEASE="$k" || { cat "$work/cb-$k.log"; return 1; }
	[ "$(modinfo -F vermagic "$work/cb-$k/khoser_consumer.ko" | cut -d' ' -f1)" = "$k" ] ||
		{ echo "vermagic is not $k"; return 1; }
}
for k in "${kernels[@]}"; do
	[ "$k" != "$(uname -r)" ] || continue
	check "consumer: make KERNELRELEASE=$k (not the running kernel)" krelease "$k"
	break
done

# --- khoserctl --------------------------------------------------------------------
check "khoserctl: installed binary runs" /usr/sbin/khoserctl --version
user() {
	"$top/tests/user/run.sh" /usr/sbin/khoserctl >"$work/user.log" 2>&1
	local rc=$?
	tail -1 "$work/user.log"
	[ "$rc" -eq 0 ] || grep -A12 '^not ok' "$work/user.log"
	return "$rc"
}
check "khoserctl: fixture tests on the installed binary" user

# --- QEMU ---------------------------------------------------------------------------
# The modules DKMS installed for K, uncompressed (the test kernels cannot
# load compressed modules), in $work/mods-K/.
declare -A mods_of
unpack() {
	local k=$1 d=$work/mods-$1 n f
	mkdir -p "$d"
	for n in khoser khoser_test khoser_consumer; do
		f=$(ko "$k" "$n") || { echo "no $n for $k"; return 1; }
		case $f in
		*.ko) cp "$f" "$d/" ;;
		*.xz) xz -dc "$f" >"$d/$n.ko" ;;
		*.zst) zstd -qdc "$f" >"$d/$n.ko" ;;
		*.gz) gzip -dc "$f" >"$d/$n.ko" ;;
		esac
	done
}
for k in "$k72" "$k73"; do
	[ -n "$k" ] && unpack "$k" >/dev/null 2>&1 && mods_of[$k]=$work/mods-$k
done
qemu() {
	"$top/tests/qemu/run.sh" "$@" >"$work/qemu.log" 2>&1
	local rc=$?
	grep -vE '^kernel.sh:' "$work/qemu.log" | tail -25
	return "$rc"
}
m72='' m73=''
[ -z "$k72" ] || m72=${mods_of[$k72]:-}
[ -z "$k73" ] || m73=${mods_of[$k73]:-}
no_m72="no modules DKMS built for $n72 (failed above)"
check_if "$m72" "$no_m72" \
	"qemu-roundtrip: DKMS's khoser, khoser_test, consumer + khoserctl, 7.2 -> 7.2" \
	qemu --modules "$m72" --consumer "$m72/khoser_consumer.ko" \
	--khoserctl /usr/sbin/khoserctl --log pkg-roundtrip roundtrip
check_if "$m72" "$no_m72" "qemu-kho-off: khoserctl doctor fails without kho=on" \
	qemu --modules "$m72" --consumer "$m72/khoser_consumer.ko" \
	--khoserctl /usr/sbin/khoserctl --log pkg-kho-off kho-off
check_if "$([ -n "$m72" ] && echo "$m73")" \
	"no modules DKMS built for $n72 and $n73 (failed above)" \
	"qemu-cross: DKMS's modules (7.3's from .ko.xz), 7.2 -> 7.3 -> 7.2" \
	qemu --kernels 7.2,7.3,7.2 --hops 3 \
	--modules "$m72,$m73" \
	--consumer "$m72/khoser_consumer.ko,$m73/khoser_consumer.ko" \
	--khoserctl /usr/sbin/khoserctl --log pkg-cross custom

# --- admin life -----------------------------------------------------------------
# builds K: the consumer builds for K through khoser.mk.
builds() { cbuild "$1" KERNELRELEASE="$1" || { cat "$work/cb-$1.log"; return 1; }; }
# refused K PATTERN: it does not, and khoser.mk's message matches PATTERN.
refused() {
	if cbuild "$1" KERNELRELEASE="$1"; then
		echo "the consumer built for $1"
		return 1
	fi
	grep '^khoser.mk:' "$work/cb-$1.log"
	grep -qE "$2" "$work/cb-$1.log"
}
# hint K: the command khoser.mk told to run for K.
hint() { sed -n "s/^khoser\.mk: run '\(dkms [^']*\)'.*/\1/p" "$work/cb-$1.log" | head -1; }
force() {
	dkms install --force "khoser/$up" -k "$k72" >"$work/force.log" 2>&1 ||
		{ cat "$work/force.log"; return 1; }
	dkms_for "$k72" yes && builds "$k72"
}
check_if "$k72" "$no72" \
	"admin: dkms install --force khoser/$up -k $n72 keeps the kit; consumer builds" force
remove_install() {
	local cmd
	dkms remove "khoser/$up" -k "$k72" >"$work/remove.log" 2>&1 ||
		{ cat "$work/remove.log"; return 1; }
	if [ -e "$(kit "$k72")" ] || [ -e "/var/lib/dkms/khoser/$up/$k72" ]; then
		echo "kit left after dkms remove"
		return 1
	fi
	refused "$k72" "khoser is not built for kernel $k72" || return 1
	cmd=$(hint "$k72")
	[ "$cmd" = "dkms install khoser/$up -k $k72" ] ||
		{ echo "hint: '$cmd'"; return 1; }
	$cmd >"$work/reinstall.log" 2>&1 || { cat "$work/reinstall.log"; return 1; }
	builds "$k72"
}
check_if "$k72" "$no72" \
	"admin: dkms remove -k $n72 drops the kit, khoser.mk names dkms install, which works" \
	remove_install
uninstall() {
	local cmd k
	dkms uninstall "khoser/$up" -k "$stock" >"$work/uninstall.log" 2>&1 ||
		{ cat "$work/uninstall.log"; return 1; }
	refused "$stock" "khoser $up is built for kernel $stock but not installed" ||
		return 1
	for k in "${kernels[@]}"; do
		[ "$k" = "$stock" ] || builds "$k" || return 1
	done
	cmd=$(hint "$stock")
	[ "$cmd" = "dkms install khoser/$up -k $stock" ] ||
		{ echo "hint: '$cmd'"; return 1; }
	$cmd >"$work/reinstall.log" 2>&1 || { cat "$work/reinstall.log"; return 1; }
	builds "$stock"
}
check_if "$stock" "$no_stock" \
	"admin: dkms uninstall -k $n_stock (1 of ${#kernels[@]} kernels): others build, hint works" \
	uninstall
kernel_removed() {
	local k m st
	# What removing the kernel runs, then its headers go.
	run-parts --report --arg="$k73" /etc/kernel/prerm.d >"$work/prerm.log" 2>&1 ||
		{ cat "$work/prerm.log"; return 1; }
	rm -f "/lib/modules/$k73/build"
	st=$(dkms status -k "$k73")
	! grep -E 'built|installed' <<<"$st" || return 1
	for m in khoser khoser_test khoser_consumer; do
		! ko "$k73" "$m" || { echo "$m left for $k73"; return 1; }
	done
	[ ! -e "$(kit "$k73")" ] || { echo "kit left for $k73"; return 1; }
	refused "$k73" "not a prepared kernel build tree" || return 1
	for k in "${kernels[@]}"; do
		[ "$k" = "$k73" ] || dkms_for "$k" "$([ "$k" = "$stock" ] && echo no || echo yes)" ||
			return 1
	done
}
check_if "$up73" "$no_up73" \
	"admin: kernel $n73 removed: its modules and kit go, the others stay" kernel_removed
[ -z "$up73" ] || register "$k73" "${kdir_of[7.3]}" >/dev/null
test_optional() {
	local k
	apt-get remove -y -qq khoser-test-dkms >"$work/rm-test.log" 2>&1 ||
		{ cat "$work/rm-test.log"; return 1; }
	for k in "$stock" "$k72"; do
		[ -n "$k" ] || continue
		! ko "$k" khoser_test || { echo "khoser_test left for $k"; return 1; }
		if ! ko "$k" khoser >/dev/null || ! ko "$k" khoser_consumer >/dev/null; then
			echo "khoser or the consumer went with khoser-test-dkms ($k)"
			return 1
		fi
		builds "$k" || return 1
	done
}
check "admin: khoser-test-dkms removed alone: khoser and consumers stay" test_optional

# --- purge --------------------------------------------------------------------------
purge() {
	local k m
	apt-get purge -y -qq "${pkgs[@]}" >"$work/purge.log" 2>&1 ||
		{ cat "$work/purge.log"; return 1; }
	for k in "${kernels[@]}"; do
		for m in khoser khoser_test khoser_consumer; do
			! ko "$k" "$m" || { echo "$m left for $k"; return 1; }
		done
	done
	m=$(dkms status 2>/dev/null)
	! grep khoser <<<"$m" || return 1
	for m in /var/lib/dkms/khoser /var/lib/dkms/khoser-test \
		/var/lib/dkms/khoser-consumer /usr/src/khoser-"$up" \
		/usr/src/khoser-test-"$up" /usr/src/khoser-consumer-"$cversion" \
		/usr/share/khoser /var/lib/khoser; do
		[ ! -e "$m" ] || { echo "$m left"; return 1; }
	done
	[ -n "$k72" ] || return 0
	# With a khoser.mk kept from the sources (the installed one is gone),
	# a consumer is told to install khoser-dkms.
	cbuild "$k72" KERNELRELEASE="$k72" KHOSER_MK="$top/src/dkms/khoser.mk" &&
		return 1
	grep '^khoser.mk:' "$work/cb-$k72.log"
	grep -q "run 'apt install khoser-dkms'" "$work/cb-$k72.log"
}
check "purge: modules, DKMS trees, sources gone; khoser.mk says apt install khoser-dkms" purge

# --- dkms 3.x -----------------------------------------------------------------------
# The same packages with sid's dkms (3.1+: POST_BUILD runs after the build
# is moved into DKMS's tree, and a failing one aborts), in the sid chroot
# (tests/stock/chroot.sh) for Debian's stock 7.2 headers.
dkms3() {
	local root k
	root=$("$top/tests/stock/chroot.sh" --suite sid ensure 2>"$work/sid.log" | tail -1) ||
		{ cat "$work/sid.log"; return 1; }
	rm -rf "$root/tmp/khoser-pkg"
	mkdir -p "$root/tmp/khoser-pkg"
	cp "$dkms_deb" "$consumer_deb" "$root/tmp/khoser-pkg/"
	cp -a "$top/tests/consumer" "$root/tmp/khoser-pkg/consumer"
	rm -rf "$root/tmp/khoser-pkg/consumer/debian"
	# shellcheck disable=SC2016 # expanded by the chroot's sh
	"$top/tests/stock/chroot.sh" --suite sid shell sh -c '
		set -e
		export DEBIAN_FRONTEND=noninteractive
		cd /tmp/khoser-pkg
		apt-get update -qq
		apt-get install -y -qq --no-install-recommends dkms >/dev/null
		echo "dkms $(dpkg-query -W -f="\${Version}" dkms)"
		apt-get install -y -q --no-install-recommends ./khoser-dkms_*.deb \
			./khoser-consumer-dkms_*.deb >install.log 2>&1 ||
			{ tail -30 install.log; exit 1; }
		k=$(ls /lib/modules | head -1)
		a=$(uname -m)
		dkms status
		dkms status -m khoser -k "$k" | grep -q ": installed"
		dkms status -m khoser-consumer -k "$k" | grep -q ": installed"
		kit=/var/lib/dkms/khoser/kernel-$k-$a/devel
		cat "$kit/info"
		grep -qx kho_api=yes "$kit/info"
		dkms install --force khoser/'"$up"' -k "$k" >force.log 2>&1 ||
			{ cat force.log; exit 1; }
		test -f "$kit/Module.symvers"
		make -C consumer KERNELRELEASE="$k" >consumer.log 2>&1 ||
			{ cat consumer.log; exit 1; }
		grep "^khoser.mk:" consumer.log
		apt-get purge -y -qq khoser-consumer-dkms khoser-dkms >/dev/null
		! test -e /var/lib/dkms/khoser
		apt-get purge -y -qq dkms >/dev/null
		apt-get autoremove -y -qq >/dev/null
	' >"$work/dkms3.log" 2>&1
	local rc=$?
	rm -rf "$root/tmp/khoser-pkg"
	cat "$work/dkms3.log"
	return "$rc"
}
check "dkms-3: sid's dkms builds khoser and the consumer package; --force keeps the kit; purge" dkms3
finish
