#!/usr/bin/env bash
# The quality checklist end to end through the real ssh client: the shipped checklist pinned as
# version 1 at start; a supervisor scores an agent's complaint with answers on stdin (N/A left
# out, the formula's numbers), an incomplete answer sheet refused with nothing saved; another
# agent cannot see it; the agent's self-check beside it; the agent is told at login (tmux) of
# the new evaluation, disputes an item, cannot acknowledge while it is disputed; the supervisor
# accepts the agent's answer (score recomputed, acknowledgement asked again); the agent
# acknowledges; the checklist edited and reloaded (SIGHUP) is version 2 while the evaluation
# keeps version 1 and still recomputes the same; a critical failure scored in the interactive
# form (tmux) fails the evaluation; report quality by item; every change in the audit log.
. "$(dirname "$0")/lib.sh"

cp -r "$PD_ETC" "$PD_TMP/etc"
PD_ETC="$PD_TMP/etc"
pd_config
pd_user agent1 agent
pd_user agent2 agent
pd_user sup1 supervisor
pd_start

json() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
tomorrow=$(date -d tomorrow +%Y-%m-%d)

out=$(pd_ssh agent1 "complaint add --json --unit 3-2-1201 --category repairs --technique empathy,patience \
	--promise '明天上午派维修工上门' --due '$tomorrow 10:00' \
	'卫生间漏水，楼上住户不在家'") || pd_fail "complaint add exited $?"
n1=$(json 'd["number"]' <<<"$out")
out=$(pd_ssh agent2 "complaint add --json --unit 5-1-301 --category noise --technique stepback \
	'楼上装修太吵'") || pd_fail "complaint add exited $?"
n2=$(json 'd["number"]' <<<"$out")

# --- the checklist, pinned at start ---------------------------------------------------------------
out=$(pd_ssh agent1 "checklist show --json") || pd_fail "checklist show exited $?"
pd_assert_eq "$(json 'd["version"]' <<<"$out")" "1" "the version pinned at start"
pd_assert_eq "$(json 'len(d["items"])' <<<"$out")" "13" "the shipped items"
pd_assert_eq "$(json '[i["code"] for i in d["items"] if i["critical"]]' <<<"$out")" \
	"['honesty', 'courtesy']" "the critical items"
out=$(pd_ssh agent1 -o SetEnv=LANG=zh_CN.UTF-8 "checklist show") || pd_fail "checklist show exited $?"
pd_assert_contains "$out" "诚信不敷衍" "checklist show in Chinese"
pd_assert_contains "$out" "合格线 80%" "the pass mark"

# --- a supervisor scores from stdin -----------------------------------------------------------------
answers='respect y
warmth y 主动问候
honesty y 承诺已登记
courtesy y
flexibility 4
responsibility y
enthusiasm 5
coordination 4
knowledge na
patience 3 业主重复提问时有些急躁'
out=$(printf '%s\n' "$answers" | head -n 9 | pd_ssh sup1 "evaluate $n1 --stdin" 2>&1) &&
	pd_fail "an incomplete answer sheet was saved"
pd_assert_contains "$out" "patience 未回答" "the missing item named"
out=$(printf '%s\n' "$answers" | pd_ssh agent1 "evaluate $n1 --stdin" 2>&1) &&
	pd_fail "an agent could evaluate"
out=$(printf '%s\n' "$answers" | pd_ssh sup1 "evaluate $n1 --stdin --json") ||
	pd_fail "evaluate --stdin exited $?"
id=$(json 'd["id"]' <<<"$out")
# 10+10+15+15+8+10+5+8+6 of 5 × (2+2+3+3+2+2+1+2+2): knowledge (N/A) left out.
pd_assert_eq "$(json '(d["earned"], d["possible"], d["passed"], d["version"])' <<<"$out")" \
	"(87, 95, True, 1)" "the score"
out=$(pd_ssh sup1 "evaluation show $id") || pd_fail "evaluation show exited $?"
pd_assert_contains "$out" "= 87 / 95 = 91.6%" "the formula with its numbers"
pd_assert_contains "$out" "按所记录的版本重新计算：结果一致" "recomputed"

