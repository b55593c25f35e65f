#!/usr/bin/env python3
"""Round-trip probe: opens one interactive SSH session (ssh -tt) and times N commands, each from
sending the line to seeing the next prompt. Prints "p50_ms p99_ms max_ms" on stdout.
usage: rtt.py COUNT INTERVAL_S ssh-args..."""
import os
import select
import subprocess
import sys
import time

count = int(sys.argv[1])
interval = float(sys.argv[2])
proc = subprocess.Popen(["ssh", "-tt"] + sys.argv[3:], stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
out = proc.stdout.fileno()
buf = b""


def wait_for(marker, timeout):
    global buf
    end = time.monotonic() + timeout
    while marker not in buf:
        left = end - time.monotonic()
        if left <= 0:
            sys.stderr.write("rtt.py: timeout waiting for %r; got %r\n" % (marker, buf[-300:]))
            proc.kill()
            sys.exit(1)
        r, _, _ = select.select([out], [], [], left)
        if r:
            chunk = os.read(out, 65536)
            if not chunk:
                sys.stderr.write("rtt.py: session closed; got %r\n" % buf[-300:])
                sys.exit(1)
            buf += chunk


wait_for(b"> ", 20)
samples = []
for i in range(count):
    buf = b""
    t0 = time.monotonic()
    proc.stdin.write(b"whoami\r")
    proc.stdin.flush()
    wait_for(b"> ", 20)
    samples.append((time.monotonic() - t0) * 1000.0)
    time.sleep(interval)
proc.stdin.write(b"quit\r")
proc.stdin.flush()
try:
    proc.wait(timeout=5)
except subprocess.TimeoutExpired:
    proc.kill()
samples.sort()
p50 = samples[len(samples) // 2]
p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
print("%.2f %.2f %.2f" % (p50, p99, samples[-1]))
