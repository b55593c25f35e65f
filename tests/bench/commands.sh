#!/usr/bin/env bash
# commands.sh — the commands agents run, timed through the real service on a desk seeded like
# the demo (`propdeskd demo seed`), at each size given: for each command, interactive sessions
# type it at the prompt (build/propdesk-loadgen rtt) while the daemon logs every turn of its
# loop busy for STALL_MS or more; prints p50/p99/max as the agent sees them and the longest
# loop stall while the command ran, then one line per command and size:
#   RESULT mode=command size=N cmd=NAME p50_ms=… p99_ms=… max_ms=… stall_ms=… errors=…
#
# usage: tests/bench/commands.sh [--quick] [--build DIR] [--sizes N,N...] [--desks DIR] [--only RE]
#   --quick      one desk of 20,000 complaints, 2 s per command (default sizes: 100000,1000000)
#   --build DIR  meson build directory (default build)
#   --sizes      desk sizes in complaints
#   --desks DIR  where seeded desks are kept between runs (default /var/tmp/propdesk-bench-desks:
#                a desk of a million takes about half an hour to seed, once)
#   --only RE    only the commands whose label matches the extended regex RE (e.g. 'report|overdue')
# Called by scripts/bench; runs on its own as well (no root needed).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

quick=0
builddir=build
sizes=""
desks=/var/tmp/propdesk-bench-desks
only=""
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--build) builddir=$2; shift ;;
	--sizes) sizes=$2; shift ;;
	--desks) desks=$2; shift ;;
	--only) only=$2; shift ;;
	-h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "commands.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
if [ "$quick" = 1 ]; then
	sizes=${sizes:-20000}; SECS=2; SESS=4; RATE=2
else
	sizes=${sizes:-100000,1000000}; SECS=10; SESS=4; RATE=2
fi
STALL_MS=5
PROPDESKD=$root/$builddir/propdeskd
LOADGEN=$root/$builddir/propdesk-loadgen
for b in "$PROPDESKD" "$LOADGEN"; do
	[ -x "$b" ] || { echo "commands.sh: $b was not built" >&2; exit 1; }
done

log() { printf '[bench commands] %s\n' "$*" >&2; }

tmp=$(mktemp -d /tmp/propdesk-commands.XXXXXX)
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

mkdir -p "$desks"
chmod 700 "$desks"

# desk N: a state directory with the demo's accounts, the bench agent (key DIR/bench.key) and N
# complaints, seeded once and kept.
desk() {
	local n=$1 dir=$desks/$1
	if [ ! -f "$dir/seeded" ]; then
		rm -rf "$dir"
		mkdir -p "$dir/state"
		chmod 700 "$dir" "$dir/state"
		local pd=("$PROPDESKD" --config "$root/etc/propdesk.conf" --state-dir "$dir/state")
		"${pd[@]}" db migrate >/dev/null
		ssh-keygen -q -t ed25519 -N '' -C bench@propdesk -f "$dir/bench.key"
		"${pd[@]}" user add bench --role agent --key "$dir/bench.key.pub" >/dev/null
		"${pd[@]}" user add benchsup --role supervisor --key "$dir/bench.key.pub" >/dev/null
		local a
		for a in "supervisor1 supervisor" "agent1 agent" "agent2 agent" "agent3 agent" \
			"auditor1 auditor" "admin1 admin"; do
			"${pd[@]}" user add "${a% *}" --role "${a#* }" >/dev/null
		done
		log "seeding a desk of $n complaints in $dir (once; kept for the next runs)"
		local t0=$SECONDS
		"${pd[@]}" demo seed --complaints "$n" >"$dir/seed.log" 2>&1 ||
			{ cat "$dir/seed.log" >&2; return 1; }
		log "seeded in $((SECONDS - t0)) s: $(tail -n 1 "$dir/seed.log")"
		touch "$dir/seeded"
	fi
	"$PROPDESKD" db migrate --config "$root/etc/propdesk.conf" --state-dir "$dir/state" >/dev/null
}

: >"$tmp/results.txt"
IFS=, read -r -a size_list <<<"$sizes"
for n in "${size_list[@]}"; do
	desk "$n"
	state=$desks/$n/state
	key=$desks/$n/bench.key
	port=$(free_port)
	cat >"$tmp/propdesk.conf" <<EOF
