#!/usr/bin/env bash
# Live monitoring through the real ssh client in tmux: an agent cannot use it; `sessions
# --json` lists every session with what it is doing; a whisper lands above the agent's
# half-typed line, which survives and is submitted intact; the agent replies; broadcast reaches
# every terminal; a supervisor acts only on their own team; `watch` replays the recent screen,
# mirrors the agent's typing live, is read-only, tells the agent, says when the watcher's
# terminal is smaller, shows in `who watches me`, leaves with q and is audited from start to
# end; a watcher's connection dropping leaves the agent's session alone; kick shows the reason
# and closes the session within a second, audited.
. "$(dirname "$0")/lib.sh"

pd_config
pd_user sup1 supervisor
pd_user admin1 admin
# agent1 is in sup1's team, agent2 in nobody's.
for a in agent1 agent2; do
	ssh-keygen -q -t ed25519 -N '' -C "$a@test" -f "$PD_TMP/$a.key"
done
"$PROPDESKD" user add agent1 --role agent --team sup1 --config "$PD_CONF" \
	--key "$PD_TMP/agent1.key.pub" >/dev/null
"$PROPDESKD" user add agent2 --role agent --config "$PD_CONF" \
	--key "$PD_TMP/agent2.key.pub" >/dev/null
pd_start

json() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
audit() { sqlite3 "$PD_STATE/propdesk.db" "$1"; }
now_ms() { date +%s%3N; }
# en NAME COMMAND: exec mode in English.
en() {
	# shellcheck disable=SC2046
	ssh $(pd_ssh_opts) -o SetEnv=LANG=en_US.UTF-8 -i "$PD_TMP/$1.key" "$1@127.0.0.1" "$2"
}

