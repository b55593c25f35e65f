#!/usr/bin/env bash
# An interactive session in a real terminal (tmux) over the real ssh client is recorded as an
# asciicast v2 file: RECORDINGS/YYYY-MM-DD/ID-agent1.cast, mode 0600 in 0700 directories, a
# header with the pane's size, TERM, LANG and title, every line valid JSON, the Chinese output
# and the resize in it, times that never go back. An exec session leaves no recording; with
# [record] enabled = false nothing is written; a recordings directory that cannot be created
# is logged and the session goes on; when the disk falls behind, the gap is marked and logged;
# check-config rejects a bad [record] section.
. "$(dirname "$0")/lib.sh"

rec="$PD_STATE/recordings"

pd_config
pd_user agent1 agent
pd_start

pd_tmux_start t "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=zh_CN.UTF-8)"
pd_tmux_wait t 'agent1>'
size1=$($PD_TMUX display-message -p -t pd:t '#{pane_width}x#{pane_height}')
pd_tmux_type t "technique list"
pd_tmux_send t Enter
pd_tmux_wait t '说服教育法'
pd_tmux_wait t 'agent1> *$'
$PD_TMUX resize-window -t pd:t -x 90 -y 26
size2=$($PD_TMUX display-message -p -t pd:t '#{pane_width}x#{pane_height}')
[ "$size1" != "$size2" ] || pd_fail "the pane was not resized ($size1)"
pd_tmux_type t "whoami"
pd_tmux_send t Enter
pd_tmux_wait t '角色'
# At an idle prompt the recording holds no descriptor (ten thousand idle sessions must not hold
# ten thousand files open); its writes are done within moments.
open_casts=1
for _ in $(seq 50); do
	open_casts=$(ls -l "/proc/$PD_PID/fd" 2>/dev/null | grep -c '\.cast' || true)
	[ "$open_casts" = 0 ] && break
	sleep 0.1
done
pd_assert_eq "$open_casts" 0 "recording files held open by an idle session"
pd_tmux_type t "quit"
pd_tmux_send t Enter
pd_tmux_wait_dead t

# An exec session: not recorded.
pd_ssh agent1 technique list >/dev/null || pd_fail "exec technique list failed"
pd_stop

sid=$(grep -oE 's[0-9a-f]{10} session ssh for agent1' "$PD_LOG" | head -n 1 |
	grep -oE 's[0-9a-f]{10}') || pd_fail "no session id in the log"
python3 - "$rec" "$sid" "$size1" "$size2" <<'EOF' || pd_fail "the recording is not right"
import datetime, json, os, stat, sys

rec, sid, size1, size2 = sys.argv[1:]
day = datetime.date.today().isoformat()
files = []
for root, dirs, names in os.walk(rec):
    files += [os.path.join(root, n) for n in names]
want = os.path.join(rec, day, sid + "-agent1.cast")
assert files == [want], f"recordings: {files}, expected only {want}"
for d in (rec, os.path.join(rec, day)):
    assert stat.S_IMODE(os.stat(d).st_mode) == 0o700, f"{d} mode {oct(os.stat(d).st_mode)}"
mode = stat.S_IMODE(os.stat(want).st_mode)
assert mode == 0o600, f"file mode {oct(mode)}"

raw = open(want, "rb").read()
text = raw.decode("utf-8")  # strict: the whole file is valid UTF-8
assert text.endswith("\n"), "the last line is not ended"
lines = text.split("\n")[:-1]
header = json.loads(lines[0])
w, h = map(int, size1.split("x"))
assert header["version"] == 2, header
assert (header["width"], header["height"]) == (w, h), f"header size vs pane {size1}: {header}"
assert header["env"]["LANG"] == "zh_CN.UTF-8", header
assert header["env"]["TERM"].startswith(("screen", "tmux")), header
assert header["title"] == f"agent1@propdesk {sid}", header
assert isinstance(header["timestamp"], int) and header["timestamp"] > 1600000000, header

last, out, resizes = 0.0, [], []
for line in lines[1:]:
    ev = json.loads(line)
    assert isinstance(ev, list) and len(ev) == 3, line
    t, kind, data = ev
    assert isinstance(t, (int, float)) and t >= last, f"time went back: {line}"
    last = t
    assert all(ord(c) >= 0x20 and c != "\x7f" for c in line), f"raw control: {line!r}"
    if kind == "o":
        out.append(data)
    elif kind == "r":
        resizes.append(data)
    else:
        assert kind == "m", line
