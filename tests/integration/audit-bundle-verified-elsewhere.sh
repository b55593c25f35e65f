#!/usr/bin/env bash
# An auditor's bundle through the real daemon and ssh: `audit export --bundle` writes one tar
# archive, the sealed log's export and the recordings its events name (two interactive
# sessions, Chinese output); scripts/audit-verify-export.py checks it with the auditors' key
# as another machine would (a copy away from the desk), and catches a bundle whose recording
# or event was changed, whose recording was taken out, or that was cut short. A slice (--from) carries only
# the recordings it names. The bundle is exec mode only; agents cannot take one.
. "$(dirname "$0")/lib.sh"

VERIFY_EXPORT="$(cd "$(dirname "$0")/../.." && pwd)/scripts/audit-verify-export.py"
KEY="$PD_TMP/auditor.key"

pd_config audit.seal_events=4 audit.seal_interval=60
pd_user agent1 agent
pd_user auditor1 auditor
"$PROPDESKD" audit init-key --config "$PD_CONF" --out "$KEY" >/dev/null
pd_start
session() {
	pd_tmux_start "$1" "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=zh_CN.UTF-8)"
	pd_tmux_wait "$1" 'agent1>'
	pd_tmux_type "$1" "technique list"
	pd_tmux_send "$1" Enter
	pd_tmux_wait "$1" '说服教育法'
	pd_tmux_type "$1" "quit"
	pd_tmux_send "$1" Enter
}
session one
sleep 0.5
mid=$(sqlite3 "$PD_STATE/propdesk.db" "select max(seq) from audit")
session two
sleep 0.5
pd_ssh agent1 whoami >/dev/null

pd_ssh auditor1 audit export --bundle >"$PD_TMP/b.tar"
tar -tf "$PD_TMP/b.tar" >"$PD_TMP/list" || pd_fail "the bundle is not a tar archive tar can read"
pd_assert_contains "$(cat "$PD_TMP/list")" "audit/000001.jsonl" "the bundle's export"
[ "$(grep -c '^recordings/.*\.cast$' "$PD_TMP/list")" -eq 2 ] ||
	pd_fail "the bundle holds not the two recordings: $(cat "$PD_TMP/list")"
# On another machine: only the bundle, the key and the script.
mkdir "$PD_TMP/elsewhere"
cp "$PD_TMP/b.tar" "$KEY" "$VERIFY_EXPORT" "$PD_TMP/elsewhere/"
out=$(cd "$PD_TMP/elsewhere" && python3 ./audit-verify-export.py b.tar --key auditor.key) ||
	pd_fail "the bundle does not verify: $out"
pd_assert_contains "$out" "proven with the key" "the bundle's log, with the key"
pd_assert_contains "$out" "2 recordings match their audit events" "the bundle's recordings"
# What tar makes of it is the recordings as they are on the desk.
mkdir "$PD_TMP/x"
tar -xf "$PD_TMP/b.tar" -C "$PD_TMP/x"
for f in "$PD_TMP"/x/recordings/*/*.cast; do
	cmp -s "$f" "$PD_STATE/recordings/${f#"$PD_TMP"/x/recordings/}" ||
		pd_fail "$f is not the recording on the desk"
done

# Tampering, each caught: a recording changed, a recording taken out, an event changed.
rebundle() { (cd "$PD_TMP/y" && tar --format=ustar -cf "$PD_TMP/$1" audit recordings); }
check_bad() {
	local rc=0
	python3 "$VERIFY_EXPORT" "$PD_TMP/$1" --key "$KEY" 2>"$PD_TMP/err" >/dev/null || rc=$?
	pd_assert_eq "$rc" 1 "$2 fails"
	pd_assert_contains "$(cat "$PD_TMP/err")" "$3" "$2"
}
rm -rf "$PD_TMP/y"; cp -r "$PD_TMP/x" "$PD_TMP/y"
rec=$(ls "$PD_TMP"/y/recordings/*/*.cast | head -1)
sed -i 's/说服教育法/说服教育发/' "$rec"
rebundle bad1.tar
check_bad bad1.tar "a bundle with a changed recording" "altered"
rm -rf "$PD_TMP/y"; cp -r "$PD_TMP/x" "$PD_TMP/y"
rm "$(ls "$PD_TMP"/y/recordings/*/*.cast | head -1)"
rebundle bad2.tar
check_bad bad2.tar "a bundle without one of its recordings" "not in the bundle"
rm -rf "$PD_TMP/y"; cp -r "$PD_TMP/x" "$PD_TMP/y"
sed -i '0,/"action":"login"/s//"action":"logon"/' "$PD_TMP/y/audit/000001.jsonl"
rebundle bad3.tar
check_bad bad3.tar "a bundle with a changed event" "altered"
head -c -1600 "$PD_TMP/b.tar" >"$PD_TMP/bad4.tar"
rc=0; python3 "$VERIFY_EXPORT" "$PD_TMP/bad4.tar" --key "$KEY" >/dev/null 2>&1 || rc=$?
[ "$rc" -ne 0 ] || pd_fail "a cut bundle verifies"

# A slice: the events after the first session, and only the recording they name.
pd_ssh auditor1 audit export --bundle --from "$((mid + 1))" >"$PD_TMP/slice.tar"
[ "$(tar -tf "$PD_TMP/slice.tar" | grep -c '^recordings/')" -eq 1 ] ||
	pd_fail "the slice holds not only the second session's recording"
out=$(python3 "$VERIFY_EXPORT" "$PD_TMP/slice.tar" --key "$KEY") || pd_fail "the slice: $out"
pd_assert_contains "$out" "1 recordings match" "the slice's recording"

# Exec mode only, auditors only, and audited.
rc=0; out=$(pd_ssh auditor1 -o SetEnv=LANG=en_US.UTF-8 audit export --bundle --format csv 2>&1) || rc=$?
pd_assert_eq "$rc" 2 "--bundle with --format"
pd_assert_contains "$out" "exec mode" "--bundle with --format"
rc=0; pd_ssh agent1 audit export --bundle >/dev/null 2>&1 || rc=$?
pd_assert_eq "$rc" 3 "an agent's bundle is refused"
n=$(sqlite3 "$PD_STATE/propdesk.db" "select count(*) from audit where account = 'auditor1'
	and action = 'command' and detail like 'audit export --bundle%'")
[ "$n" -ge 2 ] || pd_fail "the bundles were not audited ($n)"
pd_stop
pd_log "ok"
