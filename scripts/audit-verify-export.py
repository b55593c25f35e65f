#!/usr/bin/env python3
"""audit-verify-export.py — verifies an export of the propdesk audit log on any machine, with
Python 3's standard library alone, independently of propdesk's own code.

    ssh auditor1@desk audit export > audit.jsonl
    scripts/audit-verify-export.py audit.jsonl --key audit.key
    ssh auditor1@desk audit export --format csv > audit.csv
    scripts/audit-verify-export.py audit.csv --key audit.key
    ssh auditor1@desk audit export --bundle > audit-bundle.tar
    scripts/audit-verify-export.py audit-bundle.tar --key audit.key

The export (`audit export`) is JSON Lines: a header {"type": "header", "format":
"propdesk-audit-export", "version": 1, "from": SEQ, ...}; then, in order, every event
{"type": "event", "seq", "ts_ms", "account", "role", "session", "peer", "transport", "action",
"target", "detail", "prev_hash", "hash"} and, right after the event it seals, each seal
{"type": "seal", "n", "seq", "ts_ms", "every", "interval_s", "hash", "prev_mac", "mac"}; last
{"type": "end", "events": N, "seals": M}.

The event's hash is BLAKE2b-256 (hex) over: the tag "propdesk.audit.v1", seq and ts_ms as
8-byte big-endian integers, then account, role, session, peer, transport, action, target,
detail and prev_hash, each string as a byte 1 (0 for null, and nothing more) followed by its
UTF-8 length as an 8-byte big-endian integer and its bytes (the tag is encoded the same way).
The first event's prev_hash is 64 zeros; each next one's is the hash before it.

The CSV export (`audit export --format csv`, RFC 4180, CRLF between records) holds the same
records: a first line naming the columns, type,seq,ts_ms,account,role,session,peer,transport,
action,target,detail,prev_hash,hash,n,every,interval_s,prev_mac,mac; then a record of type
"header" (seq: the first event exported, ts_ms: when, detail: "propdesk-audit-export 1"); the
events (type "event", the columns type to hash) and the seals (type "seal": seq, ts_ms, hash
and n to mac); last "end" (seq: the number of events, n: the number of seals). Every text is
quoted, so an empty field unquoted is a null and "" an empty text; numbers are not quoted.

The bundle (`audit export --bundle`) is a tar archive: the JSON lines export in members
audit/000001.jsonl, audit/000002.jsonl, ... (read in order, they are the export), then
recordings/DAY/NAME.cast for every recording an event "recording.end" in the export names
("file=DAY/NAME.cast bytes=N blake2b=HEX": its size and BLAKE2b-256 when it was finished, in
the sealed chain). A bundle verifies when its export does and every recording it names is in
it with that size and hash; a recording named but absent fails it (--allow-missing: a note,
for recordings the desk removed by its retention rule), and so does a member of any other name.

Seal n is HMAC-SHA-256 under key K(n) (hex) over: the tag "propdesk.seal.v1", then n, seq,
ts_ms, every, interval_s as 8-byte big-endian integers, then hash and prev_mac each as an
8-byte big-endian length and its bytes. The first seal's prev_mac is 64 zeros. Keys ratchet:
K(n+1) = BLAKE2b-256("propdesk.seal.ratchet.v1" || K(n)). The key file holds three lines:
"propdesk-audit-seal-key v1", "index I", "key HEX" (K(I), normally K(0)).

Exit status 0 when every event is chained and every seal in the export is proven with the key;
1 with the first fault on stderr; 2 for bad usage or an unreadable file.
"""
import argparse
import hashlib
import hmac
import json
import sys
import tarfile

ZERO = "0" * 64


def u64(v):
    return (v & 0xFFFFFFFFFFFFFFFF).to_bytes(8, "big")


def put_str(s):
    if s is None:
        return b"\x00"
    b = s.encode("utf-8")
    return b"\x01" + u64(len(b)) + b


def event_hash(e):
    h = hashlib.blake2b(digest_size=32)
    h.update(put_str("propdesk.audit.v1"))
    h.update(u64(e["seq"]))
    h.update(u64(e["ts_ms"]))
    for k in ("account", "role", "session", "peer", "transport", "action", "target",
              "detail", "prev_hash"):
        h.update(put_str(e.get(k)))
    return h.hexdigest()


def ratchet(key):
    return hashlib.blake2b(b"propdesk.seal.ratchet.v1" + key, digest_size=32).digest()


def seal_mac(key, s):
    def lstr(x):
        b = x.encode("ascii")
        return u64(len(b)) + b
    msg = lstr("propdesk.seal.v1")
    for k in ("n", "seq", "ts_ms", "every", "interval_s"):
        msg += u64(s[k])
    msg += lstr(s["hash"]) + lstr(s["prev_mac"])
    return hmac.new(key, msg, hashlib.sha256).hexdigest()


