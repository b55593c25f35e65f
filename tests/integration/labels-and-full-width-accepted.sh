#!/usr/bin/env bash
# Wherever a code is accepted, the label the screens show is too, and the full-width forms of
# ASCII that a Chinese input method types: `complaint add --category 噪音 --technique 换位思考法`,
# `complaint list --status 待处理 --category 报修`, `technique show 换位思考法`, a complaint
# number as Ｃ－２０２６…, a promise as ＃１. What matches nothing is still refused with the codes.
# A complaint's history is shown in the user's language.
. "$(dirname "$0")/lib.sh"

pd_config
pd_user agent1 agent
pd_start

json() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
tomorrow=$(date -d tomorrow +%Y-%m-%d)

out=$(pd_ssh agent1 "complaint add --json --unit 3-2-1201 --category 噪音 \
	--technique 换位思考法,ＰＡＴＩＥＮＣＥ --promise '今晚联系楼上' --due '$tomorrow 20:00' \
	'楼上每晚十一点后还在跳绳'") || pd_fail "complaint add with labels exited $?"
number=$(json 'd["number"]' <<<"$out")
out=$(pd_ssh agent1 "complaint show --json $number")
pd_assert_eq "$(json 'd["category"]' <<<"$out")" "noise" "the category stored as its code"
pd_assert_eq "$(json '",".join(sorted(d["techniques"]))' <<<"$out")" "empathy,patience" \
	"the techniques stored as their codes"
pd_ssh agent1 "complaint add --unit 3-2-1202 --category 报修 --technique empathy '水管漏水'" \
	>/dev/null || pd_fail "complaint add --category 报修"

out=$(pd_ssh agent1 "complaint list --json --status 待处理 --category 噪音")
pd_assert_eq "$(json 'len(d["items"])' <<<"$out")" 1 "complaint list --status 待处理 --category 噪音"
pd_assert_eq "$(json 'd["items"][0]["number"]' <<<"$out")" "$number" "the noise complaint listed"
out=$(pd_ssh agent1 "complaint list --json --status 'In Progress,待处理' --technique 换位思考法")
pd_assert_eq "$(json 'len(d["items"])' <<<"$out")" 2 "--status with an English label, --technique by name"

wide=$(python3 -c 'import sys; print("".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in sys.argv[1]))' "$number")
out=$(pd_ssh agent1 "complaint show --json $wide") || pd_fail "complaint show $wide exited $?"
pd_assert_eq "$(json 'd["number"]' <<<"$out")" "$number" "a full-width complaint number"
id=$(pd_ssh agent1 "promise list --json" | json 'd["items"][0]["id"]')
wide_id=$(python3 -c 'import sys; print("".join(chr(ord(c) + 0xFEE0) for c in sys.argv[1]))' "#$id")
pd_ssh agent1 "promise done $wide_id --note 已联系" >/dev/null || pd_fail "promise done $wide_id"

# The history speaks the user's language: actions named, the due time a date, the mood as the
# form offered it.
out=$(pd_ssh agent1 -o SetEnv=LANG=zh_CN.UTF-8 "complaint show $number")
pd_assert_contains "$out" "作出承诺" "the history's action in Chinese"
pd_assert_contains "$out" "期限 $tomorrow 20:00" "the promise's due time in the history"
pd_assert_contains "$out" "承诺兑现" "the kept promise in the history"
case $out in *due=*|*promise.add*) pd_fail "codes in the Chinese history: $out" ;; esac
out=$(pd_ssh agent1 -o SetEnv=LANG=en_US.UTF-8 "complaint show $number")
pd_assert_contains "$out" "promise made" "the history's action in English"

out=$(pd_ssh agent1 -o SetEnv=LANG=zh_CN.UTF-8 "technique show 换位思考法") ||
	pd_fail "technique show by name exited $?"
pd_assert_contains "$out" "换位思考法" "technique show by name"

rc=0
err=$(pd_ssh agent1 -o SetEnv=LANG=en_US.UTF-8 "complaint list --status 不存在" 2>&1) || rc=$?
pd_assert_eq "$rc" 2 "an unknown status"
pd_assert_contains "$err" "in_progress" "the codes listed for an unknown status"
rc=0
pd_ssh agent1 "complaint add --unit 3-2-1201 --category 换位思考法 --technique empathy x" \
	>/dev/null 2>&1 || rc=$?
[ "$rc" -ne 0 ] || pd_fail "a technique's name taken as a category"
pd_log "ok"
