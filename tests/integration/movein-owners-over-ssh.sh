#!/usr/bin/env bash
# A unit's owners through the real OpenSSH client: the import makes one owner of two units
# (one ID number); an agent adds a second owner and a second phone, and movein show lists both
# with phones and ID numbers masked (whole for the supervisor); movein find finds the unit by
# either owner's name or phone and by a resident's name; the same file imported again changes
# nothing and keeps the added owner; an owner removed, a proxy withdrawn, the auditor refused;
# the audit has every change.
. "$(dirname "$0")/lib.sh"

pd_config
pd_user admin1 admin
pd_user agent1 agent
pd_user sup1 supervisor
pd_user aud1 auditor
pd_start

en() { local n=$1; shift; pd_ssh "$n" -o SetEnv=LANG=en_US.UTF-8 "$@"; }
ok() { local n=$1; shift; en "$n" "$@" >/dev/null || pd_fail "$* exited $?"; }
refused() {
	local n=$1 want=$2 rc=0
	shift 2
	en "$n" "$@" >/dev/null 2>"$PD_TMP/err" || rc=$?
	[ "$rc" != 0 ] || pd_fail "$* was not refused"
	pd_assert_contains "$(cat "$PD_TMP/err")" "$want" "refusal of $*"
}

printf 'unit,area_m2,housing_type,owner_name,owner_phone,owner_id\n' >"$PD_TMP/u.csv"
printf '3-2-1201,98.5,commercial,李建国,13900001111,320102198001011238\n' >>"$PD_TMP/u.csv"
printf '3-2-1202,98.5,commercial,李建国,13900001111,320102198001011238\n' >>"$PD_TMP/u.csv"
out=$(en admin1 "unit import" <"$PD_TMP/u.csv") || pd_fail "unit import exited $?"
pd_assert_contains "$out" "2 added" "import"

out=$(en agent1 "movein owner list 3-2-1202") || pd_fail "owner list exited $?"
pd_assert_contains "$out" "units 3-2-1201, 3-2-1202" "one owner of two units"
out=$(pd_ssh agent1 "movein owner add 3-2-1201 --name 王秀英 --id 11010519491231002X --phone 13700002222") ||
	pd_fail "owner add exited $?"
pd_assert_contains "$out" "已登记业主 #2" "second owner, in Chinese"
ok agent1 movein owner phone 2 add 010-88886666
refused agent1 "not a phone number" movein owner phone 2 add 12345
refused agent1 "--id is not a resident ID number" movein owner add 3-2-1201 --name 某人 --id 320102198001011239
refused aud1 "needs role" movein owner list 3-2-1201

out=$(en agent1 "movein show 3-2-1201") || pd_fail "show exited $?"
pd_assert_contains "$out" "owner: 李建国  139****1111  ID 320***********1238" "first owner, masked"
pd_assert_contains "$out" "owner: 王秀英  137****2222, 010*****6666  ID 110***********002X" "second owner, masked"
case $out in *13700002222* | *11010519491231002X*) pd_fail "a whole phone or ID shown to an agent" ;; esac
out=$(en sup1 "movein show 3-2-1201") || pd_fail "show exited $?"
pd_assert_contains "$out" "王秀英  13700002222, 010-88886666  ID 11010519491231002X" "whole for the supervisor"

out=$(en agent1 "movein find 秀英") || pd_fail "find exited $?"
pd_assert_contains "$out" "3-2-1201" "found by the second owner's name"
out=$(en agent1 "movein find 88886666 --json") || pd_fail "find exited $?"
pd_assert_contains "$out" '"unit":"3-2-1201"' "found by the second owner's phone"
ok agent1 movein resident add 3-2-1202 --name 欧阳娜娜 --relation 子女
out=$(en agent1 "movein find 阳娜") || pd_fail "find exited $?"
pd_assert_contains "$out" "3-2-1202" "found by a resident's name"

# The same file again: nothing changes, the added owner stays.
out=$(en admin1 "unit import" <"$PD_TMP/u.csv") || pd_fail "re-import exited $?"
pd_assert_contains "$out" "2 unchanged" "re-import"
out=$(en agent1 "movein owner list 3-2-1201 --json") || pd_fail "owner list exited $?"
pd_assert_contains "$out" '"name":"王秀英"' "the added owner kept"

# The first owner leaves 3-2-1201: the second is the unit's owner now.
ok agent1 movein owner remove 3-2-1201 1
out=$(en agent1 "unit show 3-2-1201 --json") || pd_fail "unit show exited $?"
pd_assert_contains "$out" '"owner_name":"王秀英"' "unit show follows the first owner"

# A proxy comes, then is withdrawn.
ok agent1 movein start 3-2-1201
ok agent1 movein proxy 3-2-1201 --name 王小二 --id 11010519491231002X
ok agent1 movein proxy 3-2-1201 --remove
out=$(en agent1 "movein show 3-2-1201") || pd_fail "show exited $?"
case $out in *"proxy:"* | *"power of attorney"*) pd_fail "the proxy still shown" ;; esac
out=$(en agent1 "movein timeline 3-2-1201 --limit 2") || pd_fail "timeline exited $?"
pd_assert_contains "$out" "(2 of 3 shown: movein timeline 3-2-1201 --offset 2 for more)" "timeline page"

# Every change audited; the owner's events never carry an ID number.
for a in owner.add owner.phone_add owner.remove movein.unproxy; do
	out=$(en aud1 "audit list --action $a --json") || pd_fail "audit list exited $?"
	pd_assert_contains "$out" "\"$a\"" "audited: $a"
	case $out in *11010519491231002X*) pd_fail "an ID number in $a" ;; esac
done
pd_stop
pd_log "ok"
