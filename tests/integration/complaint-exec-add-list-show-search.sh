#!/usr/bin/env bash
# Complaints in exec mode over the real ssh client, with Chinese text and --json (parsed by
# python3): add (words as an argument and from stdin, with a promise), list with filters, show,
# the phone masked for another agent, note, tag, assign with a handover note, escalate, resolve
# refused while a promise is open, promise done, resolve, reopen; search: the substring 漏水
# finds 卫生间漏水, and a PCRE2 regex; errors with a status and a message on stderr.
. "$(dirname "$0")/lib.sh"

pd_config
pd_user agent1 agent
pd_user agent2 agent
pd_user sup1 supervisor
pd_start

# json FIELD-EXPRESSION: evaluates a python expression over the JSON document on stdin (d).
json() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
# en NAME COMMAND: exec mode in English.
en() { local n=$1; shift; pd_ssh "$n" -o SetEnv=LANG=en_US.UTF-8 "$@"; }

tomorrow=$(date -d tomorrow +%Y-%m-%d)
today=$(date +%Y-%m-%d)

# --- add ------------------------------------------------------------------------------------
out=$(pd_ssh agent1 "complaint add --json --unit 3-2-1201 --category repairs \
	--technique empathy,sit-down --phone 13812341234 --caller 张先生 --mood angry \
	--promise '明天上午派维修工上门' --due '$tomorrow 10:00' \
	'卫生间漏水，已经三天了，楼下邻居也来投诉'") || pd_fail "complaint add exited $?"
n1=$(json 'd["number"]' <<<"$out")
[[ "$n1" =~ ^C-[0-9]{8}-[0-9]{4}$ ]] || pd_fail "complaint number '$n1'"
pd_assert_eq "$(json 'd["open_promises"]' <<<"$out")" "1" "promises taken with the complaint"

# The owner's words from stdin, several lines.
out=$(printf '楼上每晚十一点后还在装修，\n电钻声很大。\n' |
	pd_ssh agent2 "complaint add --json --unit 5-1-301 --category noise --technique patience \
	--relation tenant --stdin") || pd_fail "complaint add --stdin exited $?"
n2=$(json 'd["number"]' <<<"$out")
[ "$n1" != "$n2" ] || pd_fail "two complaints got the same number"

# A bad code: status 2, the valid codes on stderr, nothing on stdout.
rc=0
out=$(pd_ssh agent1 "complaint add --unit 1 --category plumbing --technique empathy x" \
	2>"$PD_TMP/err") || rc=$?
pd_assert_eq "$rc" "2" "exit status of an unknown category"
[ -z "$out" ] || pd_fail "an error wrote to stdout: $out"
pd_assert_contains "$(cat "$PD_TMP/err")" "未知投诉类别 \`plumbing\`" "unknown category message"
pd_assert_contains "$(cat "$PD_TMP/err")" "repairs noise" "the valid categories"

# --- list -----------------------------------------------------------------------------------
out=$(pd_ssh agent1 "complaint list") || pd_fail "complaint list exited $?"
pd_assert_contains "$out" "$n1" "complaint list"
pd_assert_contains "$out" "卫生间漏水" "complaint list words"
pd_assert_contains "$out" "报修" "category name in Chinese"
# Columns line up by display width: the unit column starts at the same width on every row.
python3 - "$out" <<'PY' || pd_fail "list columns do not line up: $out"
import sys, unicodedata
def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = [l for l in sys.argv[1].splitlines() if l.startswith("C-")]
cols = {width(l[: l.index(u)]) for l in lines for u in ("3-2-1201", "5-1-301") if u in l}
sys.exit(0 if len(lines) == 2 and len(cols) == 1 else 1)
PY
out=$(pd_ssh agent1 "complaint list --json --category noise")
pd_assert_eq "$(json '[c["number"] for c in d["items"]]' <<<"$out")" "['$n2']" "list --category noise"
pd_assert_eq "$(json 'd["items"][0]["words"]' <<<"$out" | head -n 1)" "楼上每晚十一点后还在装修，" \
	"words from stdin"
