# lib.sh — helpers for integration tests: a private daemon from a generated config on free
# loopback ports, accounts with generated keys, the real OpenSSH client, tmux for terminals.
# Source it from a test script; it sets `set -euo pipefail` and cleans up on exit.
# Environment: PROPDESKD (path to the daemon; default build/propdeskd).

set -euo pipefail

PROPDESKD=${PROPDESKD:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/propdeskd}
PD_ETC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../etc" && pwd)
PD_TMP=$(mktemp -d "${TMPDIR:-/tmp}/propdesk-test.XXXXXX")
PD_STATE="$PD_TMP/state"
PD_CONF="$PD_TMP/propdesk.conf"
PD_LOG="$PD_TMP/daemon.log"
PD_PID=""
PD_SSH_PORT=""
PD_TELNET_PORT=""
PD_TMUX="tmux -u -S $PD_TMP/tmux.sock"
export LANG=C.UTF-8
PD_NAME=$(basename "$0" .sh)

pd_log() { printf '[%s] %s\n' "$PD_NAME" "$*" >&2; }

pd_fail() {
	pd_log "FAIL: $*"
	if [ -f "$PD_LOG" ]; then
		pd_log "--- daemon log (last 40 lines) ---"
		tail -n 40 "$PD_LOG" >&2 || true
	fi
	exit 1
}

pd_cleanup() {
	local rc=$?
	$PD_TMUX kill-server >/dev/null 2>&1 || true
	if [ -n "$PD_PID" ] && kill -0 "$PD_PID" 2>/dev/null; then
		kill -KILL "$PD_PID" 2>/dev/null || true
	fi
	if [ "$rc" -eq 0 ] || [ -z "${PD_KEEP:-}" ]; then
		rm -rf "$PD_TMP"
	else
		pd_log "kept $PD_TMP"
	fi
}
trap pd_cleanup EXIT

