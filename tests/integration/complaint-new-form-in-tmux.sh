#!/usr/bin/env bash
# The guided form `complaint new` typed in a real terminal (tmux) over the real ssh client, in
# Chinese: ? shows the categories, the owner's words over two lines ended by ".", the suggested
# techniques (elderly caller, angry in person, a repeated complaint) accepted with Enter, a
# promise whose past due date is refused, the summary, save; then `complaint show` in exec
# mode has every field typed.
. "$(dirname "$0")/lib.sh"

pd_config
pd_user agent1 agent
pd_start

json() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
tomorrow=$(date -d tomorrow +%Y-%m-%d)

pd_tmux_start t "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=zh_CN.UTF-8)"
pd_tmux_wait t 'agent1>'
# step WINDOW TEXT REGEX: types TEXT (may be empty), Enter, waits for REGEX.
step() {
	[ -z "$2" ] || pd_tmux_type "$1" "$2"
	pd_tmux_send "$1" Enter
	pd_tmux_wait "$1" "$3"
}

step t "complaint new" '单元号：'
step t "3-2-1201" '来电人：'
pd_tmux_wait t '未核实'
step t "王大爷" '与业主关系.*\[业主本人\]'
step t "" '联系电话'
step t "13812345678" '渠道.*\[电话\]'
step t "来访" '投诉类别'
step t "?" '邻里纠纷'
step t "repairs" '业主反映的内容'
step t "卫生间漏水，楼上住户不在家" '^  >$'
step t "已经是第三次打电话了" '^  >$'
step t "." '情绪.*\[平静\]'
step t "angry" '方言偏好'
step t "" '采纳（回车）或输入代码'
screen=$(pd_tmux_screen t)
pd_assert_contains "$screen" "推荐的沟通方法" "the suggestions"
pd_assert_contains "$screen" "入乡随俗法" "the elderly caller's suggestion"
pd_assert_contains "$screen" "老年业主" "the elderly caller's reason"
pd_assert_contains "$screen" "离开冲突现场（非语言）" "the non-verbal suggestion in person"
step t "" '使用的沟通方法（代码） \[dialect,patience,stepback\]'
step t "" '非语言措施.*\[leave-scene,sit-down,distance\]'
step t "" '处理结果'
step t "" '承诺内容'
step t "明天上午派维修工上门查看" '期限'
step t "2020-01-01" '已经过去'
step t "$tomorrow 10:00" '已记录第 1 条承诺'
step t "" '保存？\(Y/n\) \[Y\]'
screen=$(pd_tmux_screen t)
pd_assert_contains "$screen" "| 卫生间漏水，楼上住户不在家" "the summary"
pd_assert_contains "$screen" "王大爷 (业主本人)" "the summary"
step t "" '投诉 C-[0-9]{8}-[0-9]{4} 已保存'
pd_tmux_wait t 'agent1>$'
number=$(pd_tmux_screen t | grep -oE 'C-[0-9]{8}-[0-9]{4}' | tail -n 1)

out=$(pd_ssh agent1 "complaint show $number --json") || pd_fail "complaint show exited $?"
pd_assert_eq "$(json 'd["unit"]' <<<"$out")" "3-2-1201" "unit"
pd_assert_eq "$(json 'd["caller"]' <<<"$out")" "王大爷" "caller"
pd_assert_eq "$(json 'd["relation"]' <<<"$out")" "owner" "relation"
pd_assert_eq "$(json 'd["phone"]' <<<"$out")" "13812345678" "phone (the agent's own complaint)"
pd_assert_eq "$(json 'd["channel"]' <<<"$out")" "visit" "channel"
pd_assert_eq "$(json 'd["category"]' <<<"$out")" "repairs" "category"
pd_assert_eq "$(json 'd["mood"]' <<<"$out")" "angry" "mood"
pd_assert_eq "$(json 'repr(d["words"])' <<<"$out")" "'卫生间漏水，楼上住户不在家\\n已经是第三次打电话了'" "words"
pd_assert_eq "$(json '",".join(sorted(d["techniques"]))' <<<"$out")" \
	"dialect,distance,leave-scene,patience,sit-down,stepback" "techniques"
pd_assert_contains "$out" "明天上午派维修工上门查看" "the promise"
text=$(pd_ssh agent1 "complaint show $number") || pd_fail "complaint show exited $?"
pd_assert_contains "$text" "卫生间漏水" "complaint show"

pd_tmux_type t "quit"
pd_tmux_send t Enter
pd_stop
