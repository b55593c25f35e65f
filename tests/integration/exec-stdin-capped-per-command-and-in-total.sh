#!/usr/bin/env bash
# Exec stdin is capped per command and for all sessions together, through the real ssh client.
# 1. A command reads at most its own maximum: 100 KB for `complaint note --stdin` (64 KiB) and
#    for `passwd` (16 KiB) is refused at once with a message naming the command; nothing stored.
# 2. Twenty admins stream 3 MB each into `unit import --dry-run` at once, holding their input
#    open. With [limits] stdin_budget = 16M, max_stdin = 4M and stdin_waiting = 12, four
#    commands read, twelve wait in line with their input unread, and four are refused at once
#    with a clear message: the daemon's peak memory grows by about the budget (and what the
#    SSH library keeps for the waiting ones), not by twenty times 3 MB. When the inputs end,
#    the sixteen imports complete, in turn.
# 3. A command that finds no room for stdin_wait seconds is refused with a clear message.
. "$(dirname "$0")/lib.sh"

n=20
pd_config limits.stdin_budget=16M limits.max_stdin=4M limits.stdin_wait=60 limits.stdin_waiting=12
pd_user agent1 agent
pd_user admin1 admin
pd_start
en() { local who=$1; shift; pd_ssh "$who" -o SetEnv=LANG=en_US.UTF-8 "$@"; }
# Keeps an input open until the gate file appears (or the test is gone).
hold() { while [ ! -e "$PD_TMP/gate" ] && [ -d "$PD_TMP" ]; do sleep 0.1; done; }
# On a failure the held inputs end too.
# (pd_cleanup reads the exit status from $?: `false || pd_cleanup` keeps it under set -e.)
trap 'rc=$?; touch "$PD_TMP/gate" 2>/dev/null || true
	if [ "$rc" -eq 0 ]; then pd_cleanup; else (exit "$rc") || pd_cleanup; fi' EXIT

out=$(en agent1 "complaint add --unit 1-1-101 --category repairs --technique empathy --json 漏水") ||
	pd_fail "complaint add failed"
num=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["number"])' <<<"$out")

# --- 1. per command -----------------------------------------------------------------------------
head -c 100000 /dev/zero | tr '\0' 'x' >"$PD_TMP/100k"
rc=0
en agent1 "complaint note $num --stdin" <"$PD_TMP/100k" >"$PD_TMP/out" 2>"$PD_TMP/err" || rc=$?
pd_assert_eq "$rc" 1 "status of a 100 KB note"
pd_assert_contains "$(cat "$PD_TMP/err")" \
	'stdin is larger than 65536 bytes, the most `complaint note` reads' "the note's refusal"
rc=0
en agent1 passwd <"$PD_TMP/100k" >"$PD_TMP/out" 2>"$PD_TMP/err" || rc=$?
pd_assert_eq "$rc" 1 "status of 100 KB of passwords"
pd_assert_contains "$(cat "$PD_TMP/err")" 'stdin is larger than 16384 bytes, the most `passwd` reads' \
	"passwd's refusal"
pd_assert_eq "$(sqlite3 "$PD_STATE/propdesk.db" 'select count(*) from complaint_notes')" 0 "notes"
# Under the maximum, a note is taken as before.
printf '第一行\n第二行\n' | en agent1 "complaint note $num --stdin" >/dev/null || pd_fail "a note failed"

# --- 2. all sessions together -------------------------------------------------------------------
python3 -c '
print("code,building,owner")
pad = "长" * 30
i = 0
out = []
size = 0
while size < 3000000:
    # Long names (near the 128 bytes a name may take): 3 MB in fewer rows, so that the
    # sixteen imports stay quick under the sanitizers too.
    line = f"9-{i // 1000 + 1}-{i:06d},9栋,业主{i}（{i % 97}号车位，{pad}）"
    out.append(line)
    size += len(line.encode()) + 1
    i += 1
