#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Build khoser.ko, warning-free with W=1, against one kernel tree:
#   kbuild.sh kho     KHO-enabled 7.2 tree (tests/qemu/kernel.sh, cached)
#   kbuild.sh stock   Debian's stock 7.2 headers, KHO compiled out
#                     (in a sid chroot, tests/stock/chroot.sh, cached)
# The tracked sources are copied to a scratch directory, so the checkout
# stays clean. Checks the exports and which KHO API the probe found.
# One TAP result (tests/lib.sh).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
which=${1:-}
tap_init kbuild
# fail WHAT: the one result, failed.
fail() {
	tap_not_ok "kbuild $which: $*"
	tap_end
	exit 1
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$top"
copy_tracked "$top" "$work"

case $which in
kho)
	kdir=$(tests/qemu/kernel.sh --version 7.2 | tail -1)
	make -C "$work" KDIR="$kdir" W=1 >"$work/build.log" 2>&1 || {
		cat "$work/build.log"
		fail "make W=1 failed"
	}
	log=$work/build.log
	;;
stock)
	kver=${KHOSER_STOCK_KVER:-7.2.13+deb14-amd64}
	tests/stock/chroot.sh build "$work" --out "$work/out" -- \
		make KDIR="/usr/src/linux-headers-$kver" W=1 >/dev/null 2>&1 || {
		cat "$work/out/build.log"
		fail "make W=1 in the sid chroot failed"
	}
	log=$work/out/build.log
	cp "$work/out/khoser.ko" "$work/khoser.ko"
	;;
*)
	echo "usage: $0 kho|stock" >&2
	fail "usage: kbuild.sh kho|stock"
	;;
esac

# Compiler and modpost diagnostics (not kbuild's toolchain notices).
if grep -E '\.[ch]:[0-9]+(:[0-9]+)?: (warning|error)|^(WARNING|ERROR): modpost|^make.*Error' "$log"; then
	fail "warnings above"
fi
[ -f "$work/khoser.ko" ] || fail "no khoser.ko"
# Exports: all GPL, all khoser_-prefixed, the core set present.
syms=$(nm "$work/khoser.ko" | sed -n 's/.* __ksymtab_//p' | sort -u)
n=$(printf '%s\n' "$syms" | grep -c '^khoser_' || true)
bad=$(printf '%s\n' "$syms" | grep -v '^khoser_' | grep . || true)
[ -z "$bad" ] || fail "exports without the khoser_ prefix: $bad"
for s in khoser_block_set_restore khoser_publish khoser_lookup \
	khoser_compat_check khoser_is_enabled khoser_sarray_restore \
	khoser_sarray_from_xarray khoser_vbuf_restore; do
	printf '%s\n' "$syms" | grep -qx "$s" || fail "$s not exported"
done
probe=$(find "$work" -name khoser_probe.h | head -1)
api=n/a
[ -z "$probe" ] || api=$(grep -c '^#define KHOSER_HAVE' "$probe" || true)
vermagic=$(strings -a "$work/khoser.ko" | sed -n 's/^vermagic=//p' | head -1)
tap_ok "kbuild $which: $n exports, probe found $api KHO features, vermagic $vermagic"
tap_end