# Another agent sees nothing of it.
out=$(pd_ssh agent2 "evaluation show $id" 2>&1) && pd_fail "agent2 saw agent1's evaluation"
pd_assert_contains "$out" "没有你的评估 #$id" "agent2 refused"
out=$(pd_ssh agent2 "evaluation list --json") || pd_fail "evaluation list exited $?"
pd_assert_eq "$(json 'len(d["items"])' <<<"$out")" "0" "agent2's evaluations"
pd_ssh agent2 "evaluation list --agent agent1" >/dev/null 2>&1 && pd_fail "agent2 listed agent1's"

# The agent's self-check, beside the supervisor's.
printf '%s\n' "$answers" | sed 's/^patience 3.*/patience 5/' |
	pd_ssh agent1 "checklist self $n1 --stdin" >/dev/null || pd_fail "checklist self exited $?"
out=$(pd_ssh sup1 "evaluation show $id") || pd_fail "evaluation show exited $?"
pd_assert_contains "$out" "客服自查 #" "the self-check beside it"

# --- the notice at login, a dispute, the answer, the acknowledgement -----------------------------
pd_tmux_start a1 "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=zh_CN.UTF-8)"
pd_tmux_wait a1 'agent1> *$'
screen=$(pd_tmux_screen a1)
pd_assert_contains "$screen" "1 条新的服务质量评估" "the new evaluation at login"
pd_assert_contains "$screen" "#$id" "its number"
pd_tmux_type a1 "quit"
pd_tmux_send a1 Enter

pd_ssh agent1 "evaluation dispute $id patience --reason 'the owner asked five times; I stayed calm' \
	--answer 5" >/dev/null || pd_fail "evaluation dispute exited $?"
out=$(pd_ssh agent1 "evaluation dispute $id patience --reason again" 2>&1) &&
	pd_fail "a second open dispute of one item"
out=$(pd_ssh agent1 "evaluation ack $id" 2>&1) && pd_fail "acknowledged while disputed"
pd_ssh agent1 "evaluation answer $id patience accept --comment ok" >/dev/null 2>&1 &&
	pd_fail "an agent answered a dispute"
out=$(pd_ssh sup1 "evaluation answer $id patience accept --comment '录音已复核，同意'") ||
	pd_fail "evaluation answer exited $?"
pd_assert_contains "$out" "95.8%" "the score recomputed"
out=$(pd_ssh agent1 "evaluation show $id --json") || pd_fail "evaluation show exited $?"
pd_assert_eq "$(json '(d["earned"], d["status"], d["recomputed_matches"])' <<<"$out")" \
	"(91, 'new', True)" "after the answer"
pd_assert_eq "$(json '[(x["resolution"], x["old_answer"], x["new_answer"]) for x in d["disputes"]]' \
	<<<"$out")" "[('accept', 3, 5)]" "the dispute's history"
pd_ssh agent1 "evaluation ack $id" >/dev/null || pd_fail "evaluation ack exited $?"
pd_ssh agent1 "evaluation ack $id" >/dev/null 2>&1 && pd_fail "acknowledged twice"

# --- a new checklist version; the old evaluation keeps its own ------------------------------------
sed -i 's/^pass = 80$/pass = 85/' "$PD_ETC/checklist.ini"
kill -HUP "$PD_PID"
for _ in $(seq 1 100); do
	grep -q 'checklist: version 2 (new)' "$PD_LOG" && break
	sleep 0.05
done
grep -q 'checklist: version 2 (new)' "$PD_LOG" || pd_fail "the edited checklist was not pinned"
out=$(pd_ssh sup1 "checklist show --json")
pd_assert_eq "$(json '(d["version"], d["pass"])' <<<"$out")" "(2, 85)" "the new version"
out=$(pd_ssh sup1 "checklist show 1 --json")
pd_assert_eq "$(json '(d["version"], d["pass"])' <<<"$out")" "(1, 80)" "the old version"
out=$(pd_ssh sup1 "evaluation show $id --json")
pd_assert_eq "$(json '(d["version"], d["recomputed_matches"])' <<<"$out")" "(1, True)" \
	"the evaluation keeps version 1"
