#!/usr/bin/env bash
# The SSH listener with the real OpenSSH client: host key created once (0600) and its
# fingerprint logged, public-key and password logins (wrong ones refused), exec mode with exit
# status, stdout/stderr and stdin (small, and more than the stdin cap), one session channel per
# connection, the authentication timeout and pre-login byte cap, clients killed at random
# moments, and a clean stop with a session open (no sanitizer report in the log).
. "$(dirname "$0")/lib.sh"

pd_config limits.auth_timeout=2 limits.max_stdin=65536 limits.preauth_input_max=16384 \
	limits.keepalive=1 limits.idle_timeout=4
pd_user agent1 agent 'first-Pass-1'
pd_start

# --- host key ------------------------------------------------------------------------------
hostkey="$PD_STATE/ssh_host_ed25519_key"
[ -f "$hostkey" ] || pd_fail "no host key in the state directory"
pd_assert_eq "$(stat -c %a "$hostkey")" "600" "host key mode"
logged_fp=$(sed -n 's/.*ssh host key .*: ssh-ed25519 \(SHA256:[^ ]*\).*/\1/p' "$PD_LOG" | head -n 1)
[ -n "$logged_fp" ] || pd_fail "host key fingerprint not logged"

# --- public key, exec mode -----------------------------------------------------------------
out=$(pd_ssh agent1 whoami) || pd_fail "whoami by key exited $?"
pd_assert_contains "$out" "agent1" "whoami output"
# The key the client saw is the one the daemon logged.
seen_fp=$(ssh-keygen -lf "$PD_TMP/known_hosts" | awk '{print $2}' | head -n 1)
pd_assert_eq "$seen_fp" "$logged_fp" "host key fingerprint seen by the client"

# A refused command: non-zero exit status, the reason on stderr, nothing on stdout.
rc=0
out=$(pd_ssh agent1 user add intruder --role admin 2>"$PD_TMP/err") || rc=$?
[ "$rc" -ne 0 ] || pd_fail "a command above the role exited 0"
[ "$rc" -ne 255 ] || pd_fail "a refused command ended the connection (255) instead of a status"
[ -z "$out" ] || pd_fail "refused command wrote to stdout: $out"
[ -s "$PD_TMP/err" ] || pd_fail "refused command said nothing on stderr"

# A key that is not registered is refused.
ssh-keygen -q -t ed25519 -N '' -f "$PD_TMP/stranger.key"
rc=0
# shellcheck disable=SC2046
ssh $(pd_ssh_opts) -i "$PD_TMP/stranger.key" agent1@127.0.0.1 whoami >/dev/null 2>&1 || rc=$?
pd_assert_eq "$rc" "255" "login with an unknown key"

# --- exec stdin: passwd reads the current and the new password from stdin --------------------
printf 'first-Pass-1\nsecond-Pass-2\n' | pd_ssh agent1 passwd >/dev/null 2>"$PD_TMP/err" ||
	pd_fail "passwd over exec stdin exited $?: $(cat "$PD_TMP/err")"

# --- password logins through SSH_ASKPASS ----------------------------------------------------
out=$(pd_ssh_password agent1 'second-Pass-2' whoami) || pd_fail "password login exited $?"
pd_assert_contains "$out" "agent1" "whoami after a password login"
rc=0
pd_ssh_password agent1 'first-Pass-1' whoami >/dev/null 2>&1 || rc=$?
pd_assert_eq "$rc" "255" "login with the old (wrong) password"

# --- stdin above the cap: refused with a status, no hang ------------------------------------
head -c 2000000 /dev/zero | tr '\0' 'x' >"$PD_TMP/big.txt"
rc=0
# shellcheck disable=SC2046
timeout 30 ssh $(pd_ssh_opts) -i "$PD_TMP/agent1.key" agent1@127.0.0.1 passwd \
	<"$PD_TMP/big.txt" >/dev/null 2>"$PD_TMP/err" || rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ "$rc" -ne 255 ] ||
	pd_fail "2 MB of stdin to passwd: exit $rc, $(cat "$PD_TMP/err")"
# passwd's own maximum (16 KiB, below [limits] max_stdin) is the one it names.
grep -q '16384' "$PD_TMP/err" || pd_fail "no stdin-cap message: $(cat "$PD_TMP/err")"

# Stdin the command does not read: it still runs and exits 0.
# shellcheck disable=SC2046
timeout 30 ssh $(pd_ssh_opts) -i "$PD_TMP/agent1.key" agent1@127.0.0.1 whoami \
	<"$PD_TMP/big.txt" >/dev/null 2>&1 || pd_fail "whoami with 2 MB of stdin exited $?"

