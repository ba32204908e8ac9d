#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build external modules against Debian's STOCK kernel headers inside a
# Debian chroot of the suite those headers come from (sid's 7.2 headers
# need gcc-16 and pahole, trixie's gcc-14: the host's Debian 12 has
# neither). One chroot per suite holds the headers of several kernels.
#
# usage: chroot.sh [--kver KVER] [--suite SUITE] COMMAND
#   --kver KVER   kernel release whose linux-headers-KVER to use (default
#                 $KHOSER_STOCK_KVER), or a series such as 7.3 or 6.12:
#                 the newest linux-headers-SERIES.N+debNN-amd64 of the suite
#   --suite SUITE sid, trixie or bookworm (default: from KVER's +debNN tag:
#                 deb14 sid, deb13 trixie, deb12 bookworm; else sid).
#                 Stable suites get their -backports too.
# commands:
#   chroot.sh ensure
#       Create (or reuse) the chroot with KVER's headers; its path is the
#       last line on stdout.
#   chroot.sh kver
#       Ensure as above and print the kernel release KVER resolved to.
#   chroot.sh build SRC_DIR [--out DIR] [MAKE_ARG...]
#   chroot.sh build SRC_DIR [--out DIR] -- CMD...
#       Copy SRC_DIR (minus .git, build-stock/ and DIR) to /build/src in the
#       chroot and run, in /build/src,
#         make -j$(nproc) -C /usr/src/linux-headers-$KVER M=/build/src \
#              modules W=1 MAKE_ARG...
#       or, after "--", CMD... verbatim (e.g. `-- make KDIR=/usr/src/...`).
#       The *.ko built and build.log are copied to DIR (default
#       SRC_DIR/build-stock). Exit status is the build command's.
#   chroot.sh shell CMD...
#       Run CMD... in the chroot (cwd /build/src if it exists, else /).
#
# In the chroot, /proc and a handful of /dev nodes are mounted for the
# duration of each command only: in a private mount namespace when unshare(1)
# allows it (nothing can leak), else on the host with a trap that unmounts.
#
# environment:
#   KHOSER_CACHE         cache dir (default ${XDG_CACHE_HOME:-~/.cache}/khoser)
#   KHOSER_STOCK_KVER    stock kernel release (default 7.2.13+deb14-amd64)
#
# The chroot of SUITE is $KHOSER_CACHE/chroot-SUITE; its .khoser-stamp has a
# "kver=RELEASE" line per headers package installed and a "series S=RELEASE"
# line per series resolved.
#   KHOSER_DEBIAN_MIRROR the Debian archive (default: the one this machine's
#                        apt sources use, tests/mirror.sh); apt's http proxy
#                        is used by debootstrap and in the chroot too
#   KHOSER_SID_KEYRING   keyring for debootstrap (default: the host's
#                        debian-archive-keyring, which verifies sid today)
set -euo pipefail

kver=${KHOSER_STOCK_KVER:-7.2.13+deb14-amd64}
suite=
while [ $# -gt 0 ]; do
	case $1 in
	--kver) [ $# -ge 2 ] || { echo "chroot.sh: --kver needs a value" >&2; exit 2; }
		kver=$2; shift 2 ;;
	--suite) [ $# -ge 2 ] || { echo "chroot.sh: --suite needs a value" >&2; exit 2; }
		suite=$2; shift 2 ;;
	*) break ;;
	esac
done
if [ -z "$suite" ]; then
	case $kver in
	*+deb13-*) suite=trixie ;;
	*+deb12-*) suite=bookworm ;;
	*) suite=sid ;;
	esac
