#!/usr/bin/env bash
# A lock takes effect at once: `user lock agent9` ends agent9's live terminal session, the reason
# shown to it before the close, each end audited; no work can be assigned to the locked
# account; unlocked, it logs in again. A role change ends the account's sessions too, so none
# goes on with the role it no longer has.
. "$(dirname "$0")/lib.sh"

pd_config
pd_user admin1 admin
pd_user agent9 agent
pd_user agent1 agent
pd_start

pd_tmux_start a "$(pd_ssh_cmd agent9 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_wait a 'agent9>'
number=$(pd_ssh agent1 "complaint add --json --unit 3-2-1201 --category repairs \
	--technique empathy '水管漏水'" | python3 -c 'import json,sys; print(json.load(sys.stdin)["number"])')

start=$(date +%s%N)
out=$(pd_ssh admin1 -o SetEnv=LANG=en_US.UTF-8 user lock agent9) || pd_fail "user lock exited $?"
pd_assert_contains "$out" "Its 1 live session(s) were ended." "user lock ends the live session"
pd_tmux_wait a 'your account was locked by an admin'
pd_tmux_wait_dead a
elapsed=$((($(date +%s%N) - start) / 1000000))
[ "$elapsed" -lt 3000 ] || pd_fail "the locked session took $elapsed ms to end"
n=$(sqlite3 "$PD_STATE/propdesk.db" "select count(*) from audit where action = 'session.kick' and detail = 'account locked'")
pd_assert_eq "$n" 1 "the end of the locked session audited"

rc=0
err=$(pd_ssh agent1 -o SetEnv=LANG=en_US.UTF-8 "complaint assign $number agent9 --note 转交" 2>&1) || rc=$?
[ "$rc" -ne 0 ] || pd_fail "work was assigned to a locked account"
pd_assert_contains "$err" "account \`agent9\` is locked" "the refusal names the lock"

pd_ssh admin1 user unlock agent9 >/dev/null || pd_fail "user unlock"
pd_tmux_start b "$(pd_ssh_cmd agent9 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_wait b 'agent9>'
out=$(pd_ssh admin1 -o SetEnv=LANG=en_US.UTF-8 user role agent9 supervisor) || pd_fail "user role"
pd_assert_contains "$out" "were ended" "a role change ends the live session"
pd_tmux_wait b 'your role was changed by an admin: log in again'
pd_tmux_wait_dead b
out=$(pd_ssh agent9 -o SetEnv=LANG=en_US.UTF-8 whoami)
pd_assert_contains "$out" "supervisor" "logged in again with the new role"
pd_log "ok: the locked session ended in $elapsed ms"
