#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Build khoser.ko, warning-free with W=1, against one kernel tree:
#   kbuild.sh kho     KHO-enabled 7.2 tree (tests/qemu/kernel.sh, cached)
#   kbuild.sh stock   Debian's stock 7.2 headers, KHO compiled out
#                     (in a sid chroot, tests/stock/chroot.sh, cached)
# The tracked sources are copied to a scratch directory, so the checkout
# stays clean. Checks the exports and which KHO API the probe found.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
which=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$top"
if git rev-parse --git-dir >/dev/null 2>&1; then
	git ls-files -coz --exclude-standard | xargs -0 cp --parents -t "$work"
else
	cp -a . "$work"
fi

case $which in
kho)
	kdir=$(tests/qemu/kernel.sh --version 7.2 | tail -1)
	make -C "$work" KDIR="$kdir" W=1 >"$work/build.log" 2>&1 || {
		cat "$work/build.log"
		exit 1
	}
	log=$work/build.log
	;;
stock)
	kver=${KHOSER_STOCK_KVER:-7.2.13+deb14-amd64}
	tests/stock/chroot.sh build "$work" --out "$work/out" -- \
		make KDIR="/usr/src/linux-headers-$kver" W=1 >/dev/null 2>&1 || {
		cat "$work/out/build.log"
		exit 1
	}
	log=$work/out/build.log
	cp "$work/out/khoser.ko" "$work/khoser.ko"
	;;
*)
	echo "usage: $0 kho|stock" >&2
	exit 2
	;;
esac

# Compiler and modpost diagnostics (not kbuild's toolchain notices).
if grep -E '\.[ch]:[0-9]+(:[0-9]+)?: (warning|error)|^(WARNING|ERROR): modpost|^make.*Error' "$log"; then
	echo "kbuild $which: warnings above"
	exit 1
fi
[ -f "$work/khoser.ko" ] || { echo "kbuild $which: no khoser.ko"; exit 1; }
# Exports: all GPL, all khoser_-prefixed, the core set present.
syms=$(nm "$work/khoser.ko" | sed -n 's/.* __ksymtab_//p' | sort -u)
n=$(printf '%s\n' "$syms" | grep -c '^khoser_' || true)
bad=$(printf '%s\n' "$syms" | grep -v '^khoser_' | grep . || true)
if [ -n "$bad" ]; then
	echo "kbuild $which: exports without the khoser_ prefix: $bad"
	exit 1
fi
for s in khoser_block_set_restore khoser_publish khoser_lookup \
	khoser_compat_check khoser_is_enabled khoser_sarray_restore \
	khoser_sarray_from_xarray khoser_vbuf_restore; do
	printf '%s\n' "$syms" | grep -qx "$s" || {
		echo "kbuild $which: $s not exported"
		exit 1
	}
done
probe=$(find "$work" -name khoser_probe.h | head -1)
api=n/a
[ -z "$probe" ] || api=$(grep -c '^#define KHOSER_HAVE' "$probe" || true)
vermagic=$(strings -a "$work/khoser.ko" | sed -n 's/^vermagic=//p' | head -1)
echo "kbuild $which: ok: $n exports, probe found $api KHO features, vermagic $vermagic"
