#!/usr/bin/env bash
# An agent is refused an admin command in exec mode (exit status 3, message on stderr) and in an
# interactive terminal; the refusal is audited; the admin may run it.
. "$(dirname "$0")/lib.sh"

pd_config
pd_user agent1 agent
pd_user admin1 admin
pd_start

out=$(pd_ssh agent1 whoami)
pd_assert_contains "$out" "agent1" "whoami"

rc=0
err=$(pd_ssh agent1 -o SetEnv=LANG=en_US.UTF-8 user list 2>&1 >/dev/null) || rc=$?
pd_assert_eq "$rc" 3 "exit status of a refused command"
pd_assert_contains "$err" "permission denied" "stderr of a refused command"
pd_assert_contains "$err" "admin" "stderr of a refused command"

rc=0
err=$(pd_ssh agent1 -o SetEnv=LANG=zh_CN.UTF-8 user add intruder --role admin 2>&1 >/dev/null) || rc=$?
pd_assert_eq "$rc" 3 "exit status of a refused command (zh)"
pd_assert_contains "$err" "权限" "Chinese refusal"

rc=0
pd_ssh agent1 no-such-command >/dev/null 2>&1 || rc=$?
pd_assert_eq "$rc" 127 "exit status of an unknown command"

out=$(pd_ssh admin1 user list --json)
pd_assert_contains "$out" '"agent1"' "user list --json"
python3 -c 'import json,sys; json.loads(sys.stdin.read())' <<<"$out" || pd_fail "user list --json is not JSON"

# Interactive: the same gate.
pd_tmux_start agent "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_wait agent 'agent1>'
pd_tmux_type agent "user lock admin1"
pd_tmux_send agent Enter
pd_tmux_wait agent 'permission denied'
pd_tmux_type agent "quit"
pd_tmux_send agent Enter

n=$(sqlite3 "$PD_STATE/propdesk.db" "select count(*) from audit where action='command.denied' and account='agent1'")
[ "$n" -ge 3 ] || pd_fail "expected 3 command.denied audit events for agent1, found $n"
n=$(sqlite3 "$PD_STATE/propdesk.db" "select locked from accounts where name='admin1'")
pd_assert_eq "$n" 0 "admin1 locked state"
pd_stop
pd_log "ok"
