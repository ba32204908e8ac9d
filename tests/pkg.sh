#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The checks are functions run through check(), which shellcheck cannot see.
# shellcheck disable=SC2317
# The Debian packages, end to end, on this machine (as root):
#
#   build      dpkg-buildpackage -b -us -uc on a copy of the tracked files
#   lintian    no error-level tags
#   contents   the files each package must ship
#   install    apt-get install ./khoser-dkms_*.deb ./khoser-tools_*.deb:
#              DKMS builds khoser + khoser_test for every kernel with
#              headers: Debian 12's stock 6.1 (installed here if missing;
#              KHO unavailable, modules signed with DKMS's MOK key) and the
#              KHO-enabled 7.2 and 7.3 trees (tests/qemu/kernel.sh, made
#              known to DKMS as /lib/modules/RELEASE/build)
#   dkms       modules installed, Module.symvers + headers published per
#              kernel, khoser.mk as shipped
#   consumer   tests/consumer built through the installed khoser.mk for
#              each kernel, warning-free with W=1
#   khoserctl  tests/user/run.sh on the installed /usr/sbin/khoserctl
#   qemu-*     QEMU kexec runs with DKMS's khoser.ko and khoser_test.ko, the
#              consumer and the installed khoserctl in the guest: 7.2 -> 7.2,
#              7.2 -> 7.3 -> 7.2, and one boot without kho=on
#   remove     apt-get remove: modules and published files gone, then purge
#
# Prints one line per check and "pkg: N passed, N failed".
#
# usage: tests/pkg.sh                      everything above
#        tests/pkg.sh --build-only OUTDIR  only build the .debs into OUTDIR
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
export DEBIAN_FRONTEND=noninteractive
build_only=
if [ "${1:-}" = --build-only ]; then
	build_only=$(realpath -m "${2:?usage: $0 --build-only OUTDIR}")
fi

passed=0 failed=0
log() { echo "pkg: $*" >&2; }
result() {
	if [ "$2" -eq 0 ]; then
		echo "ok   $1"
		passed=$((passed + 1))
	else
		echo "FAIL $1${3:+: $3}"
		failed=$((failed + 1))
	fi
}
finish() {
	echo "pkg: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}
# check NAME CMD...: run CMD quietly, show its output only on failure.
check() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	[ "$rc" -eq 0 ] || printf '%s\n' "$out" | tail -40 | sed 's/^/     | /'
	result "$name" "$rc"
	return "$rc"
}