def read_key(path):
    with open(path, "r", encoding="ascii") as f:
        lines = [l.rstrip("\r\n") for l in f.read().split("\n") if l.strip() != ""]
    if (len(lines) != 3 or lines[0] != "propdesk-audit-seal-key v1"
            or not lines[1].startswith("index ") or not lines[2].startswith("key ")):
        raise ValueError("not a propdesk audit key file")
    index = int(lines[1][6:])
    key = bytes.fromhex(lines[2][4:])
    if index < 0 or len(key) != 32:
        raise ValueError("not a propdesk audit key file")
    return index, key


CSV_COLS = ["type", "seq", "ts_ms", "account", "role", "session", "peer", "transport",
            "action", "target", "detail", "prev_hash", "hash", "n", "every", "interval_s",
            "prev_mac", "mac"]
CSV_INT = {"seq", "ts_ms", "n", "every", "interval_s"}


def csv_records(data):
    """RFC 4180 records of data; each field a str, or None when empty and unquoted."""
    recs, rec, i, n = [], [], 0, len(data)
    while i < n:
        if data[i] == '"':
            j, parts = i + 1, []
            while True:
                q = data.find('"', j)
                if q < 0:
                    raise ValueError("a quoted field is not closed")
                parts.append(data[j:q])
                if q + 1 < n and data[q + 1] == '"':
                    parts.append('"')
                    j = q + 2
                    continue
                i = q + 1
                break
            rec.append("".join(parts))
        else:
            j = i
            while j < n and data[j] not in ',\r\n':
                j += 1
            if data[i:j] == "":
                rec.append(None)
            elif '"' in data[i:j]:
                raise ValueError("a quote inside an unquoted field")
            else:
                rec.append(data[i:j])
            i = j
        if i < n and data[i] == ",":
            i += 1
            if i == n:
                rec.append(None)
            continue
        if data.startswith("\r\n", i):
            i += 2
        elif i < n:
            raise ValueError(f"unexpected {data[i]!r} after a field")
        recs.append(rec)
        rec = []
    if rec:
        recs.append(rec)
    return recs


def csv_lines(data):
    """The CSV export as the JSON lines verify() reads."""
    recs = csv_records(data)
    if not recs or recs[0] != CSV_COLS:
        raise ValueError("line 1: not the columns of a propdesk audit export")
    out = []
    for r in recs[1:]:
        if len(r) != len(CSV_COLS):
            raise ValueError(f"a record of {len(r)} fields, not {len(CSV_COLS)}")
        d = {k: (int(v) if k in CSV_INT and v is not None else v) for k, v in zip(CSV_COLS, r)}
        t = d["type"]
        if t == "header":
            if d["detail"] != "propdesk-audit-export 1":
                raise ValueError("not a propdesk audit export")
            o = {"type": "header", "format": "propdesk-audit-export", "version": 1,
                 "from": d["seq"]}
        elif t == "event":
            o = {k: d[k] for k in CSV_COLS[:13]}
        elif t == "seal":
            o = {k: d[k] for k in ("type", "n", "seq", "ts_ms", "every", "interval_s", "hash",
                                   "prev_mac", "mac")}
        elif t == "end":
            o = {"type": "end", "events": d["seq"], "seals": d["n"]}
        else:
            o = {"type": t}
        out.append(json.dumps(o))
    return out


def verify(lines, key_index, key):
    """Returns (ok, message)."""
    header = json.loads(lines[0]) if lines else {}
    if header.get("type") != "header" or header.get("format") != "propdesk-audit-export":
        return False, "line 1: not a propdesk audit export"
    prev = None
    expect = header.get("from", 1)
    last_seal = None
    events = seals = proven = 0
    hashes = {}
    ended = False
    for no, line in enumerate(lines[1:], start=2):
        r = json.loads(line)
        t = r.get("type")
        if ended:
            return False, f"line {no}: data after the end line"
        if t == "event":
            seq = r["seq"]
            if seq != expect:
                return False, f"event {expect}: missing (deleted; the next is {seq})"
            if prev is not None and r["prev_hash"] != prev:
                return False, f"event {seq}: not chained to event {seq - 1}"
            if prev is None and seq == 1 and r["prev_hash"] != ZERO:
                return False, "event 1: does not start the chain"
            h = event_hash(r)
            if h != r["hash"]:
                return False, f"event {seq}: altered (its fields do not give its hash)"
            hashes[seq] = h
            prev = h
            expect = seq + 1
            events += 1
        elif t == "seal":
            n = r["n"]
            if last_seal is not None:
                if n != last_seal["n"] + 1:
                    return False, f"seal #{last_seal['n'] + 1}: missing"
                if r["prev_mac"] != last_seal["mac"]:
                    return False, f"seal #{n}: not chained to seal #{n - 1}"
            elif n == 0 and r["prev_mac"] != ZERO:
                return False, "seal #0: does not start the seals"
            want = hashes.get(r["seq"], ZERO if r["seq"] == 0 else None)
            if want is None and r["seq"] >= header.get("from", 1):
                return False, f"seal #{n}: seals event {r['seq']}, which is not in the export"
            if want is not None and want != r["hash"]:
                return False, f"seal #{n}: the chain up to event {r['seq']} was rewritten"
            if key is not None:
                if n < key_index:
                    return False, f"seal #{n}: the key is #{key_index}, later than the seal"
                while key_index < n:
                    key = ratchet(key)
                    key_index += 1
                if not hmac.compare_digest(seal_mac(key, r), r["mac"]):
                    return False, (f"seal #{n}: forged or resealed with another key "
                                   "(or the wrong key)")
                proven = r["seq"]
            last_seal = r
            seals += 1
        elif t == "end":
            if r.get("events") != events or r.get("seals") != seals:
                return False, "the end line's counts differ: lines were removed or added"
            ended = True
        else:
            return False, f"line {no}: unknown type {t!r}"
    if not ended:
        return False, "no end line: the export was cut short"
    msg = f"OK: {events} events chained, {seals} seals"
    if key is not None:
        msg += f" proven with the key; authentic up to event {proven}"
        if events and proven < expect - 1:
            msg += f" ({expect - 1 - proven} later events not sealed yet)"
    return True, msg


