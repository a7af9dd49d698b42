#!/bin/sh
# Installs tests/e2e's npm packages (playwright-core, pinned by
# package-lock.json) with `npm ci` when node_modules is missing or older
# than the lockfile; several runs at once wait for one another.
# playwright-core downloads no browser: the tests drive Debian's chromium.
set -eu
cd "$(dirname "$0")"
stamp=node_modules/.package-lock.json
exec 9>.npm-lock
flock 9
[ -f "$stamp" ] && [ ! package-lock.json -nt "$stamp" ] && exit 0
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
touch "$stamp"
