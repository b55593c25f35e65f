#!/usr/bin/env bash
# A full database refuses changes clearly and keeps serving reads. With [database] max_size
# reached, an agent's change is answered "disk full: nothing was saved" (磁盘已满，数据未保存 in
# Chinese) and nothing of it is stored; whoami, complaint list and complaint show keep working
# in the open sessions; the daemon keeps serving; once max_size is raised (config edited, SIGHUP)
# changes are accepted again. Then the same on a real full filesystem (a small tmpfs), where the
# test runs as root and may mount one: writes fail cleanly while it is full and work again once
# there is room.
. "$(dirname "$0")/lib.sh"

DB="$PD_STATE/propdesk.db"
big=$(python3 -c 'print("水管爆裂，" * 200)') # 3,000 bytes of owner's words per complaint

pd_config
pd_user agent1 agent
pd_user sup1 supervisor
# Room for a few dozen complaints beyond what the accounts use.
size=$(stat -c %s "$DB")
printf '[database]\nmax_size = %d\n' $((size + 160 * 1024)) >>"$PD_CONF"
pd_start
grep -q "at most $((size + 160 * 1024)) bytes" "$PD_LOG" || pd_fail "max_size not applied at start"

pd_tmux_start a "$(pd_ssh_cmd agent1 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_start s "$(pd_ssh_cmd sup1 -tt -o SetEnv=LANG=zh_CN.UTF-8)"
pd_tmux_wait a 'agent1>'
pd_tmux_wait s 'sup1>'

out=$(pd_ssh agent1 "complaint add --unit 1-1-101 --category repairs --technique empathy \
	'first one 卫生间漏水'") || pd_fail "first add exited $?"
first=$(grep -oE 'C-[0-9]{8}-[0-9]{4}' <<<"$out")

# fill USER COMMAND: runs COMMAND in exec mode (with @ replaced by a counter) until it is
# refused; fails when it never is. A new session's login is refused too once its audit event
# cannot be written (no login goes unaudited).
fill() {
	local user=$1 cmd=$2 i rc
	for i in $(seq 1 400); do
		rc=0
		pd_ssh "$user" "${cmd//@/$i}" >/dev/null 2>"$PD_TMP/fill.err" || rc=$?
		if [ "$rc" -ne 0 ]; then
			pd_log "$user: command $i refused (status $rc): $(cat "$PD_TMP/fill.err")"
			return 0
		fi
	done
	pd_fail "400 commands never filled the database: ${cmd:0:60}"
}
# Big complaints until one is refused, then short notes until one is refused: what the test
# types next is no smaller than either, so it cannot fit in what is left.
fill agent1 "complaint add --unit 2-1-@ --category repairs --technique empathy '$big'"
fill agent1 "complaint note $first n@"
pd_log "full after $(sqlite3 "$DB" 'select count(*) from complaints') complaints," \
	"$(stat -c %s "$DB") bytes"
# A new login cannot be audited: it is refused, and the client is told why (not "permission
# denied", which would send the agent after a password that is right). A login audit event is
# smaller than a note, so the last pages may still hold a few: each one accepted was audited,
# and they fill what is left until one is refused.
rc=0
for _ in $(seq 1 60); do
	# shellcheck disable=SC2046
	ssh $(pd_ssh_opts | sed 's/LogLevel=ERROR/LogLevel=INFO/') -i "$PD_TMP/agent1.key" \
		agent1@127.0.0.1 whoami >/dev/null 2>"$PD_TMP/login.err" || rc=$?
	[ "$rc" -eq 0 ] || break
done
[ "$rc" -ne 0 ] || pd_fail "60 logins were accepted in a full database"
grep -q 'could not record this login' "$PD_TMP/login.err" ||
	pd_fail "the refused login was not told why: $(cat "$PD_TMP/login.err")"

# The agent's change gets the clear message, in the session's language; nothing is stored.
pd_tmux_type a "complaint add --unit 9-9-901 --category repairs --technique empathy FULLTEST $big"
pd_tmux_send a Enter
pd_tmux_wait a 'disk full: nothing was saved'
pd_tmux_type s "complaint note $first SUPNOTE 业主又来电话"
pd_tmux_send s Enter
pd_tmux_wait s '磁盘已满，数据未保存'
n=$(sqlite3 "$DB" "select count(*) from complaints where words like 'FULLTEST%'")
pd_assert_eq "$n" 0 "complaints stored by a refused add"
n=$(sqlite3 "$DB" "select count(*) from complaint_notes where text like 'SUPNOTE%'")
pd_assert_eq "$n" 0 "notes stored by a refused note"

