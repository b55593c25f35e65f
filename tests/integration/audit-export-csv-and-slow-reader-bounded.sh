#!/usr/bin/env bash
# audit export through the real daemon and ssh: as CSV (RFC 4180, every chain field) it
# re-verifies with the auditors' key by the independent scripts/audit-verify-export.py, and a
# changed or removed record fails it; a wrong --format is refused in both languages. Then over
# a log of 200,000 events (about 70 MB of export) a reader that stops for 4 s holds the export
# back: the daemon's memory stays within a few megabytes of where it was, and the export the
# reader gets in the end is whole and verifies.
. "$(dirname "$0")/lib.sh"

VERIFY_EXPORT="$(cd "$(dirname "$0")/../.." && pwd)/scripts/audit-verify-export.py"
AUDITBENCH=${AUDITBENCH:-$(dirname "$PROPDESKD")/propdesk-auditbench}
KEY="$PD_TMP/auditor.key"
[ -x "$AUDITBENCH" ] || pd_fail "no $AUDITBENCH (ninja -C build builds it)"

pd_config audit.seal_events=4 audit.seal_interval=60
pd_user auditor1 auditor
pd_user agent1 agent
"$PROPDESKD" audit init-key --config "$PD_CONF" --out "$KEY" >/dev/null
pd_start
for i in 1 2 3 4 5; do pd_ssh agent1 whoami >/dev/null; done
pd_ssh agent1 "technique show 'say \"hi\", then'" >/dev/null 2>&1 || true

pd_ssh auditor1 audit export --format csv >"$PD_TMP/a.csv"
head -1 "$PD_TMP/a.csv" | grep -q $'^type,seq,ts_ms,account,role,session,peer,transport,action,target,detail,prev_hash,hash,n,every,interval_s,prev_mac,mac\r$' ||
	pd_fail "the CSV's first line: $(head -1 "$PD_TMP/a.csv")"
grep -q '^event,1,' "$PD_TMP/a.csv" || pd_fail "no first event in the CSV"
grep -q '^seal,' "$PD_TMP/a.csv" || pd_fail "no seal in the CSV"
tail -1 "$PD_TMP/a.csv" | grep -q '^end,' || pd_fail "the CSV does not end with its end record"
# The command is kept as typed, re-quoted: technique show "say \"hi\", then".
grep -qF '"technique show ""say \""hi\"", then"""' "$PD_TMP/a.csv" || pd_fail "a field with a comma and a quote is not quoted as RFC 4180 says"
out=$(python3 "$VERIFY_EXPORT" "$PD_TMP/a.csv" --key "$KEY") || pd_fail "the CSV export does not verify: $out"
pd_assert_contains "$out" "proven with the key" "the CSV export, verified with the key"
# The same records as the JSON lines.
pd_ssh auditor1 audit export >"$PD_TMP/a.jsonl"
python3 - "$PD_TMP/a.csv" "$PD_TMP/a.jsonl" <<'PY' || pd_fail "the CSV and the JSON lines differ"
import json, sys
csv = [l.split(",", 2)[:2] for l in open(sys.argv[1], newline="").read().split("\r\n")[2:] if l]
js = [json.loads(l) for l in open(sys.argv[2]) if l.strip()][1:]
a = [(t, int(s)) for t, s in csv if t in ("event", "seal")]
b = [(r["type"], r["seq"]) for r in js if r["type"] in ("event", "seal")]
assert a[: len(b)] == b[: len(a)] and abs(len(a) - len(b)) <= 4, (a[:5], b[:5])
PY
# A changed field, a removed seal, a cut end: each caught.
sed '0,/^event,3,/s/^\(event,3,[0-9]*,"[^"]*\)"/\1x"/' "$PD_TMP/a.csv" >"$PD_TMP/bad1.csv"
cmp -s "$PD_TMP/a.csv" "$PD_TMP/bad1.csv" && pd_fail "the tampering did not change the file"
rc=0; python3 "$VERIFY_EXPORT" "$PD_TMP/bad1.csv" --key "$KEY" 2>"$PD_TMP/err" || rc=$?
pd_assert_eq "$rc" 1 "a changed CSV fails"
pd_assert_contains "$(cat "$PD_TMP/err")" "event 3: altered" "a changed CSV"
awk 'BEGIN { n = 0 } /^seal,/ && n++ == 1 { next } { print }' "$PD_TMP/a.csv" >"$PD_TMP/bad2.csv"
rc=0; python3 "$VERIFY_EXPORT" "$PD_TMP/bad2.csv" --key "$KEY" 2>"$PD_TMP/err" || rc=$?
pd_assert_eq "$rc" 1 "a CSV without one of its seals fails"
pd_assert_contains "$(cat "$PD_TMP/err")" "missing" "a removed seal"
head -c -200 "$PD_TMP/a.csv" >"$PD_TMP/bad3.csv"
rc=0; python3 "$VERIFY_EXPORT" "$PD_TMP/bad3.csv" --key "$KEY" 2>"$PD_TMP/err" || rc=$?
pd_assert_eq "$rc" 1 "a cut CSV fails"
# Bad input: a clear error in both languages.
rc=0; out=$(pd_ssh auditor1 -o SetEnv=LANG=en_US.UTF-8 audit export --format xml 2>&1) || rc=$?
pd_assert_eq "$rc" 2 "an unknown --format"
pd_assert_contains "$out" "--format: jsonl or csv" "an unknown --format, in English"
out=$(pd_ssh auditor1 -o SetEnv=LANG=zh_CN.UTF-8 audit export --format xml 2>&1) || true
pd_assert_contains "$out" "jsonl 或 csv" "an unknown --format, in Chinese"
rc=0; pd_ssh agent1 audit export --format csv >/dev/null 2>&1 || rc=$?
pd_assert_eq "$rc" 3 "an agent's export is refused"
pd_stop

