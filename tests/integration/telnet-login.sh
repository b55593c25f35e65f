#!/usr/bin/env bash
# Telnet with the real Debian client in a tmux terminal: the bilingual login prompts (with
# line editing and Chinese text), a wrong password rejected without echo, a login, `whoami`,
# three wrong passwords closing the connection, a locked account, a session flushed and closed
# on `quit`, and a session told and closed when the service stops.
. "$(dirname "$0")/lib.sh"

if ! command -v telnet >/dev/null 2>&1; then
	apt-get install -y telnet >/dev/null 2>&1 || pd_fail "no telnet client and cannot install one"
fi

pd_config
PD_TELNET_PORT=$(pd_free_port)
pd_user alice agent 'alice-pass-1'
pd_user carol agent 'carol-pass-1'
pd_user dave agent 'dave-pass-1'
sqlite3 "$PD_STATE/propdesk.db" "update accounts set locked = 1 where name = 'dave'"
pd_start --telnet-listen "127.0.0.1:$PD_TELNET_PORT"

TELNET="telnet 127.0.0.1 $PD_TELNET_PORT"
# (tmux drops the prompts' trailing space from captured lines)
LOGIN_RE='login \(用户名\):'
PASS_RE='password \(密码\):'

# tn_wait_count WINDOW REGEX N: waits until N lines of the screen match.
tn_wait_count() {
	local i
	for i in $(seq 1 200); do
		[ "$(pd_tmux_screen "$1" | grep -cE -- "$2")" -ge "$3" ] && return 0
		sleep 0.05
	done
	pd_tmux_screen "$1" >&2
	pd_fail "screen of $1: fewer than $3 lines match /$2/"
}

# 1. Prompt, editing with Chinese text, a wrong password, then the right one.
pd_tmux_start a "$TELNET"
pd_tmux_wait a "$LOGIN_RE"
# 九 holds the byte 0x9D, which the client takes for its escape key ^] unless in binary mode.
pd_tmux_send a -l '九张'
pd_tmux_wait a "${LOGIN_RE} 九张"
pd_tmux_send a BSpace BSpace
pd_tmux_send a -l 'alice'
pd_tmux_wait a "${LOGIN_RE} alice\$"
pd_tmux_send a Enter
pd_tmux_wait a "$PASS_RE"
pd_tmux_send a -l 'wrong-secret-9'
pd_tmux_send a Enter
pd_tmux_wait a 'login incorrect / 用户名或密码错误'
screen=$(pd_tmux_screen a)
case "$screen" in
*wrong-secret-9*) pd_fail "the password was echoed: $screen" ;;
*九张*) pd_fail "the erased Chinese text is still on the screen: $screen" ;;
esac
tn_wait_count a "$LOGIN_RE" 2
pd_tmux_send a -l 'alice'
pd_tmux_send a Enter
tn_wait_count a "$PASS_RE" 2
pd_tmux_send a -l 'alice-pass-1'
pd_tmux_send a Enter
sleep 0.5
pd_tmux_send a -l 'whoami'
pd_tmux_send a Enter
pd_tmux_wait a 'alice'
pd_tmux_wait a 'agent|客服'
screen=$(pd_tmux_screen a)
case "$screen" in
*alice-pass-1*) pd_fail "the password was echoed: $screen" ;;
esac
pd_tmux_send a -l 'quit'
pd_tmux_send a Enter
pd_tmux_wait a 'Connection closed by foreign host'

# 2. Three wrong passwords close the connection.
pd_tmux_start b "$TELNET"
for i in 1 2 3; do
	tn_wait_count b "$LOGIN_RE" "$i"
	pd_tmux_send b -l 'carol'
	pd_tmux_send b Enter
	tn_wait_count b "$PASS_RE" "$i"
	pd_tmux_send b -l "bad-$i"
	pd_tmux_send b Enter
	tn_wait_count b 'login incorrect' "$i"
done
pd_tmux_wait b 'Connection closed by foreign host'
n=$(pd_tmux_screen b | grep -c 'login incorrect / 用户名或密码错误')
pd_assert_eq "$n" 3 "login incorrect messages"

# 3. A locked account is told so and disconnected.
pd_tmux_start c "$TELNET"
pd_tmux_wait c "$LOGIN_RE"
pd_tmux_send c -l 'dave'
pd_tmux_send c Enter
pd_tmux_wait c "$PASS_RE"
pd_tmux_send c -l 'dave-pass-1'
pd_tmux_send c Enter
pd_tmux_wait c 'account locked / 账户已锁定，请联系管理员'
pd_tmux_wait c 'Connection closed by foreign host'

# 4. Ctrl-D at the login prompt ends the connection.
pd_tmux_start d "$TELNET"
pd_tmux_wait d "$LOGIN_RE"
pd_tmux_send d C-d
pd_tmux_wait d 'Connection closed by foreign host'

# 5. A logged-in session and a login prompt are told and closed when the service stops.
pd_tmux_start e "$TELNET"
pd_tmux_wait e "$LOGIN_RE"
pd_tmux_send e -l 'alice'
pd_tmux_send e Enter
pd_tmux_wait e "$PASS_RE"
pd_tmux_send e -l 'alice-pass-1'
pd_tmux_send e Enter
sleep 0.5
pd_tmux_send e -l 'whoami'
pd_tmux_send e Enter
pd_tmux_wait e 'agent|客服'
pd_tmux_start f "$TELNET"
pd_tmux_wait f "$LOGIN_RE"
start=$(date +%s%N)
pd_stop
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
# (a client that exits at once may lose its own last line, so its exit is what counts)
pd_tmux_wait e 'stopping|停止'
pd_tmux_wait e 'Connection closed by foreign host|Pane is dead'
pd_tmux_wait f 'the service is stopping / 服务正在停止'
pd_tmux_wait f 'Connection closed by foreign host|Pane is dead'
[ "$elapsed_ms" -lt 4000 ] || pd_fail "stopping took ${elapsed_ms} ms"

grep -q 'telnet connection from 127.0.0.1' "$PD_LOG" || pd_fail "no connect line in the log"
grep -q 'telnet session of alice' "$PD_LOG" || pd_fail "no login line in the log"
grep -q 'telnet disconnect 127.0.0.1' "$PD_LOG" || pd_fail "no disconnect line in the log"
if grep -q -e 'alice-pass-1' -e 'wrong-secret-9' "$PD_LOG"; then
	pd_fail "a password reached the log"
fi
pd_log "ok"
