#!/usr/bin/env bash
# monitor.sh — live monitoring under load, through propdeskd and the real OpenSSH client:
#  1. LIVE agent sessions (the load generator's, typing whoami RATE a second each, plus WATCHED
#     more typing markers through tests/bench/monitorbench.py), first unwatched, then with
#     WATCHED + WATCHED/10 supervisors watching the WATCHED ones (one watcher each, two on
#     some): the mirror's latency (agent output to watcher output) and the agents' round trip
#     without and with the watchers;
#  2. `sessions --json` typed at a supervisor's prompt while HELD idle sessions are open.
# Goals: mirror p99 <= 10 ms, agents' rtt p99 with watchers within 1.2x of without, sessions
# --json <= 20 ms (Enter to its first bytes: every row listed and rendered; the time to carry
# the whole document through ssh is shown beside it). Prints a table, then the RESULT lines:
#   RESULT mode=mirror … | mode=rtt label=unwatched|watched … | mode=sessions_json …
#
# usage: tests/bench/monitor.sh [--build DIR] [--live N] [--watched N] [--held N]
#                               [--seconds S] [--quick]
#   defaults: build, 1,000 live sessions of which 50 watched, 10,000 held, 20 s per phase;
#   --quick: 200 live, 20 watched, 1,000 held, 8 s. Run by scripts/bench; no root needed.
#   MONITOR_BENCH_LOG=FILE keeps a copy of the daemon's log (its loop stalls name the command).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
builddir=build LIVE=1000 WATCHED=50 HELD=10000 SECS=20 RATE=1
while [ $# -gt 0 ]; do
	case $1 in
	--build) builddir=$2; shift ;;
	--live) LIVE=$2; shift ;;
	--watched) WATCHED=$2; shift ;;
	--held) HELD=$2; shift ;;
	--seconds) SECS=$2; shift ;;
	--quick) LIVE=200 WATCHED=20 HELD=1000 SECS=8 ;;
	-h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "monitor.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
[ "$WATCHED" -lt "$LIVE" ] || { echo "monitor.sh: --watched must be below --live" >&2; exit 2; }
WATCHERS=$((WATCHED + WATCHED / 10))
PROPDESKD=$root/$builddir/propdeskd
LOADGEN=$root/$builddir/propdesk-loadgen
DRIVER=$root/tests/bench/monitorbench.py
for b in "$PROPDESKD" "$LOADGEN"; do
	[ -x "$b" ] || { echo "monitor.sh: $b was not built" >&2; exit 1; }
