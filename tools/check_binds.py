#!/usr/bin/env python3
"""Checks, in src/store/*.c, that every fl_q / fl_q_int / fl_q_exec call on a
named statement passes a bind format with as many letters as its SQL has
'?' placeholders. A mismatch reads a wrong vararg: a crash or a wrong bind.
Exits 1 and names each mismatch."""
import glob
import re
import sys

STMT = re.compile(r'static const char (\w+)\[\]\s*=\s*((?:\s*"(?:[^"\\]|\\.)*"|\s*[A-Z_]+)+);')
CALL = re.compile(r'fl_q(?:_int|_exec)?\(tx,\s*(\w+),\s*(?:0,\s*&st,\s*|&?[\w\->\.]+,\s*)?"(\w*)"')


def main():
    bad = 0
    for path in sorted(glob.glob('src/store/*.c')):
        text = open(path).read()
        for body in re.split(r'\n}\n', text):
            sql = {m.group(1): ''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(2)))
                   for m in STMT.finditer(body)}
            for m in CALL.finditer(body):
                name, fmt = m.group(1), m.group(2)
                if name in sql and sql[name].count('?') != len(fmt):
                    print('%s: %s has %d placeholders but format "%s"'
                          % (path, name, sql[name].count('?'), fmt))
                    bad = 1
    return bad


if __name__ == '__main__':
    sys.exit(main())
