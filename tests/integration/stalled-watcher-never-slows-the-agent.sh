#!/usr/bin/env bash
# A supervisor watches an agent, then the watcher stops reading its ssh client's output while the agent
# keeps working and prints megabytes: the agent's round trip stays what it was without the
# watcher, the watcher's queue in the daemon never holds more than [monitor] watch_buffer, and
# when the watcher reads again it is told how much it skipped; the audit's watch.end counts it.
. "$(dirname "$0")/lib.sh"

pd_config monitor.watch_buffer=64K
pd_user sup1 supervisor
ssh-keygen -q -t ed25519 -N '' -C "agent1@test" -f "$PD_TMP/agent1.key"
"$PROPDESKD" user add agent1 --role agent --team sup1 --config "$PD_CONF" \
	--key "$PD_TMP/agent1.key.pub" >/dev/null
pd_start

json() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

# The agent: N1 commands alone, then (once told) N2 more while the watcher is stalled; prints
# the round trips' p50 and p99 of each phase, and the bytes the agent received.
cat >"$PD_TMP/agent.py" <<'EOF'
import os, select, subprocess, sys, time
ready, go, n1, n2 = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
proc = subprocess.Popen(["ssh", "-tt"] + sys.argv[5:], stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
out = proc.stdout.fileno()
buf = b""
total = 0
PROMPT = b"agent1\x1b[0m> "
def wait_prompt(timeout=20):
    global buf, total
    end = time.monotonic() + timeout
    while PROMPT not in buf:
        r, _, _ = select.select([out], [], [], max(0, end - time.monotonic()))
        if not r:
            sys.exit("agent.py: no prompt; got %r" % buf[-200:])
        chunk = os.read(out, 65536)
        if not chunk:
            sys.exit("agent.py: closed")
        total += len(chunk)
        buf = (buf + chunk)[-4096:]
    buf = b""
def phase(n):
    t = []
    for _ in range(n):
        t0 = time.monotonic()
        proc.stdin.write(b"help\r")
        proc.stdin.flush()
        wait_prompt()
        t.append((time.monotonic() - t0) * 1000)
    t.sort()
    return t[len(t) // 2], t[min(len(t) - 1, int(len(t) * 0.99))]
wait_prompt()
a = phase(n1)
open(ready, "w").close()
end = time.monotonic() + 30
while not os.path.exists(go):
    if time.monotonic() > end:
        sys.exit("agent.py: never told to go on")
    time.sleep(0.02)
before = total
b = phase(n2)
print("%.1f %.1f %.1f %.1f %d" % (a[0], a[1], b[0], b[1], total - before), flush=True)
open(ready + ".done", "w").close()
# Stays logged in until told to leave.
end = time.monotonic() + 60
while not os.path.exists(go + ".leave") and time.monotonic() < end:
    time.sleep(0.02)
proc.stdin.write(b"quit\r")
proc.stdin.flush()
proc.wait(timeout=10)
EOF

# shellcheck disable=SC2046
python3 "$PD_TMP/agent.py" "$PD_TMP/ready" "$PD_TMP/go" 60 1200 \
	$(pd_ssh_opts) -o SetEnv=LANG=en_US.UTF-8 -i "$PD_TMP/agent1.key" agent1@127.0.0.1 \
	>"$PD_TMP/agent.out" &
agent_pid=$!
# The agent's driver goes with the test, whatever happens.
watcher_pid=""
trap 'rc=$?; kill $agent_pid $watcher_pid 2>/dev/null || true; (exit $rc); pd_cleanup' EXIT
for i in $(seq 1 600); do [ -f "$PD_TMP/ready" ] && break; sleep 0.05; done
[ -f "$PD_TMP/ready" ] || pd_fail "the agent's first phase never finished"

# The watcher: starts watching, then reads nothing (its ssh client's output piles up, and the
# client stops reading the connection) until told to read again.
cat >"$PD_TMP/watcher.py" <<'EOF'
import os, re, select, subprocess, sys, time
go, resume = sys.argv[1], sys.argv[2]
proc = subprocess.Popen(["ssh", "-tt"] + sys.argv[3:], stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
out = proc.stdout.fileno()
buf = b""
def wait_for(pat, timeout=20):
    global buf
    end = time.monotonic() + timeout
    while True:
        m = re.search(pat, buf)
        if m:
            buf = buf[m.end():]
            return m
        r, _, _ = select.select([out], [], [], max(0, end - time.monotonic()))
        if not r:
            sys.exit("watcher.py: never saw %r; got %r" % (pat, buf[-300:]))
        chunk = os.read(out, 65536)
        if not chunk:
            sys.exit("watcher.py: closed")
        buf = (buf + chunk)[-(1 << 20):]
def send(s):
    proc.stdin.write(s)
    proc.stdin.flush()
wait_for(rb"sup1\x1b\[0m> ")
send(b"watch agent1\r")
wait_for(rb"supervisor sup1 is watching your session")
open(go, "w").close()
end = time.monotonic() + 60
while not os.path.exists(resume) and time.monotonic() < end:
    time.sleep(0.02)
m = wait_for(rb"your terminal fell behind: ([0-9]+) bytes")
print("told it fell behind, %s bytes skipped" % m.group(1).decode(), flush=True)
send(b"q")
wait_for(rb"stopped watching")
send(b"quit\r")
proc.wait(timeout=10)
EOF
# shellcheck disable=SC2046
python3 "$PD_TMP/watcher.py" "$PD_TMP/go" "$PD_TMP/resume" \
	$(pd_ssh_opts) -o SetEnv=LANG=en_US.UTF-8 -i "$PD_TMP/sup1.key" sup1@127.0.0.1 \
	>"$PD_TMP/watcher.out" &
watcher_pid=$!
for i in $(seq 1 1200); do [ -f "$PD_TMP/ready.done" ] && break; sleep 0.05; done
[ -f "$PD_TMP/ready.done" ] || pd_fail "the agent's second phase never finished"
read -r a50 a99 b50 b99 bytes <"$PD_TMP/agent.out"
pd_log "agent rtt alone p50 ${a50} ms p99 ${a99} ms; with a stalled watcher p50 ${b50} ms p99 ${b99} ms; ${bytes} bytes of output meanwhile"
[ "$bytes" -gt 3000000 ] || pd_fail "the agent printed only $bytes bytes: the watcher's window never filled"
python3 -c "import sys; a50, a99, b50, b99 = map(float, sys.argv[1:]); sys.exit(0 if b50 <= a50 * 2 + 5 and b99 <= a99 * 3 + 50 else 1)" \
	"$a50" "$a99" "$b50" "$b99" || pd_fail "the stalled watcher slowed the agent"

# The watcher's queue in the daemon is held at the watch buffer.
out=$(pd_ssh sup1 'sessions --json') || pd_fail "sessions --json exited $?"
queued=$(json '[s["queued"] for s in d["items"] if s["account"] == "sup1" and s["watching"]][0]' <<<"$out")
pd_log "the stalled watcher's queue holds $queued bytes (watch_buffer 65536)"
[ "$queued" -le 70000 ] || pd_fail "the stalled watcher's queue grew to $queued bytes"

# It reads again: told how much it skipped; it leaves, and the audit counts what it missed.
touch "$PD_TMP/resume"
wait "$watcher_pid" || pd_fail "the watcher failed"
pd_log "the watcher, reading again, was $(cat "$PD_TMP/watcher.out")"
detail=$(sqlite3 "$PD_STATE/propdesk.db" "SELECT detail FROM audit WHERE action='watch.end'")
pd_log "watch.end: $detail"
case "$detail" in
*", 0 skipped"*) pd_fail "watch.end counts nothing skipped: $detail" ;;
*" skipped (fell behind "*) ;;
*) pd_fail "watch.end detail: $detail" ;;
esac
touch "$PD_TMP/go.leave"
wait "$agent_pid" || pd_fail "the agent's session failed"
pd_stop
pd_log "PASS"
