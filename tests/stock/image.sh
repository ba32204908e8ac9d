#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Fetch Debian's stock kernel image (package linux-binary-KVER from sid),
# cached; prints the path of its vmlinuz as the last line.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kver=${KHOSER_STOCK_KVER:-7.2.13+deb14-amd64}
cache=${KHOSER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/khoser}
dir=$cache/stock-image-${kver%%+*}
img=$dir/root/usr/lib/modules/$kver/vmlinuz
if [ ! -f "$img" ]; then
	mkdir -p "$dir/debs"
	"$here/../qemu/debfetch.sh" sid "$dir/debs" "linux-binary-$kver" >&2
	rm -rf "$dir/root.tmp"
	dpkg-deb -x "$dir/debs/linux-binary-${kver}_"*.deb "$dir/root.tmp"
	rm -rf "$dir/root"
	mv "$dir/root.tmp" "$dir/root"
fi
[ -f "$img" ] || { echo "image.sh: no vmlinuz in linux-binary-$kver" >&2; exit 1; }
echo "$img"
