#!/usr/bin/env bash
# A supervisor's scoring survives a dropped connection and is offered at login, through the
# real ssh client in tmux: two items of `evaluate NUMBER` answered, the ssh client killed; the
# next login names the unfinished evaluation and asks; Enter resumes it at the third item
# with the answers given before kept; once saved it is not offered again; a second dropped
# scoring kept with n at login is offered again at the next, and discarded with d.
. "$(dirname "$0")/lib.sh"

pd_config
pd_user agent1 agent
pd_user sup1 supervisor
pd_start

json() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
step() {
	[ -z "$2" ] || pd_tmux_type "$1" "$2"
	pd_tmux_send "$1" Enter
	pd_tmux_wait "$1" "$3"
}
drop() {
	local pid
	pid=$($PD_TMUX display-message -p -t "pd:$1" '#{pane_pid}')
	if [ "$(ps -o comm= -p "$pid")" != ssh ]; then
		pid=$(ps -o pid= --ppid "$pid" | head -n 1 | tr -d ' ')
	fi
	[ "$(ps -o comm= -p "$pid")" = ssh ] || pd_fail "no ssh client to kill ($pid)"
	kill -9 "$pid"
	pd_tmux_wait_dead "$1"
	# The daemon notices the dropped connection (its draft saved at each step).
	sleep 0.5
}

out=$(pd_ssh agent1 "complaint add --json --unit 3-2-1201 --category repairs --technique empathy '卫生间漏水'") ||
	pd_fail "complaint add exited $?"
n1=$(json 'd["number"]' <<<"$out")

pd_tmux_start a "$(pd_ssh_cmd sup1 -tt -o SetEnv=LANG=zh_CN.UTF-8)"
pd_tmux_wait a 'sup1> *$'
step a "evaluate $n1" '\[1/10\].*respect'
step a "y" '\[2/10\]'
step a "n 没有主动问候" '\[3/10\]'
drop a

pd_tmux_start b "$(pd_ssh_cmd sup1 -tt -o SetEnv=LANG=zh_CN.UTF-8)"
pd_tmux_wait b "你有一份未完成的评估：$n1"
pd_tmux_wait b '继续评分吗？\(Y/n/d = 放弃\)'
step b "" '\[3/10\].*honesty'
pd_assert_contains "$(pd_tmux_screen b)" "继续你尚未完成的这条投诉的评分" "resumed"
step b "y" '\[4/10\]'
step b "y" '\[5/10\]'
step b "3" '\[6/10\]'
step b "y" '\[7/10\]'
step b "3" '\[8/10\]'
step b "3" '\[9/10\]'
step b "3" '\[10/10\]'
step b "3" '总体评语'
step b "" '保存？'
step b "" '评估 #[0-9]+（投诉 C-'
pd_tmux_type b "quit"
pd_tmux_send b Enter
pd_tmux_wait_dead b
out=$(pd_ssh sup1 "evaluation list --json") || pd_fail "evaluation list exited $?"
id=$(json 'd["items"][0]["id"]' <<<"$out")
out=$(pd_ssh sup1 "evaluation show $id --json")
pd_assert_eq "$(json '[(i["item"], i["answer"], i["comment"]) for i in d["items"][:2]]' <<<"$out")" \
	"[('respect', 1, None), ('warmth', 0, '没有主动问候')]" "the answers given before the drop"

# Saved: nothing offered. Then a second drop, kept with n, offered again, discarded with d.
pd_tmux_start c "$(pd_ssh_cmd sup1 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_wait c 'sup1> *$'
pd_assert_eq "$(pd_tmux_screen c | grep -c unfinished)" "0" "no offer once saved"
step c "evaluate $n1 --calibrate" '\[1/10\].*respect'
step c "y" '\[2/10\]'
drop c
pd_tmux_start d "$(pd_ssh_cmd sup1 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_wait d "You have an unfinished calibration of $n1"
step d "n" 'sup1> *$'
pd_assert_contains "$(pd_tmux_screen d)" "The draft is kept" "kept"
pd_tmux_type d "quit"
pd_tmux_send d Enter
pd_tmux_wait_dead d
pd_tmux_start e "$(pd_ssh_cmd sup1 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_wait e "You have an unfinished calibration of $n1"
step e "d" 'sup1> *$'
pd_assert_contains "$(pd_tmux_screen e)" "The draft is discarded." "discarded"
pd_tmux_type e "quit"
pd_tmux_send e Enter
pd_tmux_wait_dead e
pd_tmux_start f "$(pd_ssh_cmd sup1 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_wait f 'sup1> *$'
pd_assert_eq "$(pd_tmux_screen f | grep -c unfinished)" "0" "no offer once discarded"
pd_tmux_type f "quit"
pd_tmux_send f Enter
pd_stop
pd_log "ok"
