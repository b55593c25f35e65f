#!/usr/bin/env python3
"""monitorbench — the live-monitoring benchmark's driver, through the real OpenSSH client.

mirror: opens AGENTS interactive sessions (ssh -tt) of one account and WATCHERS supervisor
  sessions, watcher i watching agent i mod AGENTS (so with more watchers than agents some
  agents have two). Prints READY, waits for the file GO, then each agent types a unique marker
  RATE times a second (and erases it with Ctrl-U once it is echoed) until the file STOP shows
  up. For each marker: the agent's echo time (typed to echoed) and, for each of its watchers,
  the mirror's latency: the watcher receiving the marker minus the agent receiving it (both
  read by this one process, on one clock). With WATCHERS 0 it is the same load, unwatched.
  Prints: RESULT mode=mirror agents=N watchers=W markers=M mirror_p50_ms=… mirror_p99_ms=…
  mirror_max_ms=… echo_p50_ms=… echo_p99_ms=… missed=…

sessions: one supervisor session types `sessions --json` COUNT times (one at a time, a pause
  between) and times each from Enter to the document's first bytes (the service has listed and
  rendered every row by then) and to the next prompt (the whole document received).
  Prints: RESULT mode=sessions_json count=C live=L bytes=B first_p50_ms=… first_p99_ms=…
  p50_ms=… p99_ms=… max_ms=… server_cpu_ms=… (given --server-pid: the service's CPU time
  per command, its whole cost on every thread whatever else loads the machine, which is the
  idle held sessions' keepalives too: a few ms over the run)

usage: monitorbench.py mirror --agents N --watchers W --rate R --go FILE --stop FILE
                              --agent USER:KEY --sup USER:KEY -- SSH_OPTIONS...
       monitorbench.py sessions --count C --sup USER:KEY [--server-pid PID] -- SSH_OPTIONS..."""
import argparse
import fcntl
import os
import re
import selectors
import subprocess
import sys
import time

PROMPT = b"> "


def pct(v, p):
    if not v:
        return float("nan")
    v = sorted(v)
    return v[min(len(v) - 1, int(len(v) * p / 100.0))]