print("\n".join(out))' >"$PD_TMP/big.csv"
rows=$(($(wc -l <"$PD_TMP/big.csv") - 1))
rss0=$(awk '/^VmRSS/ {print $2}' "/proc/$PD_PID/status")
pids=()
for i in $(seq $n); do
	# The input, held open until the gate file appears.
	(cat "$PD_TMP/big.csv"; hold) |
		en admin1 "unit import --dry-run --json" >"$PD_TMP/imp$i.out" 2>"$PD_TMP/imp$i.err" &
	pids+=($!)
done
# Four read, twelve wait for room, four are refused at once.
for _ in $(seq 200); do
	w=$(grep -c "command waits for room" "$PD_LOG" || true)
	r=$(grep -c "commands waiting already" "$PD_LOG" || true)
	[ "$w" -ge 12 ] && [ "$r" -ge $((n - 16)) ] && break
	sleep 0.05
done
pd_assert_eq "$w" 12 "commands waiting for room"
pd_assert_eq "$r" $((n - 16)) "commands refused at once"
sleep 1.5 # the four that read take all of their input meanwhile
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$PD_PID/status")
grew=$(((hwm - rss0) / 1024))
pd_log "peak memory grew by $grew MB for $n sessions streaming 3 MB each (budget 16 MB)"
# AddressSanitizer keeps freed memory in quarantine and pads every block: only a plain build
# says something about our buffers.
most=40
grep -q libasan "/proc/$PD_PID/maps" && most=400
[ "$grew" -lt "$most" ] || pd_fail "peak memory grew by $grew MB, more than the 16 MB budget allows"
touch "$PD_TMP/gate"
ok=0
busy=0
for i in $(seq $n); do
	if wait "${pids[$((i - 1))]}"; then
		grep -q "\"added\": *$rows" "$PD_TMP/imp$i.out" ||
			pd_fail "import $i: $(head -c 300 "$PD_TMP/imp$i.out")"
		ok=$((ok + 1))
	else
		grep -q "the desk is busy reading other sessions' input" "$PD_TMP/imp$i.err" ||
			pd_fail "import $i failed: $(head -c 300 "$PD_TMP/imp$i.err")"
		busy=$((busy + 1))
	fi
done
pd_assert_eq "$ok/$busy" "16/$((n - 16))" "imports done / refused"
g=$(grep -c "stdin room granted" "$PD_LOG" || true)
pd_assert_eq "$g" 12 "commands granted room after waiting"

# --- 3. no room for stdin_wait seconds: refused ---------------------------------------------------
port=$PD_SSH_PORT
pd_config limits.stdin_budget=4M limits.max_stdin=4M limits.stdin_wait=1
PD_SSH_PORT=$port # the daemon keeps its listener on reload
sed -i "s/^listen = .*/listen = 127.0.0.1:$port/" "$PD_CONF"
kill -HUP "$PD_PID"
for _ in $(seq 100); do
	[ "$(grep -c 'configuration reloaded' "$PD_LOG")" -ge 1 ] && break
	sleep 0.05
done
rm -f "$PD_TMP/gate"
(cat "$PD_TMP/big.csv"; hold) |
	en admin1 "unit import --dry-run" >/dev/null 2>&1 &
holder=$!
for _ in $(seq 100); do
	[ "$(grep -c 'session ssh for admin1' "$PD_LOG")" -gt $((n + 0)) ] && break
	sleep 0.05
done
sleep 0.3
rc=0
start=$(date +%s%N)
en admin1 "unit import --dry-run" <"$PD_TMP/big.csv" >"$PD_TMP/out" 2>"$PD_TMP/err" || rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
pd_assert_eq "$rc" 1 "status of a command that found no room"
pd_assert_contains "$(cat "$PD_TMP/err")" "the desk is busy reading other sessions' input" "the refusal"
[ "$ms" -lt 5000 ] || pd_fail "the refusal took $ms ms"
grep -q "no room in \[limits\] stdin_budget for 1 s" "$PD_LOG" || pd_fail "the refusal is not logged"
touch "$PD_TMP/gate"
wait "$holder" || pd_fail "the holder's import failed"
pd_stop
pd_log "ok: per-command caps, ${grew} MB peak growth for $n x 3 MB, waits granted in turn, refusals when the line is full and after stdin_wait"
