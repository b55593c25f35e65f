#!/usr/bin/env bash
# The telnet listener at the byte level (a raw socket, no client doing its own negotiation):
# the opening negotiation, refusals of unknown options, BINARY accepted, NAWS, a login with
# CR NUL line ends, the per-address limit of connections logging in with a bilingual one-line
# refusal, the
# cap on input before login, the login timeout, and a client that sends a lot while reading
# nothing: the server stops reading it and its memory stays bounded.
. "$(dirname "$0")/lib.sh"

pd_config limits.auth_timeout=2 limits.max_startups_per_address=3 limits.preauth_input_max=4096 \
	limits.output_high_water=8192
PD_TELNET_PORT=$(pd_free_port)
pd_user alice agent 'alice-pass-1'
pd_start --telnet-listen "127.0.0.1:$PD_TELNET_PORT"

python3 - "$PD_TELNET_PORT" "$PD_PID" <<'EOF' || pd_fail "telnet protocol checks failed"
import socket, sys, time

PORT = int(sys.argv[1])
PID = int(sys.argv[2])
IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240
BINARY, ECHO, SGA, TTYPE, NAWS, NEW_ENVIRON = 0, 1, 3, 24, 31, 39


def fail(msg):
    print("FAIL:", msg, file=sys.stderr)
    sys.exit(1)


class Conn:
    def __init__(self):
        self.s = socket.create_connection(("127.0.0.1", PORT), timeout=10)
        self.raw = b""      # the first 64 KiB received, as sent
        self.text = b""     # the last 64 KiB received, telnet commands removed
        self.carry = b""    # an incomplete command at the end of the last read

    def send(self, b):
        self.s.sendall(b)

    def _decode(self, chunk):
        if len(self.raw) < 65536:
            self.raw += chunk
        data, out, i = self.carry + chunk, bytearray(), 0
        while i < len(data):
            c = data[i]
            if c != IAC:
                out.append(c); i += 1; continue
            if i + 1 >= len(data):
                break
            cmd = data[i + 1]
            if cmd == IAC:
                out.append(IAC); i += 2
            elif cmd in (DO, DONT, WILL, WONT):
                if i + 2 >= len(data):
                    break
                i += 3
            elif cmd == SB:
                j = data.find(bytes([IAC, SE]), i)
                if j < 0:
                    break
                i = j + 2
            else:
                i += 2
        self.carry = data[i:]
        self.text = (self.text + bytes(out))[-65536:]

    def _recv(self, end):
        self.s.settimeout(max(0.05, end - time.time()))
        try:
            chunk = self.s.recv(65536)
        except socket.timeout:
            return None
        except ConnectionResetError:
            fail("connection reset; got %r" % self.text[-300:])
        if chunk:
            self._decode(chunk)
        return chunk

    def read_until(self, needle, secs=10):
        end = time.time() + secs
        while needle not in self.text:
            if time.time() > end:
                fail("timed out waiting for %r; got %r" % (needle, self.text[-300:]))
            if self._recv(end) == b"":
                fail("closed while waiting for %r; got %r" % (needle, self.text[-300:]))

    def read_until_raw(self, seq, secs=10):
        end = time.time() + secs
        while bytes(seq) not in self.raw:
            if time.time() > end:
                fail("timed out waiting for %r; got %r" % (bytes(seq), self.raw[:200]))
            if self._recv(end) == b"":
                fail("closed while waiting for %r" % bytes(seq))

    def read_to_eof(self, secs=10):
        end = time.time() + secs
        while True:
            if time.time() > end:
                fail("not closed; got %r" % self.text[-300:])
            if self._recv(end) == b"":
                return

    def has(self, seq):
        return bytes(seq) in self.raw


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


# 1. Negotiation.
c = Conn()
c.read_until("login (用户名): ".encode())
for seq, what in (([IAC, WILL, ECHO], "WILL ECHO"), ([IAC, WILL, SGA], "WILL SGA"),
                  ([IAC, DO, SGA], "DO SGA"), ([IAC, DO, NAWS], "DO NAWS"),
                  ([IAC, DO, TTYPE], "DO TTYPE")):
    if not c.has(seq):
        fail("no " + what + " in " + repr(c.raw[:64]))
