#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build (or reuse from the cache) a small KHO-enabled Linux kernel tree from
# Debian's linux-source-X.Y package, for booting under QEMU and for building
# khoser against it.
#
# usage: tests/qemu/kernel.sh [--version 7.2|7.3] [--variant fast|debug]
#                             [--src-only]
#
#   --version   kernel series (default 7.2; 7.2 comes from sid, 7.3 from
#               trixie-backports)
#   --variant   fast:  tinyconfig + config/kho.fragment (default)
#               debug: the same + config/kho-debug.fragment (KASAN, lockdep,
#                      kmemleak, DEBUG_VM)
#   --src-only  only fetch and unpack the pristine source (for
#               scripts/checkpatch.pl, scripts/kernel-doc) and print its path
#
# The last line of stdout is the absolute path of the result; everything else
# goes to stderr. The built tree is a kbuild output directory (O=) usable as
# KDIR:  make -C "$(tests/qemu/kernel.sh | tail -n1)" M=$PWD modules
# Its kernel image is arch/x86/boot/bzImage.
#
# Cache: ${KHOSER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/khoser}
#   debs/SUITE/                          downloaded linux-source .debs
#   src/linux-VERSION/                   pristine source, one per package version
#   kernels/linux-VERSION-VARIANT-HASH/  built trees; HASH covers the fragments,
#                                        the compiler version and this recipe
#   locks/                               flock(1) files
# A tree is reused only if its stamp file (.khoser-build-complete) exists.
# Trees are built in a temporary directory and renamed into place, so an
# interrupted build is never taken for a complete one.
#
# Environment: KHOSER_CACHE (see above), KHOSER_JOBS (make -j, default nproc).
# Missing build dependencies are installed with apt-get when run as root.
set -euo pipefail

# Bump when the build steps change in a way that needs fresh trees.
recipe=2

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
me=kernel.sh
# shellcheck source=tests/lib.sh
. "$here/../lib.sh"

log() { printf '%s: %s\n' "$me" "$*" >&2; }
die() { printf '%s: error: %s\n' "$me" "$*" >&2; exit 1; }
usage() {
	sed -n '/^# usage:/,/^# Environment/p' "${BASH_SOURCE[0]}" |
		sed 's/^# \{0,1\}//' >&2
	exit "${1:-2}"
}

version=7.2
variant=fast
src_only=0
while [ $# -gt 0 ]; do
	case $1 in
	--version) [ $# -ge 2 ] || usage; version=$2; shift 2 ;;
	--version=*) version=${1#*=}; shift ;;
	--variant) [ $# -ge 2 ] || usage; variant=$2; shift 2 ;;
	--variant=*) variant=${1#*=}; shift ;;
	--src-only) src_only=1; shift ;;
	-h|--help) usage 0 ;;
	*) log "unknown argument: $1"; usage ;;
	esac
done

case $version in
7.2) suite=sid ;;
7.3) suite=trixie-backports ;;
*) die "unsupported --version '$version' (7.2 or 7.3)" ;;
esac

fragments=("$here/config/kho.fragment")
case $variant in
fast) ;;
debug) fragments+=("$here/config/kho-debug.fragment") ;;
*) die "unsupported --variant '$variant' (fast or debug)" ;;
esac

cache=$KHOSER_CACHE
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
mkdir -p "$cache/locks" "$cache/debs" "$cache/src" "$cache/kernels"
jobs=${KHOSER_JOBS:-$(nproc)}

# ---------------------------------------------------------------- deps ----

# Commands needed, as "command:package". python3 is only for scripts/kernel-doc.
dep_cmds=(
	make:make gcc:gcc ld:binutils bc:bc bison:bison flex:flex perl:perl
	python3:python3 cpio:cpio xz:xz-utils gzip:gzip dpkg-deb:dpkg
	apt-get:apt flock:util-linux sha256sum:coreutils
)
# Packages without a telling command (headers used by host programs: objtool
# needs libelf, certs/ and scripts/sign-file need libssl when enabled).
dep_pkgs=(libc6-dev libelf-dev libssl-dev debian-archive-keyring)

ensure_deps() {
	{ apt_install_cmds "${dep_cmds[@]}" && apt_install "${dep_pkgs[@]}"; } >&2 ||
		die "missing build dependencies (see above)"
}

# -------------------------------------------------------------- locking ----

# lock NAME: take an exclusive lock held until the script exits (or until the
# returned fd is closed by unlock).
lock_fd=
lock() {
	local f=$cache/locks/$1.lock
	exec {lock_fd}>"$f"
	if ! flock -n "$lock_fd"; then
		log "waiting for lock $f"
		flock "$lock_fd"
	fi
}
unlock() { exec {lock_fd}>&-; }

