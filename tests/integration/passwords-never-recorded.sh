#!/usr/bin/env bash
# A password never reaches a session's recording. In a real terminal (tmux, the real ssh
# client) an admin runs `user add` and `user passwd`: the generated passwords are on the screen,
# and the recording has "[withheld: password]" in their place. The admin then changes their own
# password with `passwd`: what is typed at the echo-off prompts is neither on the screen nor in
# the recording. The passwords work afterwards; exec mode still prints a generated password.
. "$(dirname "$0")/lib.sh"

rec="$PD_STATE/recordings"
old_pw='Adm1n-old-pass'
new_pw='Adm1n-new-pass'

pd_config
pd_user admin1 admin "$old_pw"
pd_start

pd_tmux_start t "$(pd_ssh_cmd admin1 -tt -o SetEnv=LANG=en_US.UTF-8)"
pd_tmux_wait t 'admin1>'
pd_tmux_type t "user add bob --role agent"
pd_tmux_send t Enter
pd_tmux_wait t 'shown once, hand it over safely\): [A-Za-z0-9]{12}'
pw1=$(pd_tmux_screen t | grep -oE 'safely\): [A-Za-z0-9]{12}' | tail -n 1 | cut -d' ' -f2)
pd_tmux_wait t 'admin1> *$'
pd_tmux_type t "user passwd bob"
pd_tmux_send t Enter
pd_tmux_wait t 'Password of bob reset'
pd_tmux_wait t 'admin1> *$'
pw2=$(pd_tmux_screen t | grep -oE 'safely\): [A-Za-z0-9]{12}' | tail -n 1 | cut -d' ' -f2)
[ -n "$pw1" ] && [ -n "$pw2" ] && [ "$pw1" != "$pw2" ] || pd_fail "passwords on screen: '$pw1' '$pw2'"

pd_tmux_type t "passwd"
pd_tmux_send t Enter
pd_tmux_wait t 'Current password: *$'
pd_tmux_type t "$old_pw"
pd_tmux_send t Enter
pd_tmux_wait t 'New password: *$'
pd_tmux_type t "$new_pw"
pd_tmux_send t Enter
pd_tmux_wait t 'New password again: *$'
pd_tmux_type t "$new_pw"
pd_tmux_send t Enter
pd_tmux_wait t 'Password changed'
screen=$(pd_tmux_screen t)
case "$screen" in
*"$old_pw"* | *"$new_pw"*) pd_fail "a typed password was echoed: $screen" ;;
esac
pd_tmux_type t "quit"
pd_tmux_send t Enter
pd_tmux_wait_dead t

# The passwords work: bob with the second generated one, admin1 with the new one.
out=$(pd_ssh_password bob "$pw2" whoami) || pd_fail "bob cannot log in with the reset password"
pd_assert_contains "$out" "bob" "bob's whoami"
out=$(pd_ssh_password admin1 "$new_pw" whoami) || pd_fail "admin1 cannot log in with the new password"
pd_assert_contains "$out" "admin1" "admin1's whoami"
# Exec mode (not recorded) still prints a generated password on stdout.
out=$(pd_ssh admin1 user add carol --role agent) || pd_fail "exec user add failed"
echo "$out" | grep -qE '[:：] ?[A-Za-z0-9]{12}$' || pd_fail "exec user add shows no password: $out"
pd_stop

python3 - "$rec" "$pw1" "$pw2" "$old_pw" "$new_pw" <<'EOF' || pd_fail "a secret is in the recording"
import glob, json, sys

rec, *secrets = sys.argv[1:]
files = glob.glob(rec + "/*/*-admin1.cast")
assert len(files) == 1, files
raw = open(files[0], encoding="utf-8").read()
for s in secrets:
    assert s not in raw, f"secret {s!r} is in the recording file"
lines = raw.split("\n")[:-1]
out = "".join(json.loads(l)[2] for l in lines[1:] if json.loads(l)[1] == "o")
n = out.count("[withheld: password]")
assert n == 2, f"{n} withheld markers in the recorded output, expected 2"
for needle in ("shown once, hand it over safely): [withheld: password]", "Password of bob reset",
               "Current password: ", "New password again: ", "Password changed"):
    assert needle in out, f"{needle!r} not in the recorded output"
print(f"recording ok: {len(lines) - 1} events, {n} passwords withheld")
EOF
pd_log "ok"
