#!/usr/bin/env bash
# A promise past its due date (entered in exec mode, as the back office does for old paperwork)
# is shown to its agent right after the greeting of an interactive login in a real terminal
# (tmux over the real ssh client), listed by `promise list --overdue` and in the supervisor's
# `report promises`; another agent whose promise is not due sees no notice; once the promise
# is kept the notice is gone.
. "$(dirname "$0")/lib.sh"

pd_config
pd_user agent1 agent
pd_user agent2 agent
pd_user sup1 supervisor
pd_start

json() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

yesterday=$(date -d yesterday +%Y-%m-%d)
next_week=$(date -d '7 days' +%Y-%m-%d)
out=$(pd_ssh agent1 "complaint add --json --unit 6-1-601 --category repairs --technique empathy \
	--caller 王阿姨 --promise '三天内给业主回电话说明维修进度' --due $yesterday \
	'电梯又坏了，老人上下楼很困难'") || pd_fail "complaint add with a past due date exited $?"
n1=$(json 'd["number"]' <<<"$out")
pd_ssh agent2 "complaint add --unit 6-1-602 --category noise --technique patience \
	--promise 'call the neighbour' --due '$next_week 18:00' 'Dog barking at night'" >/dev/null ||
	pd_fail "complaint add with a future due date exited $?"

# --- promise list --overdue ------------------------------------------------------------------
out=$(pd_ssh agent1 "promise list --overdue") || pd_fail "promise list --overdue exited $?"
pd_assert_contains "$out" "三天内给业主回电话说明维修进度" "promise list --overdue"
pd_assert_contains "$out" "已逾期" "overdue marker"
pd_assert_contains "$out" "$n1" "complaint number in the promise list"
out=$(pd_ssh agent1 "promise list --overdue --json")
pd_assert_eq "$(json 'len(d["items"])' <<<"$out")" "1" "overdue promises of agent1"
pd_assert_eq "$(json 'd["items"][0]["overdue"]' <<<"$out")" "True" "overdue flag"
pid=$(json 'd["items"][0]["id"]' <<<"$out")
out=$(pd_ssh agent2 "promise list --overdue --json")
pd_assert_eq "$(json 'len(d["items"])' <<<"$out")" "0" "overdue promises of agent2"
out=$(pd_ssh agent2 "promise list --json")
pd_assert_eq "$(json 'd["items"][0]["what"]' <<<"$out")" "call the neighbour" "agent2's open promise"
out=$(pd_ssh agent1 "complaint list --overdue --json")
pd_assert_eq "$(json '[c["number"] for c in d["items"]]' <<<"$out")" "['$n1']" "complaint list --overdue"
out=$(pd_ssh sup1 "report promises --json")
pd_assert_eq "$(json '[(a["agent"], a["open"], a["overdue"]) for a in d["agents"]]' <<<"$out")" \
	"[('agent1', 1, 1), ('agent2', 1, 0)]" "report promises"

# --- the interactive login ---------------------------------------------------------------------
pd_tmux_start a1 "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=zh_CN.UTF-8)"
pd_tmux_wait a1 'agent1> *$'
screen=$(pd_tmux_screen a1)
pd_assert_contains "$screen" "物业客服台" "greeting"
pd_assert_contains "$screen" "1 条承诺已逾期" "overdue notice"
pd_assert_contains "$screen" "三天内给业主回电话说明维修进度" "the overdue promise"
pd_assert_contains "$screen" "$n1" "its complaint"
pd_assert_contains "$screen" "promise done" "how to keep it"
# The notice comes after the greeting and before the prompt.
python3 - "$screen" <<'PY' || pd_fail "notice out of place: $screen"
import sys
s = sys.argv[1]
g, n, p = s.find("物业客服台"), s.find("承诺已逾期"), s.rfind("agent1>")
sys.exit(0 if 0 <= g < n < p else 1)
PY

pd_tmux_start a2 "$(pd_ssh_cmd agent2 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_wait a2 'agent2> *$'
screen=$(pd_tmux_screen a2)
pd_assert_contains "$screen" "Welcome" "agent2's greeting"
case "$screen" in
*overdue*) pd_fail "agent2 was shown an overdue notice: $screen" ;;
esac

# Keeping the promise from the terminal ends the notice.
pd_tmux_type a1 "promise done $pid --note 已回电话"
pd_tmux_send a1 Enter
pd_tmux_wait a1 '已兑现'
pd_tmux_type a1 "quit"
pd_tmux_send a1 Enter
pd_tmux_start a1b "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=zh_CN.UTF-8)"
pd_tmux_wait a1b 'agent1> *$'
screen=$(pd_tmux_screen a1b)
case "$screen" in
*逾期*) pd_fail "the notice is still shown after the promise was kept: $screen" ;;
esac
out=$(pd_ssh agent1 "promise list --overdue --json")
pd_assert_eq "$(json 'len(d["items"])' <<<"$out")" "0" "overdue promises after promise done"

pd_stop
pd_log "ok"
