#!/usr/bin/env bash
# A call-centre floor behind one NAT address, under the shipped configuration (etc/propdesk.conf:
# its limits, its argon2id cost, its failure rules; only the port and the directories changed).
# 250 agents hold interactive sessions from 127.0.0.1, while another client on the same
# address storms one account with wrong passwords from 16 connections at a time and holds 64
# silent TCP connections (opening a new one every 10 ms while the server closes them to make
# room). A real agent's password
# login, with the real OpenSSH client, still succeeds every time within BOUND_MS.
# Then: the stormed account is locked out for that (account, address) pair only (it is told
# why) and logs in with its key; `ban list` shows the address and the pair; `ban lift` lifts
# them; a name with no account and a real account get the same delays for the same failures;
# `user unlock` forgets an account's failures.
# (A storm spraying many names would pause the address's password logins, keys excepted: a
# site lists its own NAT address in trusted_networks to rule even that out.)
. "$(dirname "$0")/lib.sh"

N=${PD_SESSIONS:-250}
BOUND_MS=5000
WAVE=25   # sessions opened at a time, well inside max_startups_per_address
STORMERS=16
SILENT=64

t_start=$(date +%s)
pd_config_shipped
ssh-keygen -q -t ed25519 -N '' -C floor@test -f "$PD_TMP/floor.key"
for i in $(seq -w 1 "$N"); do
	"$PROPDESKD" user add "floor$i" --role agent --config "$PD_CONF" \
		--key "$PD_TMP/floor.key.pub" >/dev/null
done
pd_user admin1 admin
pd_user desk1 agent "desk-one-password-1"
pd_user target agent "target-password-9"
pd_user agent2 agent "agent-two-password"
pd_start
grep -q "hash_memlimit = 64M" "$PD_CONF" || pd_fail "not the shipped argon2id cost"
admin() { pd_ssh admin1 -o SetEnv=LANG=en_US.UTF-8 "$@"; }
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

