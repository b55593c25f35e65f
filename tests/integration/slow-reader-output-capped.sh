#!/usr/bin/env bash
# A client that stops reading while its commands produce output does not grow the daemon's memory
# past the cap: the daemon stops taking that session's input instead. Other sessions go on.
. "$(dirname "$0")/lib.sh"

pd_config limits.output_high_water=64K
pd_user agent1 agent
pd_start

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$PD_PID/status"; }

# A writer that sends `help` (about 2 kB of output each) as fast as the daemon takes it, into a
# session whose output nobody reads: ssh's stdout is a FIFO held open but never read.
mkfifo "$PD_TMP/never-read"
exec 7<>"$PD_TMP/never-read"
python3 - "$PD_TMP/sent" <<'PY' | pd_ssh agent1 -tt -o SetEnv=LANG=en_US.UTF-8 >"$PD_TMP/never-read" 2>/dev/null &
import os, sys, time
sent = 0
line = b"help\r" * 200
end = time.time() + 12
while time.time() < end:
    try:
        os.write(1, line)
    except BrokenPipeError:
        break
    sent += len(line)
    with open(sys.argv[1], "w") as f:
        f.write(str(sent))
PY
writer=$!

sleep 4
rss1=$(rss_kb)
sent1=$(cat "$PD_TMP/sent" 2>/dev/null || echo 0)
sleep 4
rss2=$(rss_kb)
sent2=$(cat "$PD_TMP/sent" 2>/dev/null || echo 0)
pd_log "rss ${rss1} kB -> ${rss2} kB; input taken ${sent1} -> ${sent2} bytes"

# Input stopped being taken: the writer is blocked, so the server produced bounded output.
[ "$sent2" -le $((sent1 + 65536)) ] || pd_fail "the daemon kept taking input from a client that does not read ($sent1 -> $sent2)"
[ "$sent2" -lt $((8 * 1024 * 1024)) ] || pd_fail "the daemon took $sent2 bytes of input from a client that does not read"
# Memory stays flat while the client keeps not reading.
[ $((rss2 - rss1)) -lt 4096 ] || pd_fail "daemon memory grew by $((rss2 - rss1)) kB while the client did not read"

# Meanwhile another session answers at once.
out=$(pd_ssh agent1 whoami)
pd_assert_contains "$out" agent1 "another session"

kill "$writer" 2>/dev/null || true
exec 7>&-
pd_stop
pd_log "ok"
