#!/bin/sh
# Installs, from Debian, only what this machine lacks.
#   scripts/deps.sh build   what `make` needs to build frontline (npm packages: tools/web.py)
#   scripts/deps.sh check   also what `make check` needs (tests, sanitizers, fuzzers)
#   scripts/deps.sh bench   also what `make bench` needs (wrk)
#   scripts/deps.sh deb     also what `make deb` needs (dpkg-buildpackage, debhelper)
# A library counts as present when pkg-config finds it; a tool when it is on PATH.
set -eu
want=${1:-build}
missing=""

need_pc() { pkg-config --exists "$1" 2>/dev/null || missing="$missing $2"; }
need_cmd() { command -v "$1" >/dev/null 2>&1 || missing="$missing $2"; }
need_glob() { for f in $1; do [ -e "$f" ] && return 0; done; missing="$missing $2"; }

need_cmd pkg-config pkg-config
need_cmd cc gcc
need_cmd meson meson
need_cmd ninja ninja-build
need_cmd python3 python3
need_pc libmicrohttpd libmicrohttpd-dev
need_pc jansson libjansson-dev
need_pc sqlite3 libsqlite3-dev
need_pc libsodium libsodium-dev
need_pc libpq libpq-dev
need_pc gmime-3.0 libgmime-3.0-dev
need_pc libcurl libcurl4-openssl-dev
need_pc gumbo libgumbo-dev
need_pc md4c-html "libmd4c-dev libmd4c-html0-dev"
# Snowball's stemmers: no pkg-config file
need_glob "/usr/include/libstemmer.h" libstemmer-dev
# the browser apps are bundled from npm packages (web/package-lock.json)
need_cmd node nodejs
need_cmd npm npm

if [ "$want" = check ] || [ "$want" = bench ]; then
	need_pc cmocka libcmocka-dev
	need_cmd clang clang
	need_cmd clang-format-14 clang-format-14
	need_cmd sqlite3 sqlite3
	# the browser the end-to-end tests drive (tests/e2e)
	need_cmd chromium chromium
	# the PostgreSQL server the tests start (initdb, pg_ctl) and psql
	need_glob "/usr/lib/postgresql/*/bin/initdb" "postgresql postgresql-contrib"
	need_cmd psql postgresql-client
	# the SMTP server the mail tests send to
	need_glob "/usr/lib/python3/dist-packages/aiosmtpd" python3-aiosmtpd
	# the IMAP server the mail tests poll
	need_glob "/usr/sbin/dovecot" dovecot-imapd
	need_glob "/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a" libclang-rt-14-dev
fi
if [ "$want" = bench ]; then
	need_cmd wrk wrk
fi
if [ "$want" = check ] || [ "$want" = deb ]; then
	# the Debian package (packaging/deb.sh) and its test (tests/install)
	need_cmd dpkg-buildpackage dpkg-dev
	need_cmd dh debhelper
	need_glob /usr/share/build-essential/list build-essential
fi
if [ "$want" = check ]; then
	# systemd-analyze verify and security on the unit, and strace to see
	# that the server fits its sandbox (tests/install)
	need_cmd systemd-analyze systemd
	need_cmd strace strace
fi

[ -z "$missing" ] && exit 0
echo "deps: installing from Debian:$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
