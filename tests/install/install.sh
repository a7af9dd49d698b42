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
#   3. the same run as nobody under strace, taking an e-mail: every system
#      call, socket and file written must fit the unit's sandbox;
#   4. the .deb (packaging/deb.sh) unpacked with dpkg -x: its files, its
#      conffile, the maintainer scripts that enable the unit, and step 2.
# Prints "ok - …" or "not ok - …" per check and exits non-zero on any
# failure. INSTALL_DEB=0 leaves out the .deb.
set -u
cd "$(dirname "$0")/../.." || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/frontline-install.XXXXXX")
server=
# a server still running when the script ends (a check failed half-way):
# strace's tracee too, which outlives strace
cleanup() {
	[ -n "$server" ] && kill -KILL "$server" 2>/dev/null
	[ -s "$tmp/trace" ] && kill -KILL "$(sed -n '1s/^\([0-9]*\) .*/\1/p' "$tmp/trace")" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
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

# get URL [TOKEN MESSAGE]: prints the body, then a last line with the status
# code; with TOKEN, POSTs the e-mail in file MESSAGE as that API token's user
get() {
	python3 - "$@" <<'EOF'
import sys, urllib.request, urllib.error
req = urllib.request.Request(sys.argv[1])
if len(sys.argv) > 2:
    req.add_header('Authorization', 'Bearer ' + sys.argv[2])
    req.add_header('Content-Type', 'message/rfc822')
    req.data = open(sys.argv[3], 'rb').read()
try:
    with urllib.request.urlopen(req, timeout=10) as r:
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

# start ROOT UNIT DATA [WRAPPER…]: starts UNIT's ExecStart from ROOT as
# systemd would: its Environment= lines, then its EnvironmentFile= over
# them, its UMask=; but with the data folder DATA and a free loopback port,
# under WRAPPER (a command that runs its arguments) when given. Sets
# server (the pid), port (empty when it did not start) and umask; the log
# is $tmp/serve.log.
start() {
	local root=$1 unit=$2 data=$3 envfile line
	local -a env cmd
	shift 3
	read -r -a cmd <<<"$(unit_values "$unit" ExecStart)"
	cmd[0]=$root${cmd[0]}
	mapfile -t env < <(unit_values "$unit" Environment)
	envfile=$(unit_values "$unit" EnvironmentFile)
	while IFS= read -r line; do
		case $line in '' | '#'*) ;; *) env+=("$line") ;; esac
	done <"$root${envfile#-}"
	env+=("FRONTLINE_DATA=$data" "FRONTLINE_LISTEN=127.0.0.1:0")
	umask=$(unit_values "$unit" UMask)
	(umask "$umask" && exec env -i PATH=/usr/bin:/bin "${env[@]}" "$@" "${cmd[@]}") \
		>"$tmp/serve.log" 2>&1 &
	server=$!
	port=
	for _ in $(seq 100); do
		port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/serve.log")
		[ -n "$port" ] || ! kill -0 "$server" 2>/dev/null && break
		sleep 0.2
	done
	[ -n "$port" ] || sed 's/^/# /' "$tmp/serve.log"
}

# serve ROOT UNIT NAME: UNIT's ExecStart, started from ROOT (start above),
# serves the health check and the agent workspace, then stops cleanly on
# SIGTERM
serve() {
	local root=$1 unit=$2 name=$3 data exec envfile page script status rc
	exec=$(unit_values "$unit" ExecStart)
	check "$name: ExecStart names the installed binary ($exec)" [ -x "$root${exec%% *}" ]
	envfile=$(unit_values "$unit" EnvironmentFile)
	check "$name: the EnvironmentFile is installed (${envfile#-})" [ -f "$root${envfile#-}" ]
	data=$(mktemp -d "$tmp/data.XXXXXX")
	start "$root" "$unit" "$data"
	if [ -z "$port" ]; then
		not_ok "$name: the server starts and says where it listens"
		return
	fi
	ok "$name: the server starts and says where it listens (port $port)"
	page=$(get "http://127.0.0.1:$port/healthz")
	check "$name: /healthz answers 200 ok" grep -q '"status": *"ok"' <<<"$page"
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
	server=
	check "$name: SIGTERM stops it with status 0 (got $rc)" [ "$rc" -eq 0 ]
	check "$name: it says it stopped" grep -q ' stopped$' "$tmp/serve.log"
	check "$name: the database was checkpointed (no frontline.db-wal left)" \
		[ ! -e "$data/frontline.db-wal" ]
}

# filter_calls SET…: the system calls in systemd's SETs (@group or name),
# one a line, groups expanded
filter_calls() {
	local s c
	for s in "$@"; do
		case $s in
		@*)
			systemd-analyze syscall-filter "$s" </dev/null | sed -n 's/^    \([-@a-z0-9_]*\)$/\1/p' |
				while read -r c; do filter_calls "$c"; done
			;;
		*) echo "$s" ;;
		esac
	done
}

