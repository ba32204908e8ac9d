#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Judge the `khoserctl status --json` lines of a QEMU run (stdin, one per
boot in order) against what each boot is.

usage: check-status.py HOPS KHO MODE   (KHO: 1 when booted with kho=on)
Prints what is wrong and exits 1, or exits 0.
"""
import json
import sys


def main():
    hops, kho, mode = int(sys.argv[1]), sys.argv[2] == "1", sys.argv[3]
    lines = [line for line in sys.stdin.read().splitlines() if line.strip()]
    bad = []
    if len(lines) != hops:
        bad.append(f"{len(lines)} status lines for {hops} boots")
    for i, line in enumerate(lines[:hops], 1):
        try:
            st = json.loads(line)
        except ValueError as e:
            bad.append(f"boot {i}: not JSON ({e}): {line[:80]}")
            continue
        on = kho and mode != "off"
        km, k = st.get("khoser", {}), st.get("kho", {})
        if km.get("loaded") is not True:
            bad.append(f"boot {i}: khoser not reported loaded")
        if not km.get("version"):
            bad.append(f"boot {i}: no khoser version")
        if k.get("enabled") is not on:
            bad.append(f"boot {i}: kho.enabled {k.get('enabled')}, expected {on}")
        if k.get("boot") is not (on and i > 1):
            bad.append(f"boot {i}: kho.boot {k.get('boot')}, expected {on and i > 1}")
        objs = st.get("objects", [])
        nout = sum(1 for o in objs if o.get("dir") == "out")
        nin = sum(1 for o in objs if o.get("dir") == "in")
        if (st.get("outgoing"), st.get("incoming")) != (nout, nin):
            bad.append(f"boot {i}: counts disagree with the object list")
        if on and i < hops and nout == 0:
            bad.append(f"boot {i}: no outgoing objects listed")
        if on and i > 1 and nin == 0:
            bad.append(f"boot {i}: no incoming objects listed")
        scratch = k.get("scratch")
        if on and (not scratch or scratch.get("bytes", 0) <= 0):
            bad.append(f"boot {i}: no KHO scratch reported")
    if bad:
        print("; ".join(bad))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
