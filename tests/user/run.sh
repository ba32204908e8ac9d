#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# khoserctl on fixture trees: a fake root (proc/, sys/, sys/kernel/debug/,
# boot/, lib/modules/ with fake modules indexed by depmod, var/lib/dkms/)
# per case, khoserctl run with --root, its output and exit status checked.
# Prints one line per case and "user: N passed, N failed".
#
# usage: tests/user/run.sh [KHOSERCTL]   (default: build src/user into
#                                         tests/user/build/)
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$here/build
if [ $# -ge 1 ]; then
	ctl=$(realpath "$1")
else
	make -s -C "$top/src/user" B="$build" >/dev/null || {
		echo "user: cannot build khoserctl"
		echo "user: 0 passed, 1 failed"
		exit 1
	}
	ctl=$build/khoserctl
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
KREL=7.2.13

# --- fixtures ---------------------------------------------------------------

# fake_ko OUT MODINFO [EXPORTS] [USES]: a .ko that depmod and libkmod read.
fake_ko() {
	local out=$1 info=$2 exports=${3:-} uses=${4:-} defs=()
	defs=(-DMODINFO="\"$info\"")
	[ -z "$exports" ] || defs+=(-DEXPORTS="\"$exports\"")
	[ -z "$uses" ] || defs+=(-DUSES="$uses")
	mkdir -p "$(dirname "$out")"
	gcc -c -o "$out" "${defs[@]}" "$here/fake_ko.c"
}

# sign_ko KO SIGNER: append a module signature (the non-PKCS#7 layout
# libkmod reads: signer, key id, signature, struct module_signature, magic).
sign_ko() {
	python3 - "$1" "$2" <<'PY'
import struct, sys
path, signer = sys.argv[1], sys.argv[2].encode()
key, sig = bytes.fromhex("0123456789abcdef"), b"\x5a" * 64
tail = struct.pack("BBBBB3x", 1, 4, 1, len(signer), len(key))
tail += struct.pack(">I", len(sig)) + b"~Module signature appended~\n"
with open(path, "ab") as f:
    f.write(signer + key + sig + tail)
PY
}

# khoser.ko (KHO API yes|no) and a consumer for kernel KREL under root R.
modules() {
	local r=$1 krel=$2 api=${3:-yes} d=$1/lib/modules/$2/updates/dkms
	fake_ko "$d/khoser.ko" \
		"version=0.1.0\\0license=GPL\\0kho_api=$api\\0name=khoser\\0vermagic=$krel SMP mod_unload \\0" \
		'khoser_is_enabled\0khoser_publish\0khoser_lookup'
	fake_ko "$d/khoser_test.ko" \
		"license=GPL\\0depends=khoser\\0name=khoser_test\\0vermagic=$krel SMP \\0" \
		'' khoser_is_enabled
	fake_ko "$d/mydrv.ko" \
		"license=GPL\\0depends=khoser\\0name=mydrv\\0vermagic=$krel SMP \\0" \
		'' khoser_publish
}

depmod_all() {
	local k
	for k in "$1"/lib/modules/*; do
		depmod -b "$1" "$(basename "$k")" 2>/dev/null
	done
}

# A healthy KHO machine in its first boot, khoser and two users loaded.
healthy() {
	local r=$1 m=$1/sys/module/khoser d=$1/sys/kernel/debug
	mkdir -p "$r/proc/sys/kernel" "$r/boot" "$m/parameters" \
		"$m/holders/khoser_test" "$m/holders/mydrv" "$d/kho/out" \
		"$d/khoser" "$r/sys/kernel/security" "$r/sys/firmware/efi/efivars"
	echo "$KREL" >"$r/proc/sys/kernel/osrelease"
	echo "BOOT_IMAGE=/vmlinuz root=/dev/vda ro kho=on kho_scratch=64M,512M,64M" \
		>"$r/proc/cmdline"
	echo 0 >"$r/proc/sys/kernel/kexec_load_disabled"
	printf 'CONFIG_KEXEC_FILE=y\nCONFIG_KEXEC_HANDOVER=y\n# CONFIG_KEXEC_HANDOVER_ENABLE_DEFAULT is not set\n' \
		>"$r/boot/config-$KREL"
	echo live >"$m/initstate"
	echo 0.1.0 >"$m/version"
	echo 2 >"$m/refcnt"
	echo Y >"$m/parameters/kho_enabled"
	echo N >"$m/parameters/kho_boot"
	printf '0x4000000\n0x20000000\n0x4000000\n' >"$d/kho/out/scratch_len"
	printf '0x1000000\n0x40000000\n0x8000000\n' >"$d/kho/out/scratch_phys"
	printf 'kho_api\t1\nkho_enabled\t1\nkho_boot\t0\n' >"$d/khoser/status"
	{
		printf 'dir\tname\tkind\tcompat\tsize\tblocks\tentries\tstate\n'
		printf 'out\tmydrv-recs\tblock\tmydrv-v1;khoser-block-v1\t24\t3\t300\tpublished\n'
		printf 'out\tmydrv-hdr\tblock\tmydrv-v1;khoser-block-v1\t40\t1\t1\tpublished\n'
	} >"$d/khoser/objects"
	echo '[none] integrity confidentiality' >"$r/sys/kernel/security/lockdown"
	printf '\x06\x00\x00\x00\x00' \
		>"$r/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"
	modules "$r" "$KREL"
	mkdir -p "$r/lib/modules/$KREL/build"
	depmod_all "$r"
}

# The next boot: came through a KHO kexec, objects found and restored.
kho_boot() {
	local r=$1 d=$1/sys/kernel/debug
	mkdir -p "$d/kho/in/sub_fdts"
	echo Y >"$r/sys/module/khoser/parameters/kho_boot"
	printf 'in\tmydrv-recs\tblock\tmydrv-v1;khoser-block-v1\t24\t3\t300\trestored\n' \
		>>"$d/khoser/objects"
	printf 'in\tbad\\name\t-\t-\t0\t0\t0\terror -22\n' >>"$d/khoser/objects"
}

# --- the cases --------------------------------------------------------------

out="" rc=""
# run ROOT ARGS...: khoserctl --root ROOT ARGS..., sets $out and $rc.
run() {
	local r=$1
	shift
	out=$("$ctl" --root "$r" "$@" 2>&1)
	rc=$?
}

# check NAME COND...: one case; COND is a list of tests, all must hold.
ok() {
	echo "ok   $1"
	passed=$((passed + 1))
}
bad() {
	echo "FAIL $1: $2"
	printf '%s\n' "$out" | sed 's/^/     | /' | head -40
	failed=$((failed + 1))
}
# expect NAME RC PATTERN...: exit status RC and every grep -E PATTERN in $out.
expect() {
	local name=$1 want=$2 p
	shift 2
	[ "$rc" = "$want" ] || { bad "$name" "exit $rc, expected $want"; return; }
	for p in "$@"; do
		printf '%s\n' "$out" | grep -Eq -- "$p" ||
			{ bad "$name" "no match for /$p/"; return; }
	done
	ok "$name"
}
# refute NAME PATTERN: PATTERN must not be in $out (one more check of a case).
refute() {
	if printf '%s\n' "$out" | grep -Eq -- "$2"; then
		bad "$1" "unexpected /$2/"
	else
		ok "$1"
	fi
}
# json NAME PYEXPR...: $out is JSON and every Python expression on it holds.
json() {
	local name=$1 err
	shift
	if err=$(printf '%s' "$out" | python3 -c '
import json, sys
st = json.load(sys.stdin)
for e in sys.argv[1:]:
    if not eval(e, {"st": st}):
        sys.exit("false: " + e)
' "$@" 2>&1); then
		ok "$name"
	else
		bad "$name" "$err"
	fi
}

fresh() {
	R=$work/$1
	healthy "$R"
}

# 1. A healthy first boot.
fresh healthy
run "$R" status
expect "status: healthy first boot" 0 \
	'^KHO enabled +yes \(khoser\), kho=on' '^KHO boot +no' \
	'^scratch +3 areas, 640 MiB' \
	'^khoser +loaded \(live\), version 0\.1\.0, KHO API yes, used by (khoser_test mydrv|mydrv khoser_test)' \
	'module file +.*/updates/dkms/khoser\.ko \(version 0\.1\.0, KHO API yes, unsigned\)' \
	'^objects +2 outgoing, 0 incoming' 'out +mydrv-recs +block +mydrv-v1;khoser-block-v1 +24 +3 +300 published'
run "$R" status --json
json "status --json: healthy first boot" \
	'st["kernel"] == "7.2.13"' 'st["kho"]["enabled"] is True' \
	'st["kho"]["boot"] is False' 'st["kho"]["scratch"] == {"areas": 3, "bytes": 671088640}' \
	'st["khoser"]["loaded"] and st["khoser"]["version"] == "0.1.0"' \
	'sorted(st["khoser"]["holders"]) == ["khoser_test", "mydrv"]' \
	'st["khoser"]["module"]["kho_api"] == "yes"' \
	'st["outgoing"] == 2 and st["incoming"] == 0' \
	'st["objects"][1]["name"] == "mydrv-hdr" and st["objects"][1]["entries"] == 1'
run "$R" doctor
expect "doctor: healthy system exits 0" 0 \
	'^ok +kernel config +CONFIG_KEXEC_HANDOVER=y' '^ok +kho=on' '^ok +KHO active +yes' \
	'^ok +scratch +3 areas' '^ok +kexec_file_load +configured' '^ok +Secure Boot +off' \
	'^ok +lockdown +none' '^ok +khoser module .*version 0\.1\.0' '^ok +consumer +mydrv built for 7\.2\.13' \
	'^doctor: no problems'
refute "doctor: khoser_test is not counted as a consumer" 'consumer +khoser_test'

# 2. The boot after a KHO kexec.
fresh kho-boot
kho_boot "$R"
run "$R" status --json
json "status --json: KHO boot, incoming objects, escaping" \
	'st["kho"]["boot"] is True' 'st["incoming"] == 2 and st["outgoing"] == 2' \
	'st["objects"][3]["name"] == "bad\\name" and st["objects"][3]["state"] == "error -22"'
run "$R" status
expect "status: KHO boot" 0 '^KHO boot +yes' '^objects +2 outgoing, 2 incoming' \
	'^in +mydrv-recs .* restored$'

# 3. Booted without kho=on.
fresh no-kho
sed -i 's/ kho=on//' "$R/proc/cmdline"
echo N >"$R/sys/module/khoser/parameters/kho_enabled"
rm -rf "$R/sys/kernel/debug/kho"
run "$R" status --json
json "status --json: no kho=on" 'st["kho"]["enabled"] is False' 'st["kho"]["cmdline"] is False' \
	'st["kho"]["scratch"] is None'
run "$R" doctor
expect "doctor: missing kho=on is a problem with a remedy" 1 \
	'^PROBLEM +kho=on +KHO is not enabled' 'remedy: add kho=on to GRUB_CMDLINE_LINUX' \
	'^doctor: 1 problem: a live update with khoser would fail'

# 4. kho=1 and KHO enabled by default count as on.
fresh kho-1
sed -i 's/kho=on/kho=1/' "$R/proc/cmdline"
run "$R" doctor
expect "doctor: kho=1 is on" 0 '^ok +kho=on +on the kernel command line'
fresh kho-default
sed -i 's/ kho=on//' "$R/proc/cmdline"
echo 'CONFIG_KEXEC_HANDOVER_ENABLE_DEFAULT=y' >>"$R/boot/config-$KREL"
run "$R" doctor
expect "doctor: KHO on by default needs no kho=on" 0 '^ok +kho=on +not given, KHO is on by default'

# 5. A stock kernel: KHO compiled out, khoser built in unavailable mode.
R=$work/stock
healthy "$R"
sed -i 's/^CONFIG_KEXEC_HANDOVER=y/# CONFIG_KEXEC_HANDOVER is not set/' "$R/boot/config-$KREL"
rm -rf "$R/sys/kernel/debug/kho" "$R/lib/modules/$KREL/updates"
modules "$R" "$KREL" no
depmod_all "$R"
echo N >"$R/sys/module/khoser/parameters/kho_enabled"
printf 'kho_api\t0\nkho_enabled\t0\nkho_boot\t0\n' >"$R/sys/kernel/debug/khoser/status"
run "$R" doctor
expect "doctor: stock kernel without KHO" 1 \
	'^PROBLEM +kernel config +CONFIG_KEXEC_HANDOVER is not set' \
	'^PROBLEM +khoser build +the loaded khoser was built without a usable KHO API' \
	'^PROBLEM +khoser module +.* was built without a usable KHO API'
run "$R" status --json
json "status --json: unavailable mode" 'st["khoser"]["kho_api"] is False' \
	'st["khoser"]["module"]["kho_api"] == "no"' 'st["kho"]["enabled"] is False'

# 6. Secure Boot on: an unsigned khoser is a problem, a signed one is not.
fresh secureboot
printf '\x06\x00\x00\x00\x01' \
	>"$R/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"
echo 'none [integrity] confidentiality' >"$R/sys/kernel/security/lockdown"
run "$R" doctor
expect "doctor: Secure Boot + unsigned khoser" 1 \
	'^note +Secure Boot +on' '^note +lockdown +integrity' \
	'^PROBLEM +module signing +.*khoser\.ko is unsigned' 'remedy: .*mokutil --import /var/lib/dkms/mok\.pub'
sign_ko "$R/lib/modules/$KREL/updates/dkms/khoser.ko" "DKMS module signing key"
run "$R" doctor
expect "doctor: Secure Boot + signed khoser" 0 \
	'^ok +module signing +signed by "DKMS module signing key"'
run "$R" status
expect "status: signed module" 0 'KHO API yes, signed\)'

# 7. kexec disabled by sysctl.
fresh kexec-off
echo 1 >"$R/proc/sys/kernel/kexec_load_disabled"
run "$R" doctor
expect "doctor: kexec_load_disabled=1" 1 '^PROBLEM +kexec_file_load +disabled by kernel.kexec_load_disabled=1'
fresh kexec-file-off
sed -i 's/^CONFIG_KEXEC_FILE=y/# CONFIG_KEXEC_FILE is not set/' "$R/boot/config-$KREL"
run "$R" doctor
expect "doctor: CONFIG_KEXEC_FILE off" 1 '^PROBLEM +kexec_file_load +CONFIG_KEXEC_FILE is not set'

# 8. khoser not built for this kernel.
fresh missing
rm -rf "$R/lib/modules/$KREL/updates" "$R/sys/module/khoser"
depmod_all "$R"
mkdir -p "$R/var/lib/dkms/khoser/0.1.0/source"
run "$R" doctor
expect "doctor: khoser not built, dkms present" 1 \
	'^PROBLEM +khoser module +not built for 7\.2\.13' 'remedy: dkms autoinstall -k 7\.2\.13' \
	'^note +khoser loaded +not loaded'
rm -rf "$R/lib/modules/$KREL/build"
run "$R" doctor
expect "doctor: khoser not built, no headers" 1 'remedy: apt install linux-headers-7\.2\.13'
run "$R" load --dry-run
expect "load: no module for this kernel" 1 \
	'khoser: no module for kernel 7\.2\.13' 'dkms autoinstall -k 7\.2\.13'
run "$R" status
expect "status: not loaded, no module" 0 '^khoser +not loaded' '^module file +none for 7\.2\.13' \
	'^objects +khoser not loaded'

# 9. load through libkmod (dry run: fixtures cannot be inserted).
fresh load
rm -rf "$R/sys/module/khoser"
run "$R" load --test --dry-run
expect "load --test --dry-run: resolves both modules" 0 \
	'^khoser: would load .*/lib/modules/7\.2\.13/updates/dkms/khoser\.ko' \
	'^khoser_test: would load .*/updates/dkms/khoser_test\.ko'
fresh loaded
run "$R" load
expect "load: already loaded" 0 '^khoser: already loaded \(live\)'

# 10. Consumers: stale for this kernel (other kernel's modules.dep, dkms).
fresh consumers
modules "$R" 7.1.0
fake_ko "$R/lib/modules/7.1.0/extra/olddrv.ko" \
	'license=GPL\0name=olddrv\0vermagic=7.1.0 SMP \0' '' khoser_lookup
depmod_all "$R"
mkdir -p "$R/var/lib/dkms/netdrv/2.0/source" "$R/var/lib/dkms/netdrv/2.0/7.1.0"
printf 'PACKAGE_NAME="netdrv"\nBUILD_DEPENDS[0]="khoser"\n' \
	>"$R/var/lib/dkms/netdrv/2.0/source/dkms.conf"
run "$R" doctor
expect "doctor: consumers not built for the running kernel" 1 \
	'^PROBLEM +consumer +olddrv is built for 7\.1\.0 but not for 7\.2\.13' \
	'^PROBLEM +consumer +netdrv 2\.0 \(dkms\) is not built for 7\.2\.13' \
	'remedy: dkms install netdrv/2\.0 -k 7\.2\.13' '^ok +consumer +mydrv built for 7\.2\.13'
refute "doctor: a consumer built here is not stale" 'mydrv is built for 7\.1\.0'
mkdir -p "$R/var/lib/dkms/netdrv/2.0/$KREL"
fake_ko "$R/lib/modules/$KREL/extra/olddrv.ko" \
	'license=GPL\0name=olddrv\0vermagic=7.2.13 SMP \0' '' khoser_lookup
depmod_all "$R"
run "$R" doctor
expect "doctor: consumers rebuilt" 0 '^ok +consumer +netdrv 2\.0 \(dkms\) built for 7\.2\.13' \
	'^ok +consumer +olddrv built for 7\.2\.13'

# Modules at the top of lib/modules/RELEASE (as in the QEMU guest).
fresh flat
mv "$R/lib/modules/$KREL/updates/dkms/"*.ko "$R/lib/modules/$KREL/"
rm -rf "$R/lib/modules/$KREL/updates"
depmod_all "$R"
run "$R" doctor
expect "doctor: consumer found with modules at the top of the tree" 0 \
	'^ok +consumer +mydrv built for 7\.2\.13' '^ok +khoser module +.*/7\.2\.13/khoser\.ko,'

# 11. --target: the kernel a live update would boot.
fresh target
run "$R" doctor --target 7.3.4
expect "doctor --target: khoser missing for the next kernel" 1 \
	'^target kernel 7\.3\.4:' '^PROBLEM +khoser module +not built for 7\.3\.4'
modules "$R" 7.3.4
mkdir -p "$R/lib/modules/7.3.4/build"
depmod_all "$R"
run "$R" doctor --target 7.3.4
expect "doctor --target: khoser built for the next kernel" 0 '^target kernel 7\.3\.4:'

# 12. Config from /proc/config.gz; no config at all.
fresh configgz
gzip -c "$R/boot/config-$KREL" >"$R/proc/config.gz"
rm "$R/boot/config-$KREL"
run "$R" doctor
expect "doctor: config from /proc/config.gz" 0 'CONFIG_KEXEC_HANDOVER=y \(.*/proc/config\.gz\)'
rm "$R/proc/config.gz"
run "$R" doctor
expect "doctor: no config is a note, not a failure" 0 '^note +kernel config +not found'

# 13. debugfs not mounted: objects unreadable, KHO state from khoser.
fresh nodebugfs
rm -rf "$R/sys/kernel/debug"
run "$R" status
expect "status: debugfs not mounted" 0 '^objects +unreadable' '^scratch +unknown' \
	'^KHO enabled +yes \(khoser\)'

# 14. Usage errors.
fresh usage
run "$R" frobnicate
expect "usage: unknown command exits 2" 2 "unknown command 'frobnicate'"
run "$R" status --bogus
expect "usage: unknown status argument exits 2" 2 "unknown argument '--bogus'"
run "$R" --version
expect "usage: --version" 0 '^khoserctl 0\.1\.0$'

echo "user: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