c.send(bytes([IAC, WILL, TTYPE, IAC, WILL, NAWS, IAC, SB, NAWS, 0, 120, 0, 40, IAC, SE]))
c.read_until_raw([IAC, SB, TTYPE, 1, IAC, SE])
c.send(bytes([IAC, SB, TTYPE, 0]) + b"VT100" + bytes([IAC, SE]))
c.send(bytes([IAC, DO, NEW_ENVIRON, IAC, WILL, NEW_ENVIRON, IAC, DO, BINARY, IAC, WILL, BINARY]))
c.send(b"alice\r\0")
c.read_until("password (密码): ".encode())
for seq, what in (([IAC, WONT, NEW_ENVIRON], "WONT NEW-ENVIRON"),
                  ([IAC, DONT, NEW_ENVIRON], "DONT NEW-ENVIRON"),
                  ([IAC, WILL, BINARY], "WILL BINARY"), ([IAC, DO, BINARY], "DO BINARY")):
    if not c.has(seq):
        fail("no " + what)
c.send(b"alice-pass-1\r\0")
c.read_until(b"> ")
c.send(b"whoami\r\0")
c.read_until(b"telnet")
if b"alice-pass-1" in c.text:
    fail("password echoed")

# 2. A client that sends commands and reads nothing: once the session's output is above the
# high-water mark the server stops reading it (the client's sends block), its memory stays
# bounded, and the connection can still be dropped cleanly.
rss_before = rss_kib(PID)
c.s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16384)
c.s.setblocking(False)
payload = b"help\r\0" * 2000
sent, stalled, deadline = 0, False, time.time() + 30
while time.time() < deadline and sent < 8 * 1024 * 1024:
    try:
        sent += c.s.send(payload)
    except BlockingIOError:
        time.sleep(1.0)
        try:
            sent += c.s.send(payload[:6])
        except BlockingIOError:
            stalled = True
            break
if not stalled:
    fail("the server kept reading a client that reads nothing (%d bytes sent)" % sent)
grown = rss_kib(PID) - rss_before
print("rss growth %d KiB" % grown, file=sys.stderr)
# AddressSanitizer keeps freed memory in quarantine (up to 256 MiB): only a plain build says
# something about our buffers.
with open("/proc/%d/maps" % PID) as f:
    asan = "libasan" in f.read()
if grown > (320 if asan else 32) * 1024:
    fail("daemon memory grew by %d KiB for one slow reader" % grown)
c.s.close()
c = Conn()
c.read_until(b"login")
c.send(b"alice\r\nalice-pass-1\r\n")
c.read_until(b"> ")
c.send(b"whoami\r\n")
c.read_until(b"telnet")
c.send(b"quit\r\n")
c.read_to_eof()
c.s.close()
time.sleep(0.5)  # let the server see the close before counting connections

# 3. Per-address limit of connections logging in: 3 typing at their login prompts are allowed
# (they spoke, so none is taken as silent and evicted), the 4th is told why in both languages.
held = [Conn() for _ in range(3)]
for h in held:
    h.read_until(b"login")
    h.send(b"a")  # typing a name: a person at the prompt, not a silent holder
time.sleep(0.2)
r = Conn()
r.read_to_eof()
if ("too many connections from your address are logging in, try again shortly / "
        "您所在地址正在登录的连接过多，请稍后再试").encode() not in r.text:
    fail("no refusal message: %r" % r.text)
for h in held:
    h.s.close()
time.sleep(0.3)

# 4. Too much input before login.
c = Conn()
c.read_until(b"login")
try:
    c.send(b"x" * 5000)
except OSError:
    pass
c.read_to_eof()
if "too much input before login / 登录前输入过多".encode() not in c.text:
    fail("no pre-login cap message: %r" % c.text[-200:])

# 5. The login timeout (2 s here).
c = Conn()
c.read_until(b"login")
t0 = time.time()
c.read_to_eof(secs=10)
if "login timed out / 登录超时".encode() not in c.text:
    fail("no timeout message: %r" % c.text[-200:])
if time.time() - t0 > 5:
    fail("timeout took %.1f s" % (time.time() - t0))
print("ok")
EOF

grep -q 'too much input before login' "$PD_LOG" || pd_fail "pre-login cap not logged"
grep -q 'refused' "$PD_LOG" || pd_fail "refusal not logged"
pd_stop
pd_log "ok"
