#!/usr/bin/env bash
# Failed password logins are slowed and lock the account out after max_failures; the right
# password is then refused until an admin unlocks it; each step is audited. Too many failures
# from one address refuse that address.
. "$(dirname "$0")/lib.sh"

pd_config auth.max_failures=3 auth.lockout=600 auth.address_max_failures=8
pd_user admin1 admin
pd_user agent2 agent "correct-horse-1"
pd_start

out=$(pd_ssh_password agent2 correct-horse-1 whoami) || pd_fail "password login failed"
pd_assert_contains "$out" agent2 "whoami after password login"

for i in 1 2 3; do
	if pd_ssh_password agent2 "wrong-$i" whoami >/dev/null 2>&1; then
		pd_fail "wrong password $i accepted"
	fi
done
if pd_ssh_password agent2 correct-horse-1 whoami >/dev/null 2>&1; then
	pd_fail "a locked-out account logged in"
fi
db="$PD_STATE/propdesk.db"
pd_assert_eq "$(sqlite3 "$db" "select count(*) from audit where action='login.fail' and target='agent2'")" 3 "login.fail events"
pd_assert_eq "$(sqlite3 "$db" "select count(*) from audit where action='login.lockout' and target='agent2'")" 1 "login.lockout events"
n=$(sqlite3 "$db" "select count(*) from audit where action='login.refused' and target='agent2'")
[ "$n" -ge 1 ] || pd_fail "no login.refused event"

# A key login of the locked-out account is refused too.
if pd_ssh agent2 whoami >/dev/null 2>&1; then
	pd_fail "a locked-out account logged in with its key"
fi

pd_ssh admin1 user unlock agent2 >/dev/null
out=$(pd_ssh_password agent2 correct-horse-1 whoami) || pd_fail "login after unlock failed"
pd_assert_contains "$out" agent2 "whoami after unlock"

# An admin lock refuses every login until unlock.
pd_ssh admin1 user lock agent2 >/dev/null
if pd_ssh agent2 whoami >/dev/null 2>&1; then
	pd_fail "an account locked by an admin logged in"
fi
pd_ssh admin1 user unlock agent2 >/dev/null

# Failures from one address: after address_max_failures the address is refused.
for i in $(seq 1 8); do
	pd_ssh_password nobody "x-$i" whoami >/dev/null 2>&1 || true
done
if pd_ssh admin1 whoami >/dev/null 2>&1; then
	pd_fail "the address was not refused after 8 failed logins"
fi
grep -q 'refused' "$PD_LOG" || pd_fail "no log line about the refused address"
n=$(sqlite3 "$db" "select count(*) from audit where action='login.addr_refused'")
pd_assert_eq "$n" 1 "login.addr_refused events"
pd_stop
pd_log "ok"
