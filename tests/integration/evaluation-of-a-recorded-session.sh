#!/usr/bin/env bash
# A supervisor scores a recorded session through the real ssh client: an agent's interactive
# session (tmux) takes a complaint and adds a note to another; its id as `sessions` shows it
# is what `evaluate --session ID` takes; the form shows the session's account, time, the
# commands run and the complaints touched; the evaluation (answers on stdin) is tied to both
# complaints, listed under each, shown, and acknowledged by the agent; a bad id, an unknown
# one and the supervisor's own session are refused with nothing saved; the change audited.
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

out=$(pd_ssh agent1 "complaint add --json --unit 5-1-301 --category noise --technique stepback '楼上装修太吵'") ||
	pd_fail "complaint add exited $?"
n0=$(json 'd["number"]' <<<"$out")

# --- the agent's session, live, then ended -------------------------------------------------------
pd_tmux_start a "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=zh_CN.UTF-8)"
pd_tmux_wait a 'agent1> *$'
out=$(pd_ssh sup1 "sessions --json") || pd_fail "sessions exited $?"
sid=$(json '[s["session"] for s in d["items"] if s["account"] == "agent1" and not s["exec"]][0]' <<<"$out")
[ -n "$sid" ] || pd_fail "no session of agent1 listed"
step a "complaint add --unit 3-2-1201 --category repairs --technique empathy '卫生间漏水'" \
	'C-[0-9]{8}-[0-9]{4}'
n1=$(pd_tmux_screen a | grep -oE 'C-[0-9]{8}-[0-9]{4}' | tail -n 1)
step a "complaint note $n0 已联系楼上住户，约定周末停工" 'agent1> *$'
step a "whoami" 'agent1> *$'
pd_tmux_type a "quit"
pd_tmux_send a Enter
pd_tmux_wait_dead a

answers='respect y
warmth y
honesty y
courtesy y
flexibility 4
responsibility y
enthusiasm 5
coordination 4
knowledge na
patience 3 业主重复提问时有些急躁'

# --- refused: a bad id, an unknown one, one's own ------------------------------------------------
out=$(printf '%s\n' "$answers" | pd_ssh sup1 "evaluate --session 'a;b' --stdin" 2>&1) &&
	pd_fail "a bad session id was taken"
pd_assert_contains "$out" "不是会话 ID" "a bad id refused"
out=$(printf '%s\n' "$answers" | pd_ssh sup1 "evaluate --session s0000ffffff --stdin" 2>&1) &&
	pd_fail "an unknown session was scored"
pd_assert_contains "$out" "审计日志中没有会话 s0000ffffff" "an unknown session refused"
own=$(pd_ssh sup1 "sessions --json" | json '[s["session"] for s in d["items"] if s["account"] == "sup1"][0]')
out=$(printf '%s\n' "$answers" | pd_ssh sup1 "evaluate --session $own --stdin" 2>&1) &&
	pd_fail "a supervisor scored a session of their own"
out=$(printf '%s\n' "$answers" | pd_ssh agent1 "evaluate --session $sid --stdin" 2>&1) &&
	pd_fail "an agent could evaluate a session"

# --- the form shows the session ------------------------------------------------------------------
pd_tmux_start s "$(pd_ssh_cmd sup1 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_wait s 'sup1> *$'
step s "evaluate --session $sid" '\[1/10\].*respect'
screen=$($PD_TMUX capture-pane -p -S -300 -t pd:s)
pd_assert_contains "$screen" "Session $sid · agent agent1 (agent, ssh" "the session's account"
pd_assert_contains "$screen" "Commands run: 4" "the commands counted (quit too)"
pd_assert_contains "$screen" "complaint note $n0" "a command run"
pd_assert_contains "$screen" "Complaints touched: 2" "the complaints touched"
pd_assert_contains "$screen" "$n1  complaint.add" "the complaint it took"
pd_tmux_send s C-c
pd_tmux_wait s 'discard this evaluation'
pd_tmux_type s "y"
pd_tmux_send s Enter
pd_tmux_wait s 'sup1> *$'
pd_tmux_type s "quit"
pd_tmux_send s Enter

# --- scored from stdin, tied to both complaints ----------------------------------------------------
out=$(printf '%s\n' "$answers" | pd_ssh sup1 "evaluate --session $sid --stdin --json") ||
	pd_fail "evaluate --session exited $?"
id=$(json 'd["id"]' <<<"$out")
pd_assert_eq "$(json '(d["kind"], d["session"], d["earned"], d["possible"])' <<<"$out")" \
	"('session', '$sid', 87, 95)" "the session's score"
out=$(pd_ssh sup1 "evaluation show $id --json") || pd_fail "evaluation show exited $?"
pd_assert_eq "$(json '(d["agent"], d["session"], sorted(d["session_complaints"].split(",")), d["recomputed_matches"])' <<<"$out")" \
	"('agent1', '$sid', $(python3 -c 'import sys; print(sorted(sys.argv[1:]))' "$n0" "$n1"), True)" \
	"tied to the complaints it touched"
out=$(pd_ssh sup1 -o SetEnv=LANG=zh_CN.UTF-8 "evaluation show $id") || pd_fail "evaluation show exited $?"
pd_assert_contains "$out" "该会话处理的投诉：" "the complaints shown"
for n in "$n0" "$n1"; do
	out=$(pd_ssh agent1 "evaluation list --complaint $n --json") || pd_fail "evaluation list exited $?"
	pd_assert_eq "$(json '[(e["id"], e["kind"]) for e in d["items"]]' <<<"$out")" "[($id, 'session')]" \
		"listed under $n"
done
out=$(pd_ssh sup1 "evaluation list --kind session --json")
pd_assert_eq "$(json '[e["session"] for e in d["items"]]' <<<"$out")" "['$sid']" "listed by kind"
pd_ssh agent1 "evaluation ack $id" >/dev/null || pd_fail "evaluation ack exited $?"

pd_stop
python3 - "$PD_STATE" "$sid" <<'PY' || pd_fail "audit events missing"
import glob, sqlite3, sys
db = sqlite3.connect(glob.glob(sys.argv[1] + "/*.db")[0])
acts = [r for r in db.execute("SELECT action, detail FROM audit WHERE action LIKE 'evaluation.%'"
                              " ORDER BY seq")]
if [a for a, _ in acts] != ["evaluation.session", "evaluation.ack"] or \
        not acts[0][1].startswith(sys.argv[2] + " agent=agent1"):
    print(acts, file=sys.stderr)
    sys.exit(1)
PY
pd_log "ok"