# A broken checklist is refused on reload, with its line; the running one is kept.
cp "$PD_ETC/checklist.ini" "$PD_TMP/checklist.good"
sed -i 's/^weight = 3$/weight = 30/' "$PD_ETC/checklist.ini"
kill -HUP "$PD_PID"
for _ in $(seq 1 100); do
	grep -q 'checklist.ini:[0-9]*: \[item honesty\] weight is 1 to 10' "$PD_LOG" && break
	sleep 0.05
done
grep -q 'checklist.ini:[0-9]*: \[item honesty\] weight is 1 to 10' "$PD_LOG" ||
	pd_fail "a broken checklist was not refused with its line"
grep -q 'reload refused' "$PD_LOG" || pd_fail "the reload was not refused"
out=$(pd_ssh sup1 "checklist show --json")
pd_assert_eq "$(json '(d["version"], d["pass"])' <<<"$out")" "(2, 85)" "the running checklist kept"
cp "$PD_TMP/checklist.good" "$PD_ETC/checklist.ini"

# --- the interactive form: a critical failure fails the evaluation ---------------------------------
pd_tmux_start s1 "$(pd_ssh_cmd sup1 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_wait s1 'sup1> *$'
step() {
	[ -z "$2" ] || pd_tmux_type "$1" "$2"
	pd_tmux_send "$1" Enter
	pd_tmux_wait "$1" "$3"
}
step s1 "evaluate $n2" '\[1/10\].*respect'
screen=$(pd_tmux_screen s1)
pd_assert_contains "$screen" "楼上装修太吵" "the owner's words alongside"
step s1 "y" 'warmth'
step s1 "maybe" 'not an answer here'
step s1 "y" 'honesty'
step s1 "y" 'courtesy'
step s1 "n mocked the owner's accent" 'flexibility'
step s1 "3" 'responsibility'
step s1 "y" 'enthusiasm'
step s1 "3" 'coordination'
step s1 "3" 'knowledge'
step s1 "3" 'patience'
step s1 "2" 'Overall comment'
step s1 "" 'Save\? \(Y/n\)'
screen=$(pd_tmux_screen s1)
pd_assert_contains "$screen" "CRITICAL FAILURE" "the critical failure shown"
pd_assert_contains "$screen" "Result: FAIL" "the result"
step s1 "" 'Evaluation #[0-9]+ of .* saved: .*fail'
pd_tmux_type s1 "quit"
pd_tmux_send s1 Enter
out=$(pd_ssh sup1 "evaluation list --agent agent2 --json")
pd_assert_eq "$(json '[(e["passed"], e["critical_failed"], e["version"]) for e in d["items"]]' <<<"$out")" \
	"[(False, 1, 2)]" "agent2's evaluation"

# --- trends, and the audit log -----------------------------------------------------------------------
out=$(pd_ssh sup1 "report quality --by item --json") || pd_fail "report quality exited $?"
pd_assert_eq "$(json 'd["rows"][0]["key"]' <<<"$out")" "courtesy" "the weakest item first"
out=$(pd_ssh sup1 "report quality --by agent --json")
pd_assert_eq "$(json '[(r["key"], r["count"], r["passed"]) for r in d["rows"]]' <<<"$out")" \
	"[('agent2', 1, 0), ('agent1', 1, 1)]" "per agent"

pd_stop
python3 - "$PD_STATE" <<'PY' || pd_fail "audit events missing"
import glob, sqlite3, sys
db = sqlite3.connect(glob.glob(sys.argv[1] + "/*.db")[0])
acts = [r[0] for r in db.execute("SELECT action FROM audit WHERE action LIKE 'evaluation.%'"
                                 " OR action = 'checklist.version' ORDER BY seq")]
want = ["checklist.version", "evaluation.add", "evaluation.self", "evaluation.dispute",
        "evaluation.answer", "evaluation.ack", "checklist.version", "evaluation.add"]
if acts != want:
    print(acts, file=sys.stderr)
    sys.exit(1)
PY
pd_log "ok"
