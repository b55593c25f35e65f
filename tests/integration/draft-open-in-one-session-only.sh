#!/usr/bin/env bash
# A draft is open in one session at a time, through the real ssh client in tmux: agent1 starts
# `complaint new` in terminal a; a second terminal b of agent1 is told at login and at
# `complaint new` that the draft is open in another session (its id, since when), in its own
# language, and is not offered it. When a's connection drops, b may resume it. When the daemon
# is killed (kill -9) while b has it open, the next start releases the claim: terminal c is
# offered it, resumes and saves it, and the desk holds exactly one complaint.
. "$(dirname "$0")/lib.sh"

pd_config
pd_user agent1 agent
pd_start

DB="$PD_STATE/propdesk.db"
step() {
	[ -z "$2" ] || pd_tmux_type "$1" "$2"
	pd_tmux_send "$1" Enter
	pd_tmux_wait "$1" "$3"
}
# kill_client WINDOW: kill -9 of the ssh client running in that tmux window.
kill_client() {
	local pid
	pid=$($PD_TMUX display-message -p -t "pd:$1" '#{pane_pid}')
	if [ "$(ps -o comm= -p "$pid")" != ssh ]; then
		pid=$(ps -o pid= --ppid "$pid" | head -n 1 | tr -d ' ')
	fi
	[ "$(ps -o comm= -p "$pid")" = ssh ] || pd_fail "no ssh client to kill ($pid)"
	kill -9 "$pid"
}
claim() { sqlite3 "$DB" "select coalesce(session, '-') from drafts where account = 'agent1'"; }

pd_tmux_start a "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=zh_CN.UTF-8)"
pd_tmux_wait a 'agent1>'
step a "complaint new" '单元号：'
step a "5-1-302" '来电人：'
step a "李女士" '与业主关系'
sess_a=$(claim)
[ "$sess_a" != "-" ] && [ -n "$sess_a" ] || pd_fail "the draft is not claimed by a's session ($sess_a)"

# b: told at login, in English, with a's session id; not offered the draft.
pd_tmux_start b "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_wait b "Your unfinished complaint is open in another session \\($sess_a\\) since 20[0-9-]+ [0-9:]+"
pd_tmux_wait b 'agent1>'
screen=$(pd_tmux_screen b)
case "$screen" in *"Resume"*) pd_fail "b was offered a draft open in a: $screen" ;; esac
pd_tmux_send b C-l
step b "complaint new" "open in another session \\($sess_a\\)"
pd_tmux_wait b 'agent1>'
pd_assert_eq "$(claim)" "$sess_a" "the claim after b's refusals"

# a drops: b may resume it now (the answers typed in a are there).
kill_client a
for i in $(seq 1 100); do
	[ "$(claim)" = "-" ] && break
	sleep 0.05
done
pd_assert_eq "$(claim)" "-" "the claim once a's connection dropped"
step b "complaint new" 'You have an unfinished complaint'
pd_tmux_wait b 'Resume it\?'
step b "" 'Enter takes the \[default\]'
pd_tmux_wait b '^Relation .*\]:'
sess_b=$(claim)
[ "$sess_b" != "-" ] && [ "$sess_b" != "$sess_a" ] || pd_fail "the draft is not claimed by b ($sess_b)"

# The daemon dies with b's claim in the database; the next start releases it.
kill -9 "$PD_PID"
wait "$PD_PID" 2>/dev/null || true
PD_PID=""
pd_assert_eq "$(claim)" "$sess_b" "the claim left by the killed daemon"
pd_start
pd_assert_eq "$(claim)" "-" "the claim after the restart"
pd_tmux_start c "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=zh_CN.UTF-8)"
pd_tmux_wait c '你有一条未完成的投诉'
pd_tmux_wait c '未完成的投诉吗？'
step c "" '直接回车采用'
pd_tmux_wait c '^与业主关系'
step c "租户" '联系电话'
step c "13900002222" '渠道'
step c "" '投诉类别'
step c "noise" '业主反映的内容'
step c "楼上半夜还在装修" '^  >$'
step c "." '情绪'
step c "" '方言偏好'
step c "" '采纳（回车）或输入代码'
step c "" '使用的沟通方法'
step c "" '非语言措施'
step c "" '处理结果'
step c "" '承诺内容'
step c "" '保存？'
step c "y" '投诉 C-[0-9]{8}-[0-9]{4} 已保存'
pd_assert_eq "$(sqlite3 "$DB" "select count(*) from complaints")" "1" "complaints saved from the draft"
pd_assert_eq "$(sqlite3 "$DB" "select count(*) from drafts")" "0" "drafts left"
pd_assert_eq "$(sqlite3 "$DB" "select caller || ' ' || unit from complaints")" "李女士 5-1-302" \
	"the answers typed in a"
pd_tmux_type c "quit"
pd_tmux_send c Enter
pd_stop
pd_log "ok"
