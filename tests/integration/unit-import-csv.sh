#!/usr/bin/env bash
# unit import through the real OpenSSH client in exec mode, the CSV on stdin: an admin loads a
# register with Chinese headers, a BOM and CRLF line ends, and `unit show` finds an imported
# Chinese unit with its owner; importing it again changes nothing; a file with a bad row on
# line 3 imports nothing and says line 3 (in Chinese and in English); an agent is refused;
# --dry-run writes nothing; 20,000 units load in one go.
. "$(dirname "$0")/lib.sh"

pd_config
pd_user admin1 admin
pd_user agent1 agent
pd_start

# en NAME COMMAND: exec mode in English.
en() { local n=$1; shift; pd_ssh "$n" -o SetEnv=LANG=en_US.UTF-8 "$@"; }

printf '\xef\xbb\xbf单元,楼栋,业主,电话,面积（㎡）\r\n' >"$PD_TMP/units.csv"
printf '3栋2单元1201,三栋,张三,13812345678,89.5\r\n' >>"$PD_TMP/units.csv"
printf '3栋2单元1202,三栋,"李四, 王五",021-12345678,120㎡\r\n' >>"$PD_TMP/units.csv"
printf '5-1-301,五栋,,,\r\n' >>"$PD_TMP/units.csv"

# --- an admin imports ---------------------------------------------------------------------------
out=$(pd_ssh admin1 "unit import" <"$PD_TMP/units.csv") || pd_fail "unit import exited $?"
pd_assert_contains "$out" "已导入 3 个单元：新增 3 个" "import report"
out=$(pd_ssh agent1 "unit show 3栋2单元1201") || pd_fail "unit show exited $?"
pd_assert_contains "$out" "张三" "the imported owner"
pd_assert_contains "$out" "三栋" "the imported building"
pd_assert_contains "$out" "89.50" "the imported area"
out=$(pd_ssh agent1 "unit show 3栋2单元1202 --json")
pd_assert_contains "$out" '"owner_name":"李四, 王五"' "a quoted owner with a comma"

# The same file again: nothing changes. In English, with --json.
out=$(en admin1 "unit import --json" <"$PD_TMP/units.csv") || pd_fail "second import exited $?"
pd_assert_eq "$out" '{"units":3,"added":0,"updated":0,"unchanged":3,"dry_run":false}' \
	"second import"

# --- an agent is refused ------------------------------------------------------------------------
printf 'code\n9-9-901\n' >"$PD_TMP/agent.csv"
rc=0
pd_ssh agent1 "unit import" <"$PD_TMP/agent.csv" >/dev/null 2>"$PD_TMP/err" || rc=$?
pd_assert_eq "$rc" "3" "exit status of an agent's import"
rc=0
pd_ssh agent1 "unit show 9-9-901" >/dev/null 2>&1 || rc=$?
pd_assert_eq "$rc" "1" "the agent's unit is not there"

# --- a bad row on line 3: nothing is imported -------------------------------------------------
printf 'code,owner,phone\n6-1-101,赵六,13900000001\n6-1-102,钱七,1390000\n6-1-103,孙八,\n' \
	>"$PD_TMP/bad.csv"
rc=0
out=$(pd_ssh admin1 "unit import" <"$PD_TMP/bad.csv" 2>"$PD_TMP/err") || rc=$?
pd_assert_eq "$rc" "1" "exit status of a bad file"
[ -z "$out" ] || pd_fail "a failed import wrote to stdout: $out"
pd_assert_contains "$(cat "$PD_TMP/err")" "第 3 行" "the line in Chinese"
pd_assert_contains "$(cat "$PD_TMP/err")" "未导入任何单元" "nothing imported, in Chinese"
rc=0
en admin1 "unit import" <"$PD_TMP/bad.csv" >/dev/null 2>"$PD_TMP/err" || rc=$?
pd_assert_eq "$rc" "1" "exit status of a bad file (en)"
pd_assert_contains "$(cat "$PD_TMP/err")" "line 3: column 3 (phone): \`1390000\` is not a phone number" \
	"the line in English"
for code in 6-1-101 6-1-102 6-1-103; do
	rc=0
	pd_ssh agent1 "unit show $code" >/dev/null 2>&1 || rc=$?
	pd_assert_eq "$rc" "1" "$code was not imported"
done

# --- --dry-run writes nothing --------------------------------------------------------------------
printf 'code,building\n7-1-101,七栋\n3栋2单元1201,三栋东\n' >"$PD_TMP/dry.csv"
out=$(en admin1 "unit import --dry-run" <"$PD_TMP/dry.csv") || pd_fail "dry run exited $?"
pd_assert_contains "$out" "Dry run, nothing written: 2 units read; 1 would be added, 1 updated" \
	"dry run report"
rc=0
pd_ssh agent1 "unit show 7-1-101" >/dev/null 2>&1 || rc=$?
pd_assert_eq "$rc" "1" "the dry run added nothing"
pd_assert_contains "$(pd_ssh agent1 "unit show 3栋2单元1201")" "三栋" "the dry run changed nothing"

# --- a big register in one go --------------------------------------------------------------------
python3 - "$PD_TMP/big.csv" <<'PY'
import sys
with open(sys.argv[1], "w", encoding="utf-8", newline="") as f:
    f.write("单元编号,楼号,业主姓名,联系电话,建筑面积\r\n")
    for i in range(20000):
        f.write(f"{i // 1000 + 1}栋{i % 1000 + 1}室,{i // 1000 + 1}栋,业主{i},138{i:08d},{60 + i % 90}.5\r\n")
PY
start=$(date +%s%N)
out=$(en admin1 "unit import" <"$PD_TMP/big.csv") || pd_fail "big import exited $?"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
pd_log "20000 units imported over ssh in ${ms} ms"
pd_assert_contains "$out" "Imported 20000 units: 20000 added" "big import"
out=$(pd_ssh agent1 "unit show 20栋1000室 --json")
pd_assert_contains "$out" '"owner_name":"业主19999"' "the last unit of the big file"
out=$(pd_ssh agent1 "unit list --limit 1 --json")
pd_assert_contains "$out" '"code"' "unit list after the big import"

pd_stop
pd_log "ok"
