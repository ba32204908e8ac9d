#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# make check: every test step, then one line "N passed, N failed".
#   unit      userspace tests of src/ under ASan+UBSan (one count per test)
#   valgrind  the same tests unsanitized under valgrind memcheck
#   fuzz      libFuzzer on the restore paths, FUZZ_SECONDS each
#   user      khoserctl on fixture trees (tests/user/run.sh)
#   e2e       QEMU kexec scenarios with khoser_test (tests/qemu/e2e.sh)
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
# Step results are counted: a step's own "N passed, N failed" line when it
# prints one, else one pass or failure for the step.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit
export FUZZ_SECONDS="${FUZZ_SECONDS:-30}"

passed=0 failed=0
step() {
	name=$1
	shift
	log=$(mktemp)
	start=$(date +%s)
	"$@" >"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	line=$(grep -E '(^|: )[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
	if [ -n "$line" ]; then
		p=$(echo "$line" | sed 's/.*[^0-9]\([0-9][0-9]*\) passed.*/\1/;s/^\([0-9]*\) passed.*/\1/')
		f=$(echo "$line" | sed 's/.* passed, \([0-9]*\) failed.*/\1/')
		# A non-zero exit with nothing counted failed is still a failure.
		[ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=1
	elif [ "$rc" -eq 0 ]; then
		p=1 f=0
	else
		p=0 f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -gt 0 ]; then
		tail -60 "$log"
		echo "== $name: FAILED ($p passed, $f failed, ${secs}s)"
	else
		grep -E '^\| ' "$log"	# a step's table (matrix)
		[ "$name" != bench ] || grep "$(printf '\t')" "$log"	# figures
		grep -E '^(kbuild|ok|[a-z_]+: )' "$log" | tail -8
		echo "== $name: ok ($p passed, ${secs}s)"
	fi
	rm -f "$log"
}

# Prerequisites are not tests: if they cannot be installed, that is one
# failure and the steps that need them will fail too.
tests/deps.sh || failed=$((failed + 1))
step unit make -C tests/unit run
step valgrind make -C tests/unit valgrind
step fuzz make -C tests/unit fuzz
step user tests/user/run.sh
step e2e tests/qemu/e2e.sh
step bench tests/bench/run.sh --quick
step kbuild-kho tests/kbuild.sh kho
step kbuild-stock tests/kbuild.sh stock
step matrix tests/matrix.sh
step pkg tests/pkg.sh
step lint tests/lint.sh

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
