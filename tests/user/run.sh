#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# khoserctl on fixture trees: a fake root (proc/, sys/, sys/kernel/debug/,
# boot/, lib/modules/ with fake modules indexed by depmod, var/lib/dkms/)
# per case, khoserctl run with --root, its output and exit status checked.
# Reports one TAP result per case (tests/lib.sh), a failed one with
# khoserctl's output, and "user: N passed, N failed, N skipped".
#
# usage: tests/user/run.sh [KHOSERCTL]   (default: build src/user into
#                                         tests/user/build/)
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
tap_init user
build=$here/build
if [ $# -ge 1 ]; then
	ctl=$(realpath "$1")
else
	make -s -C "$top/src/user" B="$build" >/dev/null || {
		tap_not_ok "build khoserctl (make -C src/user)"
		tap_end
		exit 1
	}
	ctl=$build/khoserctl
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
KREL=7.2.13
SHIM=605dab50-e046-4300-abb6-3dd810dd8b23

# --- fixtures ---------------------------------------------------------------

# efivar ROOT NAME CERT...: an efivarfs file (4 bytes of attributes, then
# one EFI_SIGNATURE_LIST of X.509 entries per CERT), e.g. shim's MokListRT.
efivar() {
	python3 - "$@" <<'PY'
import struct, sys, os, uuid
root, name, certs = sys.argv[1], sys.argv[2], sys.argv[3:]
x509 = uuid.UUID("a5c059a1-94e4-4aa7-87b5-ab155c2bf072").bytes_le
owner = uuid.UUID("605dab50-e046-4300-abb6-3dd810dd8b23").bytes_le
data = struct.pack("<I", 7)
for c in certs:
    der = open(c, "rb").read()
    size = 16 + len(der)
    data += x509 + struct.pack("<III", 28 + size, 0, size) + owner + der
d = os.path.join(root, "sys/firmware/efi/efivars")
os.makedirs(d, exist_ok=True)
open(os.path.join(d, name), "wb").write(data)
PY
}

# fake_ko OUT MODINFO [EXPORTS] [USES] [NAME=VALUE...]: a .ko that depmod
# and libkmod read; NAME=VALUE are more fake_ko.c defines (CRCs).
fake_ko() {
	local out=$1 info=$2 exports=${3:-} uses=${4:-} defs=() d
	shift $(($# < 4 ? $# : 4))
	defs=(-DMODINFO="\"$info\"")
	[ -z "$exports" ] || defs+=(-DEXPORTS="\"$exports\"")
	[ -z "$uses" ] || defs+=(-DUSES="$uses")
	for d in "$@"; do defs+=(-D"$d"); done
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

# khoser.ko (KHO API yes|no) and a consumer for kernel KREL under root R;
# with CRCs (CONFIG_MODVERSIONS): khoser's of khoser_publish, and mydrv's.
modules() {
	local r=$1 krel=$2 api=${3:-yes} crc=${4:-} mycrc=${5:-} d=$1/lib/modules/$2/updates/dkms
	local kc=() mc=()
	[ -z "$crc" ] || kc=(CRC_SYM=khoser_publish CRC_VAL="$crc")
	[ -z "$mycrc" ] || mc=(USES_CRC="$mycrc")
	fake_ko "$d/khoser.ko" \
		"version=0.1.0\\0license=GPL\\0kho_api=$api\\0name=khoser\\0vermagic=$krel SMP mod_unload \\0" \
		'khoser_is_enabled\0khoser_publish\0khoser_lookup' '' "${kc[@]}"
	fake_ko "$d/khoser_test.ko" \
		"license=GPL\\0depends=khoser\\0name=khoser_test\\0vermagic=$krel SMP \\0" \
		'' khoser_is_enabled
	fake_ko "$d/mydrv.ko" \
		"license=GPL\\0depends=khoser\\0name=mydrv\\0vermagic=$krel SMP \\0" \
		'' khoser_publish "${mc[@]}"
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
	printf 'CONFIG_MODULES=y\nCONFIG_KEXEC_FILE=y\nCONFIG_KEXEC_HANDOVER=y\nCONFIG_KEXEC_HANDOVER_DEBUGFS=y\n# CONFIG_KEXEC_HANDOVER_ENABLE_DEFAULT is not set\nCONFIG_SECURITY_LOCKDOWN_LSM=y\n' \
		>"$r/boot/config-$KREL"
	printf 'khoser 98304 2 khoser_test,mydrv, Live 0x0000000000000000\n' >"$r/proc/modules"
	printf '%s\n' 'sysfs /sys sysfs rw 0 0' 'proc /proc proc rw 0 0' \
		'securityfs /sys/kernel/security securityfs rw 0 0' \
		'debugfs /sys/kernel/debug debugfs rw 0 0' >"$r/proc/mounts"
	mkdir -p "$r/dev"
	printf '%s\n' '6,1,0,-;Linux version 7.2.13' \
		'5,40,1000,-;KHO: scratch areas: lowmem: 64MiB global: 512MiB pernode: 64MiB' \
		>"$r/dev/kmsg"
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
	tap_ok "$1"
}
bad() {
	tap_not_ok "$1: $2"
	printf '%s\n' "$out" | sed 's/^/     | /' | head -40
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
	'st["schema"] == 1' 'st["kernel"] == "7.2.13"' 'st["kho"]["enabled"] is True' \
	'st["kho"]["compiled"] is True and st["kho"]["cmdline"] is True' \
	'st["khoser"]["kho_api"] is True and st["objects_readable"] is True' \
	'st["kho"]["boot"] is False' 'st["kho"]["scratch"] == {"areas": 3, "bytes": 671088640}' \
	'st["khoser"]["loaded"] and st["khoser"]["version"] == "0.1.0"' \
	'sorted(st["khoser"]["holders"]) == ["khoser_test", "mydrv"]' \
	'st["khoser"]["module"]["kho_api"] is True' \
	'st["outgoing"] == 2 and st["incoming"] == 0' \
	'st["objects"][1]["name"] == "mydrv-hdr" and st["objects"][1]["entries"] == 1'
run "$R" doctor
expect "doctor: healthy system exits 0" 0 \
	'^ok +kernel config +CONFIG_KEXEC_HANDOVER=y' '^ok +modules' '^ok +kho=on' '^ok +KHO active +yes' \
	'^ok +scratch +3 areas' '^ok +kexec_file_load +configured' '^ok +Secure Boot +off' \
	'^ok +lockdown +none' '^ok +khoser module .*version 0\.1\.0' '^ok +consumer +mydrv built for 7\.2\.13' \
	'^doctor: no problems'
refute "doctor: khoser_test is not counted as a consumer" 'consumer +khoser_test'
# Findings in the order of cause: config, command line, KHO, kexec,
# module, signing, consumers.
order=$(printf '%s\n' "$out" | awk '$1 ~ /^(ok|note|PROBLEM|skipped)$/ { print $2 }' |
	uniq | tr '\n' ' ')
if [ "$order" = "kernel modules kho=on KHO scratch kexec_file_load khoser Secure lockdown module consumer " ]; then
	ok "doctor: findings ordered by cause"
else
	bad "doctor: findings ordered by cause" "order: $order"
fi
run "$R" doctor --json
json "doctor --json: healthy, schema, findings in order" \
	'st["schema"] == 1 and st["ready"] is True and st["problems"] == 0' \
	'st["kernel"] == "7.2.13" and st["target"] is None' \
	'[f["stage"] for f in st["findings"]][:3] == ["config", "config", "cmdline"]' \
	'all(f["status"] in ("ok", "note", "problem", "skipped") for f in st["findings"])' \
	'any(f["check"] == "consumer" and "mydrv" in f["text"] for f in st["findings"])'

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
sed -i 's/ kho=on//' "$R/proc/cmdline"
run "$R" doctor
expect "doctor: stock kernel without KHO: the config is the cause" 1 \
	'^PROBLEM +kernel config +CONFIG_KEXEC_HANDOVER is not set' \
	'^skipped +kho=on +KHO is not compiled' '^skipped +KHO active' \
	'^ok +khoser module +.*built without the KHO API \(this kernel has none\)' \
	'^doctor: 1 problem:'
refute "doctor: no kho=on GRUB fix when KHO is not compiled in" 'GRUB_CMDLINE_LINUX'
refute "doctor: no second problem for khoser's unavailable mode" 'PROBLEM +khoser'
run "$R" status --json
json "status --json: unavailable mode" 'st["khoser"]["kho_api"] is False' \
	'st["khoser"]["module"]["kho_api"] is False' 'st["kho"]["enabled"] is False' \
	'st["kho"]["compiled"] is False' 'st["kho"]["disabled_reason"].startswith("not compiled in")'

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
run "$R" status
expect "status: signed module" 0 'KHO API yes, signed\)'
run "$R" doctor
expect "doctor: Secure Boot + signed, no DKMS certificate to check" 0 \
	'^note +module signing +signed by "DKMS module signing key"; cannot check .*no DKMS certificate /var/lib/dkms/mok\.pub'
# The key that signed it: enrolled, not enrolled, pending (DKMS's
# certificate against shim's and the firmware's lists in efivarfs).
mkdir -p "$R/var/lib/dkms"
head -c 700 /dev/urandom >"$R/var/lib/dkms/mok.pub"
head -c 650 /dev/urandom >"$work/other.der"
efivar "$R" "MokListRT-$SHIM" "$work/other.der"
run "$R" doctor
expect "doctor: Secure Boot + signed by a key that is not enrolled" 1 \
	'^PROBLEM +module signing +signed by "DKMS module signing key", but DKMS.s certificate /var/lib/dkms/mok\.pub is not enrolled' \
	'remedy: mokutil --import /var/lib/dkms/mok\.pub'
efivar "$R" "MokNew-$SHIM" "$R/var/lib/dkms/mok.pub"
run "$R" doctor
expect "doctor: enrollment pending" 1 \
	'^PROBLEM +module signing +.*waiting to be enrolled' 'remedy: reboot and confirm the key in MokManager'
rm "$R/sys/firmware/efi/efivars/MokNew-$SHIM"
efivar "$R" "MokListRT-$SHIM" "$work/other.der" "$R/var/lib/dkms/mok.pub"
run "$R" doctor
expect "doctor: Secure Boot + signed by an enrolled key" 0 \
	'^ok +module signing +signed by "DKMS module signing key"; DKMS.s certificate /var/lib/dkms/mok\.pub is enrolled \(MokListRT\)'
# DKMS's key path comes from its framework.conf.
mkdir -p "$R/etc/dkms/framework.conf.d" "$R/etc/keys"
echo '# mok_certificate=/nowhere' >"$R/etc/dkms/framework.conf"
echo 'mok_certificate="/etc/keys/dkms.der"' >"$R/etc/dkms/framework.conf.d/keys.conf"
cp "$R/var/lib/dkms/mok.pub" "$R/etc/keys/dkms.der"
efivar "$R" "MokListRT-$SHIM" "$work/other.der"
run "$R" doctor
expect "doctor: key path from DKMS's framework.conf" 1 \
	'certificate /etc/keys/dkms\.der is not enrolled' 'remedy: mokutil --import /etc/keys/dkms\.der'

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
	'^PROBLEM +khoser module +not built for 7\.2\.13' 'remedy: dkms install khoser/0\.1\.0 -k 7\.2\.13' \
	'^note +khoser loaded +not loaded'
rm -rf "$R/lib/modules/$KREL/build"
run "$R" doctor
expect "doctor: khoser not built, no headers, self-built kernel" 1 \
	'remedy: give DKMS this kernel.s build tree at /lib/modules/7\.2\.13/build'
refute "doctor: no headers package suggested for a self-built kernel" 'apt install linux-headers'
mkdir -p "$R/usr/share/doc/linux-image-7.2.13"
run "$R" doctor
expect "doctor: khoser not built, no headers, Debian kernel" 1 'remedy: apt install linux-headers-7\.2\.13 \('
rm -rf "$R/var/lib/dkms/khoser"
run "$R" doctor
expect "doctor: no khoser-dkms, no headers: install both" 1 \
	'remedy: apt install linux-headers-7\.2\.13 khoser-dkms'
mkdir -p "$R/var/lib/dkms/khoser/0.1.0/source"
run "$R" load --dry-run
expect "load: no module for this kernel" 1 \
	'khoser: no module for kernel 7\.2\.13' 'dkms install khoser/0\.1\.0 -k 7\.2\.13'
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

# 15. A kernel without loadable modules: no headers package to suggest.
fresh nomodules
sed -i 's/^CONFIG_MODULES=y/# CONFIG_MODULES is not set/' "$R/boot/config-$KREL"
rm -rf "$R/proc/modules" "$R/sys/module/khoser" "$R/lib/modules" "$R/sys/kernel/debug/khoser"
run "$R" doctor
expect "doctor: kernel without modules" 1 \
	'^PROBLEM +modules +CONFIG_MODULES is not set: this kernel cannot load khoser' \
	'^skipped +khoser module +this kernel cannot load modules'
refute "doctor: kernel without modules: no headers to install" 'linux-headers|dkms install'

# 16. securityfs not mounted: lockdown unknown, not "none".
fresh nosecfs
rm -f "$R/sys/kernel/security/lockdown"
sed -i '/securityfs/d' "$R/proc/mounts"
run "$R" doctor
expect "doctor: securityfs not mounted: lockdown unknown" 0 \
	'^note +lockdown +cannot tell: securityfs is not mounted' \
	'remedy: mount -t securityfs none /sys/kernel/security'
refute "doctor: unmounted securityfs is not 'no lockdown LSM'" 'no lockdown LSM|lockdown +none'
printf 'securityfs /sys/kernel/security securityfs rw 0 0\n' >>"$R/proc/mounts"
run "$R" doctor
expect "doctor: securityfs mounted, no lockdown file: none" 0 '^ok +lockdown +none \(securityfs is mounted'

# 17. Ubuntu's configuration: KHO on by default, disabled at boot for want
# of scratch memory (a log as such a machine writes it).
ubuntu() {
	fresh "$1"
	R=$work/$1
	sed -i 's/ kho=on kho_scratch=64M,512M,64M//' "$R/proc/cmdline"
	sed -i 's/^# CONFIG_KEXEC_HANDOVER_ENABLE_DEFAULT is not set/CONFIG_KEXEC_HANDOVER_ENABLE_DEFAULT=y/' \
		"$R/boot/config-$KREL"
	rm -rf "$R/sys/kernel/debug/kho" "$R/sys/module/khoser" "$R/sys/kernel/debug/khoser"
}
ubuntu ubuntu-scratch
printf '%s\n' '6,0,0,-;Linux version 7.0.0-15-generic (buildd@lcy02-amd64-045) #15-Ubuntu SMP' \
	'6,1,0,-;Command line: BOOT_IMAGE=/vmlinuz-7.0.0-15-generic root=UUID=4f1c ro quiet splash' \
	'6,212,11021,-;KHO: scratch scale is 200%' \
	'3,213,11402,-;KHO: Failed to reserve lowmem scratch buffer' \
	'4,214,11408,-;KHO: Failed to reserve scratch area, disabling kexec handover' \
	'6,215,11500,-;Memory: 3867284K/4193784K available' >"$R/dev/kmsg"
run "$R" doctor
expect "doctor: KHO disabled itself for want of scratch memory (Ubuntu log)" 1 \
	'^ok +kho=on +not given, KHO is on by default' \
	'^PROBLEM +KHO active +no: KHO disabled itself at boot, it could not reserve its scratch memory \(kernel log: "KHO: Failed to reserve lowmem scratch buffer"' \
	'remedy: give KHO scratch sizes that fit this machine: kho_scratch=.*lowmem area must fit below 4 GiB'
refute "doctor: scratch failure is not blamed on kho=on" 'PROBLEM +kho=on'
run "$R" status --json
json "status --json: KHO disabled by a scratch failure" 'st["kho"]["enabled"] is False' \
	'st["kho"]["source"] == "kernel log"' 'st["kho"]["cmdline"] is True' \
	'"scratch" in st["kho"]["disabled_reason"]'
# The same from saved dmesg output, given with --kmsg.
printf '%s\n' '[    0.011402] KHO: Failed to reserve global scratch buffer' \
	'[    0.011408] KHO: Failed to reserve scratch area, disabling kexec handover' >"$work/dmesg.txt"
out=$("$ctl" --root "$R" --kmsg "$work/dmesg.txt" doctor 2>&1)
rc=$?
expect "doctor --kmsg: scratch failure from dmesg output" 1 \
	'could not reserve its scratch memory \(kernel log: "KHO: Failed to reserve global scratch buffer"'
# KHO on by default, no failure in the log, debugfs mounted, no kho/: off,
# but not for want of scratch.
ubuntu ubuntu-off
run "$R" doctor
expect "doctor: KHO requested but off, no scratch failure logged" 1 \
	'^PROBLEM +KHO active +no, although requested \(debugfs\)' 'remedy: see the kernel log'

# 18. Stale consumers: built against another khoser's symbol CRCs.
fresh stale
rm -rf "$R/lib/modules/$KREL/updates"
modules "$R" "$KREL" yes 0x1f2e3d4c 0x0badcafe
depmod_all "$R"
run "$R" doctor
expect "doctor: stale consumer (symbol CRC differs)" 1 \
	'^PROBLEM +consumer +mydrv is stale: built against another khoser \(khoser_publish: CRC 0x0badcafe, khoser has 0x1f2e3d4c\)' \
	'remedy: rebuild mydrv against this khoser \(make KERNELRELEASE=7\.2\.13'
mkdir -p "$R/var/lib/dkms/mydrv/3.1/source" "$R/var/lib/dkms/mydrv/3.1/$KREL/x86_64/module"
printf 'PACKAGE_NAME="mydrv"\nBUILD_DEPENDS[0]="khoser"\n' >"$R/var/lib/dkms/mydrv/3.1/source/dkms.conf"
touch "$R/var/lib/dkms/mydrv/3.1/$KREL/x86_64/module/mydrv.ko.xz"
run "$R" doctor
expect "doctor: stale DKMS consumer: rebuild it with dkms" 1 \
	'remedy: dkms remove mydrv/3\.1 -k 7\.2\.13 && dkms install mydrv/3\.1 -k 7\.2\.13'
rm -rf "$R/lib/modules/$KREL/updates" "$R/var/lib/dkms/mydrv"
modules "$R" "$KREL" yes 0x1f2e3d4c 0x1f2e3d4c
depmod_all "$R"
run "$R" doctor
expect "doctor: consumer with matching symbol CRCs" 0 \
	'^ok +consumer +mydrv built for 7\.2\.13, symbol versions match'

# 19. Unknown is null in JSON, never false.
run "$work/nonexistent" status --json
json "status --json: nothing readable is unknown (null), not false" \
	'st["kho"]["enabled"] is None and st["kho"]["boot"] is None' \
	'st["kho"]["cmdline"] is None and st["kho"]["compiled"] is None' \
	'st["khoser"]["loaded"] is False and st["khoser"]["kho_api"] is None'

# 20. More objects than a fixed table would hold: all listed.
fresh many
{
	printf 'dir\tname\tkind\tcompat\tsize\tblocks\tentries\tstate\n'
	for i in $(seq 1 300); do
		printf 'out\tobj-%d\tsarray\tx-v1;khoser-sarray-v1\t8\t1\t1\tpublished\n' "$i"
	done
} >"$R/sys/kernel/debug/khoser/objects"
run "$R" status --json
json "status --json: 300 objects, none cut" 'st["outgoing"] == 300 and len(st["objects"]) == 300' \
	'st["objects"][299]["name"] == "obj-300"'

# 14. Usage errors.
fresh usage
run "$R" frobnicate
expect "usage: unknown command exits 2" 2 "unknown command 'frobnicate'"
run "$R" status --bogus
expect "usage: unknown status argument exits 2" 2 "unknown argument '--bogus'"
run "$R" --version
expect "usage: --version" 0 '^khoserctl 0\.1\.0$'
for c in status doctor load; do
	run "$R" "$c" --help
	expect "usage: $c --help exits 0" 0 "^usage: khoserctl \\[OPTIONS\\] $c"
	run "$R" "$c" -h
	expect "usage: $c -h exits 0" 0 "^usage: khoserctl \\[OPTIONS\\] $c"
	run "$R" "$c" -V
	expect "usage: $c -V" 0 '^khoserctl 0\.1\.0$'
done
run "$R" doctor --target
expect "usage: doctor --target without a release exits 2" 2 "unknown argument '--target'"
# A report that cannot be written is a failure.
for c in status doctor; do
	"$ctl" --root "$R" "$c" >/dev/full 2>"$work/full.err"
	rc=$?
	out=$(cat "$work/full.err")
	expect "write error: $c >/dev/full exits 1" 1 'write error'
done
run "$R" load --dry-run --test
expect "load --dry-run: runtime state, exit 0" 0 'would load'
rm -rf "$R/lib/modules" "$R/sys/module/khoser"
run "$R" load --dry-run
expect "load: module missing is a runtime error, exit 1" 1 'no module for kernel'

tap_end
