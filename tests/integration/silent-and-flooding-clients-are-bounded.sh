#!/usr/bin/env bash
# Clients that hold connections without logging in are bounded. A client that connects and
# says nothing (or only its SSH banner) is dropped at the authentication timeout. 1,000
# connections from one address: the per-address limit admits max_per_address of them and refuses
# the rest at once; meanwhile another address (127.0.0.2) logs in and works normally, while a new
# login from the flooding address is refused; once the flood ends that address works again. The
# log stays bounded (refusals are summarised, not logged one by one) and the daemon is clean.
. "$(dirname "$0")/lib.sh"

LIMIT=40
# The timeout is long enough for the flood's slots to stay taken while the test looks.
pd_config limits.auth_timeout=5 limits.max_per_address=$LIMIT
pd_user agent1 agent
pd_start

# --- silent clients ---------------------------------------------------------------------------
python3 - "$PD_SSH_PORT" <<'PY' || pd_fail "a silent client was not dropped at the auth timeout"
import socket, sys, threading, time

port = int(sys.argv[1])
took = {}


def held(say, what):
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    t0 = time.monotonic()
    if say:
        s.sendall(say)
    try:
        while s.recv(4096):
            pass
    except ConnectionResetError:
        pass
    s.close()
    took[what] = time.monotonic() - t0


cases = ((b"", "a client that says nothing"),
         (b"SSH-2.0-OpenSSH_9.2\r\n", "a client that sends only its banner"))
threads = [threading.Thread(target=held, args=c) for c in cases]
for t in threads:
    t.start()
for t in threads:
    t.join()
bad = False
for _, what in cases:
    print("%s: dropped after %.1f s" % (what, took[what]), file=sys.stderr)
    if not 4.0 <= took[what] < 15.0:
        print("%s: expected about 5 s" % what, file=sys.stderr)
        bad = True
sys.exit(1 if bad else 0)
PY

# --- 1,000 connections from one address -------------------------------------------------------
log_before=$(wc -l <"$PD_LOG")
python3 - "$PD_SSH_PORT" "$PD_TMP" <<'PY' &
import os, select, socket, sys, time

port, tmp = int(sys.argv[1]), sys.argv[2]
socks = []
for i in range(1000):
    s = socket.socket()
    s.setblocking(False)
    try:
        s.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    socks.append(s)
# Each gets the server's banner (admitted) or is closed without one (refused).
banner, refused = set(), set()
end = time.monotonic() + 20
while len(banner) + len(refused) < len(socks) and time.monotonic() < end:
    live = [s for s in socks if s not in banner and s not in refused]
    r, _, _ = select.select(live, [], [], 0.1)
    for s in r:
        try:
            data = s.recv(4096)
        except (ConnectionResetError, BlockingIOError, OSError):
            data = b""
        if data.startswith(b"SSH-"):
            banner.add(s)
        elif not data:
            refused.add(s)
with open(os.path.join(tmp, "flood.out"), "w") as f:
    f.write("%d %d\n" % (len(banner), len(refused)))
# Hold the admitted ones until told to let go (they stay unauthenticated).
while not os.path.exists(os.path.join(tmp, "flood.stop")):
    time.sleep(0.05)
for s in socks:
    s.close()
PY
flood=$!
for _ in $(seq 1 300); do [ -s "$PD_TMP/flood.out" ] && break; sleep 0.05; done
[ -s "$PD_TMP/flood.out" ] || pd_fail "the flood did not report"
read -r admitted refused <"$PD_TMP/flood.out"
pd_log "1000 connections from 127.0.0.1: $admitted admitted, $refused refused at once"
[ "$admitted" -eq "$LIMIT" ] || pd_fail "$admitted connections admitted from one address (limit $LIMIT)"
pd_assert_eq "$refused" $((1000 - LIMIT)) "connections refused"

# While the flood holds its slots: another address works, the flooding one is refused.
start=$(date +%s%N)
out=$(pd_ssh agent1 -b 127.0.0.2 whoami) || pd_fail "a login from 127.0.0.2 during the flood exited $?"
took=$((($(date +%s%N) - start) / 1000000))
pd_assert_contains "$out" "127.0.0.2" "whoami from 127.0.0.2 during the flood"
rc=0
pd_ssh agent1 whoami >/dev/null 2>&1 || rc=$?
[ "$rc" -ne 0 ] || pd_fail "a login from the flooding address was accepted past the limit"

touch "$PD_TMP/flood.stop"
wait "$flood" || pd_fail "the flood client failed"
# The slots are given back as the server sees the closes.
for _ in $(seq 1 100); do
	pd_ssh agent1 whoami >/dev/null 2>&1 && break
	sleep 0.1
done
out=$(pd_ssh agent1 whoami) || pd_fail "127.0.0.1 still refused after the flood ended"
pd_assert_contains "$out" "127.0.0.1" "whoami from 127.0.0.1 after the flood"

# The refusals are summarised: the log grew by far fewer lines than there were refusals.
lines=$(($(wc -l <"$PD_LOG") - log_before))
[ "$lines" -lt 250 ] || pd_fail "the flood wrote $lines log lines"
grep -q 'refused' "$PD_LOG" || pd_fail "no refusal in the log"
pd_stop
pd_log "ok: silent clients dropped at the timeout; flood bounded ($admitted/$LIMIT admitted," \
	"$lines log lines); 127.0.0.2 logged in in $took ms meanwhile"
