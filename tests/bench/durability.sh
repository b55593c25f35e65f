#!/usr/bin/env bash
# durability.sh — what a durable acknowledgement costs agents: the service with
# `[database] synchronous = normal` and then `full`, each on a fresh demo desk, while agents
# take complaints at a realistic rate (WRITERS sessions typing `complaint add` at RATE a second
# each) and others type `whoami` at the prompt. Prints p50/p99/max of both, per mode:
#   RESULT mode=durability sync=full|normal cmd=complaint_add|whoami p50_ms=… p99_ms=… max_ms=…
#
# usage: tests/bench/durability.sh [--build DIR] [--seconds S] [--writers N] [--rate R]
#   defaults: build, 20 s, 5 writers at 1 add a second each (5 a second: a busy floor), and
#   20 readers at 1 a second. Run by scripts/bench; no root needed.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
builddir=build SECS=20 WRITERS=5 RATE=1 READERS=20
while [ $# -gt 0 ]; do
	case $1 in
	--build) builddir=$2; shift ;;
	--seconds) SECS=$2; shift ;;
	--writers) WRITERS=$2; shift ;;
	--rate) RATE=$2; shift ;;
	-h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "durability.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
PROPDESKD=$root/$builddir/propdeskd
LOADGEN=$root/$builddir/propdesk-loadgen
for b in "$PROPDESKD" "$LOADGEN"; do
	[ -x "$b" ] || { echo "durability.sh: $b was not built" >&2; exit 1; }
done
log() { printf '[bench durability] %s\n' "$*" >&2; }
tmp=$(mktemp -d /var/tmp/propdesk-durability.XXXXXX)
PD_PID=""
cleanup() {
	[ -n "$PD_PID" ] && kill "$PD_PID" 2>/dev/null && wait "$PD_PID" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
ssh-keygen -q -t ed25519 -N '' -C bench@propdesk -f "$tmp/bench.key"
: >"$tmp/results.txt"
for sync in normal full; do
	state=$tmp/$sync
	mkdir -p "$state"
	chmod 700 "$state"
	pd=("$PROPDESKD" --config "$root/etc/propdesk.conf" --state-dir "$state")
	"${pd[@]}" db migrate >/dev/null
	"${pd[@]}" user add bench --role agent --key "$tmp/bench.key.pub" >/dev/null
	"${pd[@]}" demo seed --complaints 2000 >/dev/null 2>&1
	port=$(free_port)
	cat >"$tmp/$sync.conf" <<CONF
[service]
state_dir = $state
catalog_dir = $root/etc
log_level = warn
[ssh]
listen = 127.0.0.1:$port
[database]
synchronous = $sync
CONF
	"$PROPDESKD" serve --config "$tmp/$sync.conf" >"$tmp/$sync.log" 2>&1 &
	PD_PID=$!
	for _ in $(seq 1 200); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
		sleep 0.05
	done
	unit=$(sqlite3 "$state/propdesk.db" 'select code from units order by code limit 1')
	before=$(sqlite3 "$state/propdesk.db" 'select count(*) from complaints')
	add="complaint add --unit $unit --category repairs --technique empathy 卫生间漏水，楼下邻居也来投诉"
	common=(-p "$port" -u bench -i "$tmp/bench.key" -d "$SECS" --server-pid "$PD_PID" --timeout 60)
	"$LOADGEN" rtt "${common[@]}" -c "$WRITERS" -r "$RATE" --cmd "$add" >"$tmp/w.out" 2>>"$tmp/err" &
	wpid=$!
	"$LOADGEN" rtt "${common[@]}" -c "$READERS" -r 1 --cmd whoami >"$tmp/r.out" 2>>"$tmp/err"
	wait "$wpid" || true
	for f in w r; do
		cmd=whoami
		[ "$f" = w ] && cmd=complaint_add
		r=$(grep '^RESULT' "$tmp/$f.out" || true)
		[ -n "$r" ] || { log "$sync $cmd: no result"; cat "$tmp/$f.out" "$tmp/err" >&2; continue; }
		printf '%s sync=%s cmd=%s\n' "$r" "$sync" "$cmd" >>"$tmp/results.txt"
	done
	added=$(($(sqlite3 "$state/propdesk.db" 'select count(*) from complaints') - before))
	log "$sync: $added complaints taken during the run"
	[ "$added" -gt 0 ] || { log "$sync: no complaint was taken: the writers' command failed"; exit 1; }
	kill "$PD_PID"
	wait "$PD_PID" 2>/dev/null || true
	PD_PID=""
done
python3 - "$tmp/results.txt" <<'PY'
import sys
rows = [dict(w.split("=", 1) for w in l.split()[1:] if "=" in w) for l in open(sys.argv[1], encoding="utf-8")]
print()
print("What a durable acknowledgement costs (agents typing at the prompt while others take complaints)")
print(f"{'synchronous':<12} {'command':<15} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>6}")
for kv in rows:
    print(f"{kv.get('sync'):<12} {kv.get('cmd'):<15} {kv.get('p50_ms', '-'):>8} {kv.get('p99_ms', '-'):>8} {kv.get('max_ms', '-'):>8} {kv.get('errors', '-'):>6}")
for kv in rows:
    print("RESULT mode=durability sync=%s cmd=%s p50_ms=%s p99_ms=%s max_ms=%s errors=%s" % (
        kv.get("sync"), kv.get("cmd"), kv.get("p50_ms"), kv.get("p99_ms"), kv.get("max_ms"), kv.get("errors")))
PY
