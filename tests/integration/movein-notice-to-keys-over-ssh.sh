#!/usr/bin/env bash
# A move-in end to end through the real OpenSSH client: an admin imports the unit as the
# handbook's CSV has it (housing type, owner ID); an agent starts the move-in from the notice,
# records documents, forms, fees and the inspection with one defect through its life; the
# review is refused to the agent and, until the owner signs off, to the supervisor too, naming
# what is missing; keys only after the review; movein show in Chinese and --json tells where
# the owner stands; the ID number is masked for the agent.
. "$(dirname "$0")/lib.sh"

pd_config
pd_user admin1 admin
pd_user agent1 agent
pd_user sup1 supervisor
pd_start

en() { local n=$1; shift; pd_ssh "$n" -o SetEnv=LANG=en_US.UTF-8 "$@"; }
ok() { local n=$1; shift; pd_ssh "$n" "$@" >/dev/null || pd_fail "$* exited $?"; }
refused() {
	local n=$1 want=$2 rc=0
	shift 2
	en "$n" "$@" >/dev/null 2>"$PD_TMP/err" || rc=$?
	[ "$rc" != 0 ] || pd_fail "$* was not refused"
	pd_assert_contains "$(cat "$PD_TMP/err")" "$want" "refusal of $*"
}

printf 'unit,area_m2,housing_type,owner_name,owner_phone,owner_id\n' >"$PD_TMP/u.csv"
printf '3-2-1201,98.5,commercial,李建国,13900001111,320102198001011238\n' >>"$PD_TMP/u.csv"
out=$(pd_ssh admin1 "unit import" <"$PD_TMP/u.csv") || pd_fail "unit import exited $?"
pd_assert_contains "$out" "新增 1 个" "import"

out=$(pd_ssh agent1 "movein start 3-2-1201 --notice 2026-11-20") || pd_fail "start exited $?"
pd_assert_contains "$out" "¥3,812.40" "fees computed by area"
refused sup1 "documents: move-in notice" movein review 3-2-1201
for d in notice receipt contract id_card seal; do ok agent1 movein doc 3-2-1201 receive "$d"; done
ok agent1 movein forms 3-2-1201 sign handbook inspection decoration warranty covenant
ok agent1 movein pay 3-2-1201 maintenance 2955 --receipt R1
ok agent1 movein pay 3-2-1201 property 738.75 --receipt R2
ok agent1 movein pay 3-2-1201 elevator 88.65 --receipt R3
ok agent1 movein pay 3-2-1201 garbage 30 --receipt R4
ok agent1 "movein defect add 3-2-1201 gas --text '燃气表 漏气' --fix 更换接头 --deadline 2099-01-01"
ok agent1 movein inspect 3-2-1201 pass all

out=$(pd_ssh agent1 "movein show 3-2-1201") || pd_fail "show exited $?"
pd_assert_contains "$out" "进度：验房" "the stage"
pd_assert_contains "$out" "燃气（期限 2099-01-01）" "the open defect in what is missing"
pd_assert_contains "$out" "320***********1238" "the ID masked for an agent"
case $out in *320102198001011238*) pd_fail "the whole ID shown to an agent" ;; esac

refused sup1 "defects: #1 gas" movein review 3-2-1201
ok agent1 movein defect assign 1 --to 燃气公司
ok agent1 movein defect fix 1
ok agent1 movein defect reinspect 1 pass
refused agent1 "only after the manager's review" movein keys 3-2-1201 --count 2 --to 李建国 --receipt K1
refused sup1 "owner's sign-off" movein review 3-2-1201
ok agent1 movein signoff 3-2-1201
refused agent1 "needs role supervisor" movein review 3-2-1201
ok sup1 movein review 3-2-1201
ok agent1 movein keys 3-2-1201 --count 2 --to 李建国 --receipt K-7
out=$(pd_ssh agent1 "movein show 3-2-1201 --json") || pd_fail "show --json exited $?"
pd_assert_contains "$out" '"stage":"done"' "done"
pd_assert_contains "$out" '"missing":[]' "nothing missing"
out=$(pd_ssh agent1 "movein list --stage done --json")
pd_assert_contains "$out" '"unit":"3-2-1201"' "listed as done"
pd_stop
pd_log "ok"
