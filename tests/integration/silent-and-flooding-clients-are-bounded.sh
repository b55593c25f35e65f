#!/usr/bin/env bash
# Clients that hold connections without logging in are bounded, and cannot shut their address
# out. A client that connects and says nothing (or only its SSH banner) is dropped at the
# authentication timeout. 1,000 connections at once from one address: max_startups_per_address
# of them are admitted and the rest refused at once, each told why (an SSH disconnect message,
# no key exchange spent). While the flood holds its places, another address (127.0.0.2) logs in
# normally, and so does a new login from the flooding address: it takes the place of the
# oldest silent connection. A second wave never holds more than the limit. The log stays
# bounded (refusals and evictions are summarised, not logged one by one) and the daemon clean.
. "$(dirname "$0")/lib.sh"

LIMIT=40
# The timeout is long enough for the flood's slots to stay taken while the test looks.
pd_config limits.auth_timeout=5 limits.max_startups_per_address=$LIMIT
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
REASON = b"too many connections from your address are logging in"


def wave(n):
    socks = []
    for i in range(n):
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        socks.append(s)
    return socks


def classify(socks, secs):
    """Admitted: the server's own banner and the connection stays; refused: our one-line
    identification, the disconnect message with the reason, and the close."""
    data = {s: b"" for s in socks}
    closed = set()
    end = time.monotonic() + secs
    while time.monotonic() < end:
        live = [s for s in socks if s not in closed]
        if not live:
            break
        r, _, _ = select.select(live, [], [], 0.05)
        for s in r:
            try:
                d = s.recv(4096)
            except (ConnectionResetError, BlockingIOError, OSError):
                d = b""
            if d:
                data[s] += d
            else:
                closed.add(s)
    admitted = [s for s in socks if s not in closed and data[s].startswith(b"SSH-2.0-libssh")]
    refused = [s for s in socks if s in closed and data[s].startswith(b"SSH-2.0-propdesk")
               and REASON in data[s]]
    return admitted, refused


def still_open(socks):
    n = 0
    for s in socks:
        try:
            d = s.recv(4096, socket.MSG_PEEK)
            if d == b"":
                continue
        except BlockingIOError:
            pass
        except OSError:
            continue
        # Read what is there to see an EOF behind it.
        try:
            while s.recv(4096):
                pass
            continue
        except BlockingIOError:
            n += 1
        except OSError:
            pass
    return n


first = wave(1000)
admitted, refused = classify(first, 3)
with open(os.path.join(tmp, "flood.out"), "w") as f:
    f.write("%d %d\n" % (len(admitted), len(refused)))
# Wait while the test logs in from this address, then report how many were evicted.
while not os.path.exists(os.path.join(tmp, "flood.login")):
    time.sleep(0.05)
with open(os.path.join(tmp, "flood.evicted"), "w") as f:
    f.write("%d\n" % (len(admitted) - still_open(admitted)))
# A second wave, a second and more after the first: the old silent ones make room for new
# ones, but never more than the limit are held.
time.sleep(1.2)
second = wave(200)
time.sleep(1.5)
held = still_open(admitted) + still_open(second)
with open(os.path.join(tmp, "flood.second"), "w") as f:
    f.write("%d\n" % held)
while not os.path.exists(os.path.join(tmp, "flood.stop")):
    time.sleep(0.05)
for s in first + second:
    s.close()
PY
flood=$!
stop_flood() { touch "$PD_TMP/flood.login" "$PD_TMP/flood.stop"; wait "$flood" || true; }
for _ in $(seq 1 300); do [ -s "$PD_TMP/flood.out" ] && break; sleep 0.05; done
[ -s "$PD_TMP/flood.out" ] || { stop_flood; pd_fail "the flood did not report"; }
read -r admitted refused <"$PD_TMP/flood.out"
pd_log "1000 connections from 127.0.0.1: $admitted admitted, $refused refused at once with a reason"
if [ "$admitted" -ne "$LIMIT" ] || [ "$refused" -ne $((1000 - LIMIT)) ]; then
	stop_flood
	pd_fail "$admitted admitted and $refused refused with the reason (limit $LIMIT)"
fi

# While the flood holds its places (for over a second now): another address works, and so does
# the flooding one, in place of its oldest silent connection.
start=$(date +%s%N)
out=$(pd_ssh agent1 -b 127.0.0.2 whoami) || { stop_flood; pd_fail "a login from 127.0.0.2 during the flood failed"; }
took=$((($(date +%s%N) - start) / 1000000))
pd_assert_contains "$out" "127.0.0.2" "whoami from 127.0.0.2 during the flood"
out=$(pd_ssh agent1 whoami) || { stop_flood; pd_fail "the flooding address was shut out by silent connections"; }
pd_assert_contains "$out" "127.0.0.1" "whoami from the flooding address"
touch "$PD_TMP/flood.login"
for _ in $(seq 1 100); do [ -s "$PD_TMP/flood.evicted" ] && break; sleep 0.05; done
read -r evicted <"$PD_TMP/flood.evicted"
pd_assert_eq "$evicted" 1 "silent connections closed to make room for the login"
for _ in $(seq 1 200); do [ -s "$PD_TMP/flood.second" ] && break; sleep 0.05; done
read -r held <"$PD_TMP/flood.second"
pd_log "after a second wave of 200: $held silent connections held"
[ "$held" -le "$LIMIT" ] || { stop_flood; pd_fail "$held silent connections held (limit $LIMIT)"; }
[ "$held" -ge $((LIMIT / 2)) ] || { stop_flood; pd_fail "only $held held: the new wave found no room"; }
stop_flood

# The places are given back as the server sees the closes.
for _ in $(seq 1 100); do
	pd_ssh agent1 whoami >/dev/null 2>&1 && break
	sleep 0.1
done
out=$(pd_ssh agent1 whoami) || pd_fail "127.0.0.1 still refused after the flood ended"
pd_assert_contains "$out" "127.0.0.1" "whoami from 127.0.0.1 after the flood"

# Refusals and evictions are summarised: the log grew by far fewer lines than there were.
lines=$(($(wc -l <"$PD_LOG") - log_before))
[ "$lines" -lt 250 ] || pd_fail "the flood wrote $lines log lines"
grep -q 'refused' "$PD_LOG" || pd_fail "no refusal in the log"
pd_stop
pd_log "ok: silent clients dropped at the timeout; flood bounded ($admitted/$LIMIT admitted," \
	"$lines log lines); 127.0.0.2 logged in in $took ms meanwhile, 127.0.0.1 too"
