#!/bin/bash
# Frontline installed as an administrator installs it (docs/operations.md,
# "Install as a service"):
#   1. `make install DESTDIR=ROOT PREFIX=/usr` into a scratch root: the files
#      and their modes; `systemd-analyze verify` and `security` on the unit;
#   2. the unit's ExecStart line run by hand as systemd would run it (there is
#      no systemd as PID 1 here): its Environment= and EnvironmentFile=, its
#      UMask=, the data folder moved to a temporary one and a free loopback
#      port. It must answer /healthz and serve the agent workspace with its
#      script, then exit 0 on SIGTERM having checkpointed its database;
#   3. the same from the .deb (packaging/deb.sh) unpacked with dpkg -x, with
#      its conffiles and the maintainer scripts that enable the unit.
# Prints "ok - …" or "not ok - …" per check and exits non-zero on any
# failure. INSTALL_DEB=0 leaves out the .deb.
set -u
cd "$(dirname "$0")/../.." || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/frontline-install.XXXXXX")
server=
trap '[ -n "$server" ] && kill -KILL "$server" 2>/dev/null; rm -rf "$tmp"' EXIT
fails=0

ok() { echo "ok - $1"; }
not_ok() {
	echo "not ok - $1"
	fails=$((fails + 1))
}
# check DESCRIPTION COMMAND…: one test line for COMMAND's exit status
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# has_mode FILE MODE: FILE is a regular file with octal MODE
has_mode() { [ -f "$1" ] && [ "$(stat -c %a "$1")" = "$2" ]; }

# has_line FILE LINE: FILE has LINE, whole
has_line() { grep -qxF "$2" "$1"; }

# unit_values UNIT KEY: the value of each KEY= line of UNIT, one a line
unit_values() { sed -n "s/^$2=//p" "$1"; }

# get URL: prints the body, then a last line with the status code
get() {
	python3 - "$1" <<'EOF'
import sys, urllib.request, urllib.error
try:
    with urllib.request.urlopen(sys.argv[1], timeout=10) as r:
        print(r.read().decode('utf-8', 'replace'))
        print(r.status)
except urllib.error.HTTPError as e:
    print(e.read().decode('utf-8', 'replace'))
    print(e.code)
EOF
}

# verify UNIT ROOT: systemd-analyze finds nothing to say about UNIT once its
# binary and man page are looked up in ROOT, and rates its exposure 2.0 or
# less (an unsandboxed service rates 9.6)
verify() {
	local unit=$1 root=$2 dir=$tmp/verify out
	mkdir -p "$dir"
	sed "s|^ExecStart=/|ExecStart=$root/|" "$unit" >"$dir/frontline.service"
	out=$(MANPATH=$root/usr/share/man systemd-analyze verify "$dir/frontline.service" 2>&1)
	check "systemd-analyze verify finds nothing to say${out:+: $out}" [ -z "$out" ]
	out=$(systemd-analyze security --offline=yes --threshold=20 "$dir/frontline.service" 2>&1)
	check "systemd-analyze security rates the unit's exposure 2.0 or less (${out##*level for frontline.service: })" \
		[ $? -eq 0 ]
}

# serve ROOT UNIT NAME: runs UNIT's ExecStart from ROOT as systemd would
# (with a data folder and listen address of the test's) and checks that it
# serves, then stops cleanly on SIGTERM
serve() {
	local root=$1 unit=$2 name=$3 data log=$tmp/serve.log
	local start envfile umask line port page script status rc
	local -a env cmd
	data=$(mktemp -d "$tmp/data.XXXXXX")
	start=$(unit_values "$unit" ExecStart)
	read -r -a cmd <<<"$start"
	check "$name: ExecStart names the installed binary ($start)" [ -x "$root${cmd[0]}" ]
	cmd[0]=$root${cmd[0]}
	mapfile -t env < <(unit_values "$unit" Environment)
	envfile=$(unit_values "$unit" EnvironmentFile)
	envfile=${envfile#-}
	check "$name: the EnvironmentFile is installed ($envfile)" [ -f "$root$envfile" ]
	while IFS= read -r line; do
		case $line in '' | '#'*) ;; *) env+=("$line") ;; esac
	done <"$root$envfile"
	env+=("FRONTLINE_DATA=$data" "FRONTLINE_LISTEN=127.0.0.1:0")
	umask=$(unit_values "$unit" UMask)
	(umask "$umask" && exec env -i PATH=/usr/bin:/bin "${env[@]}" "${cmd[@]}") >"$log" 2>&1 &
	server=$!
	for _ in $(seq 100); do
		port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log")
		[ -n "$port" ] || ! kill -0 "$server" 2>/dev/null && break
		sleep 0.2
	done
	if [ -z "$port" ]; then
		not_ok "$name: the server starts and says where it listens"
		sed 's/^/# /' "$log"
		return
	fi
	ok "$name: the server starts and says where it listens (port $port)"
	check "$name: /healthz answers 200 ok" \
		grep -q '"status": *"ok"' <(get "http://127.0.0.1:$port/healthz")
	page=$(get "http://127.0.0.1:$port/agent/")
	check "$name: the agent workspace page is served" grep -q '<div id="app">' <<<"$page"
	script=$(sed -n 's/.*<script type="module" src="\([^"]*\)".*/\1/p' <<<"$page")
	status=$(get "http://127.0.0.1:$port${script:-/assets/none.js}" | tail -1)
	check "$name: its script is served (${script:-none}: $status)" [ "$status" = 200 ]
	check "$name: the database is the service user's only (UMask=$umask)" \
		has_mode "$data/frontline.db" 600
	kill -TERM "$server"
	wait "$server"
	rc=$?
	check "$name: SIGTERM stops it with status 0 (got $rc)" [ "$rc" -eq 0 ]
	server=
	check "$name: it says it stopped" grep -q ' stopped$' "$log"
	check "$name: the database was checkpointed (no frontline.db-wal left)" \
		[ ! -e "$data/frontline.db-wal" ]
}