pids=()      # the storm and the silent client
floor_pids=()
stop_all() {
	touch "$PD_TMP/stop"
	[ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null || true
	[ ${#floor_pids[@]} -eq 0 ] || kill "${floor_pids[@]}" 2>/dev/null || true
	wait "${pids[@]}" "${floor_pids[@]}" 2>/dev/null || true
	pids=()
	floor_pids=()
}
# Floor sessions still open (a session the server closed ends its ssh).
floor_alive() {
	local n=0 p
	for p in "${floor_pids[@]}"; do kill -0 "$p" 2>/dev/null && n=$((n + 1)); done
	echo "$n"
}

# --- 250 sessions held from 127.0.0.1 -------------------------------------------------------
# Their input is a FIFO that nobody writes and that never ends (held open read-write).
mkfifo "$PD_TMP/hold.fifo"
exec 7<>"$PD_TMP/hold.fifo"
opened=0
for i in $(seq -w 1 "$N"); do
	# shellcheck disable=SC2046
	ssh $(pd_ssh_opts) -i "$PD_TMP/floor.key" -tt -o SetEnv=LANG=en_US.UTF-8 \
		"floor$i@127.0.0.1" <&7 >/dev/null 2>&1 &
	floor_pids+=($!)
	opened=$((opened + 1))
	if [ $((opened % WAVE)) -eq 0 ] || [ "$opened" -eq "$N" ]; then
		for _ in $(seq 1 300); do
			n=$(grep -c 'session ssh for floor' "$PD_LOG" || true)
			[ "$n" -ge "$opened" ] && break
			sleep 0.05
		done
	fi
done
n=$(grep -c 'session ssh for floor' "$PD_LOG" || true)
[ "$n" -ge "$N" ] || { stop_all; pd_fail "only $n of $N floor sessions opened"; }
pd_log "$(floor_alive) sessions held from 127.0.0.1 after $(($(date +%s) - t_start)) s"

# --- the storm and the silent connections, from the same address ------------------------------
python3 - "$PD_SSH_PORT" "$PD_TMP" "$SILENT" <<'PY' &
import os, select, socket, sys, time

port, tmp, want = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
socks, reopened, last = [], 0, 0.0
while not os.path.exists(os.path.join(tmp, "stop")):
    # Back to 64 at once at first, then one new connection per 10 ms for each one closed.
    while len(socks) < want and (reopened == 0 or time.monotonic() - last >= 0.01):
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        socks.append(s)
        last = time.monotonic()
    r, _, _ = select.select(socks, [], [], 0.01)
    for s in r:
        try:
            while True:
                d = s.recv(4096)
                if not d:
                    raise OSError
        except BlockingIOError:
            continue  # the server's banner: stay silent
        except OSError:
            socks.remove(s)
            s.close()
            reopened += 1
    with open(os.path.join(tmp, "silent.out.tmp"), "w") as f:
        f.write("%d %d\n" % (len(socks), reopened))
    os.replace(os.path.join(tmp, "silent.out.tmp"), os.path.join(tmp, "silent.out"))
PY
pids+=($!)
storm() {
	while [ ! -f "$PD_TMP/stop" ]; do
		pd_ssh_password target "wrong-$RANDOM" whoami >/dev/null 2>&1 || true
	done
}
for _ in $(seq 1 "$STORMERS"); do
	storm &
	pids+=($!)
done
sleep 3

# --- a real agent logs in by password, again and again ------------------------------------------
worst=0
for k in 1 2 3 4 5 6; do
	t0=$(date +%s%N)
	out=$(pd_ssh_password desk1 desk-one-password-1 whoami 2>&1) || {
		stop_all
		pd_fail "desk1's password login $k failed during the storm: $out"
	}
	took=$(ms_since "$t0")
	pd_assert_contains "$out" desk1 "whoami of desk1"
	pd_log "desk1 password login $k during the storm: $took ms"
	[ "$took" -gt "$worst" ] && worst=$took
	sleep 0.5
done
read -r silent reopened <"$PD_TMP/silent.out"
stormed=$(sqlite3 "$PD_STATE/propdesk.db" \
	"select count(*) from audit where target='target' and action in ('login.fail','login.refused')")
floor=$(floor_alive)
stop_all
pd_log "meanwhile: $stormed storm attempts answered, $silent silent connections held" \
	"($reopened closed to make room and reopened), $floor of $N floor sessions still open"
[ "$worst" -le "$BOUND_MS" ] || pd_fail "a password login took $worst ms (bound $BOUND_MS ms)"
[ "$stormed" -ge 10 ] || pd_fail "the storm made only $stormed attempts"
[ "$floor" -eq "$N" ] || pd_fail "only $floor of $N floor sessions still open"

# --- the stormed account: locked from this address only, told why, its key works ---------------
rc=0
err=$(pd_ssh_password target target-password-9 whoami 2>&1 >/dev/null) || rc=$?
[ "$rc" -ne 0 ] || pd_fail "the stormed (account, address) pair was not locked"
pd_assert_contains "$err" "too many failed logins for this account from your address" "reason"
out=$(pd_ssh target whoami) || pd_fail "the stormed account's key login was refused"
pd_assert_contains "$out" target "whoami by key"
out=$(admin ban list)
pd_assert_contains "$out" "127.0.0.1" "ban list"
pd_assert_contains "$out" "(every account)" "ban list: the address's penalty"
grep -E '^127\.0\.0\.1 +target +[0-9]+ +locked out' <<<"$out" >/dev/null ||
	pd_fail "ban list does not show target locked out from 127.0.0.1: $out"
out=$(admin ban lift 127.0.0.1)
pd_assert_contains "$out" "Login penalties of 127.0.0.1 lifted" "ban lift"
pd_assert_contains "$(admin ban list)" "No failed logins are held" "ban list after the lift"
pd_ssh_password target target-password-9 whoami >/dev/null ||
	pd_fail "the stormed account's password still refused after ban lift"

# --- the same delays for a name with no account and a real one --------------------------------
declare -A took
for k in 1 2 3; do
	for name in nosuch4 agent2; do
		t0=$(date +%s%N)
		pd_ssh_password "$name" "not-it-$k" whoami >/dev/null 2>&1 || true
		took[$name.$k]=$(ms_since "$t0")
	done
	pd_log "failure $k: nosuch4 ${took[nosuch4.$k]} ms, agent2 ${took[agent2.$k]} ms"
	d=$((took[nosuch4.$k] - took[agent2.$k]))
	[ "${d#-}" -le 300 ] || pd_fail "failure $k: nosuch4 ${took[nosuch4.$k]} ms, agent2 ${took[agent2.$k]} ms"
done
# The delay doubles with each failure of the pair (500, 1000, 2000 ms shipped).
[ "${took[agent2.3]}" -ge $((took[agent2.1] + 1200)) ] || pd_fail "the delay did not grow"

# user unlock forgets the account's failures, not the other name's.
out=$(admin ban list --json)
pd_assert_contains "$out" '"account":"agent2","failures":3' "ban list --json"
admin user unlock agent2 >/dev/null
out=$(admin ban list --json)
case "$out" in *'"account":"agent2"'*) pd_fail "user unlock left agent2's failures: $out" ;; esac
pd_assert_contains "$out" '"account":"nosuch4","failures":3' "ban list after user unlock"

pd_stop
exec 7>&-
pd_log "ok: $N sessions held; desk1's password logins took at most $worst ms (bound" \
	"$BOUND_MS ms) during the storm; $(($(date +%s) - t_start)) s in all"
