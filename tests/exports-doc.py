#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Print every EXPORT_SYMBOL_GPL'd function (and static inline in include/)
whose kernel-doc comment is missing or lacks Context: / Return:."""
import re
import sys

# A kernel-doc block (no comment end inside) right before a prototype.
DOC = re.compile(r'/\*\*\n((?:(?!\*/).)*?)\*/\n'
                 r'((?:static inline\s+)?[^;{]*?\b(\w+)\s*\()', re.S)

for path in sys.argv[1:]:
    text = open(path).read()
    exported = set(re.findall(r'EXPORT_SYMBOL_GPL\((\w+)\)', text))
    if path.startswith('include/'):
        exported |= set(re.findall(r'static inline[^(]*?\b(\w+)\(', text))
    docs = {}
    for m in DOC.finditer(text):
        docs[m.group(3)] = (m.group(1), m.group(2))
    for name in sorted(exported):
        if name not in docs:
            print(f'{path}: {name}: no kernel-doc comment')
            continue
        body, proto = docs[name]
        if 'Context:' not in body:
            print(f'{path}: {name}: kernel-doc lacks Context:')
        if not re.match(r'(static inline\s+)?void\s', proto) and \
                'Return:' not in body:
            print(f'{path}: {name}: kernel-doc lacks Return:')
