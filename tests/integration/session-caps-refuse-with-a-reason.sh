#!/usr/bin/env bash
# Logged-in sessions are capped per account (max_sessions_per_account) and overall
# (max_sessions), never per address: past a cap the login is refused and the client told why
# (SSH disconnect message; telnet line), audited as login.refused; a session ending frees its
# place.
. "$(dirname "$0")/lib.sh"

pd_config limits.max_sessions_per_account=2 limits.max_sessions=3
PD_TELNET_PORT=$(pd_free_port)
pd_user agent1 agent "agent-one-pass"
pd_user agent2 agent
pd_start --telnet-listen "127.0.0.1:$PD_TELNET_PORT"
db="$PD_STATE/propdesk.db"

mkfifo "$PD_TMP/hold.fifo"
exec 7<>"$PD_TMP/hold.fifo"
pids=()
hold() { # NAME: an interactive session kept open (its ssh is the background job)
	# shellcheck disable=SC2046
	ssh $(pd_ssh_opts) -i "$PD_TMP/$1.key" -tt -o SetEnv=LANG=en_US.UTF-8 "$1@127.0.0.1" \
		<&7 >/dev/null 2>&1 &
	pids+=($!)
}
sessions() { grep -c "session ssh for $1" "$PD_LOG" || true; }
wait_sessions() { # NAME COUNT
	for _ in $(seq 1 100); do [ "$(sessions "$1")" -ge "$2" ] && return 0; sleep 0.05; done
	pd_fail "$1 has $(sessions "$1") sessions, not $2"
}
cleanup_holds() { [ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null || true; }
trap 'cleanup_holds; pd_cleanup' EXIT

hold agent1
hold agent1
wait_sessions agent1 2
# The third of agent1: refused, by key and by password, with the reason.
rc=0
err=$(pd_ssh agent1 whoami 2>&1 >/dev/null) || rc=$?
[ "$rc" -ne 0 ] || pd_fail "a third session of agent1 was let in (max_sessions_per_account=2)"
pd_assert_contains "$err" "this account has as many sessions open as it may" "reason (key)"
rc=0
err=$(pd_ssh_password agent1 agent-one-pass whoami 2>&1 >/dev/null) || rc=$?
[ "$rc" -ne 0 ] || pd_fail "a third session of agent1 got in by password"
pd_assert_contains "$err" "max_sessions_per_account" "reason (password)"
out=$(python3 - "$PD_TELNET_PORT" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"agent1\r\nagent-one-pass\r\n")
data, end = b"", time.time() + 10
while time.time() < end:
    d = s.recv(4096)
    if not d:
        break
    data += d
print(data.replace(b"\0", b"").decode("utf-8", "replace"))
PY
)
pd_assert_contains "$out" "该账号打开的会话数已达上限" "the telnet refusal line"
[ "$(sqlite3 "$db" "select count(*) from audit where action='login.refused' and target='agent1'")" -ge 3 ] ||
	pd_fail "the refusals were not audited"

# Another account from the same address: its first session is fine, up to max_sessions (3).
hold agent2
wait_sessions agent2 1
rc=0
err=$(pd_ssh agent2 whoami 2>&1 >/dev/null) || rc=$?
[ "$rc" -ne 0 ] || pd_fail "a fourth session overall was let in (max_sessions=3)"
pd_assert_contains "$err" "the service holds as many sessions as it may" "reason (max_sessions)"

# A session ending frees its place.
kill "${pids[0]}"
for _ in $(seq 1 100); do
	pd_ssh agent1 whoami >/dev/null 2>&1 && break
	sleep 0.1
done
out=$(pd_ssh agent1 whoami) || pd_fail "agent1 still refused after one of its sessions ended"
pd_assert_contains "$out" agent1 "whoami after a session ended"
cleanup_holds
pd_stop
pd_log "ok"