done
log() { printf '[bench monitor] %s\n' "$*" >&2; }
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
tmp=$(mktemp -d /var/tmp/propdesk-monitor.XXXXXX)
PD_PID="" BG=""
cleanup() {
	[ -n "$BG" ] && kill "$BG" 2>/dev/null && wait "$BG" 2>/dev/null
	[ -n "$PD_PID" ] && kill "$PD_PID" 2>/dev/null && wait "$PD_PID" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
state=$tmp/state
mkdir -m 700 "$state"
cat >"$tmp/propdesk.conf" <<CONF
[service]
state_dir = $state
catalog_dir = $root/etc
log_level = warn
[ssh]
listen = 127.0.0.1:$port
[limits]
max_sessions = $((HELD + LIVE + WATCHERS + 100))
max_startups = 1000
max_startups_per_address = 1000
[auth]
max_failures = 1000
address_max_failures = 100000
[monitor]
scope = all
[record]
enabled = false
CONF
pd=("$PROPDESKD" --config "$tmp/propdesk.conf")
"${pd[@]}" db migrate >/dev/null
for u in agent:agent watched:agent sup:supervisor; do
	ssh-keygen -q -t ed25519 -N '' -C "${u%%:*}@bench" -f "$tmp/${u%%:*}.key"
	"${pd[@]}" user add "${u%%:*}" --role "${u#*:}" --key "$tmp/${u%%:*}.key.pub" >/dev/null
done
"$PROPDESKD" serve --config "$tmp/propdesk.conf" >"$tmp/daemon.log" 2>&1 &
PD_PID=$!
for _ in $(seq 1 200); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
	sleep 0.05
done
ssh_opts=(-F /dev/null -p "$port" -o BatchMode=yes -o IdentitiesOnly=yes
	-o UserKnownHostsFile="$tmp/known_hosts" -o StrictHostKeyChecking=accept-new
	-o LogLevel=ERROR -o ConnectTimeout=30)
lg_common=(-p "$port" -u agent -i "$tmp/agent.key" --server-pid "$PD_PID" --timeout 60)
: >"$tmp/results.txt"

# phase WATCHERS LABEL: LIVE - WATCHED generated agents and WATCHED driven ones typing for
# SECS seconds, WATCHERS supervisors watching the driven ones.
phase() {
	local w=$1 label=$2 i
	rm -f "$tmp/go" "$tmp/stop"
	python3 "$DRIVER" mirror --agents "$WATCHED" --watchers "$w" --rate "$RATE" \
		--go "$tmp/go" --stop "$tmp/stop" --agent "watched:$tmp/watched.key" \
		--sup "sup:$tmp/sup.key" -- "${ssh_opts[@]}" >"$tmp/mirror-$label.out" 2>>"$tmp/err" &
	BG=$!
	for i in $(seq 1 1200); do
		grep -q READY "$tmp/mirror-$label.out" && break
		kill -0 "$BG" 2>/dev/null || { log "the driver failed"; cat "$tmp/err" >&2; exit 1; }
		sleep 0.1
	done
	"$LOADGEN" rtt "${lg_common[@]}" -c "$((LIVE - WATCHED))" -r "$RATE" -d "$SECS" \
		--label "$label" >"$tmp/rtt-$label.out" 2>>"$tmp/err" &
	local lg=$!
	for i in $(seq 1 1200); do
		grep -q ' sessions open in ' "$tmp/rtt-$label.out" && break
		kill -0 "$lg" 2>/dev/null || break
		sleep 0.1
	done
	touch "$tmp/go"
	wait "$lg" || log "$label: the load generator exited $?"
	touch "$tmp/stop"
	wait "$BG" || log "$label: the driver exited $?"
	BG=""
	grep '^RESULT' "$tmp/rtt-$label.out" | sed "s/^RESULT /RESULT label=$label /" >>"$tmp/results.txt" || true
	grep '^RESULT' "$tmp/mirror-$label.out" | sed "s/^RESULT /RESULT label=$label /" >>"$tmp/results.txt" || true
	grep -v '^RESULT' "$tmp/rtt-$label.out" | sed 's/^/    /' >&2 || true
}

log "$LIVE live sessions, $WATCHED of them driven; unwatched, $SECS s"
phase 0 unwatched
log "the same with $WATCHERS supervisors watching the $WATCHED driven ones"
phase "$WATCHERS" watched

log "sessions --json with $HELD idle sessions held"
"$LOADGEN" hold "${lg_common[@]}" -n "$HELD" -c 200 -d 600 >"$tmp/hold.out" 2>>"$tmp/err" &
BG=$!
for _ in $(seq 1 6000); do
	grep -q 'sessions open in' "$tmp/hold.out" && break
	kill -0 "$BG" 2>/dev/null || break
	sleep 0.1
done
grep 'sessions open in' "$tmp/hold.out" | sed 's/^/    /' >&2 || log "the hold never opened: $(cat "$tmp/hold.out")"
python3 "$DRIVER" sessions --count 10 --sup "sup:$tmp/sup.key" --server-pid "$PD_PID" -- "${ssh_opts[@]}" \
	>"$tmp/sessions.out" 2>>"$tmp/err" || log "sessions --json failed: $(cat "$tmp/err")"
grep '^RESULT' "$tmp/sessions.out" >>"$tmp/results.txt" || true
stall=$(grep -o 'loop stall: [0-9]* ms' "$tmp/daemon.log" | awk '{print $3}' | sort -n | tail -1)
if [ -n "${MONITOR_BENCH_LOG:-}" ]; then cp "$tmp/daemon.log" "$MONITOR_BENCH_LOG"; fi
kill "$BG" 2>/dev/null
wait "$BG" 2>/dev/null || true
BG=""

python3 - "$tmp/results.txt" "${stall:-0}" "$LIVE" "$WATCHED" "$HELD" <<'PY'
import sys
rows = [dict(w.split("=", 1) for w in l.split()[1:] if "=" in w)
        for l in open(sys.argv[1], encoding="utf-8")]
stall, live, watched, held = sys.argv[2:6]
def row(mode, label=None):
    for kv in rows:
        if kv.get("mode") == mode and (label is None or kv.get("label") == label):
            return kv
    return {}
def f(kv, k):
    try:
        return float(kv.get(k, "nan"))
    except ValueError:
        return float("nan")
un, wa = row("rtt", "unwatched"), row("rtt", "watched")
mu, mw = row("mirror", "unwatched"), row("mirror", "watched")
sj = row("sessions_json")
print()
print(f"Live monitoring ({live} live sessions, {watched} watched by {mw.get('watchers', '?')}; "
      f"sessions --json with {held} held)")
print(f"{'measure':<44} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  goal")
print(f"{'mirror: agent output to watcher output':<44} {f(mw,'mirror_p50_ms'):>8.2f} "
      f"{f(mw,'mirror_p99_ms'):>8.2f} {f(mw,'mirror_max_ms'):>8.2f}  p99 <= 10")
print(f"{'agents rtt (generated), unwatched':<44} {f(un,'p50_ms'):>8.2f} {f(un,'p99_ms'):>8.2f} "
      f"{f(un,'max_ms'):>8.2f}")
print(f"{'agents rtt (generated), with watchers':<44} {f(wa,'p50_ms'):>8.2f} {f(wa,'p99_ms'):>8.2f} "
      f"{f(wa,'max_ms'):>8.2f}")
print(f"{'watched agents echo, unwatched':<44} {f(mu,'echo_p50_ms'):>8.2f} "
      f"{f(mu,'echo_p99_ms'):>8.2f} {'':>8}")
print(f"{'watched agents echo, watched':<44} {f(mw,'echo_p50_ms'):>8.2f} "
      f"{f(mw,'echo_p99_ms'):>8.2f} {'':>8}")
print(f"{'sessions --json, to its first bytes (' + sj.get('live', '?') + ' live)':<44} "
      f"{f(sj,'first_p50_ms'):>8.2f} {f(sj,'first_p99_ms'):>8.2f} {'':>8}  <= 20")
print(f"{'sessions --json, all ' + sj.get('bytes', '?') + ' bytes through ssh':<44} "
      f"{f(sj,'p50_ms'):>8.2f} {f(sj,'p99_ms'):>8.2f} {f(sj,'max_ms'):>8.2f}")
print(f"{'sessions --json, service CPU per command':<44} {f(sj,'server_cpu_ms'):>8.1f}")
ratio = f(wa, "p99_ms") / f(un, "p99_ms") if f(un, "p99_ms") > 0 else float("nan")
print(f"rtt p99 ratio with/without watchers: {ratio:.2f} (goal <= 1.2); "
      f"markers missed by watchers: {mw.get('missed', '?')}; longest loop stall {stall} ms")
for l in open(sys.argv[1], encoding="utf-8"):
    print(l, end="")
print(f"RESULT mode=monitor mirror_p99_ms={f(mw,'mirror_p99_ms'):.2f} rtt_p99_ratio={ratio:.2f} "
      f"sessions_json_first_p99_ms={f(sj,'first_p99_ms'):.2f} "
      f"sessions_json_p99_ms={f(sj,'p99_ms'):.2f} loop_stall_max_ms={stall}")
PY
