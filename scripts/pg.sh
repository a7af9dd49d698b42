#!/bin/sh
# A throwaway PostgreSQL server from Debian's packages, for tests and
# benchmarks: initdb in a folder of its own, run by an unprivileged user,
# listening on 127.0.0.1 only, with trust authentication for its superuser
# "postgres".
#
#   scripts/pg.sh start DIR    prints postgres://postgres@127.0.0.1:PORT
#   scripts/pg.sh stop DIR     stops it and removes DIR
#
# When run as root the server runs as "nobody" (PostgreSQL refuses root).
set -eu
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: scripts/pg.sh start|stop DIR" >&2; exit 2; }

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "pg.sh: no PostgreSQL server (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u nobody -- "$@"
	else
		"$@"
	fi
}

case $cmd in
start)
	mkdir -p "$dir"
	[ "$(id -u)" -eq 0 ] && chown nobody "$dir"
	# C.UTF-8: full-text search and lower() see Cyrillic and Lithuanian
	# letters as letters
	as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 \
		--locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; exit 1; }
	for attempt in 1 2 3 4 5; do
		port=$(shuf -i 20000-60000 -n 1)
		# fsync off: a test server needs no crash safety, and tests run
		# much faster; every commit still waits for the server's answer
		if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
			-o "-c listen_addresses=127.0.0.1 -c port=$port -k $dir -c fsync=off \
			    -c full_page_writes=off -c max_connections=300 \
			    -c shared_buffers=64MB" start >/dev/null 2>&1; then
			echo "$port" >"$dir/port"
			echo "postgres://postgres@127.0.0.1:$port"
			exit 0
		fi
		grep -q 'already in use' "$dir/server.log" 2>/dev/null || break
	done
	cat "$dir/server.log" >&2
	exit 1
	;;
stop)
	[ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
	rm -rf "$dir"
	;;
*)
	echo "usage: scripts/pg.sh start|stop DIR" >&2
	exit 2
	;;
esac
