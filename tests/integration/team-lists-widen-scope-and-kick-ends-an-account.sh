#!/usr/bin/env bash
# Through the real ssh client: a site gives a supervisor another team ([monitor] teams.sup1 =
# sup2), and sup1 may then watch, whisper to and end the sessions of sup2's agents, but still
# not those of a team it was not given (nor may sup2 act on sup1's grant); `kick ACCOUNT`
# ends every live session of that account, each shown the reason and audited, and leaves
# everyone else alone.
. "$(dirname "$0")/lib.sh"

pd_config monitor.teams.sup1=sup2
pd_user sup1 supervisor
pd_user sup2 supervisor
for a in agent1:sup2 agent2:night; do
	name=${a%%:*}
	ssh-keygen -q -t ed25519 -N '' -C "$name@test" -f "$PD_TMP/$name.key"
	"$PROPDESKD" user add "$name" --role agent --team "${a#*:}" --config "$PD_CONF" \
		--key "$PD_TMP/$name.key.pub" >/dev/null
done
pd_start

json() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
audit() { sqlite3 "$PD_STATE/propdesk.db" "$1"; }
en() {
	# shellcheck disable=SC2046
	ssh $(pd_ssh_opts) -o SetEnv=LANG=en_US.UTF-8 -i "$PD_TMP/$1.key" "$1@127.0.0.1" "$2"
}
# expect_rc RC NAME COMMAND: runs it in exec mode, checks its status, prints its output.
expect_rc() {
	local rc=0 out
	out=$(en "$2" "$3" 2>&1) || rc=$?
	pd_assert_eq "$rc" "$1" "exit status of '$3' for $2"
	printf '%s' "$out"
}

pd_tmux_start a1 "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_start a2 "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_start b "$(pd_ssh_cmd agent2 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_wait a1 'agent1>$'
pd_tmux_wait a2 'agent1>$'
pd_tmux_wait b 'agent2>$'
out=$(en sup1 'sessions --json') || pd_fail "sessions --json exited $?"
id_b=$(json '[s["session"] for s in d["items"] if s["account"] == "agent2"][0]' <<<"$out")
id_a=$(json '[s["session"] for s in d["items"] if s["account"] == "agent1"][0]' <<<"$out")

# --- whisper: sup2's team is sup1's too now; the night team is nobody's --------------------
out=$(expect_rc 0 sup1 'whisper agent1 the lift in block 3 is fixed')
pd_assert_contains "$out" "whispered to 2 session(s)" "whisper to a granted team"
pd_tmux_wait a1 '\[whisper from sup1\] the lift in block 3 is fixed'
pd_tmux_wait a2 '\[whisper from sup1\] the lift in block 3 is fixed'
out=$(expect_rc 3 sup1 'whisper agent2 hello')
pd_assert_contains "$out" "agent2 is not in your team" "whisper to a team not granted"
pd_assert_contains "$out" "teams.NAME" "the refusal names the setting"
# sup2 keeps its own team, and gets nothing of sup1's grant.
expect_rc 0 sup2 'whisper agent1 hi from your own supervisor' >/dev/null
expect_rc 3 sup2 'whisper agent2 hi' >/dev/null

# --- watch: in scope and out ---------------------------------------------------------------
pd_tmux_start s "$(pd_ssh_cmd sup1 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_wait s 'sup1>$'
pd_tmux_type s "watch $id_b"
pd_tmux_send s Enter
pd_tmux_wait s 'agent2 is not in your team'
pd_tmux_wait s 'sup1>$'
pd_tmux_type s "watch $id_a"
pd_tmux_send s Enter
pd_tmux_wait s "watching $id_a of agent1"
pd_tmux_type s "q"
pd_tmux_wait s 'stopped watching'
pd_assert_eq "$(audit "SELECT count(*) FROM audit WHERE action='watch.start' AND account='sup1'")" \
	1 "only the watch in scope started"

# --- kick ACCOUNT: out of scope refused, in scope every session ended ---------------------
out=$(expect_rc 3 sup1 'kick agent2 --reason x')
pd_assert_contains "$out" "not in your team" "kick out of scope"
pd_assert_eq "$(audit "SELECT count(*) FROM audit WHERE action='session.kick'")" 0 \
	"nothing audited for a refused kick"
pd_tmux_type a1 "complaint li"
out=$(expect_rc 0 sup1 "kick agent1 --reason 'end of shift'")
pd_assert_contains "$out" "2 of 2 session(s) ended" "kick of an account"
pd_tmux_wait_dead a1 5
pd_tmux_wait_dead a2 5
pd_tmux_wait a1 'your session was ended by sup1: end of shift'
pd_tmux_wait a2 'your session was ended by sup1: end of shift'
pd_assert_eq "$(audit "SELECT count(*) FROM audit WHERE action='session.kick' AND detail='ended the session of agent1: end of shift'")" \
	2 "one kick audited per session"
out=$(expect_rc 1 sup1 "kick agent1 --reason again")
pd_assert_contains "$out" "no live session or account agent1" "an account with no session left"
# Everyone else goes on.
pd_tmux_type b "whoami"
pd_tmux_send b Enter
pd_tmux_wait b 'name: +agent2'
pd_tmux_type s "whoami"
pd_tmux_send s Enter
pd_tmux_wait s 'name: +sup1'

pd_stop
pd_log "PASS"
