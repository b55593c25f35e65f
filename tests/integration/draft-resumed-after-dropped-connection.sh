#!/usr/bin/env bash
# A dropped connection loses at most the line being typed: half of `complaint new` is typed in
# tmux over the real ssh client, the client is killed (kill -9) while the owner's words are
# being typed, one line of them entered, the next half typed; the next login offers the
# unfinished complaint, Enter resumes it at the words step with the answers given before and
# the line entered there shown; once saved the complaint has everything entered before the
# drop, and the offer does not come again.
. "$(dirname "$0")/lib.sh"

pd_config
pd_user agent1 agent
pd_start

json() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
step() {
	[ -z "$2" ] || pd_tmux_type "$1" "$2"
	pd_tmux_send "$1" Enter
	pd_tmux_wait "$1" "$3"
}

pd_tmux_start a "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=zh_CN.UTF-8)"
pd_tmux_wait a 'agent1>'
step a "complaint new" '单元号：'
step a "5-1-302" '来电人：'
step a "李女士" '与业主关系'
step a "租户" '联系电话'
step a "13900002222" '渠道'
step a "" '投诉类别'
step a "noise" '业主反映的内容'
step a "楼上半夜还在装修，" '^  >$'
pd_tmux_type a "吵得"
pd_tmux_wait a '> 吵得'

# Kill the ssh client itself (the pane's process, or its child when a shell runs it).
pid=$($PD_TMUX display-message -p -t pd:a '#{pane_pid}')
if [ "$(ps -o comm= -p "$pid")" != ssh ]; then
	pid=$(ps -o pid= --ppid "$pid" | head -n 1 | tr -d ' ')
fi
[ "$(ps -o comm= -p "$pid")" = ssh ] || pd_fail "no ssh client to kill ($pid)"
kill -9 "$pid"
# The daemon notices the dropped connection.
for i in $(seq 1 100); do
	grep -q 'disconnect' "$PD_LOG" && break
	sleep 0.05
done

pd_tmux_start b "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=zh_CN.UTF-8)"
pd_tmux_wait b '你有一条未完成的投诉'
pd_tmux_wait b '停在：业主反映的内容'
pd_tmux_wait b '未完成的投诉吗？\(Y/n/d = 放弃\)'
step b "" '这一步已输入（1 行）'
pd_tmux_wait b '^楼上半夜还在装修，$'
step b "吵得孩子睡不着" '^  >$'
step b "." '情绪'
step b "不满" '方言偏好'
step b "" '采纳（回车）或输入代码'
step b "" '使用的沟通方法'
step b "" '非语言措施'
step b "" '处理结果'
step b "" '承诺内容'
step b "" '保存？'
screen=$(pd_tmux_screen b)
pd_assert_contains "$screen" "李女士 (租户)" "the summary after resuming"
pd_assert_contains "$screen" "5-1-302" "the summary after resuming"
step b "y" '投诉 C-[0-9]{8}-[0-9]{4} 已保存'
number=$(pd_tmux_screen b | grep -oE 'C-[0-9]{8}-[0-9]{4}' | tail -n 1)

out=$(pd_ssh agent1 "complaint show $number --json") || pd_fail "complaint show exited $?"
pd_assert_eq "$(json 'd["unit"]' <<<"$out")" "5-1-302" "unit typed before the drop"
pd_assert_eq "$(json 'd["caller"]' <<<"$out")" "李女士" "caller typed before the drop"
pd_assert_eq "$(json 'd["relation"]' <<<"$out")" "tenant" "relation typed before the drop"
pd_assert_eq "$(json 'd["phone"]' <<<"$out")" "13900002222" "phone typed before the drop"
pd_assert_eq "$(json 'd["category"]' <<<"$out")" "noise" "category typed before the drop"
pd_assert_eq "$(json 'repr(d["words"])' <<<"$out")" "'楼上半夜还在装修，\\n吵得孩子睡不着'" \
	"words: the line entered before the drop, then the rest"
pd_assert_eq "$(json 'd["mood"]' <<<"$out")" "upset" "mood"
pd_assert_eq "$(json '",".join(sorted(d["techniques"]))' <<<"$out")" \
	"empathy,interests,smalltalk" "the suggested techniques"

# Saved: the next login has nothing to offer.
pd_tmux_type b "quit"
pd_tmux_send b Enter
pd_tmux_start c "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=zh_CN.UTF-8)"
pd_tmux_wait c 'agent1>'
screen=$(pd_tmux_screen c)
case "$screen" in
*未完成*) pd_fail "the draft was offered again: $screen" ;;
esac
pd_tmux_type c "quit"
pd_tmux_send c Enter
pd_stop