[ -n "$build_only" ] || [ "$(id -u)" = 0 ] ||
	{ log "must run as root (apt-get, dkms)"; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- build ------------------------------------------------------------------
bdeps=(debhelper dh-dkms libkmod-dev pkg-config kmod python3 lintian openssl
	dpkg-dev gcc make)
missing=()
for p in "${bdeps[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] ||
		{ log "missing build dependencies (install as root): ${missing[*]}"; exit 2; }
	log "installing build dependencies: ${missing[*]}"
	apt-get update -qq && apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null
fi

src=$work/khoser-src
mkdir -p "$src"
(
	cd "$top" || exit
	if git rev-parse --git-dir >/dev/null 2>&1; then
		git ls-files -coz --exclude-standard
	else
		find . -path ./.git -prune -o -type f -print0
	fi
) | (cd "$top" && xargs -0 cp -a --parents -t "$src")
build() {
	(cd "$src" && dpkg-buildpackage -b -us -uc) >"$work/build.log" 2>&1 ||
		{ tail -40 "$work/build.log"; return 1; }
}
if ! check "build: dpkg-buildpackage -b -us -uc" build; then
	finish
fi
version=$(cd "$src" && dpkg-parsechangelog -S Version)
dkms_deb=$work/khoser-dkms_${version}_all.deb
tools_deb=$(ls "$work"/khoser-tools_"${version}"_*.deb)
changes=$(ls "$work"/khoser_"${version}"_*.changes)
if [ -n "$build_only" ]; then
	mkdir -p "$build_only"
	cp "$work"/*.deb "$work"/*.buildinfo "$changes" "$build_only/"
	ls -1 "$build_only"
	finish
fi

lint() {
	lintian --fail-on error "$changes" >"$work/lintian.log" 2>&1
	local rc=$?
	cat "$work/lintian.log"
	echo "lintian: $(grep -c '^E:' "$work/lintian.log") errors," \
		"$(grep -c '^W:' "$work/lintian.log") warnings"
	return "$rc"
}
check "lintian: no errors" lint
grep -E '^[EW]:' "$work/lintian.log" | sed 's/^/     | /'

# --- contents -----------------------------------------------------------------
contents() {
	local f l
	dpkg -c "$dkms_deb" >"$work/dkms.list"
	dpkg -c "$tools_deb" >"$work/tools.list"
	for f in dkms.conf Kbuild Makefile src/main.c src/compat/probe.sh \
		src/compat/kho.c src/dkms/publish.sh src/dkms/unpublish.sh \
		include/khoser/khoser.h include/khoser/abi/block.h \
		tests/module/Kbuild tests/module/kt_main.c; do
		grep -q " \./usr/src/khoser-$version/$f\$" "$work/dkms.list" ||
			{ echo "khoser-dkms lacks /usr/src/khoser-$version/$f"; return 1; }
	done
	for f in publish.sh unpublish.sh; do
		l=$(grep " \./usr/src/khoser-$version/src/dkms/$f\$" "$work/dkms.list")
		case $l in -rwx*) ;; *) echo "$f not executable: $l"; return 1 ;; esac
	done
	grep -q ' \./usr/share/khoser/khoser\.mk$' "$work/dkms.list" ||
		{ echo "no khoser.mk"; return 1; }
	if grep -E 'src/user|\.ko$|\.o$|generated' "$work/dkms.list"; then
		echo "khoser-dkms ships files it should not"
		return 1
	fi
	if ! grep -q ' \./usr/sbin/khoserctl$' "$work/tools.list" ||
		! grep -q ' \./usr/share/man/man8/khoserctl\.8\.gz$' "$work/tools.list"; then
		echo "khoser-tools lacks khoserctl or its man page"
		return 1
	fi
}
check "contents: dpkg -c" contents
echo "     | khoser-dkms: $(grep -c '^-' "$work/dkms.list") files," \
	"khoser-tools: $(grep -c '^-' "$work/tools.list") files"

# --- kernels with headers -----------------------------------------------------
# Debian 12's stock headers, and the KHO trees registered as kernels whose
# headers are installed (a symlink, like linux-headers-* make). Checks run
# in a subshell (check), so they hand results back through files.
kernels=()
stock=
stock_headers() {
	local stock
	local meta dep
	if ! dpkg-query -W -f='${Status}' linux-headers-amd64 2>/dev/null |
		grep -q 'ok installed'; then
		apt-get update -qq &&
			apt-get install -y -qq --no-install-recommends \
				linux-headers-amd64 >/dev/null || return 1
	fi
	meta=$(dpkg-query -W -f='${Depends}' linux-headers-amd64)
	dep=$(printf '%s\n' "$meta" | grep -o 'linux-headers-[^ ,]*-amd64' | head -1)
	stock=${dep#linux-headers-}
	[ -d "/lib/modules/$stock/build" ] || return 1
	echo "$stock" >"$work/stock"
}
if check "kernels: Debian 12 stock headers installed" stock_headers; then
	stock=$(cat "$work/stock")
	kernels+=("$stock")
fi
register() {
	local v=$1 kdir krel d
	kdir=$("$top/tests/qemu/kernel.sh" --version "$v" 2>"$work/kernel-$v.log" |
		tail -1) || { cat "$work/kernel-$v.log"; return 1; }
	krel=$(cat "$kdir/include/config/kernel.release")
	d=/lib/modules/$krel
	if [ -e "$d/build" ] && [ ! -e "$d/.khoser-test-kernel" ]; then
		echo "$d/build exists and is not ours: not touching it"
		return 1
	fi
	mkdir -p "$d"
	touch "$d/.khoser-test-kernel"
	ln -sfn "$kdir" "$d/build"
	echo "$krel" >"$work/krel-$v"
}
declare -A krel_of
for v in 7.2 7.3; do
	if check "kernels: KHO $v tree registered" register "$v"; then
		krel_of[$v]=$(cat "$work/krel-$v")
		kernels+=("${krel_of[$v]}")
	fi
done

# --- install --------------------------------------------------------------------
purge() {
	if dpkg-query -W khoser-dkms khoser-tools >/dev/null 2>&1; then
		apt-get purge -y -qq khoser-dkms khoser-tools >/dev/null 2>&1
	fi
	return 0
}
purge
# Like a real machine, the running kernel has a /lib/modules entry (here
# without headers): DKMS's own postinst step then builds for the running
# and the newest kernel only, and khoser-dkms's postinst for the others.
running=/lib/modules/$(uname -r)
made_running=
if [ ! -e "$running" ]; then
	mkdir "$running"
	made_running=1
	trap 'rmdir "$running" 2>/dev/null; rm -rf "$work"' EXIT
fi
install() {
	apt-get install -y -q --no-install-recommends "$dkms_deb" "$tools_deb" \
		>"$work/install.log" 2>&1
	local rc=$?
	[ "$rc" -eq 0 ] || tail -30 "$work/install.log"
	return "$rc"
}
t0=$SECONDS
check "install: apt-get install the two packages" install || finish
echo "     | install with DKMS builds: $((SECONDS - t0))s"
grep -E 'Building for|Building initial module|building khoser for|Done\.|rror|could not' \
	"$work/install.log" | sed 's/^/     | /'
if [ -n "$made_running" ]; then
	rmdir "$running" 2>/dev/null
	trap 'rm -rf "$work"' EXIT
fi

# --- dkms -------------------------------------------------------------------------
dkms status khoser | sed 's/^/     | /'
dkms_for() {
	local k=$1 want=$2 f
	dkms status -m khoser -v "$version" -k "$k" | grep -q ': installed' ||
		{ echo "dkms status: not installed for $k"; return 1; }
	for f in khoser.ko khoser_test.ko; do
		[ -f "/lib/modules/$k/updates/dkms/$f" ] ||
			{ echo "no /lib/modules/$k/updates/dkms/$f"; return 1; }
	done
	[ "$(modinfo -F vermagic "/lib/modules/$k/updates/dkms/khoser.ko" |
		cut -d' ' -f1)" = "$k" ] || { echo "vermagic is not $k"; return 1; }
	for f in Module.symvers info include/khoser/khoser.h include/khoser/abi/block.h; do
		[ -f "/var/lib/khoser/$k/$f" ] ||
			{ echo "not published: /var/lib/khoser/$k/$f"; return 1; }
	done
	grep -q "^kho_api=$want\$" "/var/lib/khoser/$k/info" ||
		{ cat "/var/lib/khoser/$k/info"; echo "expected kho_api=$want"; return 1; }
	grep -qP '\tkhoser_block_set_publish\t.*\tEXPORT_SYMBOL_GPL' \
		"/var/lib/khoser/$k/Module.symvers" ||
		{ echo "Module.symvers lacks khoser_block_set_publish"; return 1; }
}
[ -z "$stock" ] || check "dkms: built, installed, published for $stock (KHO API no)" \
	dkms_for "$stock" no
for v in 7.2 7.3; do
	[ -n "${krel_of[$v]:-}" ] || continue
	check "dkms: built, installed, published for ${krel_of[$v]} (KHO API yes)" \
		dkms_for "${krel_of[$v]}" yes
done
signed() {
	local s
	s=$(modinfo -F signer "/lib/modules/$stock/updates/dkms/khoser.ko")
	echo "signer: ${s:-none}"
	[ -n "$s" ] && [ -f /var/lib/dkms/mok.pub ]
}
[ -z "$stock" ] || check "dkms: $stock modules signed with DKMS's MOK key" signed
check "dkms: installed khoser.mk is src/dkms/khoser.mk" \
	cmp /usr/share/khoser/khoser.mk "$top/src/dkms/khoser.mk"

# --- consumer ---------------------------------------------------------------------
declare -A consumer_of
consumer() {
	local k=$1 d=$work/consumer-$1
	rm -rf "$d"
	cp -a "$top/tests/consumer" "$d"
	make -C "$d" KDIR="/lib/modules/$k/build" W=1 >"$d/build.log" 2>&1 ||
		{ cat "$d/build.log"; return 1; }
	if grep -E 'warning:|error:' "$d/build.log"; then
		return 1
	fi
	modinfo -F depends "$d/khoser_consumer.ko" | grep -qx khoser ||
		{ echo "khoser_consumer.ko does not depend on khoser"; return 1; }
	grep -q '^khoser.mk: khoser version' "$d/build.log" ||
		{ echo "not built through khoser.mk"; return 1; }
}
for k in "${kernels[@]}"; do
	if check "consumer: built through the installed khoser.mk for $k" consumer "$k"; then
		consumer_of[$k]=$work/consumer-$k/khoser_consumer.ko
	fi
done
refuse() {
	local d=$work/consumer-refuse out
	cp -a "$top/tests/consumer" "$d"
	out=$(make -C "$d" KDIR="/lib/modules/${kernels[-1]}/build" \
		KHOSER_STATE="$work/nowhere" 2>&1) && return 1
	printf '%s\n' "$out" | grep 'khoser.mk: khoser is not built for kernel'
}
check "consumer: clear refusal without a published khoser" refuse

# --- khoserctl --------------------------------------------------------------------
check "khoserctl: installed binary runs" /usr/sbin/khoserctl --version
user() {
	"$top/tests/user/run.sh" /usr/sbin/khoserctl >"$work/user.log" 2>&1
	local rc=$?
	tail -1 "$work/user.log"
	[ "$rc" -eq 0 ] || grep -A12 '^FAIL' "$work/user.log"
	return "$rc"
}
check "khoserctl: fixture tests on the installed binary" user

# --- QEMU ---------------------------------------------------------------------------
k72=${krel_of[7.2]:-} k73=${krel_of[7.3]:-}
qemu() {
	"$top/tests/qemu/run.sh" "$@" >"$work/qemu.log" 2>&1
	local rc=$?
	grep -vE '^kernel.sh:' "$work/qemu.log" | tail -25
	return "$rc"
}
if [ -n "$k72" ] && [ -n "${consumer_of[$k72]:-}" ]; then
	check "qemu-roundtrip: DKMS modules + consumer + khoserctl, 7.2 -> 7.2" \
		qemu --modules "/lib/modules/$k72/updates/dkms" \
		--consumer "${consumer_of[$k72]}" --khoserctl /usr/sbin/khoserctl \
		--log pkg-roundtrip roundtrip
	check "qemu-kho-off: khoserctl doctor fails without kho=on" \
		qemu --modules "/lib/modules/$k72/updates/dkms" \
		--consumer "${consumer_of[$k72]}" --khoserctl /usr/sbin/khoserctl \
		--log pkg-kho-off kho-off
fi
if [ -n "$k72" ] && [ -n "$k73" ] && [ -n "${consumer_of[$k72]:-}" ] &&
	[ -n "${consumer_of[$k73]:-}" ]; then
	check "qemu-cross: DKMS modules + consumer, 7.2 -> 7.3 -> 7.2" \
		qemu --kernels 7.2,7.3,7.2 --hops 3 \
		--modules "/lib/modules/$k72/updates/dkms,/lib/modules/$k73/updates/dkms" \
		--consumer "${consumer_of[$k72]},${consumer_of[$k73]}" \
		--khoserctl /usr/sbin/khoserctl --log pkg-cross custom
fi

# --- remove -------------------------------------------------------------------------
remove() {
	local k
	apt-get remove -y -qq khoser-dkms khoser-tools >"$work/remove.log" 2>&1 ||
		{ cat "$work/remove.log"; return 1; }
	for k in "${kernels[@]}"; do
		[ ! -e "/lib/modules/$k/updates/dkms/khoser.ko" ] ||
			{ echo "khoser.ko left for $k"; return 1; }
		[ ! -e "/var/lib/khoser/$k" ] ||
			{ echo "/var/lib/khoser/$k left"; return 1; }
	done
	[ -z "$(dkms status khoser 2>/dev/null)" ] ||
		{ dkms status khoser; return 1; }
	apt-get purge -y -qq khoser-dkms khoser-tools >/dev/null 2>&1
	[ ! -e /var/lib/khoser ] && [ ! -e /usr/src/khoser-"$version" ]
}
check "remove: modules and published files gone" remove
finish
