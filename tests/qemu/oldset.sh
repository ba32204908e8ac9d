#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build (or reuse) the OLD module set for rollback tests: khoser.ko and
# khoser_test.ko from a pinned commit that predates block format v2, so
# that a kernel can be booted with a khoser that reads and writes
# "khoser-block-v1" only, and with the companion as it was then.
#
# usage: tests/qemu/oldset.sh KDIR
#
#   KDIR  a built kernel tree (tests/qemu/kernel.sh's last line)
#
# The last line of stdout is the directory holding both modules.
# The commit is KHOSER_OLD_REF, default the tag v0.1.0-v1only or, where the
# tag is not there (a clone without tags), the commit it names: c509387, the
# last commit of main before block format v2. The checkout needs its
# history (not a shallow clone). Cache:
# ${KHOSER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/khoser}/qemu/modules-old/
set -euo pipefail

old_commit=c5093877cc52cc6cf35ea1319279380f1541917e
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${KHOSER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/khoser}
log() { echo "oldset.sh: $*" >&2; }

[ $# -eq 1 ] || { sed -n '3,/^set -e/p' "$0" | sed '$d' >&2; exit 2; }
kdir=$1
[ -f "$kdir/.khoser-build-complete" ] || { log "not a built kernel tree: $kdir"; exit 1; }
ref=${KHOSER_OLD_REF:-}
if [ -z "$ref" ]; then
	ref=$old_commit
	git -C "$top" rev-parse -q --verify "refs/tags/v0.1.0-v1only^{commit}" >/dev/null &&
		ref=v0.1.0-v1only
fi
commit=$(git -C "$top" rev-parse -q --verify "$ref^{commit}") || {
	log "commit $ref not in $top (a checkout with its full history is needed)"
	exit 1
}
krel=$(cat "$kdir/include/config/kernel.release")
key=$( {
	echo "$commit $kdir"
	cat "$kdir/.khoser-build-complete"
} | sha256sum | cut -c1-16)
dir=$cache/qemu/modules-old/$krel-${commit:0:12}-$key
if [ -f "$dir/khoser_test.ko" ]; then
	log "old set ${commit:0:12} for $krel built before ($dir)"
	echo "$dir"
	exit 0
fi
src=$(mktemp -d)
trap 'rm -rf "$src"' EXIT
git -C "$top" archive "$commit" Kbuild src include tests/module | tar -x -C "$src"
log "building khoser and khoser_test of ${commit:0:12} for $krel"
if ! { make -s -C "$kdir" M="$src" W=1 modules &&
	make -s -C "$kdir" M="$src/tests/module" \
		KBUILD_EXTRA_SYMBOLS="$src/Module.symvers" W=1 KT_VERSION=1 \
		modules; } >"$src/build.log" 2>&1; then
	cat "$src/build.log" >&2
	exit 1
fi
if grep -E '\.[ch]:[0-9]+(:[0-9]+)?: (warning|error)|^(WARNING|ERROR): modpost|^make.*Error' "$src/build.log" >&2; then
	log "old set build has warnings"
	exit 1
fi
mkdir -p "$cache/qemu/modules-old"
rm -rf "$dir.tmp.$$"
mkdir "$dir.tmp.$$"
cp "$src/khoser.ko" "$src/tests/module/khoser_test.ko" "$dir.tmp.$$/"
echo "$commit" >"$dir.tmp.$$/commit"
mv -T "$dir.tmp.$$" "$dir" 2>/dev/null || rm -rf "$dir.tmp.$$"
# Keep the 8 newest builds.
find "$cache/qemu/modules-old" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' |
	sort -rn | tail -n +9 | cut -d' ' -f2- | xargs -r rm -rf
echo "$dir"
