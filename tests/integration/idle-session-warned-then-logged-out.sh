#!/usr/bin/env bash
# The idle policy: a terminal session without input is warned idle_warn seconds before
# idle_timeout, then logged out; typing in between puts the warning off; the complaint draft
# it was filling in is kept and offered at the next login.
. "$(dirname "$0")/lib.sh"

pd_config limits.idle_timeout=4 limits.idle_warn=2
pd_user agent1 agent
pd_start

pd_tmux_start a "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_wait a 'agent1>$'
pd_tmux_type a "complaint new"
pd_tmux_send a Enter
pd_tmux_wait a 'Unit'
pd_tmux_type a "3-2-1201"
pd_tmux_send a Enter
pd_tmux_wait a 'Caller'
pd_tmux_wait a '\[propdesk\] idle for [0-9]+ s: you will be logged out in [0-9]+ s' 6
# Typing now keeps the session; the warning comes again after the next quiet spell.
pd_tmux_type a "王"
sleep 1.2
pd_tmux_send a BSpace
pd_tmux_wait_dead a 10
screen=$(pd_tmux_screen a)
pd_assert_contains "$screen" "idle for too long" "the logout notice"
[ "$(grep -c 'you will be logged out' <<<"$screen")" -ge 2 ] ||
	pd_fail "the warning did not come again after typing: $screen"
grep -q "agent1 idle for [0-9]* s: warned" "$PD_LOG" || pd_fail "the warning is not logged"

# The draft is offered at the next login.
pd_tmux_start b "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_wait b 'resume the unfinished complaint'
pd_stop
pd_log "PASS"
