# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# What the test scripts share; sourced (". "$top/tests/lib.sh""), POSIX sh,
# so that sh and bash scripts alike can use it. Defines functions and sets
# KHOSER_CACHE; runs nothing else.
#
#   KHOSER_CACHE          the cache outside the clone (kernel trees, chroots,
#                         module builds, logs): $KHOSER_CACHE if set, else
#                         ${XDG_CACHE_HOME:-$HOME/.cache}/khoser; exported
#   copy_tracked SRC DEST [PATH...]
#                         the files of SRC that git tracks (and untracked
#                         ones it does not ignore: the working tree as it
#                         is) under PATHs (default: all) into DEST, with
#                         their directories; every file when SRC is not a
#                         git checkout (a release tarball)
#   apt_install PKG...    install those of the Debian packages that are not
#                         installed (root only; one apt-get update first)
#   apt_install_cmds CMD:PKG...
#                         install PKG for each CMD that is not on PATH
#
# Results, as TAP (https://testanything.org, version 13), which
# tests/check.sh counts:
#   tap_init NAME         "TAP version 13"; NAME starts the summary line
#   tap_ok DESC           ok N - DESC
#   tap_not_ok DESC       not ok N - DESC
#   tap_result RC DESC    ok when RC is 0, else not ok
#   tap_skip DESC REASON  ok N - DESC # SKIP REASON (switched off, or not
#                         possible here: counted as skipped, not passed)
#   tap_diag TEXT...      "# TEXT" lines
#   tap_end               the plan "1..N", then "NAME: P passed, F failed,
#                         S skipped"; returns 1 when something failed
# The counts are in tap_n, tap_passed, tap_failed, tap_skipped. A '#' in a
# description would start a directive: it is written as '_'.

KHOSER_CACHE=${KHOSER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/khoser}
export KHOSER_CACHE

copy_tracked() {
	_ct_src=$1 _ct_dest=$2
	shift 2
	[ $# -gt 0 ] || set -- .
	(
		cd "$_ct_src" || exit 1
		if git rev-parse --git-dir >/dev/null 2>&1; then
			git ls-files -coz --exclude-standard -- "$@"
		else
			find "$@" -path ./.git -prune -o -type f -print0
		fi
	) | (cd "$_ct_src" && xargs -0 -r cp -a --parents -t "$_ct_dest")
}

apt_install() {
	_ai_missing=
	for _ai_p in "$@"; do
		dpkg-query -W -f='${Status}' "$_ai_p" 2>/dev/null |
			grep -q 'ok installed' || _ai_missing="$_ai_missing $_ai_p"
	done
	[ -n "$_ai_missing" ] || return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "missing packages:$_ai_missing (apt-get install them as root)" >&2
		return 1
	fi
	echo "installing$_ai_missing" >&2
	# shellcheck disable=SC2086 # a list of package names
	DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends $_ai_missing >/dev/null
}

apt_install_cmds() {
	_aic_pkgs=
	for _aic_c in "$@"; do
		command -v "${_aic_c%%:*}" >/dev/null 2>&1 ||
			_aic_pkgs="$_aic_pkgs ${_aic_c#*:}"
	done
	# shellcheck disable=SC2086 # a list of package names
	[ -z "$_aic_pkgs" ] || apt_install $_aic_pkgs
}

tap_n=0 tap_passed=0 tap_failed=0 tap_skipped=0 tap_name=
tap_init() {
	tap_name=$1
	echo "TAP version 13"
}
# tap_line ok|"not ok" DESC [DIRECTIVE]
tap_line() {
	tap_n=$((tap_n + 1))
	printf '%s %d - %s%s\n' "$1" "$tap_n" \
		"$(printf '%s' "$2" | tr '\n#' ' _')" "${3:+ # $3}"
}
tap_ok() {
	tap_passed=$((tap_passed + 1))
	tap_line ok "$1"
}
tap_not_ok() {
	tap_failed=$((tap_failed + 1))
	tap_line "not ok" "$1"
}
tap_result() {
	if [ "$1" -eq 0 ]; then
		tap_ok "$2"
	else
		tap_not_ok "$2"
	fi
}
tap_skip() {
	tap_skipped=$((tap_skipped + 1))
	tap_line ok "$1" "SKIP $(printf '%s' "$2" | tr '\n#' ' _')"
}
tap_diag() {
	printf '%s\n' "$@" | sed 's/^/# /'
}
tap_end() {
	echo "1..$tap_n"
	echo "${tap_name:+$tap_name: }$tap_passed passed, $tap_failed failed, $tap_skipped skipped"
	[ "$tap_failed" -eq 0 ]
}
