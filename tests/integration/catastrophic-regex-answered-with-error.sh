#!/usr/bin/env bash
# A catastrophic regular expression over complaints holding long runs of one letter: the user
# gets a clear error within a second or two (PCRE2's match limit), and because the search runs
# on the thread pool with its own read-only connection, another session keeps answering whoami
# within milliseconds while such searches run one after another.
. "$(dirname "$0")/lib.sh"

pd_config
pd_user agent1 agent
pd_user agent2 agent
pd_start

# The oldest complaint holds the runs (newest are searched first, so every search also scans
# all the others before it hits the limit); then ordinary ones, taken four at a time.
run_a=$(head -c 4000 /dev/zero | tr '\0' 'a')
run_x=$(head -c 4000 /dev/zero | tr '\0' 'x')
printf '%s!\n%s!y\n' "$run_a" "$run_x" |
	pd_ssh agent1 "complaint add --unit 1-1-101 --category other --technique patience --stdin" \
		>/dev/null || pd_fail "adding the complaint with long runs exited $?"
for batch in $(seq 1 10); do
	adds=()
	for i in 1 2 3 4; do
		pd_ssh agent1 "complaint add --unit 2-$batch-10$i --category repairs --technique empathy \
			'第${batch}批第${i}件：楼道灯坏了 aaaa xxxx，业主多次来电'" >/dev/null </dev/null &
		adds+=($!)
	done
	for p in "${adds[@]}"; do
		wait "$p" || pd_fail "complaint add in batch $batch failed"
	done
done
n=$(pd_ssh agent1 "complaint list --json --limit 1000" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
pd_assert_eq "$n" "41" "complaints taken"

# One search, timed: an error (status 1, the reason on stderr, nothing on stdout) in < 2 s.
search() { # PATTERN: prints the elapsed milliseconds; fails unless the error came
	local t0 t1 rc=0 out err="$PD_TMP/err.$BASHPID"
	t0=$(date +%s%N)
	out=$(pd_ssh agent2 -o SetEnv=LANG=en_US.UTF-8 "complaint search --regex '$1'" \
		2>"$err" </dev/null) || rc=$?
	t1=$(date +%s%N)
	[ "$rc" -eq 1 ] || pd_fail "search /$1/ exited $rc: $out $(cat "$err")"
	[ -z "$out" ] || pd_fail "search /$1/ wrote to stdout: $out"
	grep -q 'search stopped: .*too costly' "$err" ||
		pd_fail "search /$1/: unclear error: $(cat "$err")"
	echo $(((t1 - t0) / 1000000))
}
for pattern in '(a+)+$' '(x+x+)+y' '(a|aa)+$'; do
	ms=$(search "$pattern")
	pd_log "/$pattern/ answered with an error in $ms ms"
	[ "$ms" -lt 2000 ] || pd_fail "/$pattern/ took $ms ms"
done
# The Chinese message for a zh session.
rc=0
pd_ssh agent1 "complaint search --regex '(a+)+\$'" >/dev/null 2>"$PD_TMP/err" || rc=$?
pd_assert_eq "$rc" "1" "zh search status"
pd_assert_contains "$(cat "$PD_TMP/err")" "搜索已中止" "zh message"

# Searches back to back from three clients while an interactive session is timed.
rtt() { python3 "$(dirname "$0")/rtt.py" "$1" 0.02 $(pd_ssh_opts) -i "$PD_TMP/agent1.key" agent1@127.0.0.1; }
read -r b50 b99 bmax <<<"$(rtt 40)"
pd_log "before: p50 ${b50} ms, p99 ${b99} ms, max ${bmax} ms"
storm() {
	local count=0 ms
	while [ ! -f "$PD_TMP/stop" ]; do
		ms=$(search '(x+x+)+y')
		[ "$ms" -lt 2000 ] || pd_fail "a search during the storm took $ms ms"
		count=$((count + 1))
	done
	echo "$count" >"$PD_TMP/count.$BASHPID"
}
pids=()
for _ in 1 2 3; do
	storm &
	pids+=($!)
done
sleep 1
read -r s50 s99 smax <<<"$(rtt 100)"
touch "$PD_TMP/stop"
for p in "${pids[@]}"; do
	wait "$p" || pd_fail "a search client failed"
done
searches=$(cat "$PD_TMP"/count.* | paste -sd+ | bc)
pd_log "during $searches catastrophic searches: p50 ${s50} ms, p99 ${s99} ms, max ${smax} ms"
[ "$searches" -ge 6 ] || pd_fail "only $searches searches ran during the measurement"
python3 - "$s99" <<'PY' || pd_fail "p99 round trip ${s99} ms during the searches"
import sys
sys.exit(0 if float(sys.argv[1]) < 100.0 else 1)
PY

# The service is intact: a plain search still answers.
out=$(pd_ssh agent1 "complaint search 楼道灯 --json --limit 5")
pd_assert_eq "$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))' <<<"$out")" "5" \
	"plain search after the storm"
pd_stop
pd_log "ok"
