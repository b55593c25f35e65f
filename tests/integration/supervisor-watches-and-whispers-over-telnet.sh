#!/usr/bin/env bash
# An agent logged in over telnet (the real Debian client in tmux) is watched and whispered to
# by a supervisor over ssh: `sessions` says telnet, the watcher's screen mirrors the agent's
# typing, the agent is told and its prompt marked (in the session's language, Chinese by
# default), a whisper lands above the agent's half-typed line, which survives and runs as
# typed, and the watch ends cleanly.
. "$(dirname "$0")/lib.sh"

if ! command -v telnet >/dev/null 2>&1; then
	apt-get install -y telnet >/dev/null 2>&1 || pd_fail "no telnet client and cannot install one"
fi

pd_config
PD_TELNET_PORT=$(pd_free_port)
pd_user sup1 supervisor
printf '%s\n' 'agent1-pass-1' | "$PROPDESKD" user add agent1 --role agent --team sup1 \
	--config "$PD_CONF" --password-stdin >/dev/null
pd_start --telnet-listen "127.0.0.1:$PD_TELNET_PORT"

json() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
en() {
	# shellcheck disable=SC2046
	ssh $(pd_ssh_opts) -o SetEnv=LANG=en_US.UTF-8 -i "$PD_TMP/$1.key" "$1@127.0.0.1" "$2"
}
line() { pd_tmux_cursor_line "$1" | sed 's/ *$//'; }
wait_line() {
	local i
	for i in $(seq 1 200); do
		[ "$(line "$1")" = "$2" ] && return 0
		sleep 0.05
	done
	pd_fail "the cursor line of $1 is '$(line "$1")', expected '$2'"
}
now_ms() { date +%s%3N; }

# The agent logs in over telnet.
pd_tmux_start t "telnet 127.0.0.1 $PD_TELNET_PORT"
pd_tmux_wait t 'login \(用户名\):'
pd_tmux_type t 'agent1'
pd_tmux_send t Enter
pd_tmux_wait t 'password \(密码\):'
pd_tmux_type t 'agent1-pass-1'
pd_tmux_send t Enter
pd_tmux_wait t 'agent1>$'

out=$(en sup1 'sessions --json') || pd_fail "sessions --json exited $?"
pd_assert_eq "$(json '[s["transport"] for s in d["items"] if s["account"] == "agent1"][0]' <<<"$out")" \
	telnet "the agent's transport"
id=$(json '[s["session"] for s in d["items"] if s["account"] == "agent1"][0]' <<<"$out")

# The supervisor watches it over ssh.
pd_tmux_start s "$(pd_ssh_cmd sup1 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_wait s 'sup1>$'
pd_tmux_type s "watch $id"
pd_tmux_send s Enter
pd_tmux_wait s "watching $id of agent1"
pd_tmux_wait t '主管 sup1 正在查看您的会话'
wait_line t "[被监看] propdesk:agent1>"
t0=$(now_ms)
pd_tmux_type t "technique li"
for _ in $(seq 1 400); do
	pd_tmux_screen s | grep -q 'agent1> technique li' && break
	sleep 0.005
done
mirror_ms=$(($(now_ms) - t0))
pd_tmux_screen s | grep -q 'agent1> technique li' || pd_fail "the telnet agent's typing never mirrored"
pd_log "the telnet agent's typing reached the watcher in ${mirror_ms} ms (tmux polling included)"
[ "$mirror_ms" -lt 1000 ] || pd_fail "mirror took ${mirror_ms} ms"

# A whisper over the half-typed line; the line survives and runs as typed.
en sup1 'whisper agent1 请回电 3-2-1201 的业主' >/dev/null || pd_fail "whisper exited $?"
pd_tmux_wait t '\[悄悄话 sup1\] 请回电 3-2-1201 的业主'
pd_tmux_wait s '\[悄悄话 sup1\] 请回电 3-2-1201 的业主'
wait_line t "[被监看] propdesk:agent1> technique li"
pd_tmux_type t "st"
pd_tmux_send t Enter
pd_tmux_wait t 'persuade'
pd_tmux_wait s 'persuade'

# The watch ends: the agent is told, the marker goes, the session goes on.
pd_tmux_type s "q"
pd_tmux_wait s 'stopped watching'
pd_tmux_wait t '主管 sup1 已停止查看您的会话'
wait_line t "propdesk:agent1>"
# The whisper came from an exec command, gone now: a reply says so. One from the
# supervisor's terminal can be answered.
pd_tmux_type t "reply 好的"
pd_tmux_send t Enter
pd_tmux_wait t '给您发悄悄话的人已经退出'
pd_tmux_wait s 'sup1>$'
pd_tmux_type s "whisper agent1 辛苦了"
pd_tmux_send s Enter
pd_tmux_wait t '\[悄悄话 sup1\] 辛苦了'
pd_tmux_type t "reply 好的"
pd_tmux_send t Enter
pd_tmux_wait s '\[whisper from agent1\] 好的'
pd_tmux_type t "quit"
pd_tmux_send t Enter
pd_tmux_wait t 'Connection closed by foreign host'

pd_stop
pd_log "PASS"
