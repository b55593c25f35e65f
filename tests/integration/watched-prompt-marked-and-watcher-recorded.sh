#!/usr/bin/env bash
# Through the real ssh client in tmux: while a supervisor watches, the agent's prompt shows
# [watched] in front, drawn at once over the half-typed line, which survives and is submitted
# intact; a reload that makes observation silent takes the marker away live, one that tells
# again brings it back, and the marker goes when the watch ends. The supervisor's own session
# recording holds what was mirrored to it (the agent's typing and output), so replaying it
# shows what the supervisor saw.
. "$(dirname "$0")/lib.sh"

pd_config
pd_user sup1 supervisor
ssh-keygen -q -t ed25519 -N '' -C "agent1@test" -f "$PD_TMP/agent1.key"
"$PROPDESKD" user add agent1 --role agent --team sup1 --config "$PD_CONF" \
	--key "$PD_TMP/agent1.key.pub" >/dev/null
pd_start

line() { pd_tmux_cursor_line "$1" | sed 's/ *$//'; }
# wait_line WINDOW TEXT: waits until the cursor's line reads TEXT.
wait_line() {
	local i
	for i in $(seq 1 200); do
		[ "$(line "$1")" = "$2" ] && return 0
		sleep 0.05
	done
	pd_fail "the cursor line of $1 is '$(line "$1")', expected '$2'"
}
reload() {
	local n
	n=$(grep -c 'configuration reloaded' "$PD_LOG" || true)
	kill -HUP "$PD_PID"
	for _ in $(seq 1 100); do
		[ "$(grep -c 'configuration reloaded' "$PD_LOG" || true)" -gt "$n" ] && return 0
		sleep 0.05
	done
	pd_fail "SIGHUP did not reload"
}

pd_tmux_start a "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_start s "$(pd_ssh_cmd sup1 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_wait a 'agent1>$'
pd_tmux_wait s 'sup1>$'

# The agent is half-way through a line when the watch starts.
pd_tmux_type a "whoami --js"
wait_line a "propdesk:agent1> whoami --js"
pd_tmux_type s "watch agent1"
pd_tmux_send s Enter
pd_tmux_wait s "watching .* of agent1"
pd_tmux_wait a 'supervisor sup1 is watching your session'
wait_line a "[watched] propdesk:agent1> whoami --js"
pd_tmux_type a "on"
wait_line a "[watched] propdesk:agent1> whoami --json"
pd_tmux_send a Enter
pd_tmux_wait a '"name":"agent1"'
pd_tmux_wait s '"name":"agent1"'
wait_line a "[watched] propdesk:agent1>"

# Silent by a reload: the marker goes at once, the half-typed line stays; telling again
# brings it back.
pd_tmux_type a "technique li"
wait_line a "[watched] propdesk:agent1> technique li"
printf '[monitor]\nnotify = false\n' >>"$PD_CONF"
reload
wait_line a "propdesk:agent1> technique li"
sed -i '$d' "$PD_CONF"
sed -i '$d' "$PD_CONF"
reload
wait_line a "[watched] propdesk:agent1> technique li"

# The watch ends: the marker goes, the line stays and runs as typed.
pd_tmux_type s "q"
pd_tmux_wait s 'stopped watching'
pd_tmux_wait a 'supervisor sup1 stopped watching your session'
wait_line a "propdesk:agent1> technique li"
pd_tmux_type a "st"
pd_tmux_send a Enter
pd_tmux_wait a 'persuade'
# The watcher saw the half-typed line and the marker as the agent did.
pd_tmux_wait s 'agent1> technique li'

# The supervisor logs out: its recording holds what the mirror showed it.
sid=$(sqlite3 "$PD_STATE/propdesk.db" \
	"SELECT target FROM audit WHERE action='watch.start' AND account='sup1' LIMIT 1")
[ -n "$sid" ] || pd_fail "watch.start not audited"
pd_tmux_type s "quit"
pd_tmux_send s Enter
pd_tmux_wait_dead s 5
pd_tmux_type a "quit"
pd_tmux_send a Enter
pd_tmux_wait_dead a 5
pd_stop
python3 - "$PD_STATE/recordings" "$sid" <<'PY' || pd_fail "the watcher's recording is not right"
import glob, json, os, sys
rec, agent_sid = sys.argv[1], sys.argv[2]
sup = glob.glob(os.path.join(rec, "*", "*-sup1.cast"))
agent = glob.glob(os.path.join(rec, "*", agent_sid + "-agent1.cast"))
assert len(sup) == 1 and len(agent) == 1, (sup, agent)
def output(path):
    lines = open(path, encoding="utf-8").read().splitlines()
    assert json.loads(lines[0])["version"] == 2
    return "".join(e[2] for e in map(json.loads, lines[1:]) if e[1] == "o")
out = output(sup[0])
for needle in ("watching " + agent_sid + " of agent1", "whoami --js", "[watched]", '"name":"agent1"',
               "technique li", "stopped watching"):
    assert needle in out, f"{needle!r} not in the supervisor recording: {out!r}"
# The watcher's keys never went anywhere: the agent's recording has none of them.
assert "watch agent1" not in output(agent[0])
print("the watcher's recording holds the mirror:", len(out), "characters")
PY
pd_log "PASS"
