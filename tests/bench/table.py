#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Render make bench's figures (bench/results.tsv) as the README table.

usage: tests/bench/table.py RESULTS.tsv            markdown on stdout
       tests/bench/table.py --update README RESULTS.tsv
                                   replace the table between the markers
       tests/bench/table.py --check README
                                   exit 1 unless README has the markers,
                                   once each, start before end

RESULTS.tsv is what tests/bench/run.sh writes: "# key: value" lines (date,
machine, load, run, upstream), then one line per figure,
    metric  value  unit  baseline_name  baseline_value  ratio
Every figure appears in the output: the known families in their own
tables (per-entry iterator vs upstream, batch calls, restore vs chain
length, scaling, memory overhead), the rest in two lists (userspace,
guest). No number is
typed here: each comes from RESULTS.tsv, ratios as run.sh computed them.
"""
import re
import sys

START = "<!-- bench-table:start -->"
END = "<!-- bench-table:end -->"
SIZES = (1, 8, 24, 64, 512, 2048)


def load(path):
    meta, figs, order = {}, {}, []
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not line:
                continue
            if line.startswith("#"):
                key, _, val = line[1:].strip().partition(":")
                meta[key.strip()] = val.strip()
                continue
            cols = line.split("\t")
            if len(cols) != 6:
                sys.exit(f"{path}: malformed line: {line!r}")
            figs[cols[0]] = cols
            order.append(cols[0])
    return meta, figs, order


def num(s):
    """A figure as printed: trailing zeros off, no float noise."""
    try:
        v = float(s)
    except ValueError:
        return s
    if v == 0:
        return "0"
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 0.1:
        return f"{v:.2f}"
    return f"{v:.2g}" if abs(v) >= 0.001 else f"{v:.1e}"


def ratio(a, b):
    try:
        return f"{float(a) / float(b):.2f}"
    except (ValueError, ZeroDivisionError):
        return "-"


class Table:
    def __init__(self, figs):
        self.figs = figs
        self.used = set()
        self.out = []

    def get(self, m):
        f = self.figs.get(m)
        if f:
            self.used.add(m)
        return f

    def emit(self, title, head, rows):
        if not rows:
            return
        self.out += ["", f"**{title}**", "",
                     "| " + " | ".join(head) + " |",
                     "|" + " --- |" * len(head)]
        self.out += ["| " + " | ".join(r) + " |" for r in rows]

    # Working sets of the per-entry figures (tests/bench/bench.c).
    WS = (("", "from RAM: up to 1e6 entries, 40 MB at 64 B"),
          ("_hot", "from the cache: 256 KiB of entries, looped over"))

    def per_entry(self):
        for ws, what in self.WS:
            rows = []
            for s in SIZES:
                row = [f"{s} B"]
                for op in ("append", "read"):
                    k = self.get(f"block_{op}{ws}_{s}b")
                    u = self.get(f"upstream_block_{op}{ws}_{s}b")
                    if not k:
                        row += ["-"] * 4
                        continue
                    row += [f"{num(k[1])} ({num(k[5])}x)",
                            f"{num(u[1])} ({num(u[5])}x)" if u else "-",
                            num(k[4]),
                            ratio(k[1], u[1]) if u else "-"]
                if any(c != "-" for c in row[1:]):
                    rows.append(row)
            self.emit("Per-entry iterator, " + what + "; khoser and "
                      "upstream's kho_block.c on the same entries "
                      "(ns/entry; in brackets: x the flat baseline of the "
                      "same run)",
                      ["entry", "append khoser", "append upstream",
                       "flat memcpy", "khoser/upstream",
                       "read khoser", "read upstream", "flat read",
                       "khoser/upstream"], rows)

    def batch(self):
        rows = []
        for ws, what in self.WS:
            for s in SIZES:
                a = self.get(f"block_append_batch{ws}_{s}b")
                r = self.get(f"block_read_batch{ws}_{s}b")
                if a and r:
                    rows.append([f"{s} B" + (" (cache)" if ws else ""),
                                 num(a[1]), num(a[4]), num(a[5]),
                                 num(r[1]), num(r[4]), num(r[5])])
        self.emit("Batch calls (ns/entry; from RAM, and from the cache)",
                  ["entry", "append", "flat memcpy", "ratio", "read",
                   "flat read", "ratio"], rows)

    def restore(self):
        rows = []
        chains = sorted(int(m.rsplit("_", 1)[1]) for m in self.figs
                        if re.fullmatch(r"scale_restore_chain_\d+", m))
        for c in chains:
            k = self.get(f"scale_restore_chain_{c}")
            u = self.get(f"upstream_block_restore_{c}")
            rows.append([str(c), num(k[1]), num(k[4]), num(k[5]),
                         num(u[1]) if u else "-"])
        self.emit("Restore vs chain length (ns/block; the default bound is "
                  "10000 blocks, 100000 with the bound raised; upstream "
                  "stops at 10000)",
                  ["blocks", "khoser restore", "bare chain walk", "ratio",
                   "upstream restore"], rows)

    def scaling(self):
        phases = ("grow", "fill", "seal", "restore", "read")
        counts = sorted({int(m.rsplit("_", 1)[1]) for m in self.figs
                         if re.fullmatch(r"scale_(%s)_\d+" % "|".join(phases),
                                         m)})
        rows = []
        for p in phases:
            row, base = [p], "-"
            for n in counts:
                f = self.get(f"scale_{p}_{n}")
                if not f:
                    row.append("-")
                    continue
                base = re.sub(r"_\d+$", f" at {counts[0]}", f[3])
                row.append(f"{num(f[1])} ({num(f[5])}x of {num(f[4])})")
            rows.append(row + [base])
        if counts:
            self.emit("Scaling, 64-byte entries (ns/entry; in brackets: "
                      "the ratio to the baseline of the same run, and the "
                      "baseline)",
                      ["phase"] + [f"{n:,} entries".replace(",", " ")
                                   for n in counts] + ["baseline"], rows)

    def memory(self):
        names = {
            "mem_block_64b": "block set, 64 B entries",
            "mem_block_2048b": "block set, 2048 B entries",
            "mem_sarray_dense": "sparse array, dense indices",
            "mem_sarray_random_1pct": "sparse array, 1% of indices",
        }
        rows = []
        for m in sorted(self.figs):
            if not m.startswith("mem_"):
                continue
            f = self.get(m)
            label = names.get(m)
            if not label:
                v = re.fullmatch(r"mem_vbuf_(\d+)m(_scattered)?", m)
                label = (f"vbuf, {v.group(1)} MiB"
                         + (", every page its own chunk" if v.group(2)
                            else " as allocated here")) if v else m
            rows.append([label, num(f[1]), f"{f[3]} {num(f[4])}", num(f[5])])
        self.emit("Preserved metadata per byte of payload (B/B)",
                  ["structure", "khoser", "kernel equivalent", "ratio"],
                  rows)

    def rest(self, order):
        rows = {True: [], False: []}
        for m in order:
            if m in self.used:
                continue
            f = self.figs[m]
            rows[m.startswith("guest_")].append(
                [m, f"{num(f[1])} {f[2]}", f"{f[3]} {num(f[4])}",
                 num(f[5])])
        head = ["metric", "value", "baseline", "ratio"]
        self.emit("Other userspace figures", head, rows[False])
        self.emit("In the guest (QEMU under TCG: read the ratios)", head,
                  rows[True])


def render(path):
    meta, figs, order = load(path)
    t = Table(figs)
    t.out = [START,
             "<!-- generated by tests/bench/table.py from bench/results.tsv"
             " (make bench-table); do not edit by hand -->",
             "",
             f"Run: {meta.get('date', '?')}, `{meta.get('run', '?')}`; "
             f"{meta.get('machine', '?')}; load {meta.get('load', '?')}. "
             f"Upstream reference: {meta.get('upstream', '?')}."]
    t.per_entry()
    t.batch()
    t.restore()
    t.scaling()
    t.memory()
    t.rest(order)
    t.out.append(END)
    return "\n".join(t.out) + "\n"


def check(readme):
    text = open(readme, encoding="utf-8").read()
    s, e = text.count(START), text.count(END)
    if s != 1 or e != 1 or text.index(START) > text.index(END):
        print(f"{readme}: expected one {START} before one {END} "
              f"(found {s} and {e})", file=sys.stderr)
        return 1
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "--check":
        return check(argv[2])
    if len(argv) == 4 and argv[1] == "--update":
        readme, results = argv[2], argv[3]
        if check(readme):
            return 1
        text = open(readme, encoding="utf-8").read()
        head, rest = text.split(START, 1)
        tail = rest.split(END, 1)[1]
        with open(readme, "w", encoding="utf-8") as f:
            f.write(head + render(results).rstrip("\n") + tail)
        return 0
    if len(argv) == 2 and not argv[1].startswith("-"):
        sys.stdout.write(render(argv[1]))
        return 0
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
