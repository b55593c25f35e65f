#!/usr/bin/env bash
# In a real terminal (tmux) over the real ssh client: Chinese characters take two columns, the
# cursor moves over them, backspace removes a whole character, history and Ctrl-U work.
. "$(dirname "$0")/lib.sh"

pd_config
pd_user agent1 agent
"$PROPDESKD" user add agent2 --role agent --display 李娜 --config "$PD_CONF" >/dev/null
pd_start

pd_tmux_start t "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=zh_CN.UTF-8)"
pd_tmux_wait t 'agent1>'
prompt_line=$(pd_tmux_cursor_line t)
x0=$(pd_tmux_cursor_x t)

pd_tmux_type t "报修漏水"
pd_tmux_wait t 'agent1> 报修漏水'
pd_tmux_wait_cursor t $((x0 + 8)) "cursor after four Chinese characters"

pd_tmux_send t BSpace BSpace
pd_tmux_wait t 'agent1> 报修 *$'
pd_tmux_wait_cursor t $((x0 + 4)) "cursor after two backspaces"

pd_tmux_send t Left
pd_tmux_wait_cursor t $((x0 + 2)) "cursor after Left over a wide character"
pd_tmux_type t "a"
pd_tmux_wait t 'agent1> 报a修 *$'
pd_tmux_send t Home
pd_tmux_type t "#"
pd_tmux_wait t 'agent1> #报a修 *$'
pd_tmux_send t End
pd_tmux_wait_cursor t $((x0 + 6)) "cursor at End"

# Ctrl-U drops the line; a command runs; its output lines up.
pd_tmux_send t C-u
pd_tmux_type t "whoami"
pd_tmux_send t Enter
pd_tmux_wait t 'agent1'
pd_tmux_wait t 'ssh'

# History: Up brings back whoami.
pd_tmux_send t Up
pd_tmux_wait t 'agent1> whoami *$'
pd_tmux_send t C-u

# Invalid and control input never reaches the line.
pd_tmux_send t -H 1b 5b 33 31 6d  # ESC [ 3 1 m
pd_tmux_type t "好"
pd_tmux_wait t 'agent1> 好 *$'
pd_tmux_send t C-c
pd_tmux_wait t 'agent1> *$'

# A Chinese admin table lines up: the user list needs admin, so only check the error is Chinese.
pd_tmux_type t "user list"
pd_tmux_send t Enter
pd_tmux_wait t '权限'

pd_tmux_send t C-d
sleep 0.5
[ -n "$prompt_line" ] || pd_fail "no prompt line"
pd_stop
pd_log "ok"
