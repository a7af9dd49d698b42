#!/usr/bin/env python3
"""Embeds files into a C source as byte arrays.

usage: embed.py OUT.c SYMBOL FILE...
       embed.py --migrations DIR OTHER_DIR DEPFILE OUT.c SYMBOL

Writes `const struct fl_embedded SYMBOL[]`, one row per FILE in the order
given (name = base name, data = the bytes plus a terminating NUL, len = the
byte count without it), ended by a row whose name is NULL.

--migrations embeds every NNN_name.sql in DIR in the order of their names
(other files are not migrations: an editor's backup, a README), so adding a
migration is adding its file. It fails, naming the files, when a .sql name
is not numbered, when two share a number, or when OTHER_DIR (the other
database's folder) does not hold the same names. DEPFILE names both folders
and their files: ninja runs this again when a file is added, removed or
changed (a folder's time changes when its list does), without meson having
to be configured again.
"""
import os
import re
import sys

MIGRATION = re.compile(r'^([0-9]{3})_[a-z0-9_]+\.sql$')


def embed(out, symbol, files):
    lines = ['#include "core/embed.h"', '']
    for i, path in enumerate(files):
        data = open(path, 'rb').read() + b'\0'
        lines.append('static const unsigned char d%d[%d] = {' % (i, len(data)))
        for j in range(0, len(data), 16):
            lines.append(','.join(str(b) for b in data[j:j + 16]) + ',')
        lines.append('};')
    lines.append('const struct fl_embedded %s[] = {' % symbol)
    for i, path in enumerate(files):
        name = os.path.basename(path)
        lines.append('\t{"%s", (const char *)d%d, %d},' % (name, i, os.path.getsize(path)))
    lines.append('\t{0, 0, 0},')
    lines.append('};')
    with open(out, 'w') as f:
        f.write('\n'.join(lines) + '\n')


def migrations(folder):
    """The migration file names in folder, sorted; exits on a bad one."""
    names = sorted(n for n in os.listdir(folder)
                   if n.endswith('.sql') and not n.startswith('.'))
    seen = {}
    for n in names:
        m = MIGRATION.match(n)
        if not m:
            sys.exit('%s/%s: a migration is named NNN_name.sql (lower case, digits, _)' % (folder, n))
        if m.group(1) in seen:
            sys.exit('%s: %s and %s share the number %s' % (folder, seen[m.group(1)], n, m.group(1)))
        seen[m.group(1)] = n
    if not names:
        sys.exit('%s: no migrations' % folder)
    return names


def depfile_path(p):
    return p.replace('\\', '\\\\').replace(' ', '\\ ').replace('#', '\\#').replace('$', '$$')


def main():
    if sys.argv[1:2] != ['--migrations']:
        embed(sys.argv[1], sys.argv[2], sys.argv[3:])
        return
    folder, other, dep, out, symbol = sys.argv[2:7]
    names, other_names = migrations(folder), migrations(other)
    for n in sorted(set(names) ^ set(other_names)):
        where, missing = (folder, other) if n in names else (other, folder)
        print('%s/%s has no counterpart in %s/: every migration is written for both databases'
              % (where, n, missing), file=sys.stderr)
    if set(names) != set(other_names):
        sys.exit(1)
    embed(out, symbol, [os.path.join(folder, n) for n in names])
    deps = [folder, other] + [os.path.join(d, n) for d in (folder, other) for n in names]
    with open(dep, 'w') as f:
        f.write('%s: %s\n' % (depfile_path(out), ' '.join(depfile_path(d) for d in deps)))


if __name__ == '__main__':
    main()
