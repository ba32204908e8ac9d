#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Fetch Debian packages from a suite the system's apt sources do not list,
# using a private apt configuration (the system's sources stay untouched).
#
# usage: debfetch.sh SUITE DESTDIR PACKAGE...
#   Downloads the .debs of PACKAGE... (no dependencies) into DESTDIR.
# The archive is the one the machine's apt sources use (tests/mirror.sh;
# KHOSER_DEBIAN_MIRROR overrides); the rest of apt's configuration (proxy,
# date checks) applies as usual.
set -euo pipefail

suite=$1 dest=$2
shift 2
cache=${KHOSER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/khoser}
apt_root=$cache/apt-$suite
mkdir -p "$apt_root"/{lists/partial,archives/partial,etc} "$dest"

mirror=$("$(cd "$(dirname "$0")/.." && pwd)/mirror.sh")
cat >"$apt_root/etc/sources.list" <<SRC
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main
SRC

aptopts=(
	-o "Dir::Etc::SourceList=$apt_root/etc/sources.list"
	-o "Dir::Etc::SourceParts=/dev/null"
	-o "Dir::State::Lists=$apt_root/lists"
	-o "Dir::State::status=/dev/null"
	-o "Dir::Cache=$apt_root"
	-o "Dir::Cache::archives=$apt_root/archives"
	-o "APT::Architecture=amd64"
	-o "Acquire::Languages=none"
	-o "Debug::NoLocking=1"
	-o "APT::Sandbox::User=root"
)

# apt's own locking is off (Debug::NoLocking); serialise callers sharing
# this private apt state instead.
exec 9>"$apt_root/lock"
flock 9

stamp=$apt_root/updated
if [ ! -f "$stamp" ] || [ -n "$(find "$stamp" -mmin +720)" ]; then
	apt-get "${aptopts[@]}" -qq update
	touch "$stamp"
fi
cd "$dest"
apt-get "${aptopts[@]}" -qq download "$@"