# Remove temporary directories of this run on any exit.
tmpdirs=()
cleanup() {
	local d
	for d in "${tmpdirs[@]}"; do
		rm -rf -- "$d"
	done
}
trap cleanup EXIT

# --------------------------------------------------------------- source ----

pkg=linux-source-$version
debdir=$cache/debs/$suite

# Download the newest linux-source-X.Y into $debdir (apt-get skips a file
# already there) and set $deb and $pkgver. Offline, fall back to the newest
# cached .deb.
fetch_deb() {
	local f best=
	log "fetching $pkg from Debian $suite"
	if ! "$here/debfetch.sh" "$suite" "$debdir" "$pkg" >&2; then
		log "warning: download failed; trying the cached .deb"
	fi
	for f in "$debdir/${pkg}_"*_all.deb; do
		[ -f "$f" ] || continue
		if [ -z "$best" ] || dpkg --compare-versions \
			"$(dpkg-deb -f "$f" Version)" gt "$(dpkg-deb -f "$best" Version)"; then
			best=$f
		fi
	done
	[ -n "$best" ] || die "no $pkg .deb available in $debdir"
	deb=$best
	pkgver=$(dpkg-deb -f "$deb" Version)
	# Keep only the newest .deb of this package (they are ~160 MB each).
	for f in "$debdir/${pkg}_"*_all.deb; do
		[ "$f" = "$deb" ] || rm -f -- "$f"
	done
	log "$pkg version $pkgver"
}

