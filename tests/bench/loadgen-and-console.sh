#!/usr/bin/env bash
# loadgen-and-console: the benchmark's own tools, for real. propdesk-loadgen runs each mode
# against the real daemon and must count what happened (connections, held sessions, answers,
# the storm, and sessions lost when the daemon dies); propdesk-shell serves the shell on stdio
# from the daemon's database (exec, SSH_ORIGINAL_COMMAND, stdin, interactive on a pipe and on
# a tmux terminal, password change through its synchronous hashing, refusals, audit rows).
# Environment: PROPDESKD, LOADGEN, PDSHELL (default: build/...).
. "$(dirname "$0")/../integration/lib.sh"

bindir=$(dirname "$PROPDESKD")
LOADGEN=${LOADGEN:-$bindir/propdesk-loadgen}
PDSHELL=${PDSHELL:-$bindir/propdesk-shell}

pd_config limits.max_startups_per_address=1000 limits.max_startups=1000 auth.max_failures=1000 auth.address_max_failures=100000
pd_user agent1 agent
pd_user victim agent 'victim-pass-123'
pd_user desk agent 'desk-pass-123'
pd_user boss admin
pd_start

# result KEY: the value of KEY on the RESULT line in $out.
result() {
	printf '%s\n' "$out" | grep '^RESULT' | tr ' ' '\n' | sed -n "s/^$1=//p"
}

lg() {
	"$LOADGEN" "$@" -p "$PD_SSH_PORT" -u agent1 -i "$PD_TMP/agent1.key" --timeout 20 \
		--server-pid "$PD_PID"
}

# --- loadgen: each mode ----------------------------------------------------------------------
out=$(lg connect -n 40 -c 4) || pd_fail "connect failed: $out"
pd_assert_eq "$(result ok)" 40 "connect ok"
pd_assert_eq "$(result fail)" 0 "connect failures"
[ -n "$(result server_cpu_ms_per_conn)" ] || pd_fail "no server CPU in: $out"

out=$(lg hold -n 20 -c 5 -d 1) || pd_fail "hold failed: $out"
pd_assert_eq "$(result opened)" 20 "hold opened"
pd_assert_eq "$(result lost)" 0 "hold lost"
pd_assert_eq "$(result probe_ok)" 20 "hold probes"
[ "$(result pss_after_kb)" -gt 0 ] || pd_fail "no PSS measured: $out"

out=$(lg rtt -c 5 -r 5 -d 1) || pd_fail "rtt failed: $out"
pd_assert_eq "$(result errors)" 0 "rtt errors"
[ "$(result requests)" -ge 20 ] || pd_fail "too few rtt requests: $out"

# The daemon serves one exec per connection: the generator reconnects for the next one.
out=$(lg rtt --exec -c 2 -r 3 -d 1) || pd_fail "rtt --exec failed: $out"
pd_assert_eq "$(result errors)" 0 "exec errors"
[ "$(result requests)" -ge 4 ] || pd_fail "too few exec requests: $out"

out=$(lg mixed -c 3 -r 4 -d 1 --storm-user victim --storm-rate 4 --login-user desk \
	--login-password desk-pass-123 --login-rate 4) || pd_fail "mixed failed: $out"
pd_assert_eq "$(result errors)" 0 "mixed errors"
# A legitimate password login, timed before and during the storm.
pd_assert_eq "$(result login_fail)" 0 "legitimate logins that failed"
[ "$(result login_before_n)" -gt 0 ] && [ "$(result login_during_n)" -gt 0 ] ||
	pd_fail "legitimate logins in both phases: $out"
pd_assert_eq "$(result storm_accepted)" 0 "storm logins accepted"
[ "$(result before_n)" -gt 0 ] && [ "$(result during_n)" -gt 0 ] || pd_fail "mixed phases: $out"
[ "$(result storm_started)" -ge 3 ] || pd_fail "storm did not start: $out"

# Sessions that the server drops are counted as lost, and the run fails.
"$LOADGEN" hold -n 6 -c 6 -d 3 -p "$PD_SSH_PORT" -u agent1 -i "$PD_TMP/agent1.key" \
	--timeout 5 >"$PD_TMP/hold-kill.out" 2>&1 &
lgpid=$!
for _ in $(seq 1 40); do
	grep -q "sessions open" "$PD_TMP/hold-kill.out" && break
	sleep 0.1
done
kill -KILL "$PD_PID"
wait "$PD_PID" 2>/dev/null || true
PD_PID=""
rc=0
wait "$lgpid" || rc=$?
out=$(cat "$PD_TMP/hold-kill.out")
[ "$rc" -ne 0 ] || pd_fail "a hold whose sessions died exited 0: $out"
pd_assert_eq "$(result opened)" 6 "opened before the kill"
pd_assert_eq "$(result lost)" 6 "lost after the kill"
pd_start

# --- propdesk-shell ---------------------------------------------------------------------------
PDS="$PDSHELL --config $PD_CONF"
out=$($PDS -c 'whoami --json' agent1)
pd_assert_contains "$out" '"name":"agent1"' "console whoami"
pd_assert_contains "$out" '"transport":"console"' "console whoami"
out=$(SSH_ORIGINAL_COMMAND='whoami --json' SSH_CLIENT='127.0.0.9 40000 22' $PDS agent1)
pd_assert_contains "$out" '"peer":"127.0.0.9:40000"' "ForceCommand exec"
out=$(USER=agent1 $PDS -c 'whoami --json')
pd_assert_contains "$out" '"name":"agent1"' "user from USER"

rc=0
err=$($PDS -c whoami nobody 2>&1 >/dev/null) || rc=$?
pd_assert_eq "$rc" 1 "unknown account status"
pd_assert_contains "$err" "no such account" "unknown account"
rc=0
$PDS -c 'no-such-command' agent1 >/dev/null 2>&1 || rc=$?
[ "$rc" -ne 0 ] || pd_fail "a failing command exited 0"

# Interactive on a pipe: greeting, prompt, command, quit.
out=$(printf 'whoami\nquit\n' | LANG=en_US.UTF-8 $PDS agent1)
pd_assert_contains "$out" "propdesk:agent1> " "pipe prompt"
pd_assert_contains "$out" "console" "pipe whoami"

# passwd in exec mode reads old and new password from stdin and hashes them here.
out=$(printf 'victim-pass-123\nnew-pass-4567\n' | LANG=en_US.UTF-8 $PDS -c passwd victim 2>&1) ||
	pd_fail "passwd failed: $out"
pd_assert_contains "$out" "Password changed" "passwd"
out=$(pd_ssh_password victim new-pass-4567 'whoami --json') || pd_fail "new password refused: $out"
pd_assert_contains "$out" '"name":"victim"' "login with the changed password"

# Interactive on a terminal: raw mode, line editing, completion, Ctrl-D ends it.
pd_tmux_start con "LANG=en_US.UTF-8 $PDS agent1; echo console-exit=\$?; sleep 30"
pd_tmux_wait con 'propdesk:agent1>' 20
pd_tmux_type con 'whoam'
pd_tmux_send con Tab Enter
pd_tmux_wait con 'console'
pd_tmux_type con '中文'
pd_tmux_send con BSpace Enter
pd_tmux_wait con '中'
pd_tmux_send con C-d
pd_tmux_wait con 'console-exit=0'

# Audit: console logins, commands and logouts, with transport "console".
n=$(sqlite3 "$PD_STATE/propdesk.db" \
	"select count(*) from audit where transport='console' and action in ('login','logout')")
[ "$n" -ge 4 ] || pd_fail "console audit rows: $n"
pd_stop
pd_log "ok"
