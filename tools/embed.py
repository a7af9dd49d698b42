#!/usr/bin/env python3
"""Embeds files into a C source as byte arrays.

usage: embed.py OUT.c SYMBOL FILE...

Writes `const struct fl_embedded SYMBOL[]`, one row per FILE in the order
given (name = base name, data = the bytes plus a terminating NUL, len = the
byte count without it), ended by a row whose name is NULL.
"""
import os
import sys


def main():
    out, symbol, files = sys.argv[1], sys.argv[2], sys.argv[3:]
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


if __name__ == '__main__':
    main()
