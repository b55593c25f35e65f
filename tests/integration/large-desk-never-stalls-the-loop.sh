#!/usr/bin/env bash
# On a desk seeded like the demo with 20,000 complaints, the commands that read many rows
# (complaint list --overdue, --status, search by regex, promise list --closed, unit show, report
# techniques) run while another agent types `whoami` at a prompt: every whoami answers within a
# bound, and no turn of the daemon's loop is busy long enough to stall the others. The loop's
# busy-time watch logs turns over stall_warn_ms with the account and command that ran in them.
# The reads run on pool threads at a lower priority than the loop's.
. "$(dirname "$0")/lib.sh"

# Sanitizer builds run several times slower: the bounds are for them.
STALL_BOUND_MS=300
WHOAMI_BOUND_MS=1500

pd_config service.stall_warn_ms=1
pd_user agent1 agent
pd_user sup1 supervisor
"$PROPDESKD" demo seed --complaints 20000 --config "$PD_CONF" >/dev/null 2>"$PD_TMP/seed.err" ||
	{ cat "$PD_TMP/seed.err" >&2; pd_fail "demo seed exited $?"; }
pd_start

unit=$(pd_ssh agent1 "unit list --json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["code"])')
heavy=("agent1|complaint list --overdue --limit 500" "agent1|complaint list --status open,escalated"
	"agent1|complaint search --regex 漏.{0,4}水" "agent1|promise list --closed --limit 500"
	"agent1|unit show $unit" "sup1|report techniques" "sup1|complaint list --overdue")
# A line in the log marks where the heavy commands begin.
before=$(wc -l <"$PD_LOG")

pids=()
for round in 1 2; do
	for entry in "${heavy[@]}"; do
		user=${entry%%|*}
		pd_ssh "$user" "${entry#*|}" >"$PD_TMP/heavy.$round.${#pids[@]}" 2>&1 &
		pids+=($!)
	done
done
# Meanwhile agent1 types whoami at a prompt, 20 times (rtt.py: p50 p99 max in ms).
read -r p50 p99 worst < <(python3 "$(dirname "$0")/rtt.py" 20 0.05 $(pd_ssh_opts) \
	-i "$PD_TMP/agent1.key" agent1@127.0.0.1) || pd_fail "the whoami probe failed"
worst=${worst%.*}
for p in "${pids[@]}"; do
	wait "$p" || pd_fail "a heavy command failed: $(cat "$PD_TMP"/heavy.* | head -c 400)"
done
pd_log "whoami while the heavy commands ran: p50 $p50 ms, p99 $p99 ms, max $worst ms"
[ "$worst" -le "$WHOAMI_BOUND_MS" ] || pd_fail "whoami took $worst ms (bound $WHOAMI_BOUND_MS)"

# Every turn logged since the heavy commands began, the longest first.
stalls=$(tail -n +"$((before + 1))" "$PD_LOG" | sed -n 's/.*loop stall: \([0-9]*\) ms busy in one turn (\(.*\)); longest.*/\1 \2/p' | sort -rn)
pd_log "longest turns: $(head -n 3 <<<"$stalls" | tr '\n' ';')"
longest=$(head -n 1 <<<"$stalls" | cut -d' ' -f1)
[ "${longest:-0}" -le "$STALL_BOUND_MS" ] ||
	pd_fail "a turn of the loop was busy $longest ms (bound $STALL_BOUND_MS): $(head -n 1 <<<"$stalls")"
# The watch names the account and the command (a 1 ms threshold catches some of them).
grep -qE '^[0-9]+ (agent1|sup1): [a-z]+' <<<"$stalls" || pd_fail "no stall names an account and command"

# The reads ran on pool threads below the loop's priority (nice 5), the loop thread at 0
# (field 19 of /proc/PID/task/TID/stat; the thread's name in parentheses has no spaces).
loop_nice=$(cut -d' ' -f19 "/proc/$PD_PID/task/$PD_PID/stat")
[ "$loop_nice" = 0 ] || pd_fail "the loop thread runs at nice $loop_nice"
lowered=$(cat /proc/"$PD_PID"/task/*/stat | awk '$19 == 5' | wc -l)
[ "$lowered" -ge 1 ] || pd_fail "no pool thread runs below the loop: $(cut -d' ' -f2,19 /proc/"$PD_PID"/task/*/stat | tr '\n' ' ')"
pd_log "pool threads at nice 5: $lowered"

pd_stop
grep -q 'the longest turn of the loop was' "$PD_LOG" || pd_fail "no longest-turn line at exit"
pd_log "ok"
