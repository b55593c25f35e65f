#!/usr/bin/env bash
# audit-verify — the auditors' commands over a big sealed log, through the real service and ssh:
# a desk with N generated events (default 10,000,000; --quick 100,000) written by
# build/propdesk-auditbench through the store's batch path, a thousand to a commit, sealed at
# each commit under the keys that `propdeskd audit init-key` gave; then `audit verify
# --key-stdin` timed with and without the key, `audit list` pages with each filter (p50/p99 on
# a read-only connection, as the thread pool reads them), and `audit export` (JSON lines and
# CSV) timed with the daemon's peak memory while it exports to a fast reader, and to one that
# stops for 5 s. Up to 1,000,000 events both exports are re-verified with the key by the
# independent scripts/audit-verify-export.py (beyond, the files would take gigabytes).
# Prints a table and a last line: RESULT audit events=N verify_key_eps=... verify_eps=...
# export_eps=... export_csv_eps=... list_p99_max_ms=... export_rss_kib=... slow_reader_rss_kib=...
# usage: tests/bench/audit-verify.sh [--quick] [--events N] [--build DIR] [--desks DIR (ignored)]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
n=10000000
builddir=build
while [ $# -gt 0 ]; do
	case $1 in
	--quick) n=100000 ;;
	--events) n=$2; shift ;;
	--build) builddir=$2; shift ;;
	--desks) shift ;;
	*) echo "usage: $0 [--quick] [--events N] [--build DIR]" >&2; exit 2 ;;
	esac
	shift
done
export PROPDESKD=${PROPDESKD:-$root/$builddir/propdeskd}
AUDITBENCH=${AUDITBENCH:-$root/$builddir/propdesk-auditbench}
. "$root/tests/integration/lib.sh"
pd_config audit.seal_events=1000 audit.seal_interval=86400
pd_user auditor1 auditor
"$PROPDESKD" audit init-key --config "$PD_CONF" --out "$PD_TMP/auditor.key" >/dev/null
t0=$(date +%s%N)
"$AUDITBENCH" --db "$PD_STATE/propdesk.db" --key-state "$PD_STATE/audit-seal.key" \
	--events "$n" --every 1000 --pages 200 >"$PD_TMP/gen.txt" || pd_fail "generating the log failed"
t1=$(date +%s%N)
echo "generated $n events in $(( (t1 - t0) / 1000000 )) ms (and timed the list pages)" >&2
pd_start
ms() { local a b; a=$(date +%s%N); "$@" >"$PD_TMP/out" 2>"$PD_TMP/err" || true; b=$(date +%s%N); echo $(( (b - a) / 1000000 )); }
mk=$(ms pd_ssh auditor1 -o SetEnv=LANG=en_US.UTF-8 audit verify --key-stdin <"$PD_TMP/auditor.key")
grep -q "Audit log OK" "$PD_TMP/out" || { cat "$PD_TMP/out" "$PD_TMP/err" >&2; pd_fail "verify with the key failed"; }
m0=$(ms pd_ssh auditor1 -o SetEnv=LANG=en_US.UTF-8 audit verify)
grep -q "Audit log OK" "$PD_TMP/out" || pd_fail "verify failed"
# The daemon's resident memory (KiB); its peak, sampled every 50 ms while a command runs.
rss() { awk '/^VmRSS/ {print $2}' "/proc/$PD_PID/status"; }
rss_peak() {
	local peak=0 r job
	"$@" &
	job=$!
	while kill -0 "$job" 2>/dev/null; do
		r=$(rss); [ "${r:-0}" -gt "$peak" ] && peak=$r
		sleep 0.05
	done
	wait "$job" || true
	echo "$peak" >"$PD_TMP/peak"
}
count() { pd_ssh auditor1 "$@" | wc -l >"$PD_TMP/lines"; }
timed() { local a b; a=$(date +%s%N); "$@"; b=$(date +%s%N); echo $(( (b - a) / 1000000 )) >"$PD_TMP/ms"; }
rss0=$(rss)
rss_peak timed count audit export
mx=$(cat "$PD_TMP/ms") rssx=$(cat "$PD_TMP/peak") lines=$(cat "$PD_TMP/lines")
timed count audit export --format csv
mc=$(cat "$PD_TMP/ms")
if [ "$n" -le 1000000 ]; then
	for f in jsonl csv; do
		pd_ssh auditor1 audit export --format "$f" >"$PD_TMP/export.$f"
		python3 "$root/scripts/audit-verify-export.py" "$PD_TMP/export.$f" \
			--key "$PD_TMP/auditor.key" >/dev/null || pd_fail "the $f export does not verify"
		rm -f "$PD_TMP/export.$f"
	done
fi
# A reader that stops for 5 s after 1 MiB of an export of 300,000 events (about 100 MB): the
# export waits for it, and the daemon does not grow.
slow() { pd_ssh auditor1 audit export --to 300000 | { head -c 1048576 >/dev/null; sleep 5; cat >/dev/null; }; }
rss_peak slow
rsss=$(cat "$PD_TMP/peak")
pd_stop
stall=$(grep -o 'longest turn of the loop was [0-9]* ms' "$PD_LOG" | grep -o "[0-9]*" | tail -1 || true)
eps() { python3 -c "print(int($n * 1000 / max($1, 1)))"; }
listmax=$(awk '/^auditlist/ { for (i = 1; i <= NF; i++) if ($i ~ /^p99_ms=/) { v = substr($i, 8) + 0; if (v > m) m = v } } END { print m + 0 }' "$PD_TMP/gen.txt")
printf '  audit log of %d events (sealed every 1,000; %s)\n' "$n" "$(grep '^auditbench' "$PD_TMP/gen.txt" | cut -d' ' -f3-)"
printf '  %-34s %8s ms %12s events/s\n' "audit verify --key-stdin" "$mk" "$(eps "$mk")"
printf '  %-34s %8s ms %12s events/s\n' "audit verify (no key)" "$m0" "$(eps "$m0")"
printf '  %-34s %8s ms %12s events/s (%d lines)\n' "audit export" "$mx" "$(eps "$mx")" "$lines"
printf '  %-34s %8s ms %12s events/s\n' "audit export --format csv" "$mc" "$(eps "$mc")"
printf '  daemon RSS: %d KiB before; peak %d KiB exporting; peak %d KiB with a reader stalled 5 s\n' \
	"$rss0" "$rssx" "$rsss"
printf '  audit list, a page of 50 (200 pages per filter, read-only connection):\n'
sed -n 's/^auditlist /    /p' "$PD_TMP/gen.txt"
printf '  longest loop turn: %s ms\n' "${stall:-?}"
echo "RESULT audit events=$n verify_key_ms=$mk verify_key_eps=$(eps "$mk") verify_eps=$(eps "$m0") export_eps=$(eps "$mx") export_csv_eps=$(eps "$mc") list_p99_max_ms=$listmax rss_kib=$rss0 export_rss_kib=$rssx slow_reader_rss_kib=$rsss stall_ms=${stall:-na}"
