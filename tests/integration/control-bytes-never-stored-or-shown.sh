#!/usr/bin/env bash
# Text from clients is stored clean, and stored text never reaches a terminal raw.
# 1. Exec mode: owner's words and notes holding NUL bytes, invalid UTF-8, terminal escape
#    sequences or C1 controls (as arguments or on stdin) are refused with a clear message and
#    nothing is stored; multi-line text with tabs is accepted. Every text column in the
#    database is then valid UTF-8 without control characters.
# 2. Text that holds escape sequences anyway (written into the database by another program:
#    ESC [ 2 J, an OSC 52 clipboard write, a title change, C1 CSI) is read back by a supervisor:
#    in tmux (raw bytes captured with pipe-pane) and in exec mode with a terminal (ssh -tt),
#    not one of those bytes reaches the terminal.
. "$(dirname "$0")/lib.sh"

pd_config
pd_user agent1 agent
pd_user sup1 supervisor
pd_start
DB="$PD_STATE/propdesk.db"
en() { local n=$1; shift; pd_ssh "$n" -o SetEnv=LANG=en_US.UTF-8 "$@"; }
add='complaint add --unit 1-1-101 --category repairs --technique empathy'

out=$(en agent1 "$add --json '卫生间漏水'") || pd_fail "a clean add exited $?"
num=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["number"])' <<<"$out")

# refused EXPECTED-MESSAGE STDIN-BYTES COMMAND: the command fails with status 2 and the message.
refused() {
	local want=$1 input=$2 rc=0
	shift 2
	printf "$input" | en agent1 "$@" >"$PD_TMP/out" 2>"$PD_TMP/err" || rc=$?
	[ "$rc" -eq 2 ] || pd_fail "'$*' with $input: status $rc, stdout $(cat "$PD_TMP/out")"
	grep -q "$want" "$PD_TMP/err" || pd_fail "'$*': message $(cat "$PD_TMP/err")"
}
refused 'NUL byte' 'bad \000 nul, the rest after it' "$add --stdin"
refused 'NUL byte' 'note \000 after' "complaint note $num --stdin"
refused 'not valid UTF-8' 'bad \377\376 bytes' "$add --stdin"
refused 'not valid UTF-8' 'cut \346\274' "complaint note $num --stdin"
refused 'control character (U+001B' 'clear \033[2J screen' "$add --stdin"
refused 'control character (U+001B' 'clip \033]52;c;aGk=\007' "complaint note $num --stdin"
refused 'control character (U+009B' 'c1 \302\2332J csi' "complaint note $num --stdin"
refused 'control character (U+0007' 'bell \007' "complaint note $num --stdin"
refused 'control character' '' "complaint note $num $(printf 'arg\033[31mred')"
refused 'control character' '' "$add $(printf 'arg\302\233red')"
# Multi-line text with a tab and CR LF line ends is text.
printf '第一行\t漏水\r\n第二行\r\n' | en agent1 "complaint note $num --stdin" >/dev/null ||
	pd_fail "a multi-line note was refused"

python3 - "$DB" <<'PY' || pd_fail "a stored text holds invalid UTF-8 or a control character"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.text_factory = bytes
bad = 0
# The search indexes' tables hold their own binary pages, not stored text (and reading them
# needs the store's tokenizer).
for table, in db.execute("select name from sqlite_master where type = 'table'"
                         " and name not like 'complaint_search%'"
                         " and name not like 'unit_search%'"):
    table = table.decode()
    cols = [r[1] for r in db.execute("pragma table_info(%s)" % table)]
    for row in db.execute("select * from %s" % table):
        for col, v in zip(cols, row):
            if not isinstance(v, bytes):
                continue
            try:
                s = v.decode("utf-8")
            except UnicodeDecodeError:
                print("%s.%s: invalid UTF-8: %r" % (table, col, v[:60]), file=sys.stderr)
                bad += 1
                continue
            if any((ord(c) < 0x20 and c not in "\t\n") or 0x7F <= ord(c) <= 0x9F for c in s):
                print("%s.%s: control character: %r" % (table, col, s[:60]), file=sys.stderr)
                bad += 1
sys.exit(1 if bad else 0)
PY
n=$(sqlite3 "$DB" "select count(*) from complaint_notes where text like '%第二行%'")
pd_assert_eq "$n" 1 "the multi-line note"

# --- planted escape sequences read back -------------------------------------------------------
evil=$(printf 'START\033[2J\033[H\033]52;c;cHduZWQ=\007\033]0;pwned\007\302\23331mX\033P+q\033\\\rEND')
sqlite3 "$DB" "update complaints set words = '$evil', caller = '$evil', unit = 'U$evil'
	where number = '$num'; update complaint_notes set text = '$evil'
	where id = (select min(id) from complaint_notes)"
# Every such byte (and a bare CR) must be absent after START, up to END or the line's end, in
# what a terminal receives.
check_raw() {
	python3 - "$1" "$2" <<'PY' || pd_fail "$2: a stored control byte reached the terminal"
import re, sys
raw = open(sys.argv[1], "rb").read()
# Up to END, or to the end of the line where a column cut the text short.
spans = re.findall(rb"START(.*?)(?:END|\r\n)", raw, re.S)
if not spans:
    sys.exit("%s: START...END never shown: %r" % (sys.argv[2], raw[-400:]))
for s in spans:
    for b in (b"\x1b", b"\x07", b"\xc2\x9b", b"\x9b", b"\r"):
        if b in s:
            sys.exit("%s: %r between START and END: %r" % (sys.argv[2], b, s[:120]))
print("%s: %d spans clean" % (sys.argv[2], len(spans)), file=sys.stderr)
PY
}

pd_tmux_start s "$(pd_ssh_cmd sup1 -tt -o SetEnv=LANG=zh_CN.UTF-8)"
pd_tmux_wait s 'sup1>'
$PD_TMUX pipe-pane -t pd:s -o "cat >>$PD_TMP/raw"
for cmd in "complaint show $num" "complaint list" "complaint search START" "unit history U"; do
	pd_tmux_type s "$cmd"
	pd_tmux_send s Enter
done
pd_tmux_type s "zzdone"
pd_tmux_send s Enter
pd_tmux_wait s 'zzdone`'
# The title was not changed by the stored text.
title=$($PD_TMUX display-message -p -t pd:s '#{pane_title}')
[ "$title" != pwned ] || pd_fail "the stored text set the terminal title"
$PD_TMUX pipe-pane -t pd:s
# tmux hands the pane's output to the pipe's cat on its own time: wait until it has it all.
for _ in $(seq 50); do
	grep -q zzdone "$PD_TMP/raw" 2>/dev/null && break
	sleep 0.1
done
check_raw "$PD_TMP/raw" "interactive"

# Exec mode with a terminal: no colour there, so not one ESC byte at all.
en sup1 -tt "complaint show $num" >"$PD_TMP/exec-raw" 2>&1 </dev/null || true
check_raw "$PD_TMP/exec-raw" "exec -tt"
if grep -q $'\033' "$PD_TMP/exec-raw"; then
	pd_fail "exec mode wrote an ESC byte: $(od -c "$PD_TMP/exec-raw" | grep -m1 033)"
fi
# JSON escapes them instead.
out=$(en sup1 "complaint show --json $num")
pd_assert_contains "$out" 'START\u001b[2J' "JSON output of stored escapes"
pd_stop
pd_log "ok: control bytes refused with clear messages; stored escapes never shown raw"