[service]
state_dir = $state
catalog_dir = $root/etc
log_level = warn
stall_warn_ms = $STALL_MS
[ssh]
listen = 127.0.0.1:$port
EOF
	"$PROPDESKD" serve --config "$tmp/propdesk.conf" >"$tmp/daemon.log" 2>&1 &
	PD_PID=$!
	for _ in $(seq 1 200); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
		sleep 0.05
	done
	# exec_cmd USER COMMAND...
	exec_cmd() {
		local user=$1
		shift
		ssh -F /dev/null -p "$port" -o BatchMode=yes -o IdentitiesOnly=yes \
			-o UserKnownHostsFile="$tmp/known_hosts" -o StrictHostKeyChecking=accept-new \
			-o LogLevel=ERROR -i "$key" "$user@127.0.0.1" "$@"
	}
	unit=$(exec_cmd bench unit list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["code"])')
	number=$(exec_cmd bench complaint list --limit 1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["number"])')
	# label|account|command: agents' commands as the bench agent, the report as a supervisor.
	cmds=("whoami|bench|whoami" "complaint list|bench|complaint list"
		"complaint list --overdue|bench|complaint list --overdue"
		"complaint list --status open|bench|complaint list --status open"
		"complaint search 漏水|bench|complaint search 漏水"
		"complaint show|bench|complaint show $number" "promise list|bench|promise list"
		"report techniques|benchsup|report techniques" "unit show|bench|unit show $unit")
	for entry in "${cmds[@]}"; do
		IFS='|' read -r label user c <<<"$entry"
		[ -z "$only" ] || grep -qE -- "$only" <<<"$label" || continue
		# Once by exec first: a command that fails would time an error message.
		if ! exec_cmd "$user" "$c" >/dev/null 2>"$tmp/exec.err"; then
			log "$n: $c failed: $(head -c 300 "$tmp/exec.err")"
			printf 'RESULT mode=rtt size=%s cmd=%s errors=failed\n' "$n" "${label// /_}" >>"$tmp/results.txt"
			continue
		fi
		before=$(wc -l <"$tmp/daemon.log")
		out=$("$LOADGEN" rtt -p "$port" -u "$user" -i "$key" -c "$SESS" -r "$RATE" \
			-d "$SECS" --cmd "$c" --server-pid "$PD_PID" --timeout 120 2>>"$tmp/loadgen.err" || true)
		# The longest stall while it ran, and what the loop was running then.
		worst=$(tail -n +"$((before + 1))" "$tmp/daemon.log" |
			sed -n 's/.*loop stall: \([0-9]*\) ms busy in one turn (\(.*\)); longest.*/\1 \2/p' |
			sort -n | tail -n 1)
		stall=${worst%% *}
		[ -n "$worst" ] && log "$n: $label: longest loop stall $worst"
		r=$(printf '%s\n' "$out" | grep '^RESULT' || true)
		[ -n "$r" ] || { log "$c: no result"; printf '%s\n' "$out" | sed 's/^/    /' >&2; }
		printf '%s size=%s cmd=%s stall_ms=%s\n' "${r:-RESULT mode=rtt}" "$n" "${label// /_}" \
			"${stall:-<$STALL_MS}" >>"$tmp/results.txt"
		log "$n: $c: $(printf '%s\n' "$out" | grep 'requests in' | sed 's/^ *//')"
	done
	kill "$PD_PID"
	wait "$PD_PID" 2>/dev/null || true
	PD_PID=""
	grep -a 'longest turn' "$tmp/daemon.log" | sed 's/^.*stopped; /    /' >&2 || true
done

python3 - "$tmp/results.txt" "$STALL_MS" <<'PY'
import sys
rows = []
for line in open(sys.argv[1], encoding="utf-8"):
    kv = dict(w.split("=", 1) for w in line.split()[1:] if "=" in w)
    rows.append(kv)
print()
print(f"Commands through the service (sessions typing at the prompt; loop stalls logged from {sys.argv[2]} ms)")
print(f"{'complaints':>10}  {'command':<30} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'stall ms':>9} {'errors':>6}")
for kv in rows:
    cmd = kv.get("cmd", "?").replace("_", " ")
    print(f"{int(kv.get('size', 0)):>10,}  {cmd:<30} {kv.get('p50_ms', '-'):>8} {kv.get('p99_ms', '-'):>8} "
          f"{kv.get('max_ms', '-'):>8} {kv.get('stall_ms', '-'):>9} {kv.get('errors', '-'):>6}")
for kv in rows:
    print("RESULT mode=command size=%s cmd=%s p50_ms=%s p99_ms=%s max_ms=%s stall_ms=%s errors=%s" % (
        kv.get("size"), kv.get("cmd"), kv.get("p50_ms", "-"), kv.get("p99_ms", "-"),
        kv.get("max_ms", "-"), kv.get("stall_ms", "-"), kv.get("errors", "-")))
PY
