#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Install what `make check` needs on a Debian 12 machine (as root). The kernel
# and chroot scripts install their own build dependencies.
set -eu
pkgs="make gcc libc6-dev clang libclang-rt-14-dev valgrind perl python3 \
binutils kmod git shellcheck libkmod-dev pkg-config"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