# Reads keep working in the open sessions.
$PD_TMUX clear-history -t pd:a
pd_tmux_send a C-l
pd_tmux_type a "whoami"
pd_tmux_send a Enter
pd_tmux_wait a 'role: +agent'
pd_tmux_send a C-l
pd_tmux_type a "complaint show $first"
pd_tmux_send a Enter
# Its notes may push the words above the screen: they are looked for in the scrollback.
pd_tmux_wait a 'History:'
$PD_TMUX capture-pane -p -S - -t pd:a | grep -q 'first one' ||
	pd_fail "complaint show lacks the complaint's words in a full database"
pd_tmux_send s C-l
pd_tmux_type s "complaint list --unit 1-1-101"
pd_tmux_send s Enter
pd_tmux_wait s "$first"
kill -0 "$PD_PID" || pd_fail "the daemon died when the database was full"

# Raised: changes work again, in the open session and in a new one.
sed -i "s/^max_size = .*/max_size = 64M/" "$PD_CONF"
kill -HUP "$PD_PID"
for _ in $(seq 1 100); do
	grep -q 'at most 67108864 bytes' "$PD_LOG" && break
	sleep 0.05
done
grep -q 'at most 67108864 bytes' "$PD_LOG" || pd_fail "SIGHUP did not apply the new max_size"
pd_tmux_send a C-l
pd_tmux_type a "complaint add --unit 9-9-902 --category repairs --technique empathy AFTERRAISE"
pd_tmux_send a Enter
pd_tmux_wait a 'Complaint C-[0-9-]+ taken'
out=$(pd_ssh agent1 "complaint add --unit 9-9-903 --category noise --technique patience \
	'$big'") || pd_fail "add after raising max_size exited $?"
pd_assert_contains "$out" "投诉已登记" "add after raising max_size"
pd_stop
$PD_TMUX kill-server 2>/dev/null || true

# --- a real full filesystem -------------------------------------------------------------------
fs="$PD_TMP/smallfs"
mkdir -p "$fs"
if [ "$(id -u)" -ne 0 ] || ! mount -t tmpfs -o size=4m,mode=0700 propdesk-test "$fs" 2>/dev/null; then
	pd_log "max_size part passed; the real-filesystem part cannot run here (needs root and a tmpfs mount): skipped"
	exit 77
fi
# On the way out: the daemon (if a failure left it running) lets go of the filesystem first.
fault_cleanup() {
	local rc=$?
	set +e
	if [ -n "$PD_PID" ]; then
		kill -KILL "$PD_PID" 2>/dev/null
		wait "$PD_PID" 2>/dev/null
		PD_PID=""
	fi
	umount "$fs" 2>/dev/null || umount -l "$fs" 2>/dev/null
	(exit "$rc")
	pd_cleanup
}
trap fault_cleanup EXIT
PD_STATE="$fs/state"
DB="$PD_STATE/propdesk.db"
pd_config
pd_user agent2 agent
pd_start
pd_tmux_start b "$(pd_ssh_cmd agent2 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_wait b 'agent2>'
out=$(pd_ssh agent2 "complaint add --unit 1-1-101 --category repairs --technique empathy \
	'before the disk filled'") || pd_fail "add on the small filesystem exited $?"
first=$(grep -oE 'C-[0-9]{8}-[0-9]{4}' <<<"$out")
# Everything left on the filesystem taken by another file: the disk is full.
dd if=/dev/zero of="$fs/filler" bs=64k 2>/dev/null || true
# The WAL reuses the room it already has: changes fit there until it must grow.
fill agent2 "complaint add --unit 2-1-@ --category repairs --technique empathy '$big'"
fill agent2 "complaint note $first n@"
pd_tmux_send b C-l
pd_tmux_type b "complaint add --unit 9-9-901 --category repairs --technique empathy FULLFS $big"
pd_tmux_send b Enter
pd_tmux_wait b 'disk full: nothing was saved'
pd_tmux_send b C-l
pd_tmux_type b "complaint show $first"
pd_tmux_send b Enter
pd_tmux_wait b 'before the disk filled'
kill -0 "$PD_PID" || pd_fail "the daemon died when the filesystem was full"
rm -f "$fs/filler"
pd_tmux_send b C-l
pd_tmux_type b "complaint add --unit 9-9-902 --category repairs --technique empathy ROOMAGAIN"
pd_tmux_send b Enter
pd_tmux_wait b 'Complaint C-[0-9-]+ taken'
out=$(pd_ssh agent2 "complaint list --json") || pd_fail "list after the disk was freed exited $?"
pd_assert_contains "$out" ROOMAGAIN "list after the disk was freed"
n=$(sqlite3 "$DB" "select count(*) from complaints where words like 'FULLFS%'")
pd_assert_eq "$n" 0 "complaints stored while the filesystem was full"
pd_stop
pd_log "ok: full database and full filesystem both refuse changes and keep reads"