out = "".join(out)
for needle in ("propdesk", "agent1", "technique list", "说服教育法", "换位思考法", "\x1b[", "\r\n"):
    assert needle in out, f"{needle!r} not in the recorded output"
assert "\ufffd" not in out, "a character was split or replaced"
assert size2 in resizes, f"resize to {size2} not recorded: {resizes}"
print(f"recording ok: {len(lines) - 1} events, {len(out)} characters, resizes {resizes}")
EOF

# [record] enabled = false: nothing is written.
rm -rf "$rec"
pd_config record.enabled=false
pd_start
pd_tmux_start t2 "$(pd_ssh_cmd agent1 -tt)"
pd_tmux_wait t2 'agent1>'
pd_tmux_type t2 "quit"
pd_tmux_send t2 Enter
pd_tmux_wait_dead t2
pd_stop
[ ! -e "$rec" ] || pd_fail "recordings written while disabled: $(find "$rec")"

# A recordings directory that cannot be created: logged once, the session goes on.
touch "$PD_TMP/not-a-dir"
pd_config record.dir="$PD_TMP/not-a-dir/rec"
pd_start
pd_tmux_start t3 "$(pd_ssh_cmd agent1 -tt)"
pd_tmux_wait t3 'agent1>'
pd_tmux_type t3 "technique list"
pd_tmux_send t3 Enter
pd_tmux_wait t3 'persuade'
pd_tmux_type t3 "quit"
pd_tmux_send t3 Enter
pd_tmux_wait_dead t3
pd_stop
n=$(grep -c 'recording stopped, the session goes on unrecorded' "$PD_LOG") || true
pd_assert_eq "$n" "1" "recording errors logged"

# More output at once than the queue may hold (as when the disk does not keep up): past
# queue_max the output is left out, the gap is marked in the recording and logged once, and the
# session goes on and is recorded again after it.
rm -rf "$rec"
pd_config record.queue_max=4K
pd_user admin1 admin
pd_start
python3 -c '
print("code,building,owner")
for i in range(400):
    print(f"8-{i // 100 + 1}-{i:04d},8栋,业主{i}")' >"$PD_TMP/units.csv"
pd_ssh admin1 "unit import" <"$PD_TMP/units.csv" >/dev/null || pd_fail "unit import failed"
pd_tmux_start t4 "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=zh_CN.UTF-8)"
pd_tmux_wait t4 'agent1>'
pd_tmux_type t4 "unit list --limit 400"
pd_tmux_send t4 Enter
pd_tmux_wait t4 '8-4-0399'
pd_tmux_type t4 "whoami"
pd_tmux_send t4 Enter
pd_tmux_wait t4 '角色'
pd_tmux_type t4 "quit"
pd_tmux_send t4 Enter
pd_tmux_wait_dead t4
pd_stop
n=$(grep -c 'falls behind the disk' "$PD_LOG") || true
pd_assert_eq "$n" "1" "queue overflow logged"
grep -qE 'misses [0-9]+ bytes of output in [0-9]+ gap' "$PD_LOG" || pd_fail "no gap summary"
python3 - "$rec" <<'EOF2' || pd_fail "the recording with a gap is not right"
import glob, json, re, sys

files = glob.glob(sys.argv[1] + "/*/*.cast")
assert len(files) == 1, files
lines = open(files[0], encoding="utf-8").read().split("\n")[:-1]
json.loads(lines[0])
events = [json.loads(line) for line in lines[1:]]
gaps = [e for e in events if e[1] == "m"]
assert gaps and all(re.fullmatch(r"gap: [0-9]+ bytes of output not recorded", e[2]) for e in gaps), gaps
out = "".join(e[2] for e in events if e[1] == "o")
assert "账号" in out, "output after the gap is missing"
print(f"gap ok: {gaps}")
EOF2

# check-config validates the section.
pd_config record.enabled=maybe
if out=$("$PROPDESKD" check-config --config "$PD_CONF" 2>&1); then
	pd_fail "check-config accepted [record] enabled = maybe"
fi
pd_assert_contains "$out" "[record] enabled must be true or false" "check-config"
pd_config record.dir=
if out=$("$PROPDESKD" check-config --config "$PD_CONF" 2>&1); then
	pd_fail "check-config accepted an empty [record] dir"
fi
pd_config record.enabled=true record.dir=recordings
"$PROPDESKD" check-config --config "$PD_CONF" >/dev/null || pd_fail "check-config refused [record]"
pd_log "ok"
