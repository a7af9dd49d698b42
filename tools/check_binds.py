#!/usr/bin/env python3
"""Checks, in src/store/*.c, that every fl_q / fl_q_int / fl_q_exec call on a
named statement passes a bind format with as many letters as its SQL has
'?' placeholders. A mismatch reads a wrong vararg: a crash or a wrong bind.

A statement's SELECT list may come from a column table (store_int.h):
FL_COLUMNS_SQL(LIST) stands for the expressions of the X-macro LIST, defined
in the same file or in src/store/db.h. Such a list must exist and its
expressions must hold no '?' (a column table binds nothing).
Exits 1 and names each mismatch."""
import glob
import re
import sys

PART = r'\s*"(?:[^"\\]|\\.)*"|\s*[A-Z_]+\(\w+\)|\s*[A-Z_]+'
STMT = re.compile(r'static const char (\w+)\[\]\s*=\s*((?:' + PART + r')+);')
CALL = re.compile(r'fl_q(?:_int|_exec)?\(tx,\s*(\w+),\s*(?:0,\s*&st,\s*|&?[\w\->\.]+,\s*)?"(\w*)"')
LIST = re.compile(r'#define (\w+)\(X, S\)((?:[^\n]*\\\n)*[^\n]*)')
USE = re.compile(r'FL_COLUMNS_SQL\((\w+)\)')
LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')


def column_lists(text):
    """The column lists a text defines: name -> their expressions joined."""
    return {m.group(1): ''.join(LITERAL.findall(m.group(2))) for m in LIST.finditer(text)}


def main():
    bad = 0
    shared = column_lists(open('src/store/db.h').read())
    for path in sorted(glob.glob('src/store/*.c')):
        text = open(path).read()
        lists = dict(shared, **column_lists(text))
        for name, exprs in lists.items():
            if '?' in exprs:
                print('%s: column list %s has a placeholder' % (path, name))
                bad = 1
        for body in re.split(r'\n}\n', text):
            sql = {}
            for m in STMT.finditer(body):
                for used in USE.findall(m.group(2)):
                    if used not in lists:
                        print('%s: %s selects FL_COLUMNS_SQL(%s), which no #define %s(X, S)'
                              ' in the file or in src/store/db.h gives'
                              % (path, m.group(1), used, used))
                        bad = 1
                sql[m.group(1)] = ''.join(LITERAL.findall(m.group(2)))
            for m in CALL.finditer(body):
                name, fmt = m.group(1), m.group(2)
                if name in sql and sql[name].count('?') != len(fmt):
                    print('%s: %s has %d placeholders but format "%s"'
                          % (path, name, sql[name].count('?'), fmt))
                    bad = 1
    return bad


if __name__ == '__main__':
    sys.exit(main())
