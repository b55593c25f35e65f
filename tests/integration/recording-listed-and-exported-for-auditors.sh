#!/usr/bin/env bash
# An auditor finds an agent's interactive session (Chinese output, a resize) with `recording
# list` and takes it away with `recording export`: the file is asciicast v2 as recorded, and
# Debian's asciinema plays it (`asciinema cat` shows the Chinese text). Its size and hash are
# in the audit trail, and `audit verify` finds it changed or deleted; retention deletes old
# ones, audited, and verify tells those apart. Agents see no recordings; the commands are
# audited.
. "$(dirname "$0")/lib.sh"

pd_config
pd_user agent1 agent
pd_user auditor1 auditor
pd_start

pd_tmux_start t "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=zh_CN.UTF-8)"
pd_tmux_wait t 'agent1>'
pd_tmux_type t "technique list"
pd_tmux_send t Enter
pd_tmux_wait t '说服教育法'
$PD_TMUX resize-window -t pd:t -x 90 -y 26
pd_tmux_type t "whoami"
pd_tmux_send t Enter
pd_tmux_wait t '角色'
pd_tmux_type t "quit"
pd_tmux_send t Enter
sleep 0.5

out=$(pd_ssh auditor1 recording list --account agent1 --json)
sid=$(python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
assert r["more"] is False and r["offset"] == 0, r
r = r["items"]
assert len(r) == 1 and r[0]["account"] == "agent1" and r[0]["bytes"] > 0, r
print(r[0]["session"])
' <<<"$out") || pd_fail "recording list --json: $out"
out=$(pd_ssh auditor1 -o SetEnv=LANG=en_US.UTF-8 recording list)
pd_assert_contains "$out" "$sid" "recording list"
out=$(pd_ssh auditor1 recording list --account nobody --json)
pd_assert_eq "$out" '{"total":null,"offset":0,"limit":50,"more":false,"items":[]}' \
	"recording list of an account without recordings"

pd_ssh auditor1 recording export "$sid" >"$PD_TMP/s.cast"
cmp -s "$PD_TMP/s.cast" "$(ls "$PD_STATE"/recordings/*/"$sid"-agent1.cast)" ||
	pd_fail "the export is not the recording as it is"
python3 - "$PD_TMP/s.cast" <<'PY' || pd_fail "the export is not asciicast v2"
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
h = json.loads(lines[0])
assert h["version"] == 2 and h["width"] > 0 and h["height"] > 0, h
last = 0.0
kinds = set()
for l in lines[1:]:
    t, kind, data = json.loads(l)
    assert t >= last and kind in ("o", "r", "m"), l
    last = t
    kinds.add(kind)
text = "".join(json.loads(l)[2] for l in lines[1:] if json.loads(l)[1] == "o")
assert "说服教育法" in text and "r" in kinds, kinds
PY
if command -v asciinema >/dev/null; then
	# asciinema reads the terminal (/dev/tty): it runs in one.
	asciinema cat "$PD_TMP/s.cast" >"$PD_TMP/cat.out" </dev/null 2>"$PD_TMP/cat.err" ||
		pd_tmux_start cat "asciinema cat '$PD_TMP/s.cast' >'$PD_TMP/cat.out' 2>'$PD_TMP/cat.err'; echo cat-done-\$?; sleep 30"
	for _ in $(seq 100); do
		grep -q "说服教育法" "$PD_TMP/cat.out" 2>/dev/null && break
		sleep 0.1
	done
	pd_assert_contains "$(cat "$PD_TMP/cat.out")" "说服教育法" "asciinema cat ($(cat "$PD_TMP/cat.err"))"
	pd_tmux_start play "asciinema play -i 0.05 -s 4 '$PD_TMP/s.cast'; echo play-done-\$?; sleep 30"
	pd_tmux_wait play 'play-done-0'
	pd_assert_contains "$(pd_tmux_screen play)" "角色" "asciinema play"
else
	pd_log "asciinema not installed: its check skipped (scripts/bootstrap installs it)"
fi

# What the terminal showed, as text, and searched across recordings.
pd_ssh auditor1 recording text "$sid" >"$PD_TMP/text.out"
pd_assert_contains "$(cat "$PD_TMP/text.out")" "说服教育法" "recording text"
if grep -q $'\x1b' "$PD_TMP/text.out"; then pd_fail "recording text holds an escape sequence"; fi
out=$(pd_ssh auditor1 recording search '说服.育法' --json)
at=$(python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
assert r["total"] is None and r["offset"] == 0 and r["stopped"] is False, r
r = r["items"]
assert len(r) >= 1 and r[0]["session"] == sys.argv[1] and "说服教育法" in r[0]["text"], r
print(r[0]["at_s"])
' "$sid" <<<"$out") || pd_fail "recording search --json: $out"
# A page of hits says whether more follow, and --offset goes on from there.
out=$(pd_ssh auditor1 recording search "'agent1'" --limit 1 --json)
python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
assert r["limit"] == 1 and r["more"] is True and r["next_offset"] == 1 and len(r["items"]) == 1, r
' <<<"$out" || pd_fail "recording search --limit 1: $out"
two=$(pd_ssh auditor1 recording search "'agent1'" --limit 2 --json)
out=$(pd_ssh auditor1 recording search "'agent1'" --limit 1 --offset 1 --json)
python3 -c '
import json, sys
r, two = json.loads(sys.stdin.read()), json.loads(sys.argv[1])
assert r["offset"] == 1 and r["items"] == two["items"][1:2], (r, two)
' "$two" <<<"$out" || pd_fail "recording search --offset 1: $out"
out=$(pd_ssh auditor1 recording text "$sid" --from "$at")
pd_assert_contains "$out" "说服教育法" "recording text --from the moment found"
out=$(pd_ssh auditor1 -o SetEnv=LANG=en_US.UTF-8 recording search "'no such words here'")
pd_assert_contains "$out" "Not found" "recording search without a hit"
rc=0
pd_ssh auditor1 recording search '(a+)+$' >/dev/null 2>&1 || rc=$?
[ "$rc" -le 1 ] || pd_fail "a costly pattern: status $rc"

rc=0
pd_ssh auditor1 recording export s999999 >/dev/null 2>&1 || rc=$?
pd_assert_eq "$rc" 1 "export of a session without a recording"
rc=0
pd_ssh auditor1 recording export ../../etc >/dev/null 2>&1 || rc=$?
pd_assert_eq "$rc" 2 "a path is not a session"
rc=0
pd_ssh agent1 recording list >/dev/null 2>&1 || rc=$?
pd_assert_eq "$rc" 3 "an agent's recording list is refused"

# Each finished recording's size and hash are in the audit trail; audit verify checks them.
n=$(sqlite3 "$PD_STATE/propdesk.db" "select count(*) from audit where action='recording.end'
	and target='$sid' and account='agent1' and detail like 'file=%/$sid-agent1.cast bytes=% blake2b=%'")
pd_assert_eq "$n" 1 "the recording's audit event"
out=$(pd_ssh auditor1 -o SetEnv=LANG=en_US.UTF-8 audit verify)
pd_assert_contains "$out" "1 recordings match" "audit verify checks the recording"
cast=$(ls "$PD_STATE"/recordings/*/"$sid"-agent1.cast)
cp "$cast" "$PD_TMP/keep.cast"
sed -i 's/说服教育法/说服教育去/' "$cast"
rc=0
out=$(pd_ssh auditor1 -o SetEnv=LANG=en_US.UTF-8 audit verify) || rc=$?
pd_assert_eq "$rc" 1 "audit verify of a changed recording"
pd_assert_contains "$out" "session $sid" "a changed recording is named"
pd_assert_contains "$out" "was changed" "a changed recording"
rm "$cast"
rc=0
out=$(pd_ssh auditor1 -o SetEnv=LANG=zh_CN.UTF-8 audit verify --json) || rc=$?
pd_assert_eq "$rc" 1 "audit verify of a deleted recording"
pd_assert_contains "$out" '"recording_fault":"deleted"' "a deleted recording"
cp "$PD_TMP/keep.cast" "$cast"

n=$(sqlite3 "$PD_STATE/propdesk.db" "select count(*) from audit where account='auditor1'
	and action='command' and target in ('recording list', 'recording export')")
[ "$n" -ge 5 ] || pd_fail "the auditor's recording commands were not audited ($n)"
pd_stop

# Retention: a recording of a day past [record] keep_days (its recording.end chained as the
# service writes it) is deleted two seconds after the start, the deletion audited, and audit
# verify counts it as removed by the rule rather than deleted.
mkdir -p "$PD_STATE/recordings/2020-01-01"
old="$PD_STATE/recordings/2020-01-01/s0000000aaa-agent1.cast"
cp "$PD_TMP/keep.cast" "$old"
python3 - "$PD_STATE/propdesk.db" "$(cd "$(dirname "$0")/../.." && pwd)/scripts/audit-verify-export.py" "$old" <<'PY'
import hashlib, importlib.util, os, sqlite3, sys
spec = importlib.util.spec_from_file_location("v", sys.argv[2]); v = importlib.util.module_from_spec(spec); spec.loader.exec_module(v)
db = sqlite3.connect(sys.argv[1])
seq, prev = db.execute("select seq, hash from audit order by seq desc limit 1").fetchone()
data = open(sys.argv[3], "rb").read()
e = dict(seq=seq + 1, ts_ms=1577836800000, account="agent1", role=None, session="s0000000aaa", peer=None, transport=None,
         action="recording.end", target="s0000000aaa",
         detail="file=2020-01-01/s0000000aaa-agent1.cast bytes=%d blake2b=%s" % (len(data), hashlib.blake2b(data, digest_size=32).hexdigest()),
         prev_hash=prev)
db.execute("insert into audit (seq, ts_ms, account, session, action, target, detail, prev_hash, hash) values (?,?,?,?,?,?,?,?,?)",
           (e["seq"], e["ts_ms"], e["account"], e["session"], e["action"], e["target"], e["detail"], prev, v.event_hash(e)))
db.commit()
PY
printf '[record]\nkeep_days = 1\n' >>"$PD_CONF"
pd_start
for _ in $(seq 100); do [ -e "$old" ] || break; sleep 0.1; done
[ -e "$old" ] && pd_fail "the old recording was not removed"
[ -e "$cast" ] || pd_fail "today's recording was removed"
out=$(pd_ssh auditor1 audit verify --json)
python3 -c '
import json, sys
r = json.loads(sys.argv[1])
assert r["ok"] and r["recordings_checked"] == 1 and r["recordings_retired"] == 1, r
' "$out" || pd_fail "audit verify after retention: $out"
n=$(sqlite3 "$PD_STATE/propdesk.db" "select count(*) from audit where action='recording.retention'
	and detail like 'before=% files=1 bytes=%'")
pd_assert_eq "$n" 1 "the retention run's audit event"
pd_stop
pd_log "ok"
