#!/usr/bin/env bash
# `complaint search --regex` over the real ssh client reads only the complaints that hold the
# literal every match contains (found through the character-pair index, or by a substring test
# while complaints changed by hand wait to be indexed), and runs the pattern on those alone.
# The proof: a complaint whose words were broken by hand (not UTF-8) stops a pattern without a
# literal, which must read every text, but not one with a literal it lacks. Both give the same
# hits where both answer.
. "$(dirname "$0")/lib.sh"

pd_config
pd_user agent1 agent
pd_start

DB="$PD_STATE/propdesk.db"
json() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
add() {
	pd_ssh agent1 "complaint add --json --unit $1 --category repairs --technique empathy '$2'" |
		json 'd["number"]'
}
numbers() { json '" ".join(sorted(c["number"] for c in d["items"]))'; }

n1=$(add 3-2-1201 '3号楼卫生间漏水，已经三天了')
n2=$(add 5-1-301 '12号楼电梯异响')
n3=$(add 5-1-302 '外墙渗水')
n4=$(add 6-1-101 '车库灯不亮')
want=$(printf '%s\n' "$n1" "$n2" | sort | tr '\n' ' ' | sed 's/ $//')

out=$(pd_ssh agent1 "complaint search --regex '[0-9]+号楼' --json") || pd_fail "regex search exited $?"
pd_assert_eq "$(numbers <<<"$out")" "$want" "hits of a pattern with a literal"
out=$(pd_ssh agent1 "complaint search --regex '[0-9]+(号楼)' --json") || pd_fail "regex search exited $?"
pd_assert_eq "$(numbers <<<"$out")" "$want" "hits of the same pattern read from every text"

# A complaint broken by hand: its words are not UTF-8.
sqlite3 "$DB" "update complaints set words = cast(x'e6bc8fff' as text) where number = '$n4'"

check() {
	local how=$1 rc=0
	out=$(pd_ssh agent1 -o SetEnv=LANG=en_US.UTF-8 "complaint search --regex '[0-9]+号楼' --json" \
		2>"$PD_TMP/err") || rc=$?
	pd_assert_eq "$rc" 0 "a pattern with a literal, $how: $(cat "$PD_TMP/err")"
	pd_assert_eq "$(numbers <<<"$out")" "$want" "its hits, $how"
	rc=0
	pd_ssh agent1 -o SetEnv=LANG=en_US.UTF-8 "complaint search --regex '[0-9]+(号楼)'" \
		>/dev/null 2>"$PD_TMP/err" || rc=$?
	pd_assert_eq "$rc" 1 "a pattern without a literal reads the broken text, $how"
	pd_assert_contains "$(cat "$PD_TMP/err")" "search stopped" "the scan's error, $how"
}
# While the hand-made change waits to be indexed: the substring test.
pd_assert_eq "$(sqlite3 "$DB" "select count(*) from complaint_search_pending")" "1" "pending"
check "unindexed"
# A change through the store brings the index up to date: the index.
pd_ssh agent1 "complaint note $n3 已联系物业维修" >/dev/null || pd_fail "note exited $?"
pd_assert_eq "$(sqlite3 "$DB" "select count(*) from complaint_search_pending")" "0" "pending after a change"
check "through the index"
pd_stop
pd_log "ok"
