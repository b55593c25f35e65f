#!/usr/bin/env bash
# Pasting into the guided form in a real terminal (tmux's bracketed paste, which the shell
# asks the terminal for): text of several lines stays in the field it was pasted into, its
# lines joined, with a notice, and does not answer the questions after it; text longer than a
# line holds is cut at a character, the rest refused as a whole and counted in a notice in
# the user's language, never spliced.
. "$(dirname "$0")/lib.sh"

pd_config
pd_user agent1 agent
pd_start

pd_tmux_start t "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=zh_CN.UTF-8)"
pd_tmux_wait t 'agent1>'
step() {
	[ -z "$2" ] || pd_tmux_type "$1" "$2"
	pd_tmux_send "$1" Enter
	pd_tmux_wait "$1" "$3"
}
# paste WINDOW TEXT: pastes TEXT as a terminal does (bracketed when the shell asked for it).
paste() {
	printf '%s' "$2" | $PD_TMUX load-buffer -b pd -
	$PD_TMUX paste-buffer -p -d -b pd -t "pd:$1"
}

step t "complaint new" '单元号：'
step t "3-2-1201" '来电人：'
# Three lines pasted into the caller's name: one line, a notice, and the next question not
# answered by the second and third lines.
paste t "$(printf '王大爷\n住在十二楼\n电话不通')"
pd_tmux_wait t '粘贴的文字含 2 处换行'
screen=$(pd_tmux_screen t)
if grep -q '与业主关系' <<<"$screen"; then
	pd_fail "the pasted lines answered the next question"
fi
pd_tmux_wait t '王大爷 住在十二楼 电话不通'
step t "" '与业主关系'
step t "" '联系电话'
step t "13812345678" '渠道'
step t "" '投诉类别'
step t "repairs" '业主反映的内容'
# 3,000 Chinese characters, then digits: the line takes 1,365 characters (4,096 bytes), the
# other 1,635 and the digits after them are refused and counted.
long=$(python3 -c 'print("漏" * 3000 + "123", end="")')
paste t "$long"
pd_tmux_wait t '这一行已满：最多 4096 字节，约 1365 个汉字；之后输入或粘贴的 1638 个字符未被接收'
pd_tmux_send t Enter
step t "." '情绪'
# The draft holds the words as they were cut: 1,365 characters of 漏, no digits spliced in.
words=$(sqlite3 "$PD_STATE/propdesk.db" "select data from drafts where account='agent1'" |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["words"])')
pd_assert_eq "${#words}" 1365 "characters of the words kept"
case $words in *1*|*2*|*3*) pd_fail "digits were spliced into the cut paste" ;; esac
pd_tmux_send t C-c
pd_tmux_wait t '放弃'
pd_tmux_type t "y"
pd_tmux_send t Enter
pd_tmux_wait t 'agent1>$'
pd_log "ok"
