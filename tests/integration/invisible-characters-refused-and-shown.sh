#!/usr/bin/env bash
# Bidi overrides and zero-width characters can make a complaint read differently on a
# supervisor's screen from what is stored. Through the real ssh client:
# 1. Exec mode: owner's words, notes and callers holding U+202E, U+200B, U+FEFF, U+2028 or
#    U+2066 (as arguments or on stdin) are refused with status 2 and a message naming the
#    character, in English and in Chinese; nothing is stored.
# 2. In a terminal (tmux) the line editor shows a pasted U+202E as <U+202E> and the command
#    refuses it; the guided form asks the step again.
# 3. Text that holds them anyway (written into the database by another program) is shown as
#    <U+202E> to a supervisor: not one of those characters reaches the terminal raw, and JSON
#    escapes them.
. "$(dirname "$0")/lib.sh"

pd_config
pd_user agent1 agent
pd_user sup1 supervisor
pd_start
DB="$PD_STATE/propdesk.db"
en() { local n=$1; shift; pd_ssh "$n" -o SetEnv=LANG=en_US.UTF-8 "$@"; }
zh() { local n=$1; shift; pd_ssh "$n" -o SetEnv=LANG=zh_CN.UTF-8 "$@"; }
add='complaint add --unit 1-1-101 --category repairs --technique empathy'
rlo=$(printf '\342\200\256')

out=$(en agent1 "$add --json '卫生间漏水'") || pd_fail "a clean add exited $?"
num=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["number"])' <<<"$out")

# refused LANG EXPECTED-MESSAGE STDIN-BYTES COMMAND: status 2 and the message on stderr.
refused() {
	local lang=$1 want=$2 input=$3 rc=0
	shift 3
	printf "$input" | $lang agent1 "$@" >"$PD_TMP/out" 2>"$PD_TMP/err" || rc=$?
	[ "$rc" -eq 2 ] || pd_fail "'$*': status $rc, stdout $(cat "$PD_TMP/out") $(cat "$PD_TMP/err")"
	grep -qF "$want" "$PD_TMP/err" || pd_fail "'$*': message $(cat "$PD_TMP/err")"
}
refused en 'U+202E (right-to-left override), at character 4' '' "$add '已解决${rlo}理处未'"
refused zh 'U+202E（从右到左强制符），在第 4 个字符处' '' "$add '已解决${rlo}理处未'"
refused en 'U+200B (zero width space)' 'leak\342\200\213here' "$add --stdin"
refused zh 'U+2028（行分隔符）' '备注\342\200\250第二行' "complaint note $num --stdin"
refused en 'U+FEFF (zero width no-break space, or byte order mark)' '' \
	"$add --caller '$(printf '\357\273\277')Wang' 漏水"
refused en 'U+2066 (left-to-right isolate)' '' "complaint resolve $num --outcome 'done$(printf '\342\201\246')'"
n=$(sqlite3 "$DB" "select count(*) from complaints")
pd_assert_eq "$n" 1 "complaints stored"
n=$(sqlite3 "$DB" "select count(*) from complaint_notes")
pd_assert_eq "$n" 0 "notes stored"

# --- in a terminal ------------------------------------------------------------------------------
pd_tmux_start a "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_wait a 'agent1>'
pd_tmux_type a "complaint note $num 已解决${rlo}理处未"
pd_tmux_wait a "已解决<U\+202E>理处未"
pd_tmux_send a Enter
pd_tmux_wait a 'U\+202E \(right-to-left override\), at character 4'
pd_tmux_wait a 'agent1> *$'
pd_tmux_type a "complaint new"
pd_tmux_send a Enter
pd_tmux_wait a 'Unit'
pd_tmux_type a "1-1-101"
pd_tmux_send a Enter
pd_tmux_wait a 'Caller'
pd_tmux_type a "王${rlo}先生"
pd_tmux_send a Enter
pd_tmux_wait a 'The answer holds an invisible character, U\+202E'
pd_tmux_type a "王先生"
pd_tmux_send a Enter
pd_tmux_wait a 'Relation'
pd_tmux_send a C-c
pd_tmux_wait a 'iscard'
pd_tmux_type a "y"
pd_tmux_send a Enter
pd_tmux_wait a 'agent1> *$'
pd_tmux_type a "quit"
pd_tmux_send a Enter
pd_tmux_wait_dead a
n=$(sqlite3 "$DB" "select count(*) from complaint_notes")
pd_assert_eq "$n" 0 "notes stored from the terminal"

# --- planted text read back ----------------------------------------------------------------------
evil="START已解决$(printf '\342\200\256')理处未$(printf '\342\200\213\357\273\277\342\201\246\342\200\250')END"
sqlite3 "$DB" "update complaints set words = '$evil', caller = '$evil' where number = '$num'"
pd_tmux_start s "$(pd_ssh_cmd sup1 -tt -o SetEnv=LANG=zh_CN.UTF-8)"
pd_tmux_wait s 'sup1>'
$PD_TMUX pipe-pane -t pd:s -o "cat >>$PD_TMP/raw"
for cmd in "complaint show $num" "complaint list" "complaint search START"; do
	pd_tmux_type s "$cmd"
	pd_tmux_send s Enter
done
pd_tmux_type s "zzdone"
pd_tmux_send s Enter
pd_tmux_wait s 'zzdone`'
pd_tmux_wait s '已解决<U\+202E>理处未<U\+200B><U\+FEFF><U\+2066><U\+2028>END'
$PD_TMUX pipe-pane -t pd:s
for _ in $(seq 50); do
	grep -q zzdone "$PD_TMP/raw" 2>/dev/null && break
	sleep 0.1
done
python3 - "$PD_TMP/raw" <<'PY' || pd_fail "an invisible character reached the terminal raw"
import sys
raw = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
shown = raw.count("<U+202E>")
assert shown >= 3, f"<U+202E> shown {shown} times"
for c in "\u202e\u200b\ufeff\u2066\u2028":
    assert c not in raw, f"U+{ord(c):04X} reached the terminal"
print(f"shown {shown} times, never raw", file=sys.stderr)
PY
out=$(en sup1 "complaint show --json $num")
pd_assert_contains "$out" '已解决\u202e理处未\u200b\ufeff\u2066\u2028END' "JSON output"
case "$out" in *"$rlo"*) pd_fail "JSON output holds a raw U+202E" ;; esac
pd_stop
pd_log "ok: invisible characters refused by name, stored ones shown as <U+XXXX>"
