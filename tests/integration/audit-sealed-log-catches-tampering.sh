#!/usr/bin/env bash
# The sealed audit log through the real daemon and ssh: `propdeskd audit init-key` hands out
# the first key (0600) and the service seals every few events; an auditor's `audit verify`
# with that key on stdin says OK with the counts, and after each attack by someone who owns
# the database (an event altered, deleted, swapped, inserted; the chain rebuilt after an edit;
# the seals redone with today's key; the tail cut) names the first broken event and the
# attack. The export re-verifies with the independent script, and a changed export fails it.
# Agents cannot read the log; every audit command is itself audited.
. "$(dirname "$0")/lib.sh"

VERIFY_EXPORT="$(cd "$(dirname "$0")/../.." && pwd)/scripts/audit-verify-export.py"
DB="$PD_STATE/propdesk.db"
KEY="$PD_TMP/auditor.key"

pd_config audit.seal_events=4 audit.seal_interval=60
pd_user auditor1 auditor
pd_user agent1 agent
out=$("$PROPDESKD" audit init-key --config "$PD_CONF" --out "$KEY")
pd_assert_contains "$out" "seal #0" "init-key output"
pd_assert_eq "$(stat -c %a "$KEY")" 600 "mode of the auditors' key file"
pd_assert_eq "$(stat -c %a "$PD_STATE/audit-seal.key")" 600 "mode of the key state"
cmp -s "$KEY" "$PD_STATE/audit-seal.key" && pd_fail "the key state still holds the first key"
rc=0
"$PROPDESKD" audit init-key --config "$PD_CONF" >/dev/null 2>&1 || rc=$?
pd_assert_eq "$rc" 1 "a second init-key is refused"

pd_start
for i in 1 2 3 4; do pd_ssh agent1 whoami >/dev/null; done
grep -q "audit seal #1" "$PD_LOG" || pd_fail "no seal in the daemon log"

t0=$(date +%s%N)
out=$(pd_ssh auditor1 -o SetEnv=LANG=en_US.UTF-8 audit verify --key-stdin <"$KEY")
t1=$(date +%s%N)
pd_assert_contains "$out" "Audit log OK" "verify of the intact log"
pd_assert_contains "$out" "proven with the key" "verify with the key"
pd_log "verify over ssh: $(( (t1 - t0) / 1000000 )) ms"
out=$(pd_ssh auditor1 -o SetEnv=LANG=zh_CN.UTF-8 audit verify)
pd_assert_contains "$out" "审计日志完好" "verify in Chinese"

# Agents read nothing of it.
rc=0
pd_ssh agent1 audit list >/dev/null 2>&1 || rc=$?
pd_assert_eq "$rc" 3 "an agent's audit list is refused"
rc=0
pd_ssh agent1 audit export >/dev/null 2>&1 || rc=$?
pd_assert_eq "$rc" 3 "an agent's audit export is refused"

