#!/usr/bin/env bash
# movein-import.sh — a unit register imported through the real service while agents work: an
# admin imports ROWS units by `ssh admin@desk unit import < units.csv` (the handbook's columns:
# unit, area, housing type, owner's name, phone and ID number), again and again with the
# owners' names changed each time so that every row is an update, while READERS agents type
# `whoami` once a second; first the agents alone, for a baseline. Prints each import's time and
# the agents' round trips before and during, with the longest loop stall logged:
#   RESULT mode=movein-import rows=N imports=K import_p50_ms=… import_max_ms=…
#   RESULT mode=movein-import-rtt phase=before|during p50_ms=… p99_ms=… max_ms=… errors=…
#
# usage: tests/bench/movein-import.sh [--build DIR] [--rows N] [--seconds S] [--readers N]
#   defaults: build, 10000 rows, 15 s of imports, 20 agents. Run by scripts/bench.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
builddir=build ROWS=10000 SECS=15 READERS=20 STALL_MS=5
while [ $# -gt 0 ]; do
	case $1 in
	--build) builddir=$2; shift ;;
	--rows) ROWS=$2; shift ;;
	--seconds) SECS=$2; shift ;;
	--readers) READERS=$2; shift ;;
	-h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "movein-import.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
PROPDESKD=$root/$builddir/propdeskd
LOADGEN=$root/$builddir/propdesk-loadgen
for b in "$PROPDESKD" "$LOADGEN"; do
	[ -x "$b" ] || { echo "movein-import.sh: $b was not built" >&2; exit 1; }
