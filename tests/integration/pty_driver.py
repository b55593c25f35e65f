#!/usr/bin/env python3
"""Drives interactive SSH sessions (ssh -tt) for the fault tests and times their answers.

    pty_driver.py SCRIPT [ssh-args-of-session-0] -- [ssh-args-of-session-1] -- ...

SCRIPT is a file of steps, one a line (blank lines and # comments skipped):
    send N TEXT          types TEXT and Enter (\\r) in session N
    expect N REGEX SECS  waits until session N's output since its last send matches REGEX
    time N NAME          prints "NAME MS": milliseconds since session N's last send
    rtt N COUNT NAME     COUNT `whoami` round trips in session N (send to the next prompt);
                         prints "NAME p50 max" in milliseconds
    hammer N CMD         keeps sending CMD in session N, again after each prompt, in the
                         background until `stop N`
    stop N
    sleep SECS
    touch PATH           creates the file PATH (tells the calling script where we are)
    waitfile PATH SECS   waits until the file PATH exists
Fails (status 1, the session's last output on stderr) when an expect times out."""
import os
import re
import select
import subprocess
import sys
import time

script = open(sys.argv[1], encoding="utf-8").read().splitlines()
argv = sys.argv[2:]
groups, cur = [], []
for a in argv:
    if a == "--":
        groups.append(cur)
        cur = []
    else:
        cur.append(a)
groups.append(cur)


class Session:
    def __init__(self, args):
        self.proc = subprocess.Popen(["ssh", "-tt"] + args, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.fd = self.proc.stdout.fileno()
        os.set_blocking(self.fd, False)
        self.buf = b""
        self.sent = time.monotonic()
        self.hammer = None
        self.hammer_count = 0

    def send(self, text):
        self.buf = b""
        self.sent = time.monotonic()
        self.proc.stdin.write(text.encode("utf-8") + b"\r")
        self.proc.stdin.flush()


sessions = [Session(g) for g in groups]
PROMPT = re.compile(rb"> $")


def pump(timeout):
    """Reads whatever the sessions have for at most timeout seconds; restarts hammers."""
    fds = {s.fd: s for s in sessions}
    r, _, _ = select.select(list(fds), [], [], timeout)
    for fd in r:
        s = fds[fd]
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            continue
        if not chunk:
            sys.stderr.write("pty_driver: session closed; last output %r\n" % s.buf[-400:])
            sys.exit(1)
        s.buf += chunk
    for s in sessions:
        if s.hammer is not None and PROMPT.search(s.buf[-40:]):
            s.hammer_count += 1
            s.send(s.hammer)


def wait_for(s, regex, secs):
    end = time.monotonic() + secs
    while not re.search(regex, s.buf.decode("utf-8", "replace")):
        left = end - time.monotonic()
        if left <= 0:
            sys.stderr.write("pty_driver: timeout waiting for /%s/; output %r\n"
                             % (regex, s.buf.decode("utf-8", "replace")[-600:]))
            sys.exit(1)
        pump(min(left, 0.05))


for s in sessions:
    wait_for(s, r"> $", 30)

for line in script:
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    words = line.split(" ", 3)
    op = words[0]
    if op == "send":
        s = sessions[int(words[1])]
        s.send(line.split(" ", 2)[2])
    elif op == "expect":
        n, rest = line.split(" ", 2)[1:]
        regex, secs = rest.rsplit(" ", 1)
        wait_for(sessions[int(n)], regex, float(secs))
    elif op == "time":
        s = sessions[int(words[1])]
        print("%s %.1f" % (words[2], (time.monotonic() - s.sent) * 1000.0), flush=True)
    elif op == "rtt":
        s = sessions[int(words[1])]
        samples = []
        for _ in range(int(words[2])):
            s.send("whoami")
            t0 = s.sent
            wait_for(s, r"> $", 30)
            samples.append((time.monotonic() - t0) * 1000.0)
            pump(0.02)
        samples.sort()
        print("%s %.1f %.1f" % (words[3], samples[len(samples) // 2], samples[-1]), flush=True)
    elif op == "hammer":
        s = sessions[int(words[1])]
        s.hammer = line.split(" ", 2)[2]
        s.send(s.hammer)
    elif op == "stop":
        s = sessions[int(words[1])]
        s.hammer = None
        wait_for(s, r"> $", 30)
        print("hammered %d" % s.hammer_count, flush=True)
    elif op == "touch":
        open(line.split(" ", 1)[1], "w").close()
    elif op == "waitfile":
        path, secs = line.split(" ", 1)[1].rsplit(" ", 1)
        end = time.monotonic() + float(secs)
        while not os.path.exists(path):
            if time.monotonic() > end:
                sys.stderr.write("pty_driver: %s never appeared\n" % path)
                sys.exit(1)
            pump(0.02)
    elif op == "sleep":
        end = time.monotonic() + float(words[1])
        while time.monotonic() < end:
            pump(0.02)
    else:
        sys.stderr.write("pty_driver: unknown step %r\n" % line)
        sys.exit(2)

for s in sessions:
    s.send("quit")
for s in sessions:
    try:
        s.proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        s.proc.kill()