out=$(pd_ssh agent1 "complaint list --json --mine --status open --since $today --until $today")
pd_assert_eq "$(json '[c["number"] for c in d["items"]]' <<<"$out")" "['$n1']" "list --mine --status"
out=$(pd_ssh agent1 "complaint list --json --technique sit-down")
pd_assert_eq "$(json 'len(d["items"])' <<<"$out")" "1" "list --technique"
# The other agent sees the phone masked, the supervisor whole.
out=$(pd_ssh agent2 "complaint list --json --unit 3-2-1201")
pd_assert_eq "$(json 'd["items"][0]["phone"]' <<<"$out")" "138****1234" "phone for another agent"
out=$(pd_ssh sup1 "complaint list --json --unit 3-2-1201")
pd_assert_eq "$(json 'd["items"][0]["phone"]' <<<"$out")" "13812341234" "phone for the supervisor"

# --- show -----------------------------------------------------------------------------------
out=$(pd_ssh agent1 "complaint show $n1") || pd_fail "complaint show exited $?"
for want in "业主原话" "卫生间漏水" "换位思考法" "明天上午派维修工上门" "13812341234" "历史"; do
	pd_assert_contains "$out" "$want" "complaint show"
done
out=$(pd_ssh agent2 "complaint show $n1")
pd_assert_contains "$out" "138****1234" "complaint show for another agent"
rc=0
pd_ssh agent1 "complaint show C-20000101-0001" >/dev/null 2>"$PD_TMP/err" || rc=$?
pd_assert_eq "$rc" "1" "exit status for an unknown number"
pd_assert_contains "$(cat "$PD_TMP/err")" "没有投诉" "unknown number message"
rc=0
en agent1 "complaint show C-20000101-0001" >/dev/null 2>"$PD_TMP/err" || rc=$?
pd_assert_contains "$(cat "$PD_TMP/err")" "no complaint \`C-20000101-0001\`" "English message"

# --- note, tag, assign, escalate --------------------------------------------------------------
pd_ssh agent1 "complaint note $n1 '已联系维修部，业主情绪稍缓'" >/dev/null || pd_fail "note exited $?"
out=$(pd_ssh agent1 "complaint tag $n1 +patience -sit-down") || pd_fail "tag exited $?"
pd_assert_contains "$out" "empathy patience" "techniques after tag"
out=$(pd_ssh agent1 "complaint assign $n1 agent2 --note '业主很着急；已承诺明早上门，别再说等通知'") ||
	pd_fail "assign exited $?"
pd_assert_contains "$out" "agent2" "assign output"
# Now agent2 owns it: the phone whole.
out=$(pd_ssh agent2 "complaint show $n1 --json")
pd_assert_eq "$(json 'd["phone"]' <<<"$out")" "13812341234" "phone for the new assignee"
pd_assert_eq "$(json 'd["assignee"]' <<<"$out")" "agent2" "assignee"
pd_assert_eq "$(json 'd["handovers"][0]["from"] + ">" + d["handovers"][0]["to"]' <<<"$out")" \
	"agent1>agent2" "handover"
pd_assert_contains "$(json 'd["handovers"][0]["note"]' <<<"$out")" "别再说等通知" "handover note"
pd_assert_eq "$(json 'd["notes"][0]["text"]' <<<"$out")" "已联系维修部，业主情绪稍缓" "note"
pd_assert_eq "$(json 'd["techniques"]' <<<"$out")" "['empathy', 'patience']" "techniques"
pd_ssh agent2 "complaint escalate $n1 --reason '需要外包施工队' --to sup1" >/dev/null ||
	pd_fail "escalate exited $?"

