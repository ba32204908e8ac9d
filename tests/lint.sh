#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Style checks on src/ (kernel code and the khoserctl tool in src/user/),
# include/, the example consumer driver and the khoser_test companion, with
# the kernel's own tools from the Debian linux-source tree (fetched and
# cached by tests/qemu/kernel.sh); runs shellcheck on every shell script;
# checks that every file the Makefile, tests/check.sh and the documents
# (every tracked *.md, debian/README.Debian) name is tracked by git (an
# ignored file works here and is missing in a clone), and that every
# relative link of the documents resolves.
# One TAP result per check (tests/lib.sh), then "lint: N passed, N failed,
# N skipped".
# shellcheck disable=SC2086 # $files: a list of paths without blanks
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
tap_init lint

src=$(tests/qemu/kernel.sh --src-only | tail -1) || {
	tap_not_ok "fetch the kernel source for checkpatch (tests/qemu/kernel.sh --src-only)"
	tap_end
	exit 1
}
files=$(git ls-files 'src/*.c' 'src/*.h' 'include/*.h' 'tests/consumer/*.c' \
	'tests/module/*.[ch]' 'tests/qemu/upstream/*.[ch]' 2>/dev/null ||
	find src include tests/consumer tests/module tests/qemu/upstream \
		-name '*.[ch]')

result() { tap_result "$2" "$1"; }

# checkpatch --strict: every file must report 0/0/0. One exception: a static
# initializer names the variable it initializes for its self-referencing
# members (as the kernel's own __WAIT_QUEUE_HEAD_INITIALIZER does), so its
# '_name' argument is used twice and cannot have side effects.
out=$("$src/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
	-f $files 2>&1 | grep -v '^total: 0 errors, 0 warnings, 0 checks' |
	grep -v "MACRO_ARG_REUSE: Macro argument reuse '_name'" |
	grep -v '^total: 0 errors, 0 warnings, [0-9]* checks' || true)
[ -z "$out" ] || printf '%s\n' "$out"
result "checkpatch --strict" "$([ -z "$out" ] && echo 0 || echo 1)"

# kernel-doc: no warnings in any comment.
out=$("$src/scripts/kernel-doc" -none -Wall $files 2>&1)
[ -z "$out" ] || printf '%s\n' "$out"
result "kernel-doc -Wall" "$([ -z "$out" ] && echo 0 || echo 1)"

# Every exported function has kernel-doc with Context: (and Return: unless
# it returns void).
out=$(python3 tests/exports-doc.py $files)
[ -z "$out" ] || printf '%s\n' "$out"
result "exports documented (Context:, Return:)" "$([ -z "$out" ] && echo 0 || echo 1)"

# Kernel-version checks live in src/compat/ only.
out=$(grep -rn 'LINUX_VERSION_CODE\|KERNEL_VERSION(' src include |
	grep -v '^src/compat/')
[ -z "$out" ] || printf '%s\n' "$out"
result "no version checks outside src/compat/" "$([ -z "$out" ] && echo 0 || echo 1)"

# SPDX identifier on the first line (second for scripts with a shebang),
# pr_fmt in every .c.
bad=
for f in $files $(git ls-files 'tests/*.c' 'tests/*.h' 2>/dev/null); do
	head -1 "$f" | grep -q 'SPDX-License-Identifier' || bad="$bad $f"
done
# (src/user/ is userspace: no pr_fmt.)
for f in $(printf '%s\n' $files | grep '\.c$' | grep -v '^src/user/'); do
	grep -q '^#define pr_fmt' "$f" || bad="$bad $f(pr_fmt)"
done
[ -z "$bad" ] || echo "missing SPDX line or pr_fmt:$bad"
result "SPDX first line, pr_fmt set" "$([ -z "$bad" ] && echo 0 || echo 1)"

# The documents: every tracked Markdown file, and the Debian README.
docs=$(git ls-files '*.md' debian/README.Debian 2>/dev/null) ||
	docs=$(find . -name '*.md' -o -path ./debian/README.Debian)