class Sess:
    """One ssh -tt session; its output is read by the caller's selector."""

    def __init__(self, ssh_opts, who):
        user, key = who.split(":", 1)
        self.proc = subprocess.Popen(
            ["ssh", "-tt"] + ssh_opts + ["-o", "SetEnv=LANG=en_US.UTF-8", "-i", key,
                                         user + "@127.0.0.1"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.fd = self.proc.stdout.fileno()
        fl = fcntl.fcntl(self.fd, fcntl.F_GETFL)
        fcntl.fcntl(self.fd, fcntl.F_SETFL, fl | os.O_NONBLOCK)
        self.buf = bytearray()
        self.closed = False

    def send(self, b):
        self.proc.stdin.write(b)
        self.proc.stdin.flush()

    def read(self):
        try:
            chunk = os.read(self.fd, 1 << 16)
        except BlockingIOError:
            return b""
        if not chunk:
            self.closed = True
        self.buf += chunk
        return chunk

    def wait_for(self, pattern, timeout):
        """Reads until pattern (a compiled bytes regex) matches the buffer; returns the match."""
        end = time.monotonic() + timeout
        sel = selectors.DefaultSelector()
        sel.register(self.fd, selectors.EVENT_READ)
        try:
            while True:
                m = pattern.search(self.buf)
                if m:
                    return m
                left = end - time.monotonic()
                if left <= 0 or self.closed:
                    sys.stderr.write("monitorbench: waiting for %r; got %r\n"
                                     % (pattern.pattern, bytes(self.buf[-300:])))
                    sys.exit(1)
                if sel.select(left):
                    self.read()
        finally:
            sel.close()

    def close(self):
        try:
            self.send(b"\x03quit\r")
        except (BrokenPipeError, OSError):
            pass

    def reap(self):
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def open_all(ssh_opts, who, n, batch=10):
    """n sessions, opened batch at a time, each at its prompt."""
    out = []
    while len(out) < n:
        group = [Sess(ssh_opts, who) for _ in range(min(batch, n - len(out)))]
        for s in group:
            s.wait_for(re.compile(re.escape(PROMPT) + rb"$"), 60)
        out += group
    return out


def run_mirror(a, ssh_opts):
    agents = open_all(ssh_opts, a.agent, a.agents)
    ids = []
    for s in agents:
        s.buf.clear()
        s.send(b"whoami --json\r")
        ids.append(s.wait_for(re.compile(rb'"session":"([^"]+)"'), 30).group(1).decode())
        s.wait_for(re.compile(re.escape(PROMPT) + rb"$"), 30)
    watchers = open_all(ssh_opts, a.sup, a.watchers) if a.watchers > 0 else []
    of = {}  # agent index -> its watchers
    for i, w in enumerate(watchers):
        j = i % len(agents)
        w.buf.clear()
        w.send(("watch %s\r" % ids[j]).encode())
        w.wait_for(re.compile(rb"read-only"), 30)
        of.setdefault(j, []).append(w)
    sel = selectors.DefaultSelector()
    for i, s in enumerate(agents):
        s.buf.clear()
        sel.register(s.fd, selectors.EVENT_READ, ("a", i))
    for i, w in enumerate(watchers):
        w.buf.clear()
        sel.register(w.fd, selectors.EVENT_READ, ("w", i))
    print("READY", flush=True)
    while not os.path.exists(a.go):
        for key, _ in sel.select(0.05):
            (agents if key.data[0] == "a" else watchers)[key.data[1]].read()
    for s in agents + watchers:
        s.buf.clear()
    period = 1.0 / a.rate
    # Agents start spread over one period, so that the load is even.
    due = [time.monotonic() + period * i / len(agents) for i in range(len(agents))]
    seq = [0] * len(agents)
    pending = {}  # marker -> [agent index, t_sent, t_agent or None, watchers left (set of ids)]
    by_agent = {}  # agent index -> markers not yet echoed to it
    by_watcher = {}  # watcher index -> markers it has not yet shown
    mirror, echo = [], []
    sent = 0
    while not os.path.exists(a.stop):
        now = time.monotonic()
        for i in range(len(agents)):
            if due[i] <= now:
                seq[i] += 1
                m = b"zq%dx%dq" % (i, seq[i])
                ws = set(id(w) for w in of.get(i, []))
                pending[m] = [i, now, None, ws, {}]
                by_agent.setdefault(i, []).append(m)
                for w in of.get(i, []):
                    by_watcher.setdefault(id(w), []).append(m)
                agents[i].send(m)
                sent += 1
                due[i] += period
        timeout = max(0.0, min(due) - time.monotonic())
        for key, _ in sel.select(timeout):
            kind, idx = key.data
            s = agents[idx] if kind == "a" else watchers[idx]
            s.read()
            t = time.monotonic()
            lst = by_agent.get(idx, []) if kind == "a" else by_watcher.get(id(s), [])
            keep = []
            for m in lst:
                if m not in s.buf:
                    keep.append(m)
                    continue
                p = pending[m]
                if kind == "a":
                    p[2] = t
                    echo.append((t - p[1]) * 1000.0)
                    s.send(b"\x15")  # Ctrl-U: the line empty again
                    for wid, tw in p[4].items():
                        mirror.append((tw - t) * 1000.0)
                    p[4].clear()
                else:
                    p[3].discard(id(s))
                    if p[2] is not None:
                        mirror.append((t - p[2]) * 1000.0)
                    else:
                        p[4][id(s)] = t  # before the agent's own copy: counted when it comes
            if kind == "a":
                by_agent[idx] = keep
            else:
                by_watcher[id(s)] = keep
            # The buffer only needs the longest marker's tail.
            if len(s.buf) > 4096:
                del s.buf[:-64]
            for m in [m for m in lst if m not in keep]:
                p = pending.get(m)
                if p is not None and p[2] is not None and not p[3]:
                    del pending[m]
    missed = sum(1 + len(p[3]) if p[2] is None else len(p[3]) for p in pending.values())
    for s in watchers:
        s.send(b"q")
    for s in agents + watchers:
        s.close()
    for s in agents + watchers:
        s.reap()
    print("RESULT mode=mirror agents=%d watchers=%d rate=%.2f markers=%d samples=%d "
          "mirror_p50_ms=%.2f mirror_p99_ms=%.2f mirror_max_ms=%.2f echo_p50_ms=%.2f "
          "echo_p99_ms=%.2f missed=%d"
          % (len(agents), len(watchers), a.rate, sent, len(mirror), pct(mirror, 50),
             pct(mirror, 99), max(mirror) if mirror else float("nan"), pct(echo, 50),
             pct(echo, 99), missed))


def cpu_ms(pid):
    """The CPU time (user + system) process pid has used so far, in ms; 0 when unknown."""
    if not pid:
        return 0.0
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000.0 / os.sysconf("SC_CLK_TCK")


def run_sessions(a, ssh_opts):
    s = open_all(ssh_opts, a.sup, 1)[0]
    time.sleep(0.5)
    cpu0 = cpu_ms(a.server_pid)
    times, first = [], []
    size = live = 0
    first_re = re.compile(rb'\[\{"session"')
    # The list is paged JSON: {"total":...,"items":[...]} and the prompt after it.
    end_re = re.compile(rb"\]\}\r\n.*" + re.escape(PROMPT) + rb"$", re.S)
    for _ in range(a.count):
        s.buf.clear()
        t0 = time.monotonic()
        s.send(b"sessions --json\r")
        s.wait_for(first_re, 120)
        first.append((time.monotonic() - t0) * 1000.0)
        s.wait_for(end_re, 120)
        times.append((time.monotonic() - t0) * 1000.0)
        size = len(s.buf)
        live = s.buf.count(b'"session":')
        time.sleep(0.2)
    cpu = (cpu_ms(a.server_pid) - cpu0) / len(times)
    s.close()
    s.reap()
    # first_*: Enter to the document's first bytes (the rows collected and rendered: the
    # service's own part); p*: to the prompt after it (the whole document through ssh).
    print("RESULT mode=sessions_json count=%d live=%d bytes=%d first_p50_ms=%.2f "
          "first_p99_ms=%.2f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f server_cpu_ms=%.1f"
          % (len(times), live, size, pct(first, 50), pct(first, 99), pct(times, 50),
             pct(times, 99), max(times), cpu))


def main():
    argv = sys.argv[1:]
    ssh_opts = []
    if "--" in argv:
        k = argv.index("--")
        argv, ssh_opts = argv[:k], argv[k + 1:]
    p = argparse.ArgumentParser(prog="monitorbench.py")
    sub = p.add_subparsers(dest="mode", required=True)
    m = sub.add_parser("mirror")
    m.add_argument("--agents", type=int, default=50)
    m.add_argument("--watchers", type=int, default=55)
    m.add_argument("--rate", type=float, default=1.0)
    m.add_argument("--go", required=True)
    m.add_argument("--stop", required=True)
    m.add_argument("--agent", required=True)
    m.add_argument("--sup", required=True)
    s = sub.add_parser("sessions")
    s.add_argument("--count", type=int, default=10)
    s.add_argument("--sup", required=True)
    s.add_argument("--server-pid", type=int, default=0)
    a = p.parse_args(argv)
    if a.mode == "mirror":
        run_mirror(a, ssh_opts)
    else:
        run_sessions(a, ssh_opts)


if __name__ == "__main__":
    main()
