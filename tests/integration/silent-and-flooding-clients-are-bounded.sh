#!/usr/bin/env bash
# Clients that hold connections without logging in are bounded, and cannot shut their address
# out. A client that connects and says nothing (or only its SSH banner) is dropped at the
# authentication timeout. 1,000 silent connections at once from one address: never more than
# max_startups_per_address are held, each newer one taking the place of the oldest; a login
# from 127.0.0.2 works meanwhile, and so does one from the flooding address itself. The limit's
# worth of connections that send their identification and then stall in the key exchange
# cannot be pushed out for 10 s: meanwhile a new connection from that address is refused at
# once and told why (an SSH disconnect message, no key exchange spent), and another address
# is not affected. The log stays bounded (refusals and evictions are summarised, not logged
# one by one) and the daemon clean.
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

# --- 1,000 silent connections from one address -------------------------------------------------
log_before=$(wc -l <"$PD_LOG")
cat >"$PD_TMP/flood.py" <<'PY'
import os, select, socket, sys, time

port, tmp, n, say = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4].encode()
REASON = b"too many connections from your address are logging in"


def still_open(socks, data):
    """Reads what is there; False for those the server has closed."""
    alive = []
    for s in socks:
        try:
            while True:
                d = s.recv(4096)
                if not d:
                    break
                data[s] = data.get(s, b"") + d
        except BlockingIOError:
            alive.append(s)
        except OSError:
            pass
    return alive


socks, data = [], {}
for i in range(n):
    s = socket.socket()
    s.setblocking(False)
    try:
        s.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    socks.append(s)
if say:
    for s in socks:
        select.select([], [s], [], 1)
        try:
            s.send(say)
        except OSError:
            pass
time.sleep(2)
alive = still_open(socks, data)
refused = [s for s in socks if s not in alive and data.get(s, b"").startswith(b"SSH-2.0-propdesk")
           and REASON in data.get(s, b"")]
with open(os.path.join(tmp, "flood.out"), "w") as f:
    f.write("%d %d\n" % (len(alive), len(refused)))
while not os.path.exists(os.path.join(tmp, "flood.count")):
    time.sleep(0.05)
with open(os.path.join(tmp, "flood.held"), "w") as f:
    f.write("%d\n" % len(still_open(alive, data)))
while not os.path.exists(os.path.join(tmp, "flood.stop")):
    time.sleep(0.05)
for s in socks:
    s.close()
PY
flood() { # COUNT WHAT-TO-SAY: runs a flood in the background
	rm -f "$PD_TMP"/flood.out "$PD_TMP"/flood.count "$PD_TMP"/flood.held "$PD_TMP"/flood.stop
	python3 "$PD_TMP/flood.py" "$PD_SSH_PORT" "$PD_TMP" "$1" "$2" &
	flood_pid=$!
	for _ in $(seq 1 300); do [ -s "$PD_TMP/flood.out" ] && break; sleep 0.05; done
	[ -s "$PD_TMP/flood.out" ] || { stop_flood; pd_fail "the flood did not report"; }
}
flood_held() {
	touch "$PD_TMP/flood.count"
	for _ in $(seq 1 100); do [ -s "$PD_TMP/flood.held" ] && break; sleep 0.05; done
	cat "$PD_TMP/flood.held"
}
stop_flood() { touch "$PD_TMP/flood.count" "$PD_TMP/flood.stop"; wait "$flood_pid" || true; }

flood 1000 ""
read -r held refused <"$PD_TMP/flood.out"
pd_log "1000 silent connections from 127.0.0.1: $held held, the rest closed to make room"
[ "$held" -eq "$LIMIT" ] || { stop_flood; pd_fail "$held silent connections held (limit $LIMIT)"; }
start=$(date +%s%N)
out=$(pd_ssh agent1 -b 127.0.0.2 whoami) || { stop_flood; pd_fail "a login from 127.0.0.2 during the flood failed"; }
took=$((($(date +%s%N) - start) / 1000000))
pd_assert_contains "$out" "127.0.0.2" "whoami from 127.0.0.2 during the flood"
out=$(pd_ssh agent1 whoami) || { stop_flood; pd_fail "silent connections shut their address out"; }
pd_assert_contains "$out" "127.0.0.1" "whoami from the flooding address"
held=$(flood_held)
pd_assert_eq "$held" $((LIMIT - 1)) "silent connections left after one made room for the login"
stop_flood

# --- the limit's worth stalled in the key exchange: newer ones are refused and told why --------
flood "$LIMIT" "SSH-2.0-OpenSSH_9.2\r\n"
read -r held refused <"$PD_TMP/flood.out"
[ "$held" -eq "$LIMIT" ] || { stop_flood; pd_fail "$held of $LIMIT stalled connections held"; }
rc=0
err=$(pd_ssh agent1 whoami 2>&1 >/dev/null) || rc=$?
[ "$rc" -ne 0 ] || { stop_flood; pd_fail "a login got in past $LIMIT connections stalled in key exchange"; }
pd_assert_contains "$err" "too many connections from your address are logging in" "the reason ssh printed"
python3 - "$PD_SSH_PORT" <<'PY' || { stop_flood; pd_fail "a refused connection was not told why in the clear"; }
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")
data = b""
while True:
    d = s.recv(4096)
    if not d:
        break
    data += d
# Our identification, then one SSH_MSG_DISCONNECT (type 1, reason 12) before any key exchange.
line, _, pkt = data.partition(b"\r\n")
ok = (line == b"SSH-2.0-propdesk" and len(pkt) >= 6 and pkt[5] == 1 and pkt[9] == 12
      and b"too many connections from your address" in pkt
      and (int.from_bytes(pkt[:4], "big") + 4) % 8 == 0)
sys.exit(0 if ok else 1)
PY
out=$(pd_ssh agent1 -b 127.0.0.2 whoami) || { stop_flood; pd_fail "127.0.0.2 was refused meanwhile"; }
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
pd_log "ok: silent clients dropped at the timeout; 1000 silent held to $LIMIT ($lines log" \
	"lines); 127.0.0.2 logged in in $took ms meanwhile, 127.0.0.1 too; stalled ones told why"
