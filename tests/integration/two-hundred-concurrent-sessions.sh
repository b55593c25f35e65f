#!/usr/bin/env bash
# 200 interactive SSH sessions open at once on the one loop, and every one of them answers.
. "$(dirname "$0")/lib.sh"

N=${PD_SESSIONS:-200}
# All of them log in at the same moment from one address: room for that burst.
pd_config limits.max_startups_per_address=1000 limits.max_startups=1000 limits.max_sessions=5000
pd_user agent1 agent
pd_start

mkdir -p "$PD_TMP/out"
pids=()
for i in $(seq 1 "$N"); do
	{
		while [ ! -f "$PD_TMP/go" ]; do sleep 0.1; done
		printf 'whoami\r'
		sleep 2
		printf 'quit\r'
		sleep 1
	} | pd_ssh agent1 -tt -o SetEnv=LANG=en_US.UTF-8 >"$PD_TMP/out/$i" 2>&1 &
	pids+=($!)
done

# Wait until all are logged in (the daemon logs one line per session).
for _ in $(seq 1 600); do
	n=$(grep -c 'session ssh for agent1' "$PD_LOG" || true)
	[ "$n" -ge "$N" ] && break
	sleep 0.1
done
n=$(grep -c 'session ssh for agent1' "$PD_LOG" || true)
[ "$n" -ge "$N" ] || pd_fail "only $n of $N sessions opened"
est=$(ss -Htn state established "( sport = :$PD_SSH_PORT )" | wc -l)
[ "$est" -ge "$N" ] || pd_fail "only $est of $N connections open at once"
pd_log "$est sessions open at once"

touch "$PD_TMP/go"
wait "${pids[@]}" || true
answered=0
for i in $(seq 1 "$N"); do
	if grep -q 'session' "$PD_TMP/out/$i" && grep -q 'agent1' "$PD_TMP/out/$i"; then
		answered=$((answered + 1))
	fi
done
pd_assert_eq "$answered" "$N" "sessions that answered whoami"
pd_stop
pd_log "ok: $answered of $N answered"
