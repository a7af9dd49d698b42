#!/usr/bin/env python3
"""Builds the browser apps under web/ and embeds them into a C source.

usage: web.py SRC_DIR OUT_DIR OUT.c DEPFILE

1. Installs web/'s npm packages from its lockfile when they are missing or
   older than the lockfile (`npm ci`; under a lock, since several build
   folders may build at once).
2. Bundles each app (web/agent/main.js, web/portal/main.js) with esbuild into
   OUT_DIR/assets/, split into chunks: what both apps share, and each screen
   an app loads on demand with import(), goes to OUT_DIR/assets/chunks/ under
   a name that carries its content hash. Copies the pages and shared files,
   and stamps the pages with a version so that assets can be cached for good
   (a chunk is cached for good by its name: src/http/web.c).
   The chat widget is built apart, with nothing shared: its frame app
   (web/chat/frame.js -> assets/chat.js, its page chat/index.html, served as
   /chat/frame) in one file, and the loader companies paste
   (web/chat/widget.js -> chat/widget.js) as a classic script under a name
   that never changes. The build fails when the two together are over
   WIDGET_BUDGET gzipped (issue 17: "under 25 KB of JavaScript gzipped").
3. Writes OUT.c: `const struct fl_web_file fl_web_files[]`, each file with
   its content type, its bytes, the same gzip-compressed when that is smaller,
   and an ETag. OUT_DIR is what `frontline serve --web-dir` takes.
4. Writes DEPFILE, so that ninja rebuilds when any file under SRC_DIR changes.
"""
import fcntl
import gzip
import hashlib
import os
import shutil
import subprocess
import sys

TYPES = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.svg': 'image/svg+xml',
    '.png': 'image/png',
    '.json': 'application/json; charset=utf-8',
    '.txt': 'text/plain; charset=utf-8',
}
APPS = ('agent', 'portal')
WIDGET_BUDGET = 25 * 1024


def npm_ci(src):
    lock = os.path.join(src, 'package-lock.json')
    stamp = os.path.join(src, 'node_modules', '.package-lock.json')
    with open(os.path.join(src, '.npm-lock'), 'w') as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        if os.path.exists(stamp) and os.path.getmtime(stamp) >= os.path.getmtime(lock):
            return
        subprocess.run(['npm', 'ci', '--no-audit', '--no-fund', '--loglevel=error'],
                       cwd=src, check=True)
        os.utime(stamp)


def sources(src):
    for root, dirs, names in os.walk(src):
        dirs[:] = [d for d in dirs if d != 'node_modules' and not d.startswith('.')]
        for n in names:
            if not n.startswith('.'):
                yield os.path.join(root, n)


def build(src, out):
    if os.path.isdir(out):
        shutil.rmtree(out)
    assets = os.path.join(out, 'assets')
    os.makedirs(assets)
    esbuild = os.path.join(src, 'node_modules', '.bin', 'esbuild')
    subprocess.run([esbuild, '--bundle', '--minify', '--format=esm', '--target=es2020', '--splitting',
                    '--chunk-names=chunks/[name]-[hash]',
                    '--log-level=warning', '--legal-comments=none', '--charset=utf8', '--outdir=' + assets]
                   + ['%s=%s' % (app, os.path.join(src, app, 'main.js')) for app in APPS]
                   + ['app=' + os.path.join(src, 'shared', 'app.css')],
                   check=True)
    build_chat(src, out, esbuild)
    for n in os.listdir(os.path.join(src, 'shared', 'static')):
        shutil.copy(os.path.join(src, 'shared', 'static', n), assets)
    # the chunks too: an entry names the chunks it imports, but the pages'
    # version must change whenever any file under assets/ does
    digest = hashlib.sha256()
    for p in sorted(sources(assets)):
        digest.update(os.path.relpath(p, assets).encode() + b'\0')
        digest.update(open(p, 'rb').read())
    version = digest.hexdigest()[:12]
    for app in APPS + ('chat',):
        os.makedirs(os.path.join(out, app), exist_ok=True)
        page = open(os.path.join(src, app, 'index.html')).read()
        with open(os.path.join(out, app, 'index.html'), 'w') as f:
            f.write(page.replace('__VERSION__', version))


def build_chat(src, out, esbuild):
    chat = os.path.join(src, 'chat')
    common = ['--bundle', '--minify', '--log-level=warning', '--legal-comments=none', '--charset=utf8']
    subprocess.run([esbuild] + common + ['--format=esm', '--target=es2020',
                    '--outdir=' + os.path.join(out, 'assets'),
                    'chat=' + os.path.join(chat, 'frame.js'), 'chat=' + os.path.join(chat, 'chat.css')],
                   check=True)
    # a host page loads the loader with a plain <script async>: no module
    subprocess.run([esbuild] + common + ['--format=iife', '--target=es2019',
                    '--outfile=' + os.path.join(out, 'chat', 'widget.js'), os.path.join(chat, 'widget.js')],
                   check=True)
    size = widget_size(out)
    if size > WIDGET_BUDGET:
        sys.exit('web.py: the chat widget\'s JavaScript (chat/widget.js + assets/chat.js) is %d bytes '
                 'gzipped, over its budget of %d' % (size, WIDGET_BUDGET))


def widget_size(out):
    """What a visitor downloads of the widget's JavaScript, gzipped as served."""
    return sum(len(gzip.compress(open(os.path.join(out, p), 'rb').read(), 9, mtime=0))
               for p in ('chat/widget.js', 'assets/chat.js'))


def c_bytes(data):
    # octal escapes keep the source small and quick to compile
    out, col = ['"'], 0
    for b in data:
        piece = '\\%03o' % b if b < 32 or b > 126 or b in (34, 63, 92) else chr(b)
        out.append(piece)
        col += len(piece)
        if col > 100:
            out.append('"\n"')
            col = 0
    out.append('"')
    return ''.join(out)


def embed(out, c_file):
    rows, lines = [], ['#include "http/web.h"', '']
    files = sorted(os.path.relpath(p, out) for p in sources(out))
    for i, rel in enumerate(files):
        data = open(os.path.join(out, rel), 'rb').read()
        packed = gzip.compress(data, 9, mtime=0)
        etag = '"%s"' % hashlib.sha256(data).hexdigest()[:16]
        lines.append('static const char d%d[] = %s;' % (i, c_bytes(data)))
        gz = 'NULL, 0'
        if len(packed) < len(data) * 0.9:
            lines.append('static const char z%d[] = %s;' % (i, c_bytes(packed)))
            gz = 'z%d, %d' % (i, len(packed))
        kind = TYPES.get(os.path.splitext(rel)[1], 'application/octet-stream')
        rows.append('\t{"/%s", "%s", d%d, %d, %s, "\\"%s\\""},'
                    % (rel, kind, i, len(data), gz, etag.strip('"')))
    lines.append('const struct fl_web_file fl_web_files[] = {')
    lines += rows
    lines.append('\t{0},')
    lines.append('};')
    text = '\n'.join(lines) + '\n'
    if not os.path.exists(c_file) or open(c_file).read() != text:
        with open(c_file, 'w') as f:
            f.write(text)


def main():
    src, out, c_file, depfile = sys.argv[1:5]
    npm_ci(src)
    build(src, out)
    embed(out, c_file)
    deps = sorted(sources(src))
    with open(depfile, 'w') as f:
        f.write('%s: %s\n' % (c_file.replace(' ', '\\ '),
                              ' '.join(d.replace(' ', '\\ ') for d in deps)))


if __name__ == '__main__':
    main()