fi
case $suite in
sid|trixie|bookworm) ;;
*) echo "chroot.sh: unsupported suite '$suite'" >&2; exit 2 ;;
esac
# A series (7.3, 6.12) is resolved to a release once the chroot exists.
series=
case $kver in
*[!0-9.]*) ;;
*.*) series=$kver ;;
esac
cache=${KHOSER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/khoser}
root=$cache/chroot-$suite
lock=$cache/chroot-$suite.lock
stamp=$root/.khoser-stamp
mirror_sh=$(cd "$(dirname "$0")/.." && pwd)/mirror.sh
mirror=
kdir=/usr/src/linux-headers-$kver
# W=1 builds run scripts/kernel-doc: perl (6.x) or python3 (7.x).
packages=(dwarves make kmod perl python3)
chroot_env=(env -i HOME=/root LANG=C.UTF-8 TERM=dumb
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
devnodes=(null zero full random urandom tty)
# shellcheck disable=SC2016 # expanded by the sh in the chroot
cd_exec='cd "$1" && shift && exec "$@"'

die() { echo "chroot.sh: $*" >&2; exit 2; }
log() { echo "chroot.sh: $*" >&2; }

usage() {
	sed -n '/^# usage:/,/^# environment:/p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, chroot, mount)"

# Unmount everything at or below $1, deepest first.
umount_below() {
	local m
	findmnt -rn -o TARGET | awk -v p="$1" '$0 == p || index($0, p "/") == 1' |
		sort -r | while read -r m; do
		umount "$m" 2>/dev/null || umount -l "$m" || true
	done
}

# Remove a (possibly half-built) chroot without crossing into mounts.
remove_tree() {
	[ -e "$1" ] || return 0
	umount_below "$1"
	rm -rf --one-file-system "$1"
}

# Mount /proc and the basic /dev nodes in chroot $1 (current namespace).
mount_api() {
	local d
	mountpoint -q "$1/proc" || mount -t proc proc "$1/proc"
	for d in "${devnodes[@]}"; do
		# debootstrap mknod'ed these; bind over them in case the device
		# cgroup forbids opening chroot-made nodes (bind never hurts).
		[ -e "$1/dev/$d" ] || touch "$1/dev/$d"
		mountpoint -q "$1/dev/$d" || mount --bind "/dev/$d" "$1/dev/$d"
	done
}

umount_api() {
	local d
	for d in "${devnodes[@]}"; do
		! mountpoint -q "$1/dev/$d" || umount "$1/dev/$d" || umount -l "$1/dev/$d"
	done
	! mountpoint -q "$1/proc" || umount "$1/proc" || umount -l "$1/proc"
}

# Inner half of run_in: already in a private mount namespace.
if [ "${1:-}" = __inns ]; then
	shift
	r=$1 wd=$2
	shift 2
	mount_api "$r"
	exec chroot "$r" "${chroot_env[@]}" sh -c "$cd_exec" sh "$wd" "$@"
fi

have_unshare() {
	[ -z "${KHOSER_NO_UNSHARE:-}" ] && unshare --mount --propagation private true 2>/dev/null
}

# run_in ROOT WORKDIR CMD...: run CMD in the chroot with /proc mounted.
run_in() {
	local r=$1 wd=$2
	shift 2
	if have_unshare; then
		unshare --mount --propagation private -- "$BASH" "$0" __inns "$r" "$wd" "$@"
		return
	fi
	# A subshell, so its traps leave the caller's alone.
	(
		# shellcheck disable=SC2064 # expand $r now
		trap "umount_api '$r'" EXIT
		trap 'exit 130' INT TERM
		mount_api "$r"
		chroot "$r" "${chroot_env[@]}" sh -c "$cd_exec" sh "$wd" "$@"
	)
}

install_debootstrap() {
	command -v debootstrap >/dev/null && return
	log "installing debootstrap"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq debootstrap >&2
}

# Carry the host's apt date checks and proxy into the chroot: where the
# host's mirror is a frozen snapshot (its Release files past Valid-Until)
# the host disables them, and the chroot's apt needs the same to work at all.
host_apt_policy() {
	local opt val
	for opt in Acquire::Check-Valid-Until Acquire::Check-Date \
		Acquire::http::Proxy Acquire::https::Proxy; do
		val=$(apt-config dump "$opt" 2>/dev/null | sed -n "s/^$opt \"\(.*\)\";\$/\1/p")
		[ -z "$val" ] || printf '%s "%s";\n' "$opt" "$val"
	done
}

# Build the chroot in a temp dir; called with the lock held.
create() {
	local tmp keyopt=() t0=$SECONDS proxy
	install_debootstrap
	for tmp in "$root".tmp.*; do
		if [ -e "$tmp" ]; then
			log "removing stale $tmp"
			remove_tree "$tmp"
		fi
	done
	remove_tree "$root"	# exists but has no stamp: incomplete
	tmp=$(mktemp -d "$root.tmp.XXXXXX")
	chmod 755 "$tmp"	# mktemp's 0700 would lock apt's _apt user out
	# shellcheck disable=SC2064 # expand $tmp now
	trap "remove_tree '$tmp'" EXIT
	trap 'exit 130' INT TERM
	if [ -n "${KHOSER_SID_KEYRING:-}" ]; then
		keyopt=(--keyring="$KHOSER_SID_KEYRING")
	fi
	mirror=$("$mirror_sh") || die "no Debian mirror"
	proxy=$("$mirror_sh" proxy)
	log "debootstrap $suite from $mirror into $tmp"
	http_proxy=${proxy:-${http_proxy:-}} \
		debootstrap --variant=minbase "${keyopt[@]}" "$suite" "$tmp" "$mirror" >&2
	printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"
	chmod 755 "$tmp/usr/sbin/policy-rc.d"
	host_apt_policy >"$tmp/etc/apt/apt.conf.d/99khoser"
	if [ "$suite" != sid ]; then
		echo "deb $mirror $suite-backports main" \
			>"$tmp/etc/apt/sources.list.d/backports.list"
	fi
	log "installing ${packages[*]}"
	run_in "$tmp" / sh -c 'export DEBIAN_FRONTEND=noninteractive &&
		apt-get update -qq &&
		apt-get install -y -qq --no-install-recommends "$@" &&
		apt-get clean' sh "${packages[@]}" >&2
	mkdir -p "$tmp/build"
	{
		echo "suite=$suite"
		echo "created=$(date -u +%FT%TZ)"
		echo "seconds=$((SECONDS - t0))"
	} >"$tmp/.khoser-stamp.new"
	mv "$tmp/.khoser-stamp.new" "$tmp/.khoser-stamp"
	mv -T "$tmp" "$root"
	trap - EXIT INT TERM
	log "chroot ready in $((SECONDS - t0)) s: $root"
}

# Resolve a series to the newest linux-headers-SERIES.N+debNN-amd64 the
# suite has (once: the answer is kept in the stamp). Called with the lock.
resolve_series() {
	local hit re
	hit=$(sed -n "s/^series $series=//p" "$stamp")
	if [ -z "$hit" ]; then
		re="^linux-headers-${series//./\\.}\\.[0-9]+\\+deb[0-9]+-amd64\$"
		hit=$(run_in "$root" / apt-cache pkgnames "linux-headers-$series." |
			grep -E "$re" | sed 's/^linux-headers-//' | sort -V | tail -1)
		[ -n "$hit" ] || die "no linux-headers-$series.*-amd64 in $suite"
		echo "series $series=$hit" >>"$stamp"
	fi
	kver=$hit
	kdir=/usr/src/linux-headers-$kver
}

# Install the base packages missing from a chroot made with fewer. Called
# with the lock.
ensure_base() {
	grep -qsx "base=${packages[*]}" "$stamp" && return 0
	log "installing ${packages[*]} in $root"
	run_in "$root" / sh -c 'export DEBIAN_FRONTEND=noninteractive &&
		apt-get update -qq &&
		apt-get install -y -qq --no-install-recommends "$@" &&
		apt-get clean' sh "${packages[@]}" >&2 ||
		die "cannot install ${packages[*]} in $suite"
	sed -i '/^base=/d' "$stamp"
	echo "base=${packages[*]}" >>"$stamp"
}

# Install linux-headers-$kver unless the stamp lists it. Called with the lock.
ensure_headers() {
	local t0=$SECONDS
	[ -z "$series" ] || resolve_series
	grep -qsx "kver=$kver" "$stamp" && return 0
	log "installing linux-headers-$kver in $root"
	run_in "$root" / sh -c 'export DEBIAN_FRONTEND=noninteractive &&
		apt-get update -qq &&
		apt-get install -y -qq --no-install-recommends "$@" &&
		apt-get clean' sh "linux-headers-$kver" >&2 ||
		die "cannot install linux-headers-$kver in $suite"
	[ -f "$root$kdir/Makefile" ] || die "$kdir missing after install"
	{
		echo "kver=$kver"
		# shellcheck disable=SC2016 # dpkg-query's own ${field}s
		run_in "$root" / dpkg-query -W \
			-f '${db:Status-Status} ${binary:Package} ${Version}\n' |
			awk -v k="$kver" '$1 == "installed" &&
				($2 ~ k || $2 ~ /^(gcc-[0-9]+(-for-host)?|dwarves|make|kmod)$/) {
				print "  " $2, $3 }'
	} >>"$stamp"
	log "linux-headers-$kver ready in $((SECONDS - t0)) s"
}

# Take the lock (exclusive: creation and every use of /build are
# serialised) and make sure the chroot exists.
ensure_locked() {
	mkdir -p "$cache"
	exec 9>"$lock"
	if ! flock -n 9; then
		log "waiting for lock $lock"
		flock 9
	fi
	[ -f "$stamp" ] || create
	ensure_base
	ensure_headers
}

cmd_build() {
	[ $# -ge 1 ] || usage
	local src out="" rc=0 ko
	src=$(realpath -e "$1") || die "no such dir: $1"
	shift
	[ -d "$src" ] || die "not a directory: $src"
	if [ "${1:-}" = --out ]; then
		[ $# -ge 2 ] || usage
		out=$2
		shift 2
	fi
	out=$(realpath -m "${out:-$src/build-stock}")
	local cmd
	ensure_locked
	if [ "${1:-}" = -- ]; then
		shift
		[ $# -ge 1 ] || usage
		cmd=("$@")
	else
		cmd=(make "-j$(nproc)" -C "$kdir" M=/build/src modules W=1 "$@")
	fi
	local dst=$root/build/src excl=(--exclude=./.git --exclude=./build-stock)
	case $out/ in
	"$src"/*) excl+=(--exclude="./${out#"$src"/}") ;;
	esac
	remove_tree "$dst"
	mkdir -p "$dst" "$out"
	tar -C "$src" "${excl[@]}" -cf - . | tar -C "$dst" -xf -
	rm -f "$out"/*.ko "$out/build.log"
	log "building $src in chroot: ${cmd[*]}"
	set +e
	run_in "$root" /build/src "${cmd[@]}" 2>&1 | tee "$out/build.log"
	rc=${PIPESTATUS[0]}
	set -e
	while IFS= read -r -d '' ko; do
		cp "$ko" "$out/"
	done < <(find "$dst" -name '*.ko' -print0)
	log "exit $rc; output in $out"
	return "$rc"
}

cmd_shell() {
	[ $# -ge 1 ] || usage
	ensure_locked
	local wd=/
	[ -d "$root/build/src" ] && wd=/build/src
	run_in "$root" "$wd" "$@"
}

case ${1:-} in
ensure)
	[ $# -eq 1 ] || usage
	ensure_locked
	echo "$root"
	;;
kver)
	[ $# -eq 1 ] || usage
	ensure_locked
	echo "$kver"
	;;
build) shift; cmd_build "$@" ;;
shell) shift; cmd_shell "$@" ;;
*) usage ;;
esac
