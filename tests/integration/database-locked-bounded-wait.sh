#!/usr/bin/env bash
# The database locked by an outside writer (sqlite3 holding BEGIN IMMEDIATE): a change waits at
# most [database] busy_timeout, then the agent gets a clear error ("locked by another writer")
# and nothing is stored; another session's whoami round trip stays fast meanwhile, even while a
# third session keeps trying to write (after one wait runs out, the store gives up at once for a
# second rather than stall the loop for each command); a new login, which cannot be audited, is
# refused promptly; after the lock is released, changes work again.
. "$(dirname "$0")/lib.sh"

pd_config database.busy_timeout=100
pd_user agent1 agent
pd_user agent2 agent
pd_user agent3 agent
pd_start
DB="$PD_STATE/propdesk.db"
opts() { echo "$(pd_ssh_opts) -i $PD_TMP/$1.key -o SetEnv=LANG=en_US.UTF-8 $1@127.0.0.1"; }

cat >"$PD_TMP/locked.steps" <<EOF
# The sessions are open (logged in, audited): now the lock is taken.
touch $PD_TMP/ready
waitfile $PD_TMP/locked 20
# Session 0 writes: a bounded wait, then the clear error.
send 0 complaint add --unit 1-1-101 --category repairs --technique empathy LOCKEDADD
expect 0 locked by another writer 10
time 0 add_refused_ms
# Session 1's round trips while session 2 keeps trying to write.
hammer 2 complaint note C-20000101-0001 LOCKEDNOTE
sleep 0.5
rtt 1 20 whoami_ms
stop 2
EOF
# shellcheck disable=SC2046
python3 "$(dirname "$0")/pty_driver.py" "$PD_TMP/locked.steps" $(opts agent1) -- \
	$(opts agent2) -- $(opts agent3) >"$PD_TMP/driver.out" 2>&1 &
driver=$!
for _ in $(seq 1 400); do [ -e "$PD_TMP/ready" ] && break; sleep 0.05; done
[ -e "$PD_TMP/ready" ] || pd_fail "the sessions did not open: $(cat "$PD_TMP/driver.out")"

# The outside writer: sqlite3 takes the write lock and keeps it while the sleep runs.
{
	printf 'BEGIN IMMEDIATE;\nINSERT INTO units (code, created) VALUES (%s, 0);\n' "'LOCK-1'"
	printf 'SELECT %s;\n' "'locked'"
	sleep 120 2>/dev/null &
	echo $! >"$PD_TMP/sleep.pid"
	wait
} 2>/dev/null | sqlite3 "$DB" >"$PD_TMP/locker.out" 2>&1 &
locker=$!
# On the way out the outside writer goes too (its sleep would hold the lock for minutes).
trap 'rc=$?; set +e; kill "$(cat "$PD_TMP/sleep.pid" 2>/dev/null)" 2>/dev/null; (exit $rc); pd_cleanup' EXIT
for _ in $(seq 1 100); do grep -q locked "$PD_TMP/locker.out" && break; sleep 0.05; done
grep -q locked "$PD_TMP/locker.out" || pd_fail "sqlite3 did not take the lock: $(cat "$PD_TMP/locker.out")"
touch "$PD_TMP/locked"
wait "$driver" || pd_fail "driving the sessions while locked failed: $(cat "$PD_TMP/driver.out")"
out=$(cat "$PD_TMP/driver.out")
pd_log "while locked: $(tr '\n' ' ' <<<"$out")"
refused=$(awk '/^add_refused_ms/ {print int($2)}' <<<"$out")
read -r p50 max < <(awk '/^whoami_ms/ {print int($2), int($3)}' <<<"$out")
hammered=$(awk '/^hammered/ {print $2}' <<<"$out")
# Waited (about busy_timeout), but not much longer: the loop thread is the one waiting.
[ "$refused" -ge 90 ] || pd_fail "the change was refused after $refused ms: no wait for the lock"
[ "$refused" -lt 2000 ] || pd_fail "the change was refused only after $refused ms"
[ "$hammered" -ge 3 ] || pd_fail "the writing session tried only $hammered times"
# Once a wait has run out, the store gives up at once for a second instead of stalling the
# loop for every command (whoami's own audit event, session 2's writes): whoami stays fast,
# with one full wait a second at most.
[ "$p50" -lt 50 ] || pd_fail "whoami took $p50 ms (median) while the database was locked"
[ "$max" -lt 1500 ] || pd_fail "whoami took up to $max ms while the database was locked"
kill -0 "$PD_PID" || pd_fail "the daemon died while the database was locked"
n=$(sqlite3 "$DB" "select count(*) from complaints where words = 'LOCKEDADD'")
pd_assert_eq "$n" 0 "complaints stored while locked"

# A new login cannot be audited while the lock is held: it is refused, and not slowly.
start=$(date +%s%N)
rc=0
pd_ssh agent2 whoami >/dev/null 2>"$PD_TMP/login.err" || rc=$?
elapsed=$((($(date +%s%N) - start) / 1000000))
[ "$rc" -ne 0 ] || pd_fail "a login was accepted without its audit event"
[ "$elapsed" -lt 5000 ] || pd_fail "a refused login took $elapsed ms"
grep -q 'could not record this login' "$PD_TMP/login.err" ||
	pd_fail "the refused login was not told why: $(cat "$PD_TMP/login.err")"

# Released: sqlite3 reads EOF and rolls back; changes work again.
kill "$(cat "$PD_TMP/sleep.pid")"
wait "$locker" || true
out=$(pd_ssh agent1 "complaint add --unit 1-1-101 --category repairs --technique empathy \
	AFTERLOCK") || pd_fail "add after the lock was released exited $?"
pd_assert_contains "$out" "投诉已登记" "add after the lock was released"
n=$(sqlite3 "$DB" "select count(*) from units where code = 'LOCK-1'")
pd_assert_eq "$n" 0 "the outside writer's rolled-back row"
pd_stop
pd_log "ok: refused after $refused ms; whoami p50 $p50 ms, max $max ms while locked" \
	"($hammered writes tried meanwhile)"