# Review: filters, a page, one event, JSON.
out=$(pd_ssh auditor1 audit list --account agent1 --action login --json)
python3 -c '
import json, sys
ev = json.loads(sys.stdin.read())["items"]
assert len(ev) >= 4, ev
assert all(e["account"] == "agent1" and e["action"] == "login" for e in ev), ev
assert ev[0]["seq"] > ev[-1]["seq"], "newest first"
' <<<"$out" || pd_fail "audit list --account --action --json"
out=$(pd_ssh auditor1 audit list --grep 'audit.verif(y|ied)' --action command --limit 2 --json)
python3 -c '
import json, sys
ev = json.loads(sys.stdin.read())["items"]
assert len(ev) == 2 and all(e["target"] == "audit verify" for e in ev), ev
' <<<"$out" || pd_fail "audit list --grep: $out"
# A page says whether more follow and where the next one starts.
out=$(pd_ssh auditor1 audit list --account agent1 --action login --limit 1 --json)
before=$(python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
assert r["total"] is None and r["limit"] == 1 and r["more"] is True, r
assert len(r["items"]) == 1 and r["next_before"] == r["items"][0]["seq"], r
print(r["next_before"])
' <<<"$out") || pd_fail "audit list --limit 1: $out"
out=$(pd_ssh auditor1 audit list --account agent1 --action login --limit 1 --before "$before" --json)
python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
assert len(r["items"]) == 1 and r["items"][0]["seq"] < int(sys.argv[1]), r
' "$before" <<<"$out" || pd_fail "audit list --before next_before: $out"
out=$(pd_ssh auditor1 -o SetEnv=LANG=en_US.UTF-8 audit list --account agent1 --action login --limit 1)
pd_assert_contains "$out" "(1 shown; more results: use --before $before with the same filters)" \
	"audit list's more line"
out=$(pd_ssh auditor1 audit list --target "'audit verify'" --json)
python3 -c '
import json, sys
ev = json.loads(sys.stdin.read())["items"]
assert len(ev) >= 2 and all(e["target"] == "audit verify" for e in ev), ev
' <<<"$out" || pd_fail "audit list --target: $out"
sess=$(sqlite3 "$DB" "select session from audit where account = 'agent1' and session is not null limit 1")
out=$(pd_ssh auditor1 audit list --session "$sess" --role agent --json)
python3 -c '
import json, sys
ev = json.loads(sys.stdin.read())["items"]
assert len(ev) >= 2 and all(e["session"] == sys.argv[1] and e["role"] == "agent" for e in ev), ev
' "$sess" <<<"$out" || pd_fail "audit list --session --role: $out"
rc=0
out=$(pd_ssh auditor1 -o SetEnv=LANG=en_US.UTF-8 audit list --grep '(' 2>&1) || rc=$?
pd_assert_eq "$rc" 2 "a pattern that does not compile"
out=$(pd_ssh auditor1 -o SetEnv=LANG=en_US.UTF-8 audit list --limit 3)
pd_assert_contains "$out" "more results: use --before" "a page says how to get the next"
out=$(pd_ssh auditor1 -o SetEnv=LANG=en_US.UTF-8 audit show 1)
pd_assert_contains "$out" "user.add" "audit show 1"
rc=0
pd_ssh auditor1 audit show 999999 >/dev/null 2>&1 || rc=$?
pd_assert_eq "$rc" 1 "audit show of a missing event"

# Export, re-verified elsewhere with the key; a changed line fails.
pd_ssh auditor1 audit export >"$PD_TMP/export.jsonl"
python3 "$VERIFY_EXPORT" "$PD_TMP/export.jsonl" --key "$KEY" >"$PD_TMP/ve.out" ||
	pd_fail "the export does not verify: $(cat "$PD_TMP/ve.out")"
pd_assert_contains "$(cat "$PD_TMP/ve.out")" "proven with the key" "independent verifier"
sed 's/"action":"login"/"action":"logon"/' "$PD_TMP/export.jsonl" >"$PD_TMP/bad.jsonl"
rc=0
python3 "$VERIFY_EXPORT" "$PD_TMP/bad.jsonl" --key "$KEY" 2>"$PD_TMP/ve.err" || rc=$?
pd_assert_eq "$rc" 1 "a changed export fails"
pd_assert_contains "$(cat "$PD_TMP/ve.err")" "altered" "a changed export"

# The auditors were audited.
n=$(sqlite3 "$DB" "select count(*) from audit where account='auditor1' and action='command'
	and detail like 'audit %'")
[ "$n" -ge 6 ] || pd_fail "auditor1's audit commands were not audited ($n)"
n=$(sqlite3 "$DB" "select count(*) from audit where account='auditor1' and action='audit.verify'")
[ "$n" -ge 2 ] || pd_fail "verification results were not audited ($n)"
pd_stop

# ---- attacks: each on a copy of the sealed desk, verified through the service --------------
cp -a "$PD_STATE" "$PD_TMP/clean"
head=$(sqlite3 "$DB" "select max(seq) from audit")
[ "$head" -ge 20 ] || pd_fail "too few events for the attacks ($head)"

# attack NAME FAULT SEQ [SQL | python CODE]: restores the desk, applies the attack, verifies.
attack() {
	local name=$1 fault=$2 seq=$3 kind=$4 code=$5 out
	rm -rf "$PD_STATE"
	cp -a "$PD_TMP/clean" "$PD_STATE"
	if [ "$kind" = sql ]; then
		sqlite3 "$DB" "$code"
	else
		python3 - "$DB" "$PD_STATE/audit-seal.key" "$VERIFY_EXPORT" <<<"$code"
	fi
	pd_start
	rc=0
	out=$(pd_ssh auditor1 -o SetEnv=LANG=en_US.UTF-8 audit verify --key-stdin --json <"$KEY") || rc=$?
	pd_assert_eq "$rc" 1 "$name: exit status"
	python3 -c '
import json, sys
r = json.loads(sys.argv[1])
assert r["ok"] is False and r["fault"] == sys.argv[2] and r["bad_seq"] == int(sys.argv[3]), r
' "$out" "$fault" "$seq" || pd_fail "$name: expected $fault at $seq, got $out"
	pd_stop
	pd_log "$name: caught ($fault at $seq)"
}

# Python for the attacks that need the chain's own hash (any intruder can compute it).
PYLIB='
import importlib.util, sqlite3, sys
spec = importlib.util.spec_from_file_location("v", sys.argv[3]); v = importlib.util.module_from_spec(spec); spec.loader.exec_module(v)
db = sqlite3.connect(sys.argv[1])
cols = ["seq","ts_ms","account","role","session","peer","transport","action","target","detail","prev_hash","hash"]
def rehash(start):
    prev = None
    for row in db.execute("select " + ",".join(cols) + " from audit order by seq").fetchall():
        e = dict(zip(cols, row))
        if e["seq"] >= start:
            e["prev_hash"] = prev
            e["hash"] = v.event_hash(e)
            db.execute("update audit set prev_hash=?, hash=? where seq=?", (e["prev_hash"], e["hash"], e["seq"]))
        prev = e["hash"]
def reseal(key_index, key):
    prev = "0" * 64
    scols = ["n","seq","ts_ms","every","interval_s","hash","prev_mac","mac"]
    for row in db.execute("select " + ",".join(scols) + " from audit_seals order by n").fetchall():
        s = dict(zip(scols, row))
        s["hash"] = db.execute("select hash from audit where seq=?", (s["seq"],)).fetchone()[0]
        s["prev_mac"] = prev
        s["mac"] = v.seal_mac(key, s)
        prev = s["mac"]
        db.execute("update audit_seals set hash=?, prev_mac=?, mac=? where n=?", (s["hash"], s["prev_mac"], s["mac"], s["n"]))
'

attack altered altered 6 sql "update audit set detail = '改过的详情' where seq = 6"
attack deleted deleted 7 sql "delete from audit where seq = 7"
attack swapped reordered 8 sql "update audit set seq = -1 where seq = 8;
	update audit set seq = 8 where seq = 9; update audit set seq = 9 where seq = -1"
# Inserted where no seal falls (a seal on the forged event itself is a rewrite of the sealed
# stretch, below): the first unsealed position from 10 on.
ins=10
while [ -n "$(sqlite3 "$PD_TMP/clean/propdesk.db" "select 1 from audit_seals where seq = $ins")" ]; do
	ins=$((ins + 1))
done
attack inserted inserted "$ins" python "$PYLIB
db.execute('update audit set seq = seq + 100000 where seq >= $ins')
db.execute('update audit set seq = seq - 99999 where seq >= 100000')
prev = db.execute('select hash from audit where seq = $((ins - 1))').fetchone()[0]
e = dict(seq=$ins, ts_ms=1, account='agent1', role='agent', session=None, peer=None, transport='ssh', action='login', target=None, detail='forged', prev_hash=prev)
db.execute('insert into audit (seq, ts_ms, account, role, transport, action, detail, prev_hash, hash) values ($ins, 1, ?, ?, ?, ?, ?, ?, ?)', ('agent1', 'agent', 'ssh', 'login', 'forged', prev, v.event_hash(e)))
db.commit()"
attack rebuilt-chain rebuilt 6 python "$PYLIB
db.execute(\"update audit set detail = 'nothing happened' where seq = 6\")
rehash(6)
db.commit()"
# CVE-2023-31439: the intruder holds today's key and reseals everything with it.
attack resealed-with-todays-key forged 1 python "$PYLIB
db.execute(\"update audit set detail = 'nothing happened' where seq = 6\")
rehash(6)
idx, key = v.read_key(sys.argv[2])
reseal(idx, key)
db.commit()"
# The sealed tail cut (the last rows deleted): the service writes on with the old numbers.
# With the seals over it: the seals after the last one left are missing, from the stretch after it.
cut=$((head - 2))
attack truncated-tail truncated "$cut" sql "delete from audit where seq >= $cut"
last_kept=$(sqlite3 "$PD_TMP/clean/propdesk.db" "select max(seq) from audit_seals where seq < 9")
attack truncated-with-seals missing "$((last_kept + 1))" sql "delete from audit where seq >= 9;
	delete from audit_seals where seq >= 9"

# A wrong key does not pass (systemd #11524).
rm -rf "$PD_STATE"
cp -a "$PD_TMP/clean" "$PD_STATE"
pd_start
printf 'propdesk-audit-seal-key v1\nindex 0\nkey %s\n' "$(printf '42%.0s' $(seq 32))" >"$PD_TMP/wrong.key"
rc=0
out=$(pd_ssh auditor1 -o SetEnv=LANG=en_US.UTF-8 audit verify --key-stdin <"$PD_TMP/wrong.key") || rc=$?
pd_assert_eq "$rc" 1 "a wrong key: exit status"
pd_assert_contains "$out" "seal #0" "a wrong key"
rc=0
out=$(pd_ssh auditor1 -o SetEnv=LANG=en_US.UTF-8 audit verify --key-stdin </dev/null 2>&1) || rc=$?
pd_assert_eq "$rc" 2 "no key on stdin"
pd_assert_contains "$out" "not an audit key file" "no key on stdin"
# A log still being written verifies (systemd #35916).
pids=()
for i in $(seq 1 20); do pd_ssh agent1 whoami >/dev/null & pids+=($!); done
out=$(pd_ssh auditor1 -o SetEnv=LANG=en_US.UTF-8 audit verify --key-stdin <"$KEY")
wait "${pids[@]}"
pd_assert_contains "$out" "Audit log OK" "verify while the log is written"
pd_stop
grep -q "audit seal" "$PD_LOG" || pd_fail "no seals logged"
pd_log "ok"
