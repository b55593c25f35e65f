#!/usr/bin/env bash
# What a terminal can throw at the line editor leaves the session usable and the daemon
# bounded: a 1 MiB paste (one line, Chinese text) is cut at max_line with a bell, the session
# answers the next command and the daemon's memory does not grow with the paste; NUL bytes,
# invalid UTF-8, stray escape sequences and C1 controls typed into a line never reach the
# command; a storm of window-size changes (tmux resize-window in a loop) while output is being
# drawn does not crash or wedge anything.
. "$(dirname "$0")/lib.sh"

pd_config limits.max_line=4K
pd_user agent1 agent
pd_start
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$PD_PID/status"; }
# marker WORD: runs the unknown command WORD and waits for its error: every key typed before it
# has been handled by then.
marker() {
	pd_tmux_send a C-u
	pd_tmux_type a "$1"
	pd_tmux_send a Enter
	pd_tmux_wait a "unknown command \`$1\`" "${2:-20}"
}
# audited COMMAND-NAME: the detail of the last command audited under that name.
audited() {
	sqlite3 "$PD_STATE/propdesk.db" "select detail from audit where action = 'command'
		and target = '$1' order by seq desc limit 1"
}

pd_tmux_start a "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_wait a 'agent1>'
pd_tmux_type a "whoami"
pd_tmux_send a Enter
pd_tmux_wait a 'transport: +ssh'
rss_before=$(rss_kb)

# --- a 1 MiB paste --------------------------------------------------------------------------
python3 -c 'import sys; sys.stdout.write("漏水" * 174763)' >"$PD_TMP/paste" # 1 MiB and 2 bytes
size=$(stat -c %s "$PD_TMP/paste")
[ "$size" -ge $((1 << 20)) ] || pd_fail "the paste is only $size bytes"
$PD_TMUX load-buffer -b big "$PD_TMP/paste"
start=$(date +%s)
$PD_TMUX paste-buffer -d -b big -t pd:a
# The paste is taken (the terminal echoes the start of it and rings for the rest); the next
# keys then reach the editor: Ctrl-U clears the cut line, whoami answers.
pd_tmux_wait a '漏水漏水' 60
marker zzpasted 60
took=$(($(date +%s) - start))
rss_after=$(rss_kb)
growth=$((rss_after - rss_before))
pd_log "1 MiB paste taken in $took s; daemon RSS $rss_before -> $rss_after KiB"
[ "$growth" -lt 16384 ] || pd_fail "the daemon grew by $growth KiB with a 1 MiB paste"

# The paste as a command: the line is cut at max_line, so what runs is at most 4 KiB.
$PD_TMUX load-buffer -b big2 - <<<"complaint note C-20000101-0001 $(head -c 300000 "$PD_TMP/paste")"
$PD_TMUX paste-buffer -d -b big2 -t pd:a
marker zzpasted2 60
n=$(audited 'complaint note' | wc -c)
[ "$n" -gt 1000 ] || pd_fail "the pasted command did not run ($n bytes)"
[ "$n" -le 4097 ] || pd_fail "a command line of $n bytes was accepted (max_line 4096)"

# --- NUL, invalid UTF-8, escapes and C1 controls typed --------------------------------------
pd_tmux_send a C-l
pd_tmux_type a "lang "
# NUL, 0xff, a lone continuation byte, a truncated 3-byte sequence, ESC [ 2 J, an OSC 52
# clipboard write ended by BEL, a C1 CSI (U+009B).
pd_tmux_send a -H 00 ff 80 e6 bc 1b 5b 32 4a 1b 5d 35 32 3b 63 3b 59 57 4a 6a 07 c2 9b
pd_tmux_type a "en"
pd_tmux_send a Enter
marker zztyped
# What ran is in the audit log: `lang en`, nothing of the garbage.
pd_assert_eq "$(audited lang)" "lang en" "the command line typed with garbage in it"
bad=$(sqlite3 "$PD_STATE/propdesk.db" "select count(*) from audit where
	instr(cast(detail as blob), x'1b') > 0 or instr(cast(detail as blob), x'00') > 0 or
	instr(cast(detail as blob), x'c29b') > 0 or instr(cast(detail as blob), x'7f') > 0")
pd_assert_eq "$bad" 0 "audit events holding control bytes"

# --- a resize storm while output is drawn ---------------------------------------------------
pd_tmux_send a C-l
pd_tmux_type a "help"
pd_tmux_send a Enter
for i in $(seq 1 150); do
	$PD_TMUX resize-window -t pd:a -x $((20 + (i * 37) % 180)) -y $((5 + (i * 13) % 50)) 2>/dev/null ||
		$PD_TMUX resize-pane -t pd:a -x $((20 + (i * 37) % 180)) -y $((5 + (i * 13) % 50))
	if [ $((i % 10)) -eq 0 ]; then
		pd_tmux_type a "漏水"
	fi
done
$PD_TMUX resize-window -t pd:a -x 100 -y 30 2>/dev/null || true
kill -0 "$PD_PID" || pd_fail "the daemon died in the resize storm"
marker zzstorm
out=$(pd_ssh agent1 whoami) || pd_fail "a new login after the storm exited $?"
pd_assert_contains "$out" agent1 "whoami after the storm"
pd_stop
pd_log "ok: paste cut and session usable (RSS +$growth KiB); garbage never reached a command;" \
	"resize storm survived"
