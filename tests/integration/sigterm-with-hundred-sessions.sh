#!/usr/bin/env bash
# SIGTERM with 100 open interactive sessions: every session sees the stopping notice (in its
# language) before it is closed, every client exits, and the daemon exits 0 within a few
# seconds with a clean log (no sanitizer report, one logout event per session).
. "$(dirname "$0")/lib.sh"

N=${PD_SESSIONS:-100}
pd_config limits.max_startups_per_address=$((N + 20)) limits.max_startups=$((N + 20))
pd_user agent1 agent
pd_start

# The clients' terminals read from a FIFO this script holds open: they stay connected, idle,
# and no process is left behind once the script ends.
mkfifo "$PD_TMP/keys"
exec 3<>"$PD_TMP/keys"
mkdir -p "$PD_TMP/out"
pids=()
for i in $(seq 1 "$N"); do
	if [ $((i % 2)) -eq 0 ]; then lang=en_US.UTF-8; else lang=zh_CN.UTF-8; fi
	pd_ssh agent1 -tt -o SetEnv=LANG=$lang <"$PD_TMP/keys" >"$PD_TMP/out/$i" 2>&1 &
	pids+=($!)
done
for _ in $(seq 1 600); do
	n=$(grep -c 'session ssh for agent1' "$PD_LOG" || true)
	[ "$n" -ge "$N" ] && break
	sleep 0.1
done
[ "$n" -ge "$N" ] || pd_fail "only $n of $N sessions opened"
# Every prompt is on the screen before the signal.
for _ in $(seq 1 200); do
	n=$(grep -l 'agent1.*> ' "$PD_TMP"/out/* 2>/dev/null | wc -l)
	[ "$n" -ge "$N" ] && break
	sleep 0.05
done
[ "$n" -ge "$N" ] || pd_fail "only $n of $N sessions showed a prompt"

start=$(date +%s%N)
kill -TERM "$PD_PID"
rc=0
wait "$PD_PID" || rc=$?
elapsed=$((($(date +%s%N) - start) / 1000000))
PD_PID=""
pd_assert_eq "$rc" 0 "exit status after SIGTERM"
[ "$elapsed" -lt 5000 ] || pd_fail "SIGTERM with $N sessions took $elapsed ms"
pd_check_log

# Every client was closed by the server (its ssh exits), after the notice.
deadline=$(($(date +%s) + 20))
for p in "${pids[@]}"; do
	while kill -0 "$p" 2>/dev/null; do
		[ "$(date +%s)" -lt "$deadline" ] || pd_fail "an ssh client was not closed"
		sleep 0.05
	done
done
exec 3>&-
noticed=0
for i in $(seq 1 "$N"); do
	if [ $((i % 2)) -eq 0 ]; then
		want='service is stopping' other='服务正在停止'
	else
		want='服务正在停止' other='service is stopping'
	fi
	if grep -q "$other" "$PD_TMP/out/$i"; then
		pd_fail "session $i got the stop notice in the other language"
	fi
	if grep -q "$want" "$PD_TMP/out/$i"; then
		noticed=$((noticed + 1))
	else
		pd_log "session $i output: $(tail -c 300 "$PD_TMP/out/$i")"
	fi
done
pd_assert_eq "$noticed" "$N" "sessions that saw the stopping notice"
n=$(sqlite3 "$PD_STATE/propdesk.db" "select count(*) from audit where action = 'logout'")
pd_assert_eq "$n" "$N" "logout events"
pd_log "ok: $N sessions told and closed; daemon stopped in $elapsed ms"
