#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Print the Debian archive URL that this machine's own apt configuration
# uses (so that a local mirror, a snapshot or an apt proxy keeps working for
# the private apt setups of tests/qemu/debfetch.sh and tests/stock/chroot.sh),
# or $KHOSER_DEBIAN_MIRROR when set.
#
# usage: tests/mirror.sh          the archive URL, without a trailing slash
#        tests/mirror.sh proxy    the http proxy apt uses, if any
set -eu
if [ "${1:-}" = proxy ]; then
	apt-config dump Acquire::http::Proxy 2>/dev/null |
		sed -n 's/^Acquire::http::Proxy "\(.*\)";$/\1/p'
	exit 0
fi
if [ -n "${KHOSER_DEBIAN_MIRROR:-}" ]; then
	echo "${KHOSER_DEBIAN_MIRROR%/}"
	exit 0
fi
# The Debian archive itself (not -security, not third-party repositories):
# Origin and Label "Debian" once the lists are fetched, else the first
# source whose suite is not a -security one. ($(FIELD) is apt's syntax.)
# shellcheck disable=SC2016
uri=$(apt-get indextargets --format '$(ORIGIN)|$(LABEL)|$(REPO_URI)' \
	'Identifier: Packages' 2>/dev/null |
	awk -F'|' '$1 == "Debian" && $2 == "Debian" { print $3; exit }')
if [ -z "$uri" ]; then
	# shellcheck disable=SC2016
	uri=$(apt-get indextargets --no-release-info \
		--format '$(RELEASE)|$(REPO_URI)' 'Identifier: Packages' 2>/dev/null |
		awk -F'|' '$1 !~ /-security$/ { print $2; exit }')
fi
if [ -z "$uri" ]; then
	echo "mirror.sh: no Debian archive in this machine's apt sources;" \
		"set KHOSER_DEBIAN_MIRROR" >&2
	exit 1
fi
echo "${uri%/}"
