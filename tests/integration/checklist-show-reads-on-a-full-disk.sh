#!/usr/bin/env bash
# checklist show is a read that works on a full disk, through the real ssh client: with
# [database] max_size reached, the checklist is edited and reloaded (SIGHUP): the new content
# cannot be pinned (logged), and in the sessions already open `checklist show` shows the text
# in force marked as not yet a version while `checklist show 1` shows the pinned one; a
# supervisor's `evaluate` says the new checklist cannot be pinned because the disk is full,
# before any form, and nothing is written; once max_size is raised and the daemon reloaded,
# the first evaluation pins the content as version 2.
. "$(dirname "$0")/lib.sh"

DB="$PD_STATE/propdesk.db"
big=$(python3 -c 'print("水管爆裂，" * 200)')

cp -r "$PD_ETC" "$PD_TMP/etc"
PD_ETC="$PD_TMP/etc"
pd_config
pd_user agent1 agent
pd_user sup1 supervisor
size=$(stat -c %s "$DB")
printf '[database]\nmax_size = %d\n' $((size + 160 * 1024)) >>"$PD_CONF"
pd_start

pd_tmux_start a "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_start s "$(pd_ssh_cmd sup1 -tt -o SetEnv=LANG=zh_CN.UTF-8)"
pd_tmux_wait a 'agent1>'
pd_tmux_wait s 'sup1>'
out=$(pd_ssh agent1 "complaint add --unit 1-1-101 --category repairs --technique empathy \
	'first one 卫生间漏水'") || pd_fail "first add exited $?"
first=$(grep -oE 'C-[0-9]{8}-[0-9]{4}' <<<"$out")

# wait_all WINDOW REGEX: the window's scrollback and screen, until REGEX matches.
wait_all() {
	local i
	for i in $(seq 1 200); do
		$PD_TMUX capture-pane -p -J -S - -t "pd:$1" | grep -qE "$2" && return 0
		sleep 0.05
	done
	pd_fail "window $1 never showed /$2/"
}
fill() {
	local user=$1 cmd=$2 i rc
	for i in $(seq 1 400); do
		rc=0
		pd_ssh "$user" "${cmd//@/$i}" >/dev/null 2>"$PD_TMP/fill.err" || rc=$?
		[ "$rc" -eq 0 ] || return 0
	done
	pd_fail "400 commands never filled the database: ${cmd:0:60}"
}
fill agent1 "complaint add --unit 2-1-@ --category repairs --technique empathy '$big'"
fill agent1 "complaint note $first n@"

# The checklist edited and reloaded while the database is full: not pinned.
sed -i 's/^pass = 80$/pass = 85/' "$PD_ETC/checklist.ini"
kill -HUP "$PD_PID"
for _ in $(seq 1 100); do
	grep -q 'checklist: not pinned' "$PD_LOG" && break
	sleep 0.05
done
grep -q 'checklist: not pinned' "$PD_LOG" || pd_fail "the edited checklist was pinned on a full disk"

pd_tmux_type a "checklist show"
pd_tmux_send a Enter
wait_all a 'not yet a version \(sha256 [0-9a-f]{64}\)'
wait_all a 'Pass mark 85%'
$PD_TMUX clear-history -t pd:a
pd_tmux_send a C-l
pd_tmux_type a "checklist show 1"
pd_tmux_send a Enter
wait_all a 'version 1, sha256'
wait_all a 'Pass mark 80%'

pd_tmux_send s C-l
pd_tmux_type s "evaluate $first"
pd_tmux_send s Enter
pd_tmux_wait s '无法记录为新版本：磁盘已满'
pd_assert_eq "$(pd_tmux_screen s | grep -c '\[1/10\]')" "0" "no form on a checklist that cannot be pinned"
pd_assert_eq "$(sqlite3 "$DB" 'select count(*) from checklist_versions')" "1" "versions written"
pd_assert_eq "$(sqlite3 "$DB" 'select count(*) from evaluations')" "0" "evaluations written"
kill -0 "$PD_PID" || pd_fail "the daemon died"

# Room again (the reload applies the new max_size after it has loaded the catalogs): the
# first evaluation pins the content in force as version 2 and is scored against it.
sed -i "s/^max_size = .*/max_size = 64M/" "$PD_CONF"
kill -HUP "$PD_PID"
for _ in $(seq 1 100); do
	grep -q 'at most 67108864 bytes' "$PD_LOG" && break
	sleep 0.05
done
grep -q 'at most 67108864 bytes' "$PD_LOG" || pd_fail "SIGHUP did not apply the new max_size"
printf 'respect y\nwarmth y\nhonesty y\ncourtesy y\nflexibility 4\nresponsibility y\nenthusiasm 5
coordination 4\nknowledge 3\npatience 3\n' | pd_ssh sup1 "evaluate $first --stdin --json" \
	>"$PD_TMP/eval.json" || pd_fail "evaluate once there was room exited $?"
python3 -c 'import json, sys; sys.exit(0 if json.load(sys.stdin)["version"] == 2 else 1)' \
	<"$PD_TMP/eval.json" || pd_fail "scored against: $(cat "$PD_TMP/eval.json")"
out=$(pd_ssh agent1 "checklist show --json") || pd_fail "checklist show exited $?"
python3 -c 'import json, sys; d = json.load(sys.stdin); sys.exit(0 if (d["version"], d["pinned"], d["pass"]) == (2, True, 85) else 1)' \
	<<<"$out" || pd_fail "checklist show after the reload: $out"
pd_stop
pd_log "ok"