# A free TCP port on 127.0.0.1.
pd_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Writes the config. Extra "section.key=value" arguments are added to it.
pd_config() {
	PD_SSH_PORT=$(pd_free_port)
	mkdir -p "$PD_STATE"
	{
		echo "[service]"
		echo "state_dir = $PD_STATE"
		echo "catalog_dir = $PD_ETC"
		echo "log_level = ${PD_LOG_LEVEL:-info}"
		echo "[ssh]"
		echo "listen = 127.0.0.1:$PD_SSH_PORT"
		echo "[auth]"
		# Cheap hashes keep the tests fast; the benchmark uses the real cost.
		echo "hash_opslimit = 1"
		echo "hash_memlimit = ${PD_HASH_MEMLIMIT:-8M}"
		echo "fail_delay_ms = ${PD_FAIL_DELAY_MS:-50}"
		echo "fail_delay_max_ms = 400"
	} >"$PD_CONF"
	local kv section key value
	for kv in "$@"; do
		section=${kv%%.*}
		key=${kv#*.}
		value=${key#*=}
		key=${key%%=*}
		printf '[%s]\n%s = %s\n' "$section" "$key" "$value" >>"$PD_CONF"
	done
}

# Writes the config as shipped (etc/propdesk.conf: every limit and cost as a site gets them),
# with only the state directory, the catalogs, the SSH port and the log level changed.
pd_config_shipped() {
	PD_SSH_PORT=$(pd_free_port)
	mkdir -p "$PD_STATE"
	sed -e "s|^state_dir = .*|state_dir = $PD_STATE\ncatalog_dir = $PD_ETC|" \
		-e "s|^log_level = .*|log_level = ${PD_LOG_LEVEL:-info}|" \
		-e "/^\[ssh\]/,/^\[/s|^listen = .*|listen = 127.0.0.1:$PD_SSH_PORT|" \
		"$PD_ETC/propdesk.conf" >"$PD_CONF"
	grep -q "listen = 127.0.0.1:$PD_SSH_PORT" "$PD_CONF" || pd_fail "shipped config not adapted"
}

# Starts the daemon (extra arguments go to `serve`) and waits until SSH answers.
pd_start() {
	[ -f "$PD_CONF" ] || pd_config
	"$PROPDESKD" serve --config "$PD_CONF" "$@" >>"$PD_LOG" 2>&1 &
	PD_PID=$!
	local i
	for i in $(seq 1 200); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$PD_SSH_PORT") 2>/dev/null; then
			return 0
		fi
		kill -0 "$PD_PID" 2>/dev/null || pd_fail "daemon exited at start"
		sleep 0.05
	done
	pd_fail "daemon did not listen on $PD_SSH_PORT"
}

# Stops the daemon with SIGTERM and checks it exited 0 without sanitizer reports.
pd_stop() {
	[ -n "$PD_PID" ] || return 0
	kill -TERM "$PD_PID"
	local rc=0
	wait "$PD_PID" || rc=$?
	PD_PID=""
	[ "$rc" -eq 0 ] || pd_fail "daemon exited with status $rc"
	pd_check_log
}

# Fails when the daemon log holds a sanitizer or leak report.
pd_check_log() {
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer' "$PD_LOG"; then
		pd_fail "sanitizer report in the daemon log"
	fi
}

# pd_user NAME ROLE [PASSWORD]: an account with a generated ed25519 key ($PD_TMP/NAME.key).
pd_user() {
	local name=$1 role=$2 password=${3:-}
	ssh-keygen -q -t ed25519 -N '' -C "$name@test" -f "$PD_TMP/$name.key"
	if [ -n "$password" ]; then
		printf '%s\n' "$password" | "$PROPDESKD" user add "$name" --role "$role" \
			--config "$PD_CONF" --key "$PD_TMP/$name.key.pub" --password-stdin >/dev/null
	else
		"$PROPDESKD" user add "$name" --role "$role" --config "$PD_CONF" \
			--key "$PD_TMP/$name.key.pub" >/dev/null
	fi
}

pd_ssh_opts() {
	echo "-F /dev/null -p $PD_SSH_PORT -o BatchMode=yes -o IdentitiesOnly=yes" \
		"-o UserKnownHostsFile=$PD_TMP/known_hosts -o StrictHostKeyChecking=accept-new" \
		"-o LogLevel=ERROR -o ConnectTimeout=10"
}

# The ssh command line (as one string) for NAME's key, for tmux windows.
pd_ssh_cmd() {
	echo "ssh $(pd_ssh_opts) -i $PD_TMP/$1.key ${*:2} $1@127.0.0.1"
}

# pd_ssh NAME [ssh options...] [--] COMMAND...: exec mode with NAME's key.
pd_ssh() {
	local name=$1
	shift
	# shellcheck disable=SC2046
	ssh $(pd_ssh_opts) -i "$PD_TMP/$name.key" "$name@127.0.0.1" "$@"
}

# pd_ssh_password NAME PASSWORD COMMAND...: password login through SSH_ASKPASS. PD_SSH_EXTRA
# holds more ssh options (e.g. "-b 127.0.0.2" to log in from another address).
pd_ssh_password() {
	local name=$1 password=$2 askpass
	shift 2
	# One file per password: several logins may run at once.
	askpass="$PD_TMP/askpass-$(printf '%s' "$password" | md5sum | cut -c1-12).sh"
	if [ ! -f "$askpass" ]; then
		printf '#!/bin/sh\necho %q\n' "$password" >"$askpass.tmp"
		chmod 700 "$askpass.tmp"
		mv "$askpass.tmp" "$askpass"
	fi
	# shellcheck disable=SC2046,SC2086
	SSH_ASKPASS="$askpass" SSH_ASKPASS_REQUIRE=force DISPLAY=:0 \
		setsid -w ssh $(pd_ssh_opts | sed 's/BatchMode=yes/BatchMode=no/') ${PD_SSH_EXTRA:-} \
		-o PubkeyAuthentication=no -o PreferredAuthentications=password \
		-o NumberOfPasswordPrompts=1 "$name@127.0.0.1" "$@" </dev/null
}

# pd_tmux_start WINDOW COMMAND: a detached 100x30 terminal running COMMAND.
pd_tmux_start() {
	local win=$1
	shift
	if ! $PD_TMUX has-session -t pd 2>/dev/null; then
		$PD_TMUX new-session -d -s pd -n "$win" -x 100 -y 30 "$*"
	else
		$PD_TMUX new-window -t pd -n "$win" "$*"
	fi
	$PD_TMUX set-option -w -t "pd:$win" remain-on-exit on >/dev/null
}

pd_tmux_send() { $PD_TMUX send-keys -t "pd:$1" "${@:2}"; }
# Types text literally (UTF-8 included).
pd_tmux_type() { $PD_TMUX send-keys -t "pd:$1" -l "$2"; }
pd_tmux_screen() { $PD_TMUX capture-pane -p -t "pd:$1"; }
# The cursor column (0-based) of a window.
pd_tmux_cursor_x() { $PD_TMUX display-message -p -t "pd:$1" '#{cursor_x}'; }
# pd_tmux_wait_cursor WINDOW X WHAT: waits until the cursor is in column X.
pd_tmux_wait_cursor() {
	local i
	for i in $(seq 1 200); do
		[ "$(pd_tmux_cursor_x "$1")" = "$2" ] && return 0
		sleep 0.05
	done
	pd_fail "${3:-cursor}: expected column $2, got $(pd_tmux_cursor_x "$1")"
}

# The screen line the cursor is on.
pd_tmux_cursor_line() {
	local y
	y=$($PD_TMUX display-message -p -t "pd:$1" '#{cursor_y}')
	pd_tmux_screen "$1" | sed -n "$((y + 1))p"
}

# pd_tmux_wait WINDOW REGEX [SECONDS]: waits until the screen matches.
pd_tmux_wait() {
	local win=$1 re=$2 secs=${3:-10} i
	for i in $(seq 1 $((secs * 20))); do
		if pd_tmux_screen "$win" | grep -qE -- "$re"; then
			return 0
		fi
		sleep 0.05
	done
	pd_log "--- screen of $win ---"
	pd_tmux_screen "$win" >&2 || true
	pd_fail "screen of $win never matched /$re/"
}

# pd_tmux_wait_dead WINDOW [SECONDS]: waits until the program in WINDOW has exited.
pd_tmux_wait_dead() {
	local win=$1 secs=${2:-10} i state
	for i in $(seq 1 $((secs * 20))); do
		state=$($PD_TMUX list-panes -t "pd:$win" -F '#{pane_dead}' 2>/dev/null || echo gone)
		case "$state" in 1 | gone) return 0 ;; esac
		sleep 0.05
	done
	pd_fail "the program in window $win did not exit"
}

pd_assert_contains() {
	local haystack=$1 needle=$2 what=${3:-output}
	case "$haystack" in
	*"$needle"*) ;;
	*) pd_fail "$what does not contain '$needle': $haystack" ;;
	esac
}

pd_assert_eq() {
	[ "$1" = "$2" ] || pd_fail "${3:-value}: expected '$2', got '$1'"
}