pd_tmux_start a "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_start b "$(pd_ssh_cmd agent2 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_wait a 'agent1>$'
pd_tmux_wait b 'agent2>$'

# --- an agent can use none of it (but who watches me and reply) ---------------------------
for c in sessions who "watch agent2" "whisper agent2 hi" "broadcast hi" \
	"kick s000001 --reason x"; do
	rc=0
	out=$(en agent1 "$c" 2>&1) || rc=$?
	pd_assert_eq "$rc" 3 "exit status of '$c' for an agent"
	pd_assert_contains "$out" "permission denied" "'$c' for an agent"
done
out=$(en agent1 'who watches me' 2>&1) || pd_fail "who watches me exited $?"
pd_assert_contains "$out" "nobody is watching" "who watches me, unwatched"

# --- sessions --json: every session, what it is doing ------------------------------------
pd_tmux_type b "complaint new"
pd_tmux_send b Enter
pd_tmux_wait b 'Unit'
out=$(en sup1 'sessions --json') || pd_fail "sessions --json exited $?"
a1=$(json '[s for s in d["items"] if s["account"] == "agent1"][0]' <<<"$out")
pd_assert_contains "$a1" "'role': 'agent'" "agent1's role"
pd_assert_contains "$a1" "'transport': 'ssh'" "agent1's transport"
pd_assert_contains "$a1" "'peer': '127.0.0.1:" "agent1's peer"
pd_assert_contains "$a1" "'cols': 100, 'rows': 30" "agent1's terminal size"
pd_assert_contains "$a1" "'team': 'sup1'" "agent1's team"
pd_assert_contains "$a1" "'doing': ''" "agent1 at the prompt"
pd_assert_eq "$(json '[s["doing"] for s in d["items"] if s["account"] == "agent2"][0]' <<<"$out")" \
	"complaint new: unit" "what agent2 is doing"
pd_assert_eq "$(json '[s["exec"] for s in d["items"] if s["account"] == "sup1"][0]' <<<"$out")" True \
	"the exec session that asked"
id1=$(json '[s["session"] for s in d["items"] if s["account"] == "agent1"][0]' <<<"$out")
id2=$(json '[s["session"] for s in d["items"] if s["account"] == "agent2"][0]' <<<"$out")
out=$(en sup1 'who') || pd_fail "who exited $?"
pd_assert_contains "$out" "complaint new: unit" "who, as a table"
pd_assert_contains "$out" "$id1" "who, as a table"
pd_tmux_send b C-c
pd_tmux_wait b 'discard'
pd_tmux_type b "y"
pd_tmux_send b Enter
pd_tmux_wait b 'agent2>$'

# --- whisper over a half-typed line ------------------------------------------------------
pd_tmux_type a "whoami --js"
pd_tmux_wait a 'agent1> whoami --js$'
en sup1 'whisper agent1 please call the owner of 3-2-1201 back' >/dev/null ||
	pd_fail "whisper exited $?"
pd_tmux_wait a '\[whisper from sup1\] please call the owner of 3-2-1201 back'
pd_assert_eq "$(pd_tmux_cursor_line a | sed 's/ *$//')" "propdesk:agent1> whoami --js" \
	"the half-typed line under the whisper"
pd_tmux_type a "on"
pd_tmux_send a Enter
pd_tmux_wait a '"name":"agent1"'
# Scope: agent2 is not sup1's; an admin may.
rc=0
out=$(en sup1 'whisper agent2 hello' 2>&1) || rc=$?
pd_assert_eq "$rc" 3 "whisper out of the team"
pd_assert_contains "$out" "not in your team" "whisper out of the team"
en admin1 'whisper agent2 hello from the admin' >/dev/null || pd_fail "admin whisper"
pd_tmux_wait b '\[whisper from admin1\] hello from the admin'

# --- broadcast -------------------------------------------------------------------------
out=$(en sup1 'broadcast fire drill at 15:00') || pd_fail "broadcast exited $?"
pd_assert_contains "$out" "broadcast to 2 session(s)" "broadcast count"
pd_tmux_wait a '\[sup1\] fire drill at 15:00'
pd_tmux_wait b '\[sup1\] fire drill at 15:00'

# --- watch -----------------------------------------------------------------------------
pd_tmux_start s "$(pd_ssh_cmd sup1 -tt -o SetEnv=LANG=en_US.UTF-8)"
$PD_TMUX resize-window -t pd:s -x 80 -y 24 >/dev/null 2>&1 || true
pd_tmux_wait s 'sup1>$'
pd_tmux_type s "watch agent1"
pd_tmux_send s Enter
pd_tmux_wait s "watching $id1 of agent1 \\(100x30\\), read-only: press q to stop"
# The recent screen came first; the watcher's smaller terminal is told.
pd_tmux_wait s '"name":"agent1"'
pd_tmux_wait s 'is smaller than the watched'
pd_tmux_wait a 'supervisor sup1 is watching your session'
# The agent's typing shows in the mirror.
t0=$(now_ms)
pd_tmux_type a "technique li"
for i in $(seq 1 400); do
	pd_tmux_screen s | grep -q 'agent1> technique li' && break
	sleep 0.005
done
mirror_ms=$(($(now_ms) - t0))
pd_tmux_screen s | grep -q 'agent1> technique li' || pd_fail "typing never mirrored"
pd_log "the agent's typing reached the watcher in ${mirror_ms} ms (tmux polling included)"
[ "$mirror_ms" -lt 1000 ] || pd_fail "mirror took ${mirror_ms} ms"
# Read-only: the watcher's keys never reach the agent.
pd_tmux_type s "xyz"
sleep 0.2
pd_assert_eq "$(pd_tmux_cursor_line a | sed 's/ *$//')" "[watched] propdesk:agent1> technique li" \
	"the agent's line after the watcher typed"
pd_tmux_send a C-u
pd_tmux_type a "who watches me"
pd_tmux_send a Enter
pd_tmux_wait a 'sup1 +supervisor'
pd_tmux_wait s 'sup1 +supervisor'
# A second watcher (the admin, in exec mode cannot: it needs a terminal).
rc=0
out=$(en admin1 "watch agent1" 2>&1) || rc=$?
pd_assert_contains "$out" "interactive terminal" "watch in exec mode"
pd_tmux_type s "q"
pd_tmux_wait s 'stopped watching'
pd_tmux_wait s 'sup1>$'
pd_tmux_wait a 'supervisor sup1 stopped watching your session'
pd_assert_eq "$(audit "SELECT count(*) FROM audit WHERE action='watch.start' AND account='sup1' AND target='$id1'")" 1 "watch.start audited"
detail=$(audit "SELECT detail FROM audit WHERE action='watch.end' AND account='sup1' AND target='$id1'")
pd_assert_contains "$detail" "watched agent1 for" "watch.end audited"

# reply goes back to the last whisperer (sup1's terminal session now).
pd_tmux_type s "whisper agent1 how is it going"
pd_tmux_send s Enter
pd_tmux_wait a '\[whisper from sup1\] how is it going'
pd_tmux_type a "reply all good, 谢谢"
pd_tmux_send a Enter
pd_tmux_wait a 'replied'
pd_tmux_wait s '\[whisper from agent1\] all good, 谢谢'

# A watcher whose connection drops: the agent is told and goes on.
pd_tmux_start w "$(pd_ssh_cmd admin1 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_wait w 'admin1>$'
pd_tmux_type w "watch $id2"
pd_tmux_send w Enter
pd_tmux_wait w "watching $id2 of agent2"
pd_tmux_wait b 'admin admin1 is watching your session'
$PD_TMUX kill-window -t pd:w
pd_tmux_wait b 'admin admin1 stopped watching your session'
pd_tmux_type b "whoami"
pd_tmux_send b Enter
pd_tmux_wait b 'name: +agent2'

# --- kick --------------------------------------------------------------------------------
pd_tmux_type s "kick $id1 --reason 'end of shift'"
t0=$(now_ms)
pd_tmux_send s Enter
for i in $(seq 1 400); do
	[ "$($PD_TMUX list-panes -t pd:a -F '#{pane_dead}')" = 1 ] && break
	sleep 0.005
done
kick_ms=$(($(now_ms) - t0))
pd_log "kick: the agent's ssh exited ${kick_ms} ms after Enter"
pd_tmux_wait_dead a 5
pd_tmux_wait a 'your session was ended by sup1: end of shift'
pd_tmux_wait s "session $id1 of agent1 ended"
[ "$kick_ms" -lt 1000 ] || pd_fail "kick took ${kick_ms} ms"
pd_assert_eq "$(audit "SELECT detail FROM audit WHERE action='session.kick' AND target='$id1'")" \
	"ended the session of agent1: end of shift" "kick audited"
# Out of the team: refused, agent2 stays.
rc=0
out=$(en sup1 "kick $id2 --reason x" 2>&1) || rc=$?
pd_assert_eq "$rc" 3 "kick out of the team"
pd_tmux_type b "whoami"
pd_tmux_send b Enter
sleep 0.3
pd_tmux_wait b 'agent2>$'

pd_stop
pd_log "PASS"
