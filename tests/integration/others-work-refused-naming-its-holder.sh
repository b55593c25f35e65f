#!/usr/bin/env bash
# Work belongs to who took it, who holds it, and the supervisors, through the real ssh client:
# agent1 may not note, resolve, tag, escalate or reassign agent2's complaint, nor keep or
# withdraw agent2's promise, including after it is escalated to a supervisor; the refusal names
# the holder (account and display name) in the session's language, and nothing changes.
# Assigning it to oneself neither works nor unmasks the owner's phone. A supervisor reassigns;
# the new holder hands it over with a note (required).
. "$(dirname "$0")/lib.sh"

pd_config
pd_user agent1 agent
pd_user agent2 agent
pd_user sup1 supervisor
sqlite3 "$PD_STATE/propdesk.db" "update accounts set display = '王芳' where name = 'agent2'"
pd_start

json() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
en() { local n=$1; shift; pd_ssh "$n" -o SetEnv=LANG=en_US.UTF-8 "$@"; }
zh() { local n=$1; shift; pd_ssh "$n" -o SetEnv=LANG=zh_CN.UTF-8 "$@"; }
# refused NAME LANG COMMAND: runs it, expects status 1, prints stderr.
refused() {
	local rc=0 n=$1 l=$2
	shift 2
	if [ "$l" = en ]; then en "$n" "$@" >/dev/null 2>"$PD_TMP/err" || rc=$?; else
		zh "$n" "$@" >/dev/null 2>"$PD_TMP/err" || rc=$?; fi
	pd_assert_eq "$rc" 1 "exit status of a refused '$*'"
	cat "$PD_TMP/err"
}
audits() { sqlite3 "$PD_STATE/propdesk.db" "select count(*) from audit where action like 'complaint.%' or action like 'promise.%'"; }

tomorrow=$(date -d tomorrow +%Y-%m-%d)
out=$(pd_ssh agent2 "complaint add --json --unit 3-2-1201 --category repairs --technique empathy \
	--phone 13812341234 --promise '明天上午派维修工上门' --due '$tomorrow 10:00' 卫生间漏水") ||
	pd_fail "complaint add exited $?"
n=$(json 'd["number"]' <<<"$out")
pid=$(pd_ssh agent2 "complaint show $n --json" | json 'd["promises"][0]["id"]')
before=$(audits)

err=$(refused agent1 en "complaint note $n 'not mine'")
pd_assert_contains "$err" "complaint $n is not yours: agent2 (王芳) holds it" "note refused (en)"
err=$(refused agent1 zh "complaint resolve $n --outcome 已修复")
pd_assert_contains "$err" "投诉 $n 不是您的：由 agent2（王芳）负责" "resolve refused (zh)"
refused agent1 en "complaint tag $n +patience" >/dev/null
refused agent1 en "complaint escalate $n --reason x" >/dev/null
err=$(refused agent1 en "promise done $pid")
pd_assert_contains "$err" "promise #$pid is not yours: it was made by agent2 (王芳)" "promise done refused"
refused agent1 zh "promise withdraw $pid --reason x" >/dev/null
# Assigning it to oneself: refused, and the phone stays masked.
err=$(refused agent1 en "complaint assign $n agent1 --note 我来")
pd_assert_contains "$err" "complaint $n is held by agent2 (王芳): only its holder" "self-assign refused"
out=$(en agent1 "complaint show $n --json")
pd_assert_eq "$(json 'd["phone"]' <<<"$out")" "138****1234" "phone after a refused self-assign"
pd_assert_eq "$(json 'd["assignee"]' <<<"$out")" "agent2" "assignee after the refusals"
pd_assert_eq "$(json 'len(d["notes"])' <<<"$out")" "0" "notes after the refusals"
pd_assert_eq "$(audits)" "$before" "no change audited for the refusals"

# Escalated to the supervisor: still not agent1's.
en agent2 "complaint escalate $n --reason 需要外包 --to sup1" >/dev/null || pd_fail "escalate exited $?"
err=$(refused agent1 en "complaint note $n 'still not mine'")
pd_assert_contains "$err" "sup1 holds it, agent2 (王芳) took it" "note refused after escalation"

# The supervisor reassigns to agent1 (a note is required); now agent1 works it and sees the phone.
rc=0
en sup1 "complaint assign $n agent1" >/dev/null 2>&1 || rc=$?
pd_assert_eq "$rc" 2 "assign without --note"
en sup1 "complaint assign $n agent1 --note '业主要求换人'" >/dev/null || pd_fail "supervisor assign exited $?"
en agent1 "complaint note $n 已联系业主" >/dev/null || pd_fail "note by the new holder exited $?"
out=$(en agent1 "complaint show $n --json")
pd_assert_eq "$(json 'd["phone"]' <<<"$out")" "13812341234" "phone for the holder"
en agent1 "promise done $pid --note 已上门" >/dev/null || pd_fail "promise done by the holder exited $?"
# agent1 hands it back with a note; then it is no longer agent1's to hand on.
en agent1 "complaint assign $n agent2 --note 业主指定王芳" >/dev/null || pd_fail "handover exited $?"
err=$(refused agent1 en "complaint assign $n agent1 --note 拿回来")
pd_assert_contains "$err" "is held by agent2 (王芳)" "handing on a complaint one no longer holds"
out=$(en agent1 "complaint show $n --json")
pd_assert_eq "$(json 'd["phone"]' <<<"$out")" "138****1234" "phone once handed back"
pd_assert_eq "$(json '[h["from"] + ">" + h["to"] for h in d["handovers"]]' <<<"$out")" \
	"['agent2>sup1', 'sup1>agent1', 'agent1>agent2']" "handovers"
pd_stop
pd_log "ok"
