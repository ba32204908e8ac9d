#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# DKMS POST_BUILD step (also used by tests/matrix.sh): publish what consumer
# modules need to build against the khoser just built, at a stable
# per-kernel path:
#
#   STATE/KERNELVER/Module.symvers    khoser's exports (KBUILD_EXTRA_SYMBOLS)
#   STATE/KERNELVER/include/khoser/   public headers
#   STATE/KERNELVER/info              version=, kernel=, kho_api=yes|no
#
# usage: publish.sh KERNELVER VERSION [STATE]   (STATE: /var/lib/khoser)
# Run in the directory khoser was built in. The copy is replaced atomically.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 KERNELVER VERSION [STATE]" >&2; exit 2; }
kver=$1 version=$2 state=${3:-/var/lib/khoser}
me="khoser publish"

[ -f Module.symvers ] || { echo "$me: no Module.symvers in $(pwd)" >&2; exit 1; }
[ -d include/khoser ] || { echo "$me: no include/khoser in $(pwd)" >&2; exit 1; }
grep -q '[[:space:]]khoser_is_enabled[[:space:]]' Module.symvers || {
	echo "$me: Module.symvers does not list khoser's exports" >&2
	exit 1
}
# khoser.ko records whether it was built with a usable KHO API.
api=$(modinfo -F kho_api ./khoser.ko 2>/dev/null) || api=
[ -n "$api" ] || api=unknown

mkdir -p "$state"
tmp=$(mktemp -d "$state/.$kver.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/include"
cp -R include/khoser "$tmp/include/"
cp Module.symvers "$tmp/Module.symvers"
printf 'version=%s\nkernel=%s\nkho_api=%s\n' "$version" "$kver" "$api" >"$tmp/info"
chmod 755 "$tmp"
rm -rf "$state/$kver.old"
[ ! -e "$state/$kver" ] || mv "$state/$kver" "$state/$kver.old"
mv "$tmp" "$state/$kver"
rm -rf "$state/$kver.old"
trap - EXIT
echo "$me: $state/$kver (khoser $version, KHO API: $api)"