# sandbox_fit ROOT UNIT: what systemd would refuse the service, seen here
# without systemd. The server runs as nobody under strace while it takes an
# e-mail (read by a mail parser child), makes a ticket of it and serves the
# agent page; every system call it makes must pass the unit's
# SystemCallFilter=, every socket be of its RestrictAddressFamilies=, and
# every file it writes be in its data folder (ProtectSystem=strict). The
# commands an administrator runs as root beside it (token create while it
# runs, user password once it stopped) must leave every file in the data
# folder to its user.
sandbox_fit() {
	local root=$1 unit=$2 data=$tmp/sandbox trace=$tmp/trace bin token status f
	local -a allow deny
	while read -r f; do
		# shellcheck disable=SC2206 # a line is a list of sets
		case $f in '~'*) deny+=(${f#\~}) ;; *) allow+=($f) ;; esac
	done < <(unit_values "$unit" SystemCallFilter)
	filter_calls "${allow[@]}" | sort -u >"$tmp/allowed"
	filter_calls "${deny[@]}" | sort -u >"$tmp/denied"
	mkdir -m 0700 "$data"
	chown nobody: "$data"
	chmod 0711 "$tmp" # for nobody to reach the binary and the data
	start "$root" "$unit" "$data" strace -f -qq -u nobody -o "$trace"
	if [ -z "$port" ]; then
		not_ok "sandbox: the server starts as nobody under strace"
		return
	fi
	# as root, as docs/operations.md tells an administrator to
	bin=$(unit_values "$unit" ExecStart)
	bin=$root${bin%% *}
	token=$("$bin" token create --data "$data" --email admin@frontline.local 2>/dev/null | tail -1)
	printf '%s\r\n' 'From: Ada <ada@example.com>' 'To: help@example.com' \
		'Subject: My order is late' 'Message-ID: <install-1@example.com>' \
		'Content-Type: text/plain; charset=utf-8' '' 'It was due on Monday.' >"$tmp/mail.eml"
	status=$(get "http://127.0.0.1:$port/api/v2/mail/inbound" "$token" "$tmp/mail.eml" | tail -1)
	check "sandbox: an e-mail becomes a ticket (201)" [ "$status" = 201 ]
	status=$(get "http://127.0.0.1:$port/agent/" | tail -1)
	check "sandbox: the agent page is served" [ "$status" = 200 ]
	# strace passes no signal on: the server is the first process it traced
	kill -TERM "$(sed -n '1s/^\([0-9]*\) .*/\1/p' "$trace")"
	wait "$server"
	server=
	"$bin" user password --data "$data" --email admin@frontline.local >/dev/null 2>&1
	f=$(find "$data" ! -user nobody | tr '\n' ' ')
	check "sandbox: commands run as root leave the data folder to the service's user${f:+ (not: $f)}" \
		[ -z "$f" ]
	check "sandbox: a mail parser child ran" \
		grep -qF 'execve("/proc/self/exe", ["frontline", "mail-parse"' "$trace"
	sed -n -e 's/^[0-9]* *\([a-z0-9_][a-z0-9_]*\)(.*/\1/p' \
		-e 's/^[0-9]* *<\.\.\. \([a-z0-9_]*\) resumed>.*/\1/p' "$trace" | sort -u >"$tmp/used"
	f=$(comm -23 "$tmp/used" "$tmp/allowed" | tr '\n' ' ')
	check "sandbox: every system call is in SystemCallFilter's allow list${f:+ (not: $f)}" [ -z "$f" ]
	f=$(comm -12 "$tmp/used" "$tmp/denied" | tr '\n' ' ')
	check "sandbox: no system call is in its deny list${f:+ (denied: $f)}" [ -z "$f" ]
	f=$(grep -o 'socket(AF_[A-Z0-9]*' "$trace" | sed 's/socket(//' | sort -u |
		grep -vxF -f <(unit_values "$unit" RestrictAddressFamilies | tr ' ' '\n') | tr '\n' ' ')
	check "sandbox: sockets only of RestrictAddressFamilies${f:+ (not: $f)}" [ -z "$f" ]
	f=$(grep -E 'open(at)?\(.*O_(WRONLY|RDWR|CREAT)' "$trace" | grep -o '"[^"]*"' | tr -d '"' |
		grep -v -e "^$data/" -e '^/dev/null$' | sort -u | tr '\n' ' ')
	check "sandbox: files are written only in the data folder${f:+ (also: $f)}" [ -z "$f" ]
	rm -f "$trace" # its first pid, the server's, has exited
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
if [ "$(id -u)" -ne 0 ]; then
	echo "# not root: the sandbox fit (run as nobody) is not checked"
elif command -v strace >/dev/null && strace -o /dev/null true 2>/dev/null; then
	sandbox_fit "$root" "$unit"
else
	echo "# strace is missing or cannot trace here: the sandbox fit is not checked"
fi

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
		control=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles)
		check "the .deb keeps an administrator's /etc/default/frontline (a conffile)" \
			grep -qx /etc/default/frontline <<<"$control"
		control=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./postinst)
		check "the .deb enables and starts the unit when installed" \
			grep -q "deb-systemd-invoke \$_dh_action 'frontline.service'" <<<"$control"
		check "the .deb's guide is not compressed (the unit and man page name it)" \
			has_mode "$droot/usr/share/doc/frontline/operations.md" 644
		check "the .deb's unit is make install's" cmp -s "$unit" "$dunit"
		control="frontline $(dpkg-deb -f "$deb" Version)"
		check "the .deb's version is the binary's ($control; debian/changelog and meson.build agree)" \
			[ "$("$droot/usr/bin/frontline" version)" = "$control" ]
		command -v systemd-analyze >/dev/null && verify "$dunit" "$droot"
		serve "$droot" "$dunit" ".deb"
	else
		not_ok "packaging/deb.sh builds the .deb"
	fi
fi

echo "# install: $fails failed"
[ "$fails" -eq 0 ]