# --- keepalives (SSH_MSG_IGNORE, type 2) while idle, then the idle timeout -----------------
rc=0
# shellcheck disable=SC2046
timeout 10 ssh $(pd_ssh_opts | sed 's/LogLevel=ERROR/LogLevel=DEBUG3/') -tt \
	-i "$PD_TMP/agent1.key" agent1@127.0.0.1 < <(sleep 9 2>/dev/null) >"$PD_TMP/idle.out" \
	2>"$PD_TMP/idle.err" || rc=$?
[ "$rc" -ne 124 ] || pd_fail "an idle session was not closed"
grep -q '空闲' "$PD_TMP/idle.out" || pd_fail "no idle notice: $(cat "$PD_TMP/idle.out")"
n=$(tr -d '\r' <"$PD_TMP/idle.err" | grep -c 'receive packet: type 2$' || true)
[ "$n" -ge 2 ] || pd_fail "$n keepalives in 4 idle seconds"
grep -q 'ssh idle for 4 s' "$PD_LOG" || pd_fail "idle close not logged"

# --- one session channel per connection -----------------------------------------------------
mux="$PD_TMP/mux.sock"
{ sleep 4; } | ssh $(pd_ssh_opts) -i "$PD_TMP/agent1.key" -tt -o ControlMaster=yes \
	-o ControlPath="$mux" agent1@127.0.0.1 >"$PD_TMP/master.out" 2>&1 &
master=$!
for _ in $(seq 1 100); do
	[ -S "$mux" ] && grep -q 'help' "$PD_TMP/master.out" && break
	sleep 0.05
done
[ -S "$mux" ] || pd_fail "the multiplexing master did not start"
rc=0
# shellcheck disable=SC2046
ssh $(pd_ssh_opts) -o ControlPath="$mux" agent1@127.0.0.1 whoami >/dev/null 2>&1 || rc=$?
[ "$rc" -ne 0 ] || pd_fail "a second session channel on one connection was accepted"
kill "$master" 2>/dev/null || true
wait "$master" 2>/dev/null || true
pd_ssh agent1 whoami >/dev/null || pd_fail "whoami after the refused channel exited $?"

# --- before login: silence is dropped after auth_timeout, garbage after the byte cap --------
exec 7<>"/dev/tcp/127.0.0.1/$PD_SSH_PORT"
IFS= read -r -t 5 banner <&7 || pd_fail "no SSH banner"
pd_assert_contains "$banner" "SSH-2.0-" "server banner"
rc=0
timeout 6 cat <&7 >/dev/null 2>&1 || rc=$?
[ "$rc" -ne 124 ] || pd_fail "a silent client was not dropped"
exec 7<&-
grep -q 'not authenticated within 2 s' "$PD_LOG" || pd_fail "auth timeout not logged"

exec 7<>"/dev/tcp/127.0.0.1/$PD_SSH_PORT"
printf 'SSH-2.0-junk\r\n' >&7
head -c 40000 /dev/urandom >&7 2>/dev/null || true
rc=0
timeout 6 cat <&7 >/dev/null 2>&1 || rc=$?
[ "$rc" -ne 124 ] || pd_fail "a client sending garbage was not dropped"
exec 7<&-

# --- clients killed at random moments --------------------------------------------------------
pids=()
for i in $(seq 1 24); do
	case $((i % 4)) in
	0) pd_ssh agent1 whoami >/dev/null 2>&1 & ;;
	1) { sleep 3; } | ssh $(pd_ssh_opts) -i "$PD_TMP/agent1.key" -tt agent1@127.0.0.1 \
		>/dev/null 2>&1 & ;;
	2) pd_ssh_password agent1 'second-Pass-2' whoami >/dev/null 2>&1 & ;;
	3) ssh $(pd_ssh_opts) -i "$PD_TMP/agent1.key" agent1@127.0.0.1 passwd \
		<"$PD_TMP/big.txt" >/dev/null 2>&1 & ;;
	esac
	pids+=($!)
done
for pid in "${pids[@]}"; do
	sleep "0.0$((RANDOM % 10))"
	kill -KILL "$pid" 2>/dev/null || true
done
for pid in "${pids[@]}"; do
	wait "$pid" 2>/dev/null || true
done
# The daemon is still there and answers.
pd_ssh agent1 whoami >/dev/null || pd_fail "whoami after killed clients exited $?"

# --- a clean stop with an interactive session open -------------------------------------------
{ sleep 8; } | ssh $(pd_ssh_opts) -i "$PD_TMP/agent1.key" -tt agent1@127.0.0.1 \
	>"$PD_TMP/stop.out" 2>&1 &
client=$!
for _ in $(seq 1 100); do
	grep -q 'help' "$PD_TMP/stop.out" && break
	sleep 0.05
done
start=$(date +%s%N)
pd_stop
elapsed=$((($(date +%s%N) - start) / 1000000))
[ "$elapsed" -lt 3000 ] || pd_fail "stopping took $elapsed ms"
wait "$client" 2>/dev/null || true
grep -q '服务正在停止' "$PD_TMP/stop.out" || pd_fail "the open session got no stop notice"
pd_log "ok"
