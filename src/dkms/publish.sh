#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The kit a consumer module builds against, for one khoser build:
#
#   Module.symvers    khoser's exports (KBUILD_EXTRA_SYMBOLS)
#   include/khoser/   the public headers of that build
#   info              version=, kernel=, kho_api=yes|no
#
# usage: publish.sh stage KERNELVER [VERSION]
#          In the directory khoser was just built in (DKMS's MAKE step, the
#          `dkms` target of the top Makefile; also tests/matrix-row.sh):
#          check the build and write the kit to ./devel. Fails (exit 1) on
#          anything wrong, so that the DKMS build fails. VERSION defaults to
#          the module's own.
#        publish.sh store DEST
#          DKMS's POST_BUILD step: copy ./devel to DEST, DKMS's tree for
#          this build (dkms.conf). Never fails: dkms 3.0.10 ignores a failed
#          POST_BUILD while 3.1+ aborts after marking the module built, so
#          a failure here is reported and left for khoser.mk to explain.
set -eu
me="khoser publish"
usage() {
	echo "usage: $0 stage KERNELVER [VERSION] | store DEST" >&2
	exit 2
}

# The module file, whichever form DKMS left it in: DKMS strips, signs and
# compresses the built module in place, as the kernel's own modules are.
module_file() {
	for f in khoser.ko khoser.ko.xz khoser.ko.zst khoser.ko.gz; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

# modinfo FIELD of khoser.ko*, decompressed first (Debian 12's kmod reads
# neither .gz nor, without its xz/zstd support, the others).
ko_field() {
	f=$(module_file) || return 1
	case $f in
	*.ko) modinfo -F "$1" "./$f" ;;
	*)
		t=$(mktemp --suffix=.ko)
		case $f in
		*.xz) xz -dc "$f" >"$t" ;;
		*.zst) zstd -qdc "$f" >"$t" ;;
		*.gz) gzip -dc "$f" >"$t" ;;
		esac && modinfo -F "$1" "$t"
		rc=$?
		rm -f "$t"
		return "$rc"
		;;
	esac
}

stage() {
	kver=$1 version=${2:-}
	module_file >/dev/null || { echo "$me: no khoser.ko in $(pwd)" >&2; exit 1; }
	[ -f Module.symvers ] || { echo "$me: no Module.symvers in $(pwd)" >&2; exit 1; }
	[ -d include/khoser ] || { echo "$me: no include/khoser in $(pwd)" >&2; exit 1; }
	grep -q '[[:space:]]khoser_is_enabled[[:space:]]' Module.symvers || {
		echo "$me: Module.symvers does not list khoser's exports" >&2
		exit 1
	}
	# khoser.ko records whether it was built with a usable KHO API.
	api=$(ko_field kho_api 2>/dev/null) || api=
	case $api in
	yes|no) ;;
	*) echo "$me: cannot read kho_api from $(module_file)" >&2; exit 1 ;;
	esac
	[ -n "$version" ] || version=$(ko_field version 2>/dev/null) || version=
	[ -n "$version" ] || { echo "$me: no version" >&2; exit 1; }

	rm -rf devel
	mkdir -p devel/include
	cp -R include/khoser devel/include/
	cp Module.symvers devel/Module.symvers
	printf 'version=%s\nkernel=%s\nkho_api=%s\n' "$version" "$kver" "$api" \
		>devel/info
	echo "$me: staged for $kver (khoser $version, KHO API: $api)"
}

store() {
	dest=$1
	if [ ! -f devel/info ]; then
		echo "$me: WARNING: nothing staged in $(pwd)/devel: consumers cannot build against this build" >&2
		return 0
	fi
	if rm -rf "$dest.new" && cp -R devel "$dest.new" &&
		rm -rf "$dest" && mv "$dest.new" "$dest"; then
		echo "$me: stored in $dest"
	else
		rm -rf "$dest.new"
		echo "$me: WARNING: cannot store the consumer kit in $dest: consumers cannot build against this build" >&2
	fi
	return 0
}

[ $# -ge 1 ] || usage
cmd=$1
shift
case $cmd in
stage) case $# in 1|2) stage "$@" ;; *) usage ;; esac ;;
store) [ $# -eq 1 ] || usage; store "$1" ;;
*) usage ;;
esac
