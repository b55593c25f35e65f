#!/usr/bin/env bash
# Calibration is blind through the real ssh client: once sup1 and sup2 have calibrated a
# complaint, sup3 (who has not) sees neither their scores nor the per-item totals of
# `report calibration`; once sup3 submits theirs, the totals count all three; an admin sees
# every calibration; the agent sees none.
. "$(dirname "$0")/lib.sh"

pd_config
pd_user agent1 agent
pd_user sup1 supervisor
pd_user sup2 supervisor
pd_user sup3 supervisor
pd_user admin1 admin
pd_start

json() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

out=$(pd_ssh agent1 "complaint add --json --unit 3-2-1201 --category repairs --technique empathy \
	'卫生间漏水，楼上住户不在家'") || pd_fail "complaint add exited $?"
n1=$(json 'd["number"]' <<<"$out")
answers='respect y
warmth y
honesty y
courtesy y
flexibility 4
responsibility y
enthusiasm 5
coordination 4
knowledge 3
patience 3'
calibrate() {
	printf '%s\n' "$2" | pd_ssh "$1" "evaluate $n1 --calibrate --stdin --json" >/dev/null ||
		pd_fail "$1's calibration exited $?"
}
calibrate sup1 "$answers"
calibrate sup2 "$(sed 's/^warmth y$/warmth n/' <<<"$answers")"

report() { pd_ssh "$1" "report calibration --json" || pd_fail "$1's report calibration exited $?"; }
out=$(report sup3)
pd_assert_eq "$(json '(d["complaints"], d["calibrations"], d["items"])' <<<"$out")" "(0, 0, [])" \
	"nothing for a supervisor who has not calibrated it"
out=$(pd_ssh sup3 -o SetEnv=LANG=zh_CN.UTF-8 "report calibration") || pd_fail "exited $?"
pd_assert_contains "$out" "盲评" "told why"
out=$(pd_ssh sup3 "evaluation list --kind calibration --json")
pd_assert_eq "$(json 'len(d["items"])' <<<"$out")" "0" "nor the others' calibrations"
pd_ssh sup3 "evaluation show 1" >/dev/null 2>&1 && pd_fail "sup3 saw sup1's calibration"
out=$(report sup1)
pd_assert_eq "$(json '(d["complaints"], d["calibrations"])' <<<"$out")" "(1, 2)" "a rater sees both"
pd_assert_eq "$(json '[(i["pairs"], i["agree"]) for i in d["items"] if i["item"] == "warmth"]' <<<"$out")" \
	"[(1, 0)]" "the pair that differs"
out=$(report admin1)
pd_assert_eq "$(json '(d["complaints"], d["calibrations"])' <<<"$out")" "(1, 2)" "an admin sees all"
pd_ssh agent1 "report calibration" >/dev/null 2>&1 && pd_fail "an agent read the calibrations"

calibrate sup3 "$answers"
out=$(report sup3)
pd_assert_eq "$(json '(d["complaints"], d["calibrations"])' <<<"$out")" "(1, 3)" \
	"after submitting, all three"
pd_assert_eq "$(json '[i["pairs"] for i in d["items"] if i["item"] == "warmth"]' <<<"$out")" \
	"[3]" "three pairs"
pd_stop
pd_log "ok"