def bundle_read(path):
    """The export's lines and the recordings {name: bytes} of a bundle; raises ValueError."""
    chunks, recs = [], {}
    with tarfile.open(path, mode="r:") as tar:
        for m in tar:
            if m.isdir():
                continue
            if not m.isfile():
                raise ValueError(f"{m.name}: not a file")
            data = tar.extractfile(m).read()
            if m.name.startswith("audit/") and m.name.endswith(".jsonl"):
                chunks.append((m.name, data))
            elif m.name.startswith("recordings/") and m.name.endswith(".cast"):
                recs[m.name[len("recordings/"):]] = data
            else:
                raise ValueError(f"{m.name}: not a member of a propdesk audit bundle")
    if [n for n, _ in chunks] != sorted(n for n, _ in chunks):
        raise ValueError("the export's members are out of order")
    text = b"".join(d for _, d in chunks).decode("utf-8")
    return [l for l in text.split("\n") if l != ""], recs


def bundle_check(lines, recs, allow_missing):
    """Each recording a recording.end event names, against the bundle: (ok, message)."""
    named, missing = 0, []
    for line in lines:
        r = json.loads(line)
        if r.get("type") != "event" or r.get("action") != "recording.end":
            continue
        d = r.get("detail") or ""
        parts = dict(p.split("=", 1) for p in d.split(" ") if "=" in p)
        name, size, want = parts.get("file"), parts.get("bytes"), parts.get("blake2b")
        if name is None or size is None or want is None:
            return False, f"event {r['seq']}: a recording.end without file, bytes and blake2b"
        named += 1
        data = recs.pop(name, None)
        if data is None:
            missing.append(name)
            continue
        if len(data) != int(size) or hashlib.blake2b(data, digest_size=32).hexdigest() != want:
            return False, (f"recording {name}: altered (not the {size} bytes and hash that "
                           f"event {r['seq']} holds)")
    if recs:
        return False, f"recording {sorted(recs)[0]}: in the bundle but named by no event"
    if missing and not allow_missing:
        return False, f"recording {missing[0]}: named by the log but not in the bundle"
    msg = f"{named - len(missing)} recordings match their audit events"
    if missing:
        msg += f"; {len(missing)} not in the bundle (removed on the desk)"
    return True, msg


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("export", help="the output of `audit export`: JSON lines, CSV or a bundle "
                    "(- for stdin, not for a bundle)")
    ap.add_argument("--key", help="the auditors' key file (from propdeskd audit init-key)")
    ap.add_argument("--allow-missing", action="store_true",
                    help="a bundle's recordings removed on the desk are a note, not a fault")
    a = ap.parse_args()
    try:
        bundle = a.export != "-" and tarfile.is_tarfile(a.export)
        data = ("" if bundle else
                sys.stdin.buffer.read().decode("utf-8") if a.export == "-" else
                open(a.export, encoding="utf-8", newline="").read())
        key_index, key = read_key(a.key) if a.key else (0, None)
    except (OSError, ValueError, UnicodeDecodeError) as e:
        print(f"audit-verify-export: {e}", file=sys.stderr)
        return 2
    try:
        recs = None
        if bundle:
            lines, recs = bundle_read(a.export)
        elif data.startswith("type,seq,"):
            lines = csv_lines(data)
        else:
            lines = [l for l in data.split("\n") if l != ""]
        ok, msg = verify(lines, key_index, key)
        if ok and recs is not None:
            ok2, msg2 = bundle_check(lines, recs, a.allow_missing)
            ok, msg = ok2, (msg + "; " + msg2 if ok2 else msg2)
    except (ValueError, KeyError, TypeError, tarfile.TarError, UnicodeDecodeError) as e:
        ok, msg = False, f"malformed export: {e}"
    print(msg, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