done
log() { printf '[bench movein-import] %s\n' "$*" >&2; }
tmp=$(mktemp -d /var/tmp/propdesk-movein-import.XXXXXX)
PD_PID="" LG_PID=""
cleanup() {
	[ -n "$LG_PID" ] && kill "$LG_PID" 2>/dev/null && wait "$LG_PID" 2>/dev/null
	[ -n "$PD_PID" ] && kill "$PD_PID" 2>/dev/null && wait "$PD_PID" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Two registers of the same units, the owners' names differing: each import updates every row.
python3 - "$ROWS" "$tmp/a.csv" "$tmp/b.csv" <<'PY'
import random, sys
rows, out_a, out_b = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rng = random.Random(11)
surnames = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
given = ["建国", "秀英", "伟", "芳", "志强", "海燕", "玉兰", "文华", "国庆", "淑珍", "磊", "静"]
weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
def ident():
    body = "320102%04d%02d%02d%03d" % (rng.randint(1950, 1999), rng.randint(1, 12),
                                       rng.randint(1, 28), rng.randint(0, 999))
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]
units = []
for i in range(rows):
    code = "%d-%d-%d%02d" % (31 + i // 400, 1 + i // 200 % 2, 1 + i // 4 % 50, 1 + i % 4)
    units.append((code, 60 + rng.randint(0, 80), "commercial" if i % 6 else "resettlement",
                  "13%09d" % rng.randint(0, 999999999), ident()))
for path, shift in ((out_a, 0), (out_b, 1)):
    with open(path, "w", encoding="utf-8") as f:
        f.write("unit,area_m2,housing_type,owner_name,owner_phone,owner_id\n")
        for i, (code, area, housing, phone, idn) in enumerate(units):
            name = surnames[(i + shift) % len(surnames)] + given[(i * 7 + shift) % len(given)]
            f.write(f"{code},{area},{housing},{name},{phone},{idn}\n")
PY

state=$tmp/state
mkdir -p "$state"
chmod 700 "$state"
ssh-keygen -q -t ed25519 -N '' -C bench@propdesk -f "$tmp/bench.key"
pd=("$PROPDESKD" --config "$root/etc/propdesk.conf" --state-dir "$state")
"${pd[@]}" db migrate >/dev/null
"${pd[@]}" user add bench --role agent --key "$tmp/bench.key.pub" >/dev/null
"${pd[@]}" user add benchadmin --role admin --key "$tmp/bench.key.pub" >/dev/null
port=$(free_port)
cat >"$tmp/propdesk.conf" <<CONF
[service]
state_dir = $state
catalog_dir = $root/etc
log_level = warn
stall_warn_ms = $STALL_MS
[ssh]
listen = 127.0.0.1:$port
[limits]
max_stdin = 16777216
CONF
"$PROPDESKD" serve --config "$tmp/propdesk.conf" >"$tmp/daemon.log" 2>&1 &
PD_PID=$!
for _ in $(seq 1 200); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
	sleep 0.05
done
admin() {
	ssh -F /dev/null -p "$port" -o BatchMode=yes -o IdentitiesOnly=yes \
		-o UserKnownHostsFile="$tmp/known_hosts" -o StrictHostKeyChecking=accept-new \
		-o LogLevel=ERROR -i "$tmp/bench.key" benchadmin@127.0.0.1 "$@"
}
now_ms() { date +%s%3N; }
common=(-p "$port" -u bench -i "$tmp/bench.key" -c "$READERS" -r 1 --server-pid "$PD_PID" --timeout 60)

# The register first (all added), then the agents alone.
t=$(now_ms)
admin unit import <"$tmp/a.csv" >"$tmp/import.out" 2>"$tmp/import.err" ||
	{ cat "$tmp/import.out" "$tmp/import.err" >&2; exit 1; }
log "first import of $ROWS units (all added): $(($(now_ms) - t)) ms: $(head -c 200 "$tmp/import.out")"
"$LOADGEN" rtt "${common[@]}" -d 5 --cmd whoami >"$tmp/before.out" 2>>"$tmp/err" || true

# Then imports one after another while the agents type.
before=$(wc -l <"$tmp/daemon.log")
"$LOADGEN" rtt "${common[@]}" -d "$SECS" --cmd whoami >"$tmp/during.out" 2>>"$tmp/err" &
LG_PID=$!
sleep 1
: >"$tmp/imports.txt"
k=0
while kill -0 "$LG_PID" 2>/dev/null; do
	f=$tmp/b.csv
	[ $((k % 2)) = 1 ] && f=$tmp/a.csv
	t=$(now_ms)
	if ! admin unit import <"$f" >"$tmp/import.out" 2>"$tmp/import.err"; then
		log "import failed: $(cat "$tmp/import.out" "$tmp/import.err" | head -c 300)"
		break
	fi
	echo $(($(now_ms) - t)) >>"$tmp/imports.txt"
	k=$((k + 1))
done
wait "$LG_PID" || true
LG_PID=""
log "last import said: $(head -c 200 "$tmp/import.out")"
worst=$(tail -n +"$((before + 1))" "$tmp/daemon.log" |
	sed -n 's/.*loop stall: \([0-9]*\) ms busy in one turn (\(.*\)); longest.*/\1 \2/p' |
	sort -n | tail -n 1)
[ -n "$worst" ] && log "longest loop stall during the imports: $worst"
python3 - "$ROWS" "$tmp/imports.txt" "$tmp/before.out" "$tmp/during.out" "${worst%% *}" <<'PY'
import sys
rows, imports, before, during, stall = sys.argv[1:6]
ms = sorted(int(l) for l in open(imports) if l.strip())
def rtt(path):
    for line in open(path, encoding="utf-8", errors="replace"):
        if line.startswith("RESULT "):
            return dict(w.split("=", 1) for w in line.split()[1:] if "=" in w)
    return {}
b, d = rtt(before), rtt(during)
print()
print(f"A register of {rows} units imported again and again while {'agents'} type whoami")
if ms:
    print(f"  imports: {len(ms)}, each p50 {ms[len(ms) // 2]} ms, max {ms[-1]} ms "
          f"({int(rows) * 1000 // max(ms[len(ms) // 2], 1)} rows a second)")
print(f"  agents' round trip before: p50 {b.get('p50_ms', '-')} p99 {b.get('p99_ms', '-')} "
      f"max {b.get('max_ms', '-')} ms; during: p50 {d.get('p50_ms', '-')} p99 "
      f"{d.get('p99_ms', '-')} max {d.get('max_ms', '-')} ms; longest loop stall "
      f"{stall or '-'} ms")
print("RESULT mode=movein-import rows=%s imports=%d import_p50_ms=%s import_max_ms=%s stall_ms=%s" % (
    rows, len(ms), ms[len(ms) // 2] if ms else "na", ms[-1] if ms else "na", stall or "na"))
for phase, kv in (("before", b), ("during", d)):
    print("RESULT mode=movein-import-rtt phase=%s p50_ms=%s p99_ms=%s max_ms=%s errors=%s" % (
        phase, kv.get("p50_ms"), kv.get("p99_ms"), kv.get("max_ms"), kv.get("errors")))
PY
kill "$PD_PID"
wait "$PD_PID" 2>/dev/null || true
PD_PID=""
