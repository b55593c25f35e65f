#!/usr/bin/env bash
# Garbage on the SSH port closes that connection and nothing else: random bytes instead of a
# client (more than the pre-login cap, too), a valid SSH banner followed by garbage, and a fully
# logged-in session whose stream turns to garbage (injected by a relay used as ProxyCommand).
# Each such client is dropped promptly; an open session of another agent keeps answering; the
# daemon keeps accepting logins and its log has no sanitizer report.
. "$(dirname "$0")/lib.sh"

pd_config limits.preauth_input_max=16K limits.auth_timeout=10
pd_user agent1 agent
pd_user agent2 agent
pd_start

# A bystander session: it must keep answering throughout.
pd_tmux_start by "$(pd_ssh_cmd agent2 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_wait by 'agent2>'

# Random bytes and a banner followed by garbage: each connection must be closed by the server
# well before the authentication timeout, and the server must not answer with anything but
# its banner (and possibly a disconnect message).
python3 - "$PD_SSH_PORT" <<'PY' || pd_fail "a garbage connection was not dropped"
import os, socket, sys, time

port = int(sys.argv[1])


def drops(payload, what):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    t0 = time.monotonic()
    got = b""
    try:
        try:
            s.sendall(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # closed while we were still sending: dropped
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
            if len(got) > 1 << 20:
                sys.exit("%s: the server sent more than 1 MiB back" % what)
    except ConnectionResetError:
        pass
    except socket.timeout:
        sys.exit("%s: still open after 10 s" % what)
    finally:
        s.close()
    if got and not got.startswith(b"SSH-2.0-"):
        sys.exit("%s: the server answered %r" % (what, got[:80]))
    return time.monotonic() - t0


rnd = os.urandom
cases = [
    (rnd(64), "64 random bytes"),
    (rnd(4096), "4 KiB of random bytes"),
    (rnd(256 * 1024), "256 KiB of random bytes (past the pre-login cap)"),
    (b"\0" * 1024, "NUL bytes"),
    (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "an HTTP request"),
    (b"SSH-2.0-OpenSSH_9.2\r\n" + rnd(8192), "a banner then garbage"),
    (b"SSH-2.0-OpenSSH_9.2\r\n" + b"\x00\x00\x01\x00" + rnd(300), "a banner then a bad packet"),
    (b"SSH-2.0-OpenSSH_9.2\r\n" + b"\x7f\xff\xff\xff" + rnd(64), "a banner then a 2 GiB length"),
    (b"SSH-2.0-" + b"x" * 20000 + b"\r\n", "a 20 kB banner line"),
]
for i in range(4):
    cases.append((rnd(1000 + i * 777), "random bytes #%d" % i))
bad = 0
for payload, what in cases:
    try:
        took = drops(payload, what)
    except SystemExit as e:
        print(e, file=sys.stderr)
        bad += 1
        continue
    print("%s: dropped after %.3f s" % (what, took), file=sys.stderr)
    if took > 2:
        print("%s: dropped only after %.1f s" % (what, took), file=sys.stderr)
        bad += 1
sys.exit(1 if bad else 0)
PY
out=$(pd_ssh agent1 whoami) || pd_fail "whoami after the garbage connections exited $?"
pd_assert_contains "$out" agent1 "whoami after the garbage connections"

# A logged-in session whose stream turns to garbage: the relay passes the real session through,
# then injects random bytes toward the server when the trigger file appears.
cat >"$PD_TMP/relay.py" <<'PY'
import os, select, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
trigger, injected = sys.argv[2], False
while True:
    r, _, _ = select.select([0, s], [], [], 0.05)
    if 0 in r:
        data = os.read(0, 65536)
        if not data:
            break
        s.sendall(data)
    if s in r:
        data = s.recv(65536)
        if not data:
            break
        os.write(1, data)
    if not injected and os.path.exists(trigger):
        injected = True
        s.sendall(os.urandom(4096))
PY
pd_tmux_start g "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=en_US.UTF-8 \
	"-o ProxyCommand='python3 $PD_TMP/relay.py $PD_SSH_PORT $PD_TMP/trigger'")"
pd_tmux_wait g 'agent1>'
pd_tmux_type g "whoami"
pd_tmux_send g Enter
pd_tmux_wait g 'transport: +ssh'
ended=$(grep -c 'session of agent1 ended' "$PD_LOG" || true)
touch "$PD_TMP/trigger"
pd_tmux_wait_dead g 15
# The server ended it (and logged why).
for _ in $(seq 1 100); do
	[ "$(grep -c 'session of agent1 ended' "$PD_LOG")" -gt "$ended" ] && break
	sleep 0.05
done
[ "$(grep -c 'session of agent1 ended' "$PD_LOG")" -gt "$ended" ] ||
	pd_fail "the garbled session was not ended"
pd_log "the garbled session: $(grep 'ssh disconnect.*user agent1' "$PD_LOG" | tail -n 1 | cut -d' ' -f4-)"

# The bystander still answers, and new logins work.
pd_tmux_send by C-l
pd_tmux_type by "whoami"
pd_tmux_send by Enter
pd_tmux_wait by 'name: +agent2'
out=$(pd_ssh agent1 whoami) || pd_fail "whoami after the garbled session exited $?"
pd_assert_contains "$out" agent1 "whoami after the garbled session"
pd_stop
pd_log "ok: every garbage connection dropped at once; the service kept serving"
