#!/usr/bin/env bash
# Failed password logins are slowed and lock out the (account, address) pair after
# max_failures: the right password from that address is then refused with a reason, while the
# same account still logs in with its key, and by password from another address; `user
# unlock` lifts it. An admin's lock refuses every login, key included. Failures across many
# names from one address pause that address's password logins (its key logins go on); `ban
# list` shows it, a reload keeps it, `ban lift` lifts it. A success does not wipe out others'
# failures. Each step is audited.
. "$(dirname "$0")/lib.sh"

pd_config auth.max_failures=3 auth.lockout=600 auth.address_max_failures=8
pd_user admin1 admin
pd_user agent2 agent "correct-horse-1"
pd_user agent3 agent "battery-staple-3"
pd_start
db="$PD_STATE/propdesk.db"
admin() { pd_ssh admin1 -o SetEnv=LANG=en_US.UTF-8 "$@"; }
audit() { sqlite3 "$db" "select count(*) from audit where $1"; }

out=$(pd_ssh_password agent2 correct-horse-1 whoami) || pd_fail "password login failed"
pd_assert_contains "$out" agent2 "whoami after password login"

# --- one account's failures lock that account from this address only ------------------------
for i in 1 2 3; do
	if pd_ssh_password agent2 "wrong-$i" whoami >/dev/null 2>&1; then
		pd_fail "wrong password $i accepted"
	fi
done
rc=0
err=$(pd_ssh_password agent2 correct-horse-1 whoami 2>&1 >/dev/null) || rc=$?
[ "$rc" -ne 0 ] || pd_fail "a locked-out (account, address) pair logged in"
pd_assert_contains "$err" "too many failed logins for this account from your address" \
	"the reason the client was given"
pd_assert_eq "$(audit "action='login.fail' and target='agent2'")" 3 "login.fail events"
pd_assert_eq "$(audit "action='login.lockout' and target='agent2' and detail like '%127.0.0.1%'")" 1 \
	"login.lockout events naming the address"
[ "$(audit "action='login.refused' and target='agent2'")" -ge 1 ] || pd_fail "no login.refused event"

# Someone else's failures never stop a key, nor the same password from another address.
out=$(pd_ssh agent2 whoami) || pd_fail "the key login of agent2 was refused for failed passwords"
pd_assert_contains "$out" agent2 "whoami by key while the password pair is locked"
out=$(PD_SSH_EXTRA="-b 127.0.0.2" pd_ssh_password agent2 correct-horse-1 whoami) ||
	pd_fail "agent2 was refused from 127.0.0.2 for failures from 127.0.0.1"
pd_assert_contains "$out" 127.0.0.2 "whoami from the other address"
# Another account from the locked-out address is not affected either.
pd_ssh_password agent3 battery-staple-3 whoami >/dev/null || pd_fail "agent3 refused"

out=$(admin ban list)
pd_assert_contains "$out" "agent2" "ban list"
pd_assert_contains "$out" "locked out" "ban list"
out=$(admin user unlock agent2)
pd_assert_contains "$out" "lockout from 1 address(es) lifted" "user unlock"
out=$(pd_ssh_password agent2 correct-horse-1 whoami) || pd_fail "login after unlock failed"
pd_assert_contains "$out" agent2 "whoami after unlock"

# --- an admin's lock refuses every login, from everywhere --------------------------------------
admin user lock agent2 >/dev/null
if pd_ssh agent2 whoami >/dev/null 2>&1; then
	pd_fail "an account locked by an admin logged in with its key"
fi
if PD_SSH_EXTRA="-b 127.0.0.2" pd_ssh_password agent2 correct-horse-1 whoami >/dev/null 2>&1; then
	pd_fail "an account locked by an admin logged in by password"
fi
admin user unlock agent2 >/dev/null
pd_ssh agent2 whoami >/dev/null || pd_fail "key login after the admin's unlock failed"

# --- many names failing from one address pause its password logins ----------------------------
for i in $(seq 1 8); do
	pd_ssh_password "nobody$i" "x-$i" whoami >/dev/null 2>&1 || true
done
rc=0
err=$(pd_ssh_password agent3 battery-staple-3 whoami 2>&1 >/dev/null) || rc=$?
[ "$rc" -ne 0 ] || pd_fail "a password login from the penalised address was accepted"
pd_assert_contains "$err" "password logins from your address are paused" "the reason given"
pd_assert_eq "$(audit "action='login.addr_refused' and target='127.0.0.1'")" 1 "login.addr_refused events"
grep -q 'address 127.0.0.1: password logins refused' "$PD_LOG" || pd_fail "no log line about the address"
# Key logins from it go on, and another address is not affected.
out=$(pd_ssh agent3 whoami) || pd_fail "a key login from the penalised address was refused"
PD_SSH_EXTRA="-b 127.0.0.2" pd_ssh_password agent3 battery-staple-3 whoami >/dev/null ||
	pd_fail "a password login from 127.0.0.2 was refused"

out=$(admin ban list --json)
pd_assert_contains "$out" '{"address":"127.0.0.1","account":null,' "ban list --json"
pd_assert_contains "$out" '"blocked":true' "ban list --json"
# A reload keeps the penalties (they live in the service, not in the configuration).
kill -HUP "$PD_PID"
for _ in $(seq 1 50); do grep -q 'configuration reloaded' "$PD_LOG" && break; sleep 0.1; done
grep -q 'configuration reloaded' "$PD_LOG" || pd_fail "no reload"
if pd_ssh_password agent3 battery-staple-3 whoami >/dev/null 2>&1; then
	pd_fail "the reload lifted the address's penalty"
fi
pd_assert_contains "$(admin ban list)" "password logins refused" "ban list after reload"

out=$(admin ban lift 127.0.0.1)
pd_assert_contains "$out" "Login penalties of 127.0.0.1 lifted" "ban lift"
pd_assert_eq "$(audit "action='ban.lift' and target='127.0.0.1'")" 1 "ban.lift events"
out=$(pd_ssh_password agent3 battery-staple-3 whoami) || pd_fail "password login after ban lift failed"
pd_assert_contains "$out" agent3 "whoami after ban lift"

# A success takes back only its own failures (a typo), never others': 6 guesses and a typo,
# then the typist logs in (6 left), one more guess (7): still open; the eighth pauses it.
for i in $(seq 1 6); do
	pd_ssh_password "guess$i" "x-$i" whoami >/dev/null 2>&1 || true
done
pd_ssh_password agent3 wrong-once whoami >/dev/null 2>&1 || true
pd_ssh_password agent3 battery-staple-3 whoami >/dev/null || pd_fail "agent3 after one typo"
pd_ssh_password guess7 x-7 whoami >/dev/null 2>&1 || true
pd_ssh_password agent3 battery-staple-3 whoami >/dev/null ||
	pd_fail "agent3's own typo was still counted against the address after it logged in"
pd_ssh_password guess8 x-8 whoami >/dev/null 2>&1 || true
if pd_ssh_password agent3 battery-staple-3 whoami >/dev/null 2>&1; then
	pd_fail "a success wiped out other names' failures from the address's score"
fi
admin ban lift all >/dev/null
pd_stop
pd_log "ok"
