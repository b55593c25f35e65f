#!/usr/bin/env bash
# A flood of window-change requests does not flood the recording, and no recording grows past
# [record] max_bytes. The real ssh client in tmux: SIGWINCH sent to it thousands of times makes
# it send as many window-change requests with an unchanged size, which are not recorded; forty
# real changes in a burst are recorded at most a few per second, and the last size is kept.
# With max_bytes = 64K a session printing more ends its recording with one closing marker, a
# warning is logged once, and the session goes on.
. "$(dirname "$0")/lib.sh"

rec="$PD_STATE/recordings"

# The ssh client of a tmux window (the pane's process, or its child when a shell runs it).
ssh_pid() {
	local pid
	pid=$($PD_TMUX display-message -p -t "pd:$1" '#{pane_pid}')
	if [ "$(ps -o comm= -p "$pid")" != ssh ]; then
		pid=$(ps -o pid= --ppid "$pid" | head -n 1 | tr -d ' ')
	fi
	[ "$(ps -o comm= -p "$pid")" = ssh ] || pd_fail "no ssh client in window $1 ($pid)"
	echo "$pid"
}

pd_config record.max_bytes=64K
pd_user agent1 agent
pd_start

pd_tmux_start t "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_wait t 'agent1>'
pid=$(ssh_pid t)
# Unchanged sizes: each signal makes the client send the size it has (signals that come while
# one is pending are merged, so the client sends fewer requests than signals).
start=$(date +%s.%N)
for _ in $(seq 3); do
	for _ in $(seq 5000); do kill -WINCH "$pid"; done
	pd_tmux_type t "whoami"
	pd_tmux_send t Enter
done
pd_tmux_wait t "transport: *ssh" # the session answers during the flood
# Forty real changes over about a second and a half, ending at 97x31.
for i in $(seq 40); do
	$PD_TMUX resize-window -t pd:t -x $((60 + i % 2 * 30 + i / 20)) -y $((25 + i % 3))
	sleep 0.03
done
$PD_TMUX resize-window -t pd:t -x 97 -y 31
burst_end=$(date +%s.%N)
final=$($PD_TMUX display-message -p -t pd:t '#{pane_width}x#{pane_height}')
pd_assert_eq "$final" "97x31" "the pane's last size"
sleep 0.5 # the last size comes out when its time comes
# Then more output than max_bytes: the recording stops at its cap, the session goes on.
for _ in $(seq 30); do
	pd_tmux_type t "help"
	pd_tmux_send t Enter
done
pd_tmux_type t "whoami --json"
pd_tmux_send t Enter
pd_tmux_wait t '"name": *"agent1"'
pd_tmux_type t "quit"
pd_tmux_send t Enter
pd_tmux_wait_dead t
pd_stop

n=$(grep -c 'reached its limit of 65536 bytes' "$PD_LOG") || true
pd_assert_eq "$n" 1 "warnings about the recording's cap"
secs=$(python3 -c "print(f'{$burst_end - $start:.3f}')")
python3 - "$rec" "$final" "$secs" <<'EOF' || pd_fail "the recording is not right"
import glob, json, os, sys

rec, final, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
files = glob.glob(rec + "/*/*-agent1.cast")
assert len(files) == 1, files
size = os.path.getsize(files[0])
assert size <= 65536, f"the recording is {size} bytes, over max_bytes"
lines = open(files[0], encoding="utf-8").read().split("\n")[:-1]
header = json.loads(lines[0])
events = [json.loads(l) for l in lines[1:]]
resizes = [e for e in events if e[1] == "r"]
sizes = [e[2] for e in resizes]
# Only real changes: no event repeats the size before it (the header's for the first).
prev = f"{header['width']}x{header['height']}"
for s in sizes:
    assert s != prev, f"an unchanged size was recorded ({len(sizes)} resizes: {sizes[:5]}...)"
    prev = s
assert sizes and sizes[-1] == final, f"the last size {final} is not the last recorded: {sizes[-5:]}"
# At most one every 250 ms (plus the first) over the whole flood.
most = int(secs / 0.25) + 2
assert len(resizes) <= most, f"{len(resizes)} resizes recorded in {secs:.1f} s (at most {most})"
for a, b in zip(resizes, resizes[1:]):
    assert b[0] - a[0] >= 0.249, f"resizes {a} and {b} closer than 250 ms"
# The cap: the last event is the one closing marker; output before it is there.
last = events[-1]
assert last[1] == "m" and last[2].startswith("recording stopped: it reached its limit of 65536"), last
assert sum(1 for e in events if e[1] == "m") == 1, [e for e in events if e[1] == "m"]
out = "".join(e[2] for e in events if e[1] == "o")
assert "transport" in out and "help" in out, "the output before the cap is missing"
print(f"ok: {size} bytes, {len(events)} events, {len(sizes)} resizes {sizes} in {secs:.1f} s")
EOF
pd_log "ok"