# Files named by the Makefile, tests/check.sh and the documents are tracked:
# .gitignore once hid tests/bench/run.sh, which `make bench` calls, and it
# was never committed. Build products the Makefile or a document name are
# listed here; any other named path must be in git.
# (include/generated/utsrelease.h is a kernel build tree's file.)
built='src/compat/generated src/user/khoserctl tests/module/khoser_test.ko'
built="$built include/generated/utsrelease.h"
bad=
named=$(grep -hoE '(^|[^A-Za-z0-9_./~-]|\)/)(tests|src|include|debian)/[A-Za-z0-9_.^/-]*' \
	Makefile tests/check.sh $docs |
	sed -E 's/^.*((tests|src|include|debian)\/)/\1/; s/[.,:]+$//' | sort -u)
for f in $named; do
	case " $built " in *" ${f%/} "*) continue ;; esac
	git ls-files --error-unmatch "$f" >/dev/null 2>&1 || bad="$bad $f"
done
[ -z "$bad" ] || echo "named but not tracked by git:$bad"
result "named files tracked ($(echo $named | wc -w) paths)" "$([ -z "$bad" ] && echo 0 || echo 1)"

# Every relative link of the documents resolves: to a tracked file, and
# an #anchor to a heading of that file, named as GitHub names it (lower
# case, punctuation dropped, blanks as dashes, -1, -2, ... on repeats).
# Fenced code blocks hold neither links nor headings.
out=$(printf '%s\n' $docs | python3 -c '
import os, re, subprocess, sys
tracked = set(subprocess.run(["git", "ls-files"], capture_output=True,
                             text=True).stdout.split())
def prose(path):
    fence = None
    for line in open(path, encoding="utf-8"):
        m = re.match(r" {0,3}(```|~~~)", line)
        if m and fence is None:
            fence = m.group(1)
        elif m and m.group(1) == fence:
            fence = None
        elif fence is None:
            yield line
def anchors(path):
    out, seen = set(), {}
    for line in prose(path):
        m = re.match(r"#+ (.*)", line)
        if m:
            a = re.sub(r"[^\w\- ]", "", m.group(1).strip().lower())
            a = a.replace(" ", "-")
            n = seen.get(a, 0)
            seen[a] = n + 1
            out.add(a if n == 0 else f"{a}-{n}")
    return out
bad = 0
for doc in sys.stdin.read().split():
    text = "".join(prose(doc))
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, frag = target.partition("#")
        dest = os.path.normpath(os.path.join(os.path.dirname(doc), path)) if path else doc
        if dest not in tracked:
            print(f"{doc}: link to {target}: no such tracked file")
            bad = 1
        elif frag and frag not in anchors(dest):
            print(f"{doc}: link to {target}: no such heading")
            bad = 1
sys.exit(bad)
' 2>&1)
rc=$?
[ -z "$out" ] || printf '%s\n' "$out"
result "document links resolve ($(echo $docs | wc -w) documents)" "$rc"

# Debian packages come from the archive the machine's apt uses
# (tests/mirror.sh): no package mirror's host is named anywhere.
out=$(git grep -nIiE '(deb|ftp[0-9]*(\.[a-z]{2})?|security|snapshot|archive|httpredir)\.(debian\.org|ubuntu\.com)' \
	2>/dev/null)
[ -z "$out" ] || printf '%s\n' "$out"
result "no package mirror host named" "$([ -z "$out" ] && echo 0 || echo 1)"

# Every shell script through shellcheck, all severities.
scripts=$(git ls-files '*.sh' .ci/run '*debian/*.postinst' '*debian/*.postrm' \
	2>/dev/null || find . -name '*.sh' -o -path '*debian/*.post*')
# -x: follow tests/lib.sh where a script sources it (source= directives
# are relative to the top).
out=$(shellcheck -x $scripts 2>&1)
[ -z "$out" ] || printf '%s\n' "$out"
result "shellcheck ($(echo $scripts | wc -w) scripts)" "$([ -z "$out" ] && echo 0 || echo 1)"

tap_end
