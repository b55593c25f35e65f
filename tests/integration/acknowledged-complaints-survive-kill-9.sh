#!/usr/bin/env bash
# An acknowledged change survives a killed daemon: 20 clients add complaints in exec mode while
# the daemon is killed with SIGKILL, 20 times in a row (restarted each time). Every complaint
# whose `complaint add` exited 0 and printed its number is in the database after the restart,
# with its words, and with its audit event (action complaint.add, target = the number); the
# audit chain has no gap; the daemon starts cleanly on the WAL each kill left behind.
. "$(dirname "$0")/lib.sh"

ROUNDS=${PD_KILL_ROUNDS:-20}
CLIENTS=${PD_KILL_CLIENTS:-20}
pd_config limits.max_startups_per_address=200 limits.max_startups=200
for c in $(seq 1 "$CLIENTS"); do
	pd_user "agent$c" agent
done
DB="$PD_STATE/propdesk.db"
mkdir -p "$PD_TMP/acks"

# client C ROUND: adds complaints until the stop file appears; records "NUMBER WORDS" for each
# add that was acknowledged (status 0 and a number on stdout).
client() {
	local c=$1 round=$2 k=0 out num words
	while [ ! -e "$PD_TMP/stop.$round" ]; do
		k=$((k + 1))
		words="r${round}c${c}k${k} 楼上漏水"
		if out=$(pd_ssh "agent$c" -o ConnectTimeout=5 \
			"complaint add --unit 1-$c-$k --category repairs --technique empathy '$words'" \
			2>/dev/null); then
			num=$(grep -oE 'C-[0-9]{8}-[0-9]{4}' <<<"$out" | head -n 1 || true)
			[ -n "$num" ] && printf '%s %s\n' "$num" "$words" >>"$PD_TMP/acks/$c"
		fi
	done
}

start=$(date +%s)
for round in $(seq 1 "$ROUNDS"); do
	pd_start
	pids=()
	for c in $(seq 1 "$CLIENTS"); do
		client "$c" "$round" &
		pids+=($!)
	done
	# Kill at a different moment each round, while the adds are in flight.
	sleep "0.$((RANDOM % 6 + 4))"
	kill -KILL "$PD_PID"
	wait "$PD_PID" 2>/dev/null || true
	PD_PID=""
	touch "$PD_TMP/stop.$round"
	wait "${pids[@]}" || true
	pd_check_log
done
# One more start: the daemon recovers the last kill's WAL and serves.
pd_start
out=$(pd_ssh agent1 whoami) || pd_fail "whoami after $ROUNDS kills"
pd_assert_contains "$out" agent1 "whoami after $ROUNDS kills"
pd_stop

cat "$PD_TMP"/acks/* >"$PD_TMP/acked" 2>/dev/null || true
acked=$(wc -l <"$PD_TMP/acked")
[ "$acked" -ge $((ROUNDS * 2)) ] || pd_fail "only $acked adds were acknowledged in $ROUNDS rounds"
# Numbers are unique: no two acknowledged adds got the same number across restarts.
dups=$(cut -d' ' -f1 "$PD_TMP/acked" | sort | uniq -d | head -n 3)
[ -z "$dups" ] || pd_fail "numbers acknowledged twice: $dups"

# Each acknowledged complaint, its words and its audit event.
sqlite3 "$DB" "select number || ' ' || words from complaints" | sort >"$PD_TMP/stored"
sqlite3 "$DB" "select target from audit where action = 'complaint.add'" | sort >"$PD_TMP/audited"
missing=$(sort "$PD_TMP/acked" | comm -23 - "$PD_TMP/stored" | head -n 5)
[ -z "$missing" ] || pd_fail "acknowledged but lost after kill -9: $missing"
missing=$(cut -d' ' -f1 "$PD_TMP/acked" | sort | comm -23 - "$PD_TMP/audited" | head -n 5)
[ -z "$missing" ] || pd_fail "acknowledged without a complaint.add audit event: $missing"
# No complaint without its audit event either (the change and its event are one transaction).
n=$(sqlite3 "$DB" "select count(*) from complaints where number not in
	(select target from audit where action = 'complaint.add')")
pd_assert_eq "$n" 0 "complaints without an audit event"
n=$(sqlite3 "$DB" "select count(*) from audit a join audit b on b.seq = a.seq + 1
	where b.prev_hash != a.hash")
pd_assert_eq "$n" 0 "broken links in the audit chain"
total=$(sqlite3 "$DB" "select count(*) from complaints")
pd_log "ok: $ROUNDS kills in $(($(date +%s) - start)) s; $acked adds acknowledged, all kept" \
	"($total stored)"