# A big log, and a reader that stops. (Under AddressSanitizer freed memory is held in a
# quarantine of 256 MB, which would count as growth: a small one keeps the measure honest.)
if ldd "$PROPDESKD" 2>/dev/null | grep -q libasan; then
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4"
fi
"$AUDITBENCH" --db "$PD_STATE/propdesk.db" --key-state "$PD_STATE/audit-seal.key" \
	--events 200000 --every 1000 >/dev/null || pd_fail "generating the log failed"
pd_start
pd_ssh auditor1 whoami >/dev/null
rss() { awk '/^VmRSS/ {print $2}' "/proc/$PD_PID/status"; }
base=$(rss)
pd_ssh auditor1 audit export |
	{ head -c 1048576 >"$PD_TMP/part1"; sleep 4; cat >"$PD_TMP/part2"; } &
reader=$!
peak=0
while kill -0 "$reader" 2>/dev/null; do
	r=$(rss); [ "${r:-0}" -gt "$peak" ] && peak=$r
	sleep 0.05
done
wait "$reader" || pd_fail "the slow reader's export failed"
pd_log "daemon RSS ${base} KiB before, peak ${peak} KiB during the export to a reader that stopped"
[ $((peak - base)) -lt 24576 ] ||
	pd_fail "the daemon grew by $((peak - base)) KiB for a stopped reader (the export is held in memory)"
cat "$PD_TMP/part1" "$PD_TMP/part2" >"$PD_TMP/big.jsonl"
size=$(stat -c %s "$PD_TMP/big.jsonl")
[ "$size" -gt 50000000 ] || pd_fail "the export is only $size bytes"
out=$(python3 "$VERIFY_EXPORT" "$PD_TMP/big.jsonl" --key "$KEY") ||
	pd_fail "the export the slow reader got does not verify: $out"
pd_assert_contains "$out" "proven with the key" "the slow reader's export"
pd_stop
pd_log "ok"
