#!/usr/bin/env bash
# SIGHUP reloads the configuration (a broken file is refused and the running one kept);
# SIGTERM tells every open session, closes them and exits 0 within a few seconds.
. "$(dirname "$0")/lib.sh"

pd_config
pd_user agent1 agent
pd_user admin1 admin
pd_start

pd_tmux_start a "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_start b "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=zh_CN.UTF-8)"
pd_tmux_wait a 'agent1>'
pd_tmux_wait b 'agent1>'

# A valid change is applied, a broken file is refused, and the service keeps serving.
sed -i 's/^log_level = .*/log_level = debug/' "$PD_CONF"
kill -HUP "$PD_PID"
for _ in $(seq 1 50); do grep -q 'configuration reloaded' "$PD_LOG" && break; sleep 0.1; done
grep -q 'configuration reloaded' "$PD_LOG" || pd_fail "SIGHUP did not reload"
printf '[limits]\nmax_sessions = nope\n' >>"$PD_CONF"
kill -HUP "$PD_PID"
for _ in $(seq 1 50); do grep -q 'reload refused' "$PD_LOG" && break; sleep 0.1; done
grep -q 'reload refused' "$PD_LOG" || pd_fail "a broken config was not refused on SIGHUP"
out=$(pd_ssh agent1 whoami)
pd_assert_contains "$out" agent1 "whoami after reloads"
# The admin's `config reload` does the same: refused while the file is broken...
rc=0
out=$(pd_ssh admin1 -o SetEnv=LANG=en_US.UTF-8 config reload 2>&1) || rc=$?
pd_assert_eq "$rc" 1 "config reload of a broken file"
pd_assert_contains "$out" "not applied" "config reload of a broken file"
# ...applied once it is fixed; and an agent may not run it.
sed -i '/max_sessions = nope/d' "$PD_CONF"
out=$(pd_ssh admin1 -o SetEnv=LANG=en_US.UTF-8 config reload)
pd_assert_contains "$out" "configuration reloaded" "config reload"
rc=0
pd_ssh agent1 config reload >/dev/null 2>&1 || rc=$?
pd_assert_eq "$rc" 3 "config reload by an agent"

# A third session whose client is too slow to read while the service stops (stopped outright
# here): it must still get the notice once it reads, not a disconnect message that makes the
# client exit before it prints what came first.
mkfifo "$PD_TMP/c.in"
# shellcheck disable=SC2046
ssh $(pd_ssh_opts) -i "$PD_TMP/agent1.key" -tt -o SetEnv=LANG=en_US.UTF-8 agent1@127.0.0.1 \
	<"$PD_TMP/c.in" >"$PD_TMP/c.out" 2>&1 &
c_pid=$!
exec 7>"$PD_TMP/c.in"
for _ in $(seq 1 100); do grep -q "agent1.*> " "$PD_TMP/c.out" && break; sleep 0.05; done
grep -q "agent1.*> " "$PD_TMP/c.out" || { od -c "$PD_TMP/c.out" | tail -5 >&2; pd_fail "session c never showed a prompt"; }
kill -STOP "$c_pid"

# Type half a line in one session: the notice must not lose it from the screen.
pd_tmux_type a "who"
start=$(date +%s%N)
kill -TERM "$PD_PID"
rc=0
wait "$PD_PID" || rc=$?
elapsed=$((($(date +%s%N) - start) / 1000000))
PD_PID=""
pd_assert_eq "$rc" 0 "exit status after SIGTERM"
[ "$elapsed" -lt 5000 ] || pd_fail "SIGTERM took $elapsed ms"
pd_tmux_wait a 'service is stopping'
pd_tmux_wait b '服务正在停止'
# Each in its own language only.
case "$(pd_tmux_screen a)" in *服务正在停止*) pd_fail "the English session got the Chinese notice" ;; esac
case "$(pd_tmux_screen b)" in *"service is stopping"*) pd_fail "the Chinese session got the English notice" ;; esac
kill -CONT "$c_pid"
exec 7>&-
wait "$c_pid" || true
grep -q 'service is stopping' "$PD_TMP/c.out" || {
	tail -c 400 "$PD_TMP/c.out" >&2
	pd_fail "the slow client lost the stop notice"
}
if grep -q 'Received disconnect' "$PD_TMP/c.out"; then
	pd_fail "the slow client was sent a disconnect message over its unread output"
fi
pd_tmux_wait_dead a
pd_tmux_wait_dead b
pd_check_log
grep -q 'stopped' "$PD_LOG" || pd_fail "no 'stopped' line in the log"
n=$(sqlite3 "$PD_STATE/propdesk.db" "select count(*) from audit where action='logout' and account='agent1'")
[ "$n" -ge 2 ] || pd_fail "expected 2 logout events, found $n"
pd_log "ok: stopped in $elapsed ms"
