#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# DKMS POST_REMOVE step: drop what publish.sh published for one kernel.
# usage: unpublish.sh KERNELVER [STATE]   (STATE: /var/lib/khoser)
set -eu
[ $# -ge 1 ] || { echo "usage: $0 KERNELVER [STATE]" >&2; exit 2; }
kver=$1 state=${2:-/var/lib/khoser}
case $kver in
''|.|..|*/*) echo "khoser unpublish: bad kernel version '$kver'" >&2; exit 2 ;;
esac
rm -rf "${state:?}/$kver"
rmdir "$state" 2>/dev/null || true
echo "khoser unpublish: removed $state/$kver"