# --- resolve blocked by the open promise, promise done, resolve, reopen -----------------------
rc=0
pd_ssh sup1 "complaint resolve $n1 --outcome 已修复" >/dev/null 2>"$PD_TMP/err" || rc=$?
pd_assert_eq "$rc" "1" "resolve with an open promise"
pd_assert_contains "$(cat "$PD_TMP/err")" "未兑现的承诺" "resolve refusal"
pd_assert_contains "$(cat "$PD_TMP/err")" "明天上午派维修工上门" "the open promise named"
out=$(pd_ssh sup1 "complaint show $n1 --json")
pd_assert_eq "$(json 'd["status"]' <<<"$out")" "escalated" "status after a refused resolve"
pid=$(json '[p["id"] for p in d["promises"] if p["status"] == "open"][0]' <<<"$out")
out=$(pd_ssh agent1 "promise list --json")
pd_assert_eq "$(json '[p["id"] for p in d["items"]]' <<<"$out")" "[$pid]" "agent1's open promises"
pd_ssh agent1 "promise done $pid --note '已上门修好'" >/dev/null || pd_fail "promise done exited $?"
pd_ssh sup1 "complaint resolve $n1 --outcome '已修复，业主满意'" >/dev/null ||
	pd_fail "resolve after the promise was kept exited $?"
rc=0
pd_ssh agent1 "complaint reopen $n1" >/dev/null 2>&1 || rc=$?
pd_assert_eq "$rc" "2" "reopen without a reason"
pd_ssh agent1 "complaint reopen $n1 --reason '又漏了'" >/dev/null || pd_fail "reopen exited $?"
out=$(pd_ssh agent1 "complaint show $n1 --json")
pd_assert_eq "$(json 'd["status"]' <<<"$out")" "reopened" "status after reopen"
pd_assert_eq "$(json 'd["outcome"]' <<<"$out")" "已修复，业主满意" "outcome kept"
pd_assert_eq "$(json '[h["action"] for h in d["history"]]' <<<"$out")" \
	"['created', 'promise.add', 'note', 'tag', 'assign', 'escalate', 'promise.kept', 'resolve', 'reopen']" \
	"history"

# --- search ---------------------------------------------------------------------------------
out=$(pd_ssh agent1 "complaint search 漏水 --json") || pd_fail "search exited $?"
pd_assert_eq "$(json '[c["number"] for c in d["items"]]' <<<"$out")" "['$n1']" "substring 漏水"
out=$(pd_ssh agent1 "complaint search 电钻")
pd_assert_contains "$out" "$n2" "substring on the second line of the words"
out=$(pd_ssh agent1 "complaint search 情绪稍缓 --json")
pd_assert_eq "$(json 'len(d["items"])' <<<"$out")" "1" "substring in a note"
out=$(pd_ssh agent1 "complaint search --regex '(漏|渗)水|电[钻锤]' --json") || pd_fail "regex exited $?"
pd_assert_eq "$(json 'sorted(c["number"] for c in d["items"])' <<<"$out")" "$(python3 -c "print(sorted(['$n1', '$n2']))")" \
	"regex search"
out=$(pd_ssh agent1 "complaint search --regex '十一点.*装修' --status resolved --json")
pd_assert_eq "$(json 'len(d["items"])' <<<"$out")" "0" "regex with a status filter"
rc=0
pd_ssh agent1 "complaint search --regex '(unclosed'" >/dev/null 2>"$PD_TMP/err" || rc=$?
pd_assert_eq "$rc" "2" "invalid pattern"
pd_assert_contains "$(cat "$PD_TMP/err")" "正则表达式无效" "invalid pattern message"

# --- the rest of the surface, parsed -----------------------------------------------------------
pd_ssh agent1 "unit history 3-2-1201 --json" | json 'len(d["items"])' >/dev/null || pd_fail "unit history --json"
pd_ssh agent1 "technique list --json" | json 'len(d)' >/dev/null || pd_fail "technique list --json"
pd_ssh sup1 "report techniques --json --by agent" | json 'd["rows"][0]["technique"]' >/dev/null ||
	pd_fail "report techniques --json"
pd_ssh sup1 "report promises --json" | json 'd["agents"]' >/dev/null || pd_fail "report promises --json"
rc=0
pd_ssh agent1 "report techniques" >/dev/null 2>&1 || rc=$?
pd_assert_eq "$rc" "3" "report for an agent"

pd_stop
pd_log "ok"
