#!/usr/bin/env bash
# Reports through the real OpenSSH client in exec mode name each agent by account and display
# name: report techniques --by agent and report promises, in text ("agent1 (王小明)") and in
# JSON ("display"); an account without a display name keeps its name alone.
. "$(dirname "$0")/lib.sh"

pd_config
pd_user sup1 supervisor
pd_user agent2 agent
# agent1 with a display name, as an admin would add it.
ssh-keygen -q -t ed25519 -N '' -C "agent1@test" -f "$PD_TMP/agent1.key"
"$PROPDESKD" user add agent1 --role agent --display 王小明 --config "$PD_CONF" \
	--key "$PD_TMP/agent1.key.pub" >/dev/null || pd_fail "user add --display"
pd_start

json() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
en() { local n=$1; shift; pd_ssh "$n" -o SetEnv=LANG=en_US.UTF-8 "$@"; }

due="$(date -d tomorrow +%Y-%m-%d) 10:00"
for a in agent1 agent2; do
	pd_ssh "$a" "complaint add --unit 3-2-901 --category repairs --technique empathy \
		--promise '回电话' --due '$due' '楼道灯坏了'" >/dev/null || pd_fail "complaint add as $a"
done

out=$(en sup1 "report techniques --by agent") || pd_fail "report techniques exited $?"
pd_assert_contains "$out" "agent1 (王小明)" "report techniques: the display name"
python3 - "$out" <<'PY' || pd_fail "agent2 shown with a display name it does not have: $out"
import sys
rows = [l for l in sys.argv[1].splitlines() if "agent2" in l]
sys.exit(0 if rows and all("agent2 (" not in l for l in rows) else 1)
PY
out=$(pd_ssh sup1 "report techniques --by agent --json")
pd_assert_eq "$(json '[(r["agent"], r["display"]) for r in d["rows"]]' <<<"$out")" \
	"[('agent1', '王小明'), ('agent2', None)]" "report techniques --json: display"
out=$(en sup1 "report promises") || pd_fail "report promises exited $?"
pd_assert_contains "$out" "agent1 (王小明)" "report promises: the display name"
out=$(pd_ssh sup1 "report promises --json")
pd_assert_eq "$(json 'sorted((a["agent"], a["display"]) for a in d["agents"])' <<<"$out")" \
	"[('agent1', '王小明'), ('agent2', None)]" "report promises --json: display"

pd_stop
pd_log "ok"