echo "# make install DESTDIR=… PREFIX=/usr"
root=$tmp/root
if make --no-print-directory install DESTDIR="$root" PREFIX=/usr >"$tmp/install.log" 2>&1; then
	ok "make install DESTDIR PREFIX=/usr"
else
	not_ok "make install DESTDIR PREFIX=/usr"
	tail -20 "$tmp/install.log" | sed 's/^/# /'
fi
unit=$root/usr/lib/systemd/system/frontline.service
check "the binary is /usr/bin/frontline, mode 0755" has_mode "$root/usr/bin/frontline" 755
check "the unit is in /usr/lib/systemd/system, mode 0644" has_mode "$unit" 644
check "the settings are /etc/default/frontline, mode 0600" has_mode "$root/etc/default/frontline" 600
check "the man page is installed" has_mode "$root/usr/share/man/man1/frontline.1" 644
check "the operations guide is installed" \
	has_mode "$root/usr/share/doc/frontline/operations.md" 644
check "nothing is installed outside /usr and /etc" \
	[ -z "$(find "$root" -mindepth 1 -maxdepth 1 ! -name usr ! -name etc)" ]
check "the unit runs as a dynamic user" has_line "$unit" DynamicUser=yes
check "the unit's data folder is /var/lib/frontline" has_line "$unit" StateDirectory=frontline
if command -v systemd-analyze >/dev/null; then
	verify "$unit" "$root"
else
	echo "# systemd-analyze is not installed: the unit is not verified"
fi
serve "$root" "$unit" "make install"

if [ "${INSTALL_DEB:-1}" = 0 ]; then
	echo "# INSTALL_DEB=0: the .deb is left out"
elif ! command -v dpkg-buildpackage >/dev/null || ! command -v dh >/dev/null; then
	echo "# dpkg-buildpackage or debhelper is not installed (scripts/deps.sh check): the .deb is left out"
else
	echo "# the .deb"
	if deb=$(packaging/deb.sh "$tmp/deb"); then
		ok "packaging/deb.sh builds $(basename "$deb")"
		droot=$tmp/debroot
		dpkg -x "$deb" "$droot"
		dunit=$droot/lib/systemd/system/frontline.service
		check "the .deb's binary is /usr/bin/frontline, mode 0755" has_mode "$droot/usr/bin/frontline" 755
		check "the .deb's unit is in /lib/systemd/system" has_mode "$dunit" 644
		check "the .deb's settings are /etc/default/frontline, mode 0600" \
			has_mode "$droot/etc/default/frontline" 600
		check "the .deb keeps an administrator's /etc/default/frontline (a conffile)" \
			grep -qx /etc/default/frontline <(dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles)
		check "the .deb enables and starts the unit when installed" \
			grep -q "deb-systemd-invoke \$_dh_action 'frontline.service'" \
			<(dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./postinst)
		check "the .deb's guide is not compressed (the unit and man page name it)" \
			has_mode "$droot/usr/share/doc/frontline/operations.md" 644
		check "the .deb's unit is the one make install gives, but for /lib" \
			cmp -s "$unit" "$dunit"
		command -v systemd-analyze >/dev/null && verify "$dunit" "$droot"
		serve "$droot" "$dunit" ".deb"
	else
		not_ok "packaging/deb.sh builds the .deb"
	fi
fi

echo "# install: $fails failed"
[ "$fails" -eq 0 ]
