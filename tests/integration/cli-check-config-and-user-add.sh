#!/usr/bin/env bash
# The offline command line: --help lists every subcommand, check-config names the file, line and
# reason of an error, db migrate is idempotent, user add validates and refuses duplicates.
. "$(dirname "$0")/lib.sh"

help=$("$PROPDESKD" --help)
for w in serve check-config "db migrate" "user add" --config --state-dir --ssh-listen \
	--telnet-listen --password-stdin --key; do
	pd_assert_contains "$help" "$w" "--help"
done

pd_config
out=$("$PROPDESKD" check-config --config "$PD_CONF")
pd_assert_contains "$out" "ok"

printf '[limits]\nmax_sessions = many\n' >"$PD_TMP/bad.conf"
rc=0
err=$("$PROPDESKD" check-config --config "$PD_TMP/bad.conf" 2>&1) || rc=$?
[ "$rc" -ne 0 ] || pd_fail "check-config accepted a bad file"
pd_assert_contains "$err" "$PD_TMP/bad.conf:2:" "check-config error"
pd_assert_contains "$err" "max_sessions" "check-config error"

rc=0
"$PROPDESKD" check-config --config "$PD_TMP/missing.conf" 2>/dev/null || rc=$?
[ "$rc" -ne 0 ] || pd_fail "check-config accepted a missing file"

out=$("$PROPDESKD" db migrate --config "$PD_CONF")
pd_assert_contains "$out" "schema version"
out2=$("$PROPDESKD" db migrate --config "$PD_CONF")
pd_assert_eq "$out2" "$out" "second migrate"
# The state directory holds the database and the host key: created 0700 (parents too), and an
# existing one open to others is closed.
pd_assert_eq "$(stat -c %a "$PD_STATE")" 700 "state directory mode"
"$PROPDESKD" db migrate --config "$PD_CONF" --state-dir "$PD_TMP/new/deeper/state" >/dev/null
pd_assert_eq "$(stat -c %a "$PD_TMP/new/deeper/state")" 700 "new state directory mode"

out=$("$PROPDESKD" user add wang1 --role agent --display 王小明 --config "$PD_CONF")
pd_assert_contains "$out" "password: "
rc=0
"$PROPDESKD" user add wang1 --role agent --config "$PD_CONF" 2>/dev/null || rc=$?
[ "$rc" -ne 0 ] || pd_fail "duplicate account accepted"
rc=0
"$PROPDESKD" user add Bad!Name --role agent --config "$PD_CONF" 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || pd_fail "invalid name: status $rc, expected 2"
rc=0
"$PROPDESKD" user add li2 --role emperor --config "$PD_CONF" 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || pd_fail "invalid role: status $rc, expected 2"
rc=0
echo short | "$PROPDESKD" user add li2 --role agent --password-stdin --config "$PD_CONF" 2>/dev/null || rc=$?
[ "$rc" -ne 0 ] || pd_fail "a 5-character password was accepted"

# The account and its audit event are in the database, and no password or hash is in the log.
n=$(sqlite3 "$PD_STATE/propdesk.db" "select count(*) from accounts where name='wang1' and display='王小明'")
pd_assert_eq "$n" 1 "accounts row"
n=$(sqlite3 "$PD_STATE/propdesk.db" "select count(*) from audit where action='user.add' and target='wang1'")
pd_assert_eq "$n" 1 "user.add audit events"
if sqlite3 "$PD_STATE/propdesk.db" "select detail from audit" | grep -q 'argon2'; then
	pd_fail "a password hash was written to the audit trail"
fi
pd_log "ok"
