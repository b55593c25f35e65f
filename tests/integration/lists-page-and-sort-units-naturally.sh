#!/usr/bin/env bash
# Lists through the real OpenSSH client in exec mode: every --json list is one page object
# with its total (or null where a count would read the desk), whether more follow and where
# the next page starts; text lists and searches end with a "more results: use --offset N"
# line in the user's language; --offset 0 is the first page; unit codes come in their
# natural order (2-* before 10-*, 3-2-901 before 3-2-1201) in unit list and movein find;
# unit show --json gives created_ms in milliseconds like every other time.
. "$(dirname "$0")/lib.sh"

pd_config
pd_user admin1 admin
pd_user agent1 agent
pd_user sup1 supervisor
pd_start

json() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
en() { local n=$1; shift; pd_ssh "$n" -o SetEnv=LANG=en_US.UTF-8 "$@"; }
zh() { local n=$1; shift; pd_ssh "$n" -o SetEnv=LANG=zh_CN.UTF-8 "$@"; }

# --- units, out of order -----------------------------------------------------------------------
printf 'code,owner_name\n' >"$PD_TMP/units.csv"
for c in 10-1-101 3-2-1201 2-1-101 3-2-901 1-1-101 11-1-101 3-2-1001 2-2-101; do
	printf '%s,张%s\n' "$c" "$c" >>"$PD_TMP/units.csv"
done
pd_ssh admin1 "unit import" <"$PD_TMP/units.csv" >/dev/null || pd_fail "unit import exited $?"
natural="['1-1-101', '2-1-101', '2-2-101', '3-2-901', '3-2-1001', '3-2-1201', '10-1-101', '11-1-101']"

out=$(pd_ssh agent1 "unit list --json") || pd_fail "unit list --json exited $?"
pd_assert_eq "$(json '[u["code"] for u in d["items"]]' <<<"$out")" "$natural" "unit list in natural order"
pd_assert_eq "$(json '(d["total"], d["offset"], d["limit"], d["more"])' <<<"$out")" \
	"(8, 0, 100, False)" "unit list's page"
out=$(pd_ssh agent1 "unit list --json --limit 3 --offset 0") || pd_fail "--offset 0 exited $?"
pd_assert_eq "$(json '(d["total"], d["more"], d["next_offset"], [u["code"] for u in d["items"]])' <<<"$out")" \
	"(8, True, 3, ['1-1-101', '2-1-101', '2-2-101'])" "the first page of 3"
out=$(pd_ssh agent1 "unit list --json --limit 3 --offset 6")
pd_assert_eq "$(json '(d["more"], "next_offset" in d, [u["code"] for u in d["items"]])' <<<"$out")" \
	"(False, False, ['10-1-101', '11-1-101'])" "the last page"
out=$(en agent1 "unit list --limit 3 --offset 3")
pd_assert_contains "$out" "(3 of 8 shown; more results: use --offset 6)" "unit list's more line"
python3 - "$out" <<'PY' || pd_fail "unit list text not in natural order: $out"
import sys
rows = [l.split()[0] for l in sys.argv[1].splitlines() if l[:1].isdigit()]
sys.exit(0 if rows == ["3-2-901", "3-2-1001", "3-2-1201"] else 1)
PY
out=$(zh agent1 "unit list --limit 3")
pd_assert_contains "$out" "（显示 3 条，共 8 条；更多结果：用 --offset 3）" "the more line in Chinese"
out=$(en agent1 "movein find 张 --limit 4")
python3 - "$out" <<'PY' || pd_fail "movein find not in natural order: $out"
import sys
rows = [l.split()[0] for l in sys.argv[1].splitlines() if l[:1].isdigit()]
sys.exit(0 if rows == ["1-1-101", "2-1-101", "2-2-101", "3-2-901"] else 1)
PY
pd_assert_contains "$out" "(4 shown; more results: use --offset 4)" "movein find's more line"

# --- unit show: created_ms ---------------------------------------------------------------------
out=$(pd_ssh agent1 "unit show 3-2-901 --json")
now_ms=$(date +%s%3N)
created=$(json 'd["created_ms"]' <<<"$out") || pd_fail "no created_ms: $out"
[ $((now_ms - created)) -ge 0 ] && [ $((now_ms - created)) -lt 600000 ] ||
	pd_fail "created_ms $created is not milliseconds near $now_ms"
pd_assert_eq "$(json '"created" in d' <<<"$out")" "False" "no seconds field beside it"

# --- complaints: counted list, searched without a count ----------------------------------------
for w in 一 二 三; do
	pd_ssh agent1 "complaint add --unit 3-2-901 --category repairs --technique empathy \
		--promise '回电话' --due '$(date -d tomorrow +%Y-%m-%d) 10:00' '楼道灯坏了$w'" >/dev/null ||
		pd_fail "complaint add exited $?"
done
out=$(pd_ssh agent1 "complaint list --json --limit 2")
pd_assert_eq "$(json '(d["total"], d["more"], d["next_offset"], len(d["items"]))' <<<"$out")" \
	"(3, True, 2, 2)" "complaint list's page"
out=$(en agent1 "complaint list --limit 2")
pd_assert_contains "$out" "(2 of 3 shown; more results: use --offset 2)" "complaint list's more line"
out=$(pd_ssh agent1 "complaint search 楼道灯 --json --limit 2")
pd_assert_eq "$(json '(d["total"], d["more"], d["next_offset"], len(d["items"]))' <<<"$out")" \
	"(None, True, 2, 2)" "complaint search's page"
out=$(pd_ssh agent1 "complaint search 楼道灯 --json --limit 2 --offset 2")
pd_assert_eq "$(json '(d["more"], len(d["items"]))' <<<"$out")" "(False, 1)" "the search's last page"
out=$(en agent1 "complaint search 楼道灯 --limit 2")
pd_assert_contains "$out" "(2 shown; more results: use --offset 2)" "complaint search's more line"
out=$(zh agent1 "complaint search --regex '楼道灯坏了.' --limit 1")
pd_assert_contains "$out" "（显示 1 条；更多结果：用 --offset 1）" "regex search's more line in Chinese"

# --- promises, sessions ------------------------------------------------------------------------
out=$(pd_ssh agent1 "promise list --json --limit 2")
pd_assert_eq "$(json '(d["total"], d["more"], d["next_offset"], len(d["items"]))' <<<"$out")" \
	"(None, True, 2, 2)" "promise list's page"
out=$(pd_ssh agent1 "promise list --json --offset 2")
pd_assert_eq "$(json '(d["more"], len(d["items"]))' <<<"$out")" "(False, 1)" "promise list --offset"
out=$(en agent1 "promise list --limit 1")
pd_assert_contains "$out" "(1 shown; more results: use --offset 1)" "promise list's more line"
out=$(pd_ssh sup1 "sessions --json")
pd_assert_eq "$(json '(d["total"], d["more"], [s["account"] for s in d["items"]])' <<<"$out")" \
	"(1, False, ['sup1'])" "sessions' page"

pd_stop
pd_log "ok"