# Unpack the pristine source once per package version; set $srcdir.
unpack_source() {
	local tag=${pkgver//[^A-Za-z0-9.+-]/_} tmp
	srcdir=$cache/src/linux-$tag
	[ -f "$srcdir/.khoser-source-complete" ] && return 0
	lock "src-linux-$tag"
	if [ ! -f "$srcdir/.khoser-source-complete" ]; then
		log "unpacking $deb"
		rm -rf -- "$srcdir" "$cache/src/.tmp-linux-$tag".*
		tmp=$(mktemp -d "$cache/src/.tmp-linux-$tag.XXXXXX")
		tmpdirs+=("$tmp")
		dpkg-deb --fsys-tarfile "$deb" |
			tar -xO "./usr/src/$pkg.tar.xz" |
			tar -xJ -C "$tmp"
		[ -f "$tmp/$pkg/Makefile" ] || die "unexpected layout in $deb"
		printf '%s\n' "$pkgver" >"$tmp/$pkg/.khoser-source-complete"
		mv -T -- "$tmp/$pkg" "$srcdir"
	fi
	unlock
}

# ---------------------------------------------------------------- build ----

# Print the options of the fragments whose value did not stick in .config $1:
# CONFIG_X=V (y, a number, a string) that is not =V, and "# CONFIG_X is not
# set" that is set. A later fragment's value wins over an earlier one's.
unstuck_options() {
	local cfg=$1 opt
	grep -h '^CONFIG_[A-Za-z0-9_]*=' "${fragments[@]}" |
		awk -F= '{ v[$1] = $0 } END { for (o in v) print v[o] }' | sort |
		while IFS= read -r opt; do
			grep -qxF -- "$opt" "$cfg" || printf '%s\n' "${opt%%=*}"
		done
	sed -n 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1/p' "${fragments[@]}" |
		sort -u | while IFS= read -r opt; do
			if grep -q -- "^$opt=" "$cfg"; then printf '%s\n' "$opt"; fi
		done
	return 0
}

# Hash of everything that determines the built tree besides the source.
build_hash() {
	{
		printf 'recipe %s\nvariant %s\n' "$recipe" "$variant"
		local f
		for f in "${fragments[@]}"; do
			printf '== %s\n' "${f##*/}"
			cat -- "$f"
		done
		printf 'cc %s\n' "$(gcc --version | head -n1)"
	} | sha256sum | cut -c1-8
}

# Set $out to the built tree, building it unless the cache has it.
build_kernel() {
	local tag=${pkgver//[^A-Za-z0-9.+-]/_} hash name tmp t0 o bad=()
	hash=$(build_hash)
	name=linux-$tag-$variant-$hash
	out=$cache/kernels/$name
	if [ -f "$out/.khoser-build-complete" ]; then
		log "reusing $out"
		return 0
	fi
	lock "kernel-$name"
	if [ -f "$out/.khoser-build-complete" ]; then
		log "reusing $out (built by a concurrent run)"
		unlock
		return 0
	fi
	# Anything left here is from an interrupted run (we hold the lock).
	rm -rf -- "$out" "$cache/kernels/.tmp-$name".*
	tmp=$(mktemp -d "$cache/kernels/.tmp-$name.XXXXXX")
	tmpdirs+=("$tmp")
	chmod 755 "$tmp"
	t0=$(date +%s)
	log "building $name in $tmp ($jobs jobs)"

	local mk=(make -C "$srcdir" O="$tmp" -j"$jobs")
	"${mk[@]}" -s tinyconfig >&2
	if ! (cd "$tmp" && "$srcdir/scripts/kconfig/merge_config.sh" -m .config \
		"${fragments[@]}") >"$tmp/.khoser-merge.log" 2>&1; then
		cat -- "$tmp/.khoser-merge.log" >&2
		die "merge_config.sh failed"
	fi
	"${mk[@]}" -s olddefconfig >&2
	cp -- "${fragments[@]}" "$tmp/"
	mapfile -t bad < <(unstuck_options "$tmp/.config")
	if [ ${#bad[@]} -gt 0 ]; then
		log "these fragment options did not stick (missing dependency?):"
		for o in "${bad[@]}"; do
			printf '  %s (final .config: %s)\n' "$o" \
				"$(grep -E "^(# )?${o}[= ]" "$tmp/.config" || echo absent)" >&2
		done
		die "config verification failed (see $tmp/.config)"
	fi
	log "config verified: all $(cat -- "${fragments[@]}" |
		grep -c '^CONFIG_[A-Za-z0-9_]*=') CONFIG_X=V of the fragments stuck"

	"${mk[@]}" bzImage modules >&2
	"${mk[@]}" modules_prepare >&2
	[ -f "$tmp/arch/x86/boot/bzImage" ] || die "no arch/x86/boot/bzImage"
	[ -f "$tmp/Module.symvers" ] || die "no Module.symvers"

	# The generated O= Makefile records the output directory (KBUILD_OUTPUT)
	# and external module builds use it: point it at the final location.
	sed -i "s|^export KBUILD_OUTPUT = .*|export KBUILD_OUTPUT = $out|" \
		"$tmp/Makefile"
	grep -qxF "export KBUILD_OUTPUT = $out" "$tmp/Makefile" ||
		die "unexpected generated $tmp/Makefile"

	# Move into place, then prove the tree works there. Until the stamp is
	# written the tree counts as incomplete (and is wiped by the next run).
	mv -T -- "$tmp" "$out"
	selftest_module "$out"

	{
		printf 'package %s %s\n' "$pkg" "$pkgver"
		printf 'variant %s\nhash %s\nrecipe %s\n' "$variant" "$hash" "$recipe"
		printf 'fragments %s\n' "${fragments[*]##*/}"
		printf 'cc %s\n' "$(gcc --version | head -n1)"
		printf 'kernelrelease %s\n' "$(cat "$out/include/config/kernel.release")"
		printf 'seconds %s\n' "$(($(date +%s) - t0))"
		printf 'date %s\n' "$(date -u +%FT%TZ)"
	} >"$out/.khoser-build-complete.tmp"
	mv -- "$out/.khoser-build-complete.tmp" "$out/.khoser-build-complete"
	log "built $out in $(($(date +%s) - t0)) s"
	unlock
}

# Build a trivial external module using the KHO API against tree $1, so a
# tree that cannot build out-of-tree modules is never marked complete.
selftest_module() {
	local kdir=$1 m
	m=$(mktemp -d "${TMPDIR:-/tmp}/khoser-selftest.XXXXXX")
	tmpdirs+=("$m")
	cat >"$m/khoser_selftest.c" <<'EOF'
// SPDX-License-Identifier: GPL-2.0-only
#include <linux/module.h>
#include <linux/kexec_handover.h>

static int __init khoser_selftest_init(void)
{
	pr_info("khoser_selftest: kho enabled: %d\n", kho_is_enabled());
	return 0;
}
module_init(khoser_selftest_init);

static void __exit khoser_selftest_exit(void)
{
}
module_exit(khoser_selftest_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("khoser kernel.sh build self-test");
EOF
	printf 'obj-m := khoser_selftest.o\n' >"$m/Kbuild"
	log "self-test: building an external module against the tree"
	make -C "$kdir" M="$m" modules >&2 ||
		die "an external module does not build against $kdir"
	[ -f "$m/khoser_selftest.ko" ] || die "self-test module was not built"
}

# ----------------------------------------------------------------- main ----

ensure_deps
lock "debs-$suite"
fetch_deb
unlock
unpack_source
if [ "$src_only" = 1 ]; then
	printf '%s\n' "$srcdir"
	exit 0
fi
build_kernel
printf '%s\n' "$out"
