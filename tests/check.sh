#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# make check: every test step, then one line "N passed, N failed, N skipped".
#   unit      userspace tests of src/ under ASan+UBSan (one count per test)
#   valgrind  the same tests unsanitized under valgrind memcheck
#   fuzz      libFuzzer on the restore paths, FUZZ_SECONDS each
#   user      khoserctl on fixture trees (tests/user/run.sh)
#   e2e       QEMU kexec scenarios with khoser_test (tests/qemu/e2e.sh)
#   e2e-debug roundtrip, corrupt and reload on the KASAN + kmemleak +
#             DEBUG_VM + PROVE_LOCKING kernel; in the last boot both modules
#             unload, then a kmemleak scan must report nothing
#   bench     tests/bench/run.sh --quick: every figure of make bench on small
#             sizes (the same code paths), printed; no timed assertions
#   kbuild    khoser.ko against the KHO 7.2 tree and Debian's stock headers
#   matrix    khoser + consumer against six kernel trees (tests/matrix.sh)
#   pkg       Debian packages: build, lintian, install, DKMS for three
#             kernels, consumer package, QEMU round trips with the packaged
#             modules, dkms install --force/remove/uninstall, a kernel
#             upgrade and removal, purge, dkms 3.x (tests/pkg.sh)
#   lint      checkpatch --strict, kernel-doc, export docs, SPDX, pr_fmt and
#             every shell script through shellcheck
# Every step reports TAP (tests/lib.sh): "ok N - what", "not ok N - what",
# "ok N - what # SKIP why" and a plan "1..N". The results are counted from
# those lines alone (a step's other lines are for people). A step is also
# one failure more when its plan is missing (it ended early) or does not
# match its results, or when it exits non-zero with nothing failed.
# Each step's whole output is kept in $KHOSER_CACHE/check/STEP.log.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
export FUZZ_SECONDS="${FUZZ_SECONDS:-30}"
logs=$KHOSER_CACHE/check
mkdir -p "$logs"

passed=0 failed=0 skipped=0
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
step() {
	name=$1
	shift
	log=$logs/$name.log
	start=$(date +%s)
	"$@" >"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	# p f s: results; n: results seen; plan: the plan's count (-1: none).
	# "1..0 # SKIP why": the whole step skipped.
	# shellcheck disable=SC2046 # five numbers
	set -- $(awk '
		/^ok [0-9]+/ { n++; if ($0 ~ / # [Ss][Kk][Ii][Pp]/) s++; else p++ }
		/^not ok [0-9]+/ { n++; f++ }
		/^1\.\.[0-9]+/ { plan = substr($1, 4) + 0; have = 1
			if (plan == 0 && $0 ~ / # [Ss][Kk][Ii][Pp]/) s++ }
		END { print p + 0, f + 0, s + 0, n + 0, have ? plan : -1 }' "$log")
	p=$1 f=$2 s=$3 n=$4 plan=$5 why=
	if [ "$plan" -lt 0 ]; then
		why="no TAP plan: the step ended early"
	elif [ "$n" -ne "$plan" ]; then
		why="$n results, its plan says $plan"
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		why="exit $rc with no failed result"
	elif [ "$n" -eq 0 ] && [ "$s" -eq 0 ]; then
		# A step that checked nothing and skipped nothing is no pass.
		why="no result at all: the step checked nothing"
	fi
	[ -z "$why" ] || f=$((f + 1))
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	if [ "$f" -gt 0 ]; then
		tail -60 "$log"
		echo "== $name: FAILED ($p passed, $f failed, $s skipped, ${secs}s${why:+; $why}; log $log)"
		grep '^not ok [0-9]' "$log" | sed 's/^/   /'
		verdict=FAILED
	else
		grep -E '^\| ' "$log"	# a step's table (matrix)
		[ "$name" != bench ] || grep "$(printf '\t')" "$log"	# figures
		grep -E '^(kbuild|ok [0-9]|[a-z_-]+: )' "$log" | grep -v ' # SKIP' | tail -6
		echo "== $name: ok ($p passed, $s skipped, ${secs}s)"
		verdict=ok
	fi
	# Every skip, with its reason, also when the step passed.
	grep -E '^(ok [0-9]+ .*|1\.\.0) # [Ss][Kk][Ii][Pp]' "$log" | sed 's/^/   /'
	printf '%-13s %-6s %6s %6s %7s %6ss\n' "$name" "$verdict" "$p" "$f" "$s" \
		"$secs" >>"$summary"
}

# Prerequisites are not tests: if they cannot be installed, that is one
# failure and the steps that need them will fail too.
if ! tests/deps.sh; then
	echo "== deps: FAILED (tests/deps.sh)"
	failed=$((failed + 1))
fi
step unit make -C tests/unit run
step valgrind make -C tests/unit valgrind
step fuzz make -C tests/unit fuzz
step user tests/user/run.sh
step e2e tests/qemu/e2e.sh
step e2e-debug tests/qemu/e2e.sh --variant debug --leakcheck \
	roundtrip corrupt reload
step bench tests/bench/run.sh --quick
step kbuild-kho tests/kbuild.sh kho
step kbuild-stock tests/kbuild.sh stock
step matrix tests/matrix.sh
step pkg tests/pkg.sh
step lint tests/lint.sh

echo
printf '%-13s %-6s %6s %6s %7s %7s\n' step result passed failed skipped time
cat "$summary"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
