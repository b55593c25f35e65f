#!/usr/bin/env bash
# The real ssh client in tmux at 60 columns: help, help for one command and a list of
# complaints with long words fit the width, folded at word boundaries (--stdin and [--options] whole, never
# "--s" on one line and "tdin" on the next), in English and in Chinese (two columns a
# character); no line spills past the edge.
. "$(dirname "$0")/lib.sh"

pd_config
pd_user agent1 agent
pd_start

for w in '楼道灯坏了很久，晚上回家看不见路，老人差点摔倒，请尽快派人来修理，谢谢' \
	'the light on the stairs has been broken for two weeks and nobody came to fix it'; do
	pd_ssh agent1 "complaint add --unit 3-2-1201 --category repairs --technique empathy '$w'" \
		>/dev/null || pd_fail "complaint add exited $?"
done

pd_tmux_start t "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=en_US.UTF-8)"
$PD_TMUX resize-window -t pd:t -x 60 -y 40
pd_tmux_wait t 'agent1> *$'

# fits WHAT: every line of the window's history and screen (wrapped lines joined: a line that
# spilled is one long line) is at most 60 columns wide.
fits() {
	$PD_TMUX capture-pane -p -J -S -1000 -t pd:t >"$PD_TMP/screen"
	python3 - "$PD_TMP/screen" <<'PY' || { cat "$PD_TMP/screen" >&2; pd_fail "$1 spills past 60 columns"; }
import sys, unicodedata
def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
bad = [l for l in open(sys.argv[1], encoding="utf-8").read().splitlines() if width(l.rstrip()) > 60]
sys.exit(1 if bad else 0)
PY
}
# run COMMAND REGEX: types COMMAND and waits until its output (history included) matches REGEX
# and the prompt is back.
run() {
	local i
	$PD_TMUX send-keys -R -t pd:t
	$PD_TMUX clear-history -t pd:t
	pd_tmux_type t "$1"
	pd_tmux_send t Enter
	for i in $(seq 200); do
		if $PD_TMUX capture-pane -p -J -S -1000 -t pd:t | grep -qE -- "$2" &&
			pd_tmux_screen t | grep -v '^ *$' | tail -n 1 | grep -qE 'agent1> *$'; then
			return 0
		fi
		sleep 0.05
	done
	$PD_TMUX capture-pane -p -J -S -1000 -t pd:t >&2
	pd_fail "$1: never showed /$2/"
}

run "help" "help COMMAND"
fits "help"
run "help complaint add" "usage: complaint add"
fits "help complaint add"
grep -qF -- "--stdin" "$PD_TMP/screen" || pd_fail "--stdin cut: $(cat "$PD_TMP/screen")"
grep -qF -- "[--relation owner|family|tenant|other]" "$PD_TMP/screen" ||
	pd_fail "an option cut: $(cat "$PD_TMP/screen")"
run "complaint list" "3-2-1201"
fits "complaint list"
grep -q "^C-" "$PD_TMP/screen" || pd_fail "no complaint rows: $(cat "$PD_TMP/screen")"
grep -q "the light on" "$PD_TMP/screen" || { cat "$PD_TMP/screen" >&2; pd_fail "the words not shown"; }
run "lang zh" "中文"
run "help" "可用命令"
fits "help in Chinese"
run "complaint list" "3-2-1201"
fits "complaint list in Chinese"

pd_tmux_type t "quit"
pd_tmux_send t Enter
pd_tmux_wait_dead t
pd_stop
pd_log "ok"
