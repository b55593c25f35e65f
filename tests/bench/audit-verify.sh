#!/usr/bin/env bash
# audit-verify — how fast `audit verify` checks a sealed log, through the real service and ssh:
# a desk with N generated events (default 1,000,000; --quick 100,000) chained and sealed every
# 1,000 under the keys that `propdeskd audit init-key` gave (generated with the independent
# scripts/audit-verify-export.py, so the daemon verifies what another implementation wrote),
# then `audit verify --key-stdin` timed with and without the key, and `audit export` timed.
# Prints a table and a last line: RESULT audit events=N verify_key_eps=... verify_eps=...
# export_eps=...
# usage: tests/bench/audit-verify.sh [--quick] [--events N] [--build DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
n=1000000
builddir=build
while [ $# -gt 0 ]; do
	case $1 in
	--quick) n=100000 ;;
	--events) n=$2; shift ;;
	--build) builddir=$2; shift ;;
	*) echo "usage: $0 [--quick] [--events N] [--build DIR]" >&2; exit 2 ;;
	esac
	shift
done
export PROPDESKD=${PROPDESKD:-$root/$builddir/propdeskd}
. "$root/tests/integration/lib.sh"
pd_config audit.seal_events=1000 audit.seal_interval=86400
pd_user auditor1 auditor
"$PROPDESKD" audit init-key --config "$PD_CONF" --out "$PD_TMP/auditor.key" >/dev/null
t0=$(date +%s%N)
python3 - "$PD_STATE/propdesk.db" "$PD_TMP/auditor.key" "$root/scripts/audit-verify-export.py" \
	"$n" "$PD_STATE/audit-seal.key" <<'PY'
import importlib.util, sqlite3, sys, time
spec = importlib.util.spec_from_file_location("v", sys.argv[3]); v = importlib.util.module_from_spec(spec); spec.loader.exec_module(v)
db = sqlite3.connect(sys.argv[1])
idx, key = v.read_key(sys.argv[2])
n = int(sys.argv[4])
seq, prev = db.execute("select seq, hash from audit order by seq desc limit 1").fetchone()
sn, smac = db.execute("select n, mac from audit_seals order by n desc limit 1").fetchone()
while idx < sn + 1:
    key = v.ratchet(key); idx += 1
ts = int(time.time() * 1000) - n
rows, seals = [], []
for i in range(n):
    seq += 1
    e = dict(seq=seq, ts_ms=ts + i, account="agent%d" % (i % 50), role="agent", session="s%07d" % (i // 20),
             peer="10.0.0.%d:4000" % (i % 200), transport="ssh", action="command",
             target="#%d" % (i % 9000), detail="complaint list --status open 漏水", prev_hash=prev)
    h = v.event_hash(e)
    rows.append((seq, e["ts_ms"], e["account"], e["role"], e["session"], e["peer"], e["transport"], e["action"], e["target"], e["detail"], prev, h))
    prev = h
    if (i + 1) % 1000 == 0 or i == n - 1:
        s = dict(n=idx, seq=seq, ts_ms=ts + i, every=1000, interval_s=86400, hash=h, prev_mac=smac)
        s["mac"] = v.seal_mac(key, s)
        seals.append((s["n"], s["seq"], s["ts_ms"], 1000, 86400, h, smac, s["mac"]))
        smac = s["mac"]; key = v.ratchet(key); idx += 1
db.executemany("insert into audit values (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
db.executemany("insert into audit_seals (n, seq, ts_ms, every, interval_s, hash, prev_mac, mac) values (?,?,?,?,?,?,?,?)", seals)
db.commit()
with open(sys.argv[5], "w") as f:
    f.write("propdesk-audit-seal-key v1\nindex %d\nkey %s\n" % (idx, key.hex()))
PY
t1=$(date +%s%N)
echo "generated $n events in $(( (t1 - t0) / 1000000 )) ms" >&2
pd_start
ms() { local a b; a=$(date +%s%N); "$@" >"$PD_TMP/out" 2>"$PD_TMP/err" || true; b=$(date +%s%N); echo $(( (b - a) / 1000000 )); }
mk=$(ms pd_ssh auditor1 -o SetEnv=LANG=en_US.UTF-8 audit verify --key-stdin <"$PD_TMP/auditor.key")
grep -q "Audit log OK" "$PD_TMP/out" || { cat "$PD_TMP/out" "$PD_TMP/err" >&2; pd_fail "verify with the key failed"; }
m0=$(ms pd_ssh auditor1 -o SetEnv=LANG=en_US.UTF-8 audit verify)
grep -q "Audit log OK" "$PD_TMP/out" || pd_fail "verify failed"
mx=$(ms pd_ssh auditor1 audit export)
lines=$(wc -l <"$PD_TMP/out")
pd_stop
stall=$(grep -o 'longest turn of the loop was [0-9]* ms' "$PD_LOG" | grep -o "[0-9]*" | tail -1 || true)
eps() { python3 -c "print(int($n * 1000 / max($1, 1)))"; }
printf '  audit log of %d events (sealed every 1,000)\n' "$n"
printf '  %-34s %8s ms %12s events/s\n' "audit verify --key-stdin" "$mk" "$(eps "$mk")"
printf '  %-34s %8s ms %12s events/s\n' "audit verify (no key)" "$m0" "$(eps "$m0")"
printf '  %-34s %8s ms %12s events/s (%d lines)\n' "audit export" "$mx" "$(eps "$mx")" "$lines"
printf '  longest loop turn: %s ms\n' "${stall:-?}"
echo "RESULT audit events=$n verify_key_ms=$mk verify_key_eps=$(eps "$mk") verify_eps=$(eps "$m0") export_eps=$(eps "$mx") stall_ms=${stall:-na}"
