#!/usr/bin/env bash
# The real ssh client in tmux: a window change redraws the prompt and the line being typed at
# once, in the new width, with no key pressed (narrower: the line's tail beside the prompt on
# one row, nothing left of the old row; wider: the whole line again); a long line submitted is
# left on the screen from its start, not scrolled to its end.
. "$(dirname "$0")/lib.sh"

pd_config
pd_user agent1 agent
pd_start

pd_tmux_start t "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_wait t 'agent1> *$'
tail=$(printf 'z%.0s' $(seq 30))
line="complaint search 楼道灯$(printf 'x%.0s' $(seq 40))$tail"
pd_tmux_type t "$line"
pd_tmux_wait t "${tail}$"

# Narrower: redrawn at once (no key is sent), on one row that fits.
$PD_TMUX resize-window -t pd:t -x 50 -y 30
ok=0
for _ in $(seq 100); do
	screen=$(pd_tmux_screen t)
	cur=$(pd_tmux_cursor_line t)
	if [ "$(grep -c 'agent1>' <<<"$screen")" = 1 ] && [[ "$cur" == *"agent1> "*"$tail" ]]; then
		ok=1
		break
	fi
	sleep 0.05
done
[ "$ok" = 1 ] || { pd_tmux_screen t >&2; pd_fail "not redrawn after the window narrowed"; }
python3 - "$cur" <<'PY' || pd_fail "the redrawn line does not fit 50 columns: $cur"
import sys, unicodedata
w = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in sys.argv[1].rstrip())
sys.exit(0 if w < 50 else 1)
PY
pd_assert_eq "$(pd_tmux_cursor_x t)" 49 "the cursor after the tail"
# Nothing of the old row is left below the prompt.
y=$($PD_TMUX display-message -p -t pd:t '#{cursor_y}')
pd_assert_eq "$(pd_tmux_screen t | sed -n "$((y + 2))p" | tr -d ' ')" "" "the row below the line"

# Wider: the whole line again.
$PD_TMUX resize-window -t pd:t -x 120 -y 30
pd_tmux_wait t "agent1> ${line}$"

# Submitted: the line stays on the screen from its start.
$PD_TMUX resize-window -t pd:t -x 60 -y 30
pd_tmux_wait t "agent1> .*${tail}$"
pd_tmux_send t Enter
pd_tmux_wait t 'Nothing found'
pd_tmux_wait t 'agent1> complaint search 楼道灯xxxx'

pd_tmux_type t "quit"
pd_tmux_send t Enter
pd_tmux_wait_dead t
pd_stop
pd_log "ok"
