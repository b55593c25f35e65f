#!/usr/bin/env bash
# `meson install` into a scratch root: the daemon, the configuration and the catalogs land
# where the installed systemd unit looks for them, the installed configuration passes the
# daemon's own check, and both the shipped unit (etc/propdesk.service) and the installed one
# are sandboxed to a `systemd-analyze security` exposure of 2.0 or lower.
# Usage: installed-where-the-unit-expects.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
src=$2
max=2.0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/propdesk-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "SKIP: no systemd-analyze" >&2
	exit 77
fi

# exposure UNIT: the overall exposure level systemd-analyze gives UNIT.
exposure() {
	systemd-analyze security --offline=yes "$1" 2>&1 |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p'
}

meson install -C "$build" --no-rebuild --quiet --destdir "$tmp/root" >/dev/null
unit=$(find "$tmp/root" -path '*/lib/systemd/system/propdesk.service' | head -n 1)
[ -n "$unit" ] || fail "no propdesk.service installed"

for u in "$src/etc/propdesk.service" "$unit"; do
	level=$(exposure "$u")
	[ -n "$level" ] || fail "systemd-analyze gave no exposure level for $u"
	awk -v l="$level" -v m="$max" 'BEGIN { exit !(l <= m) }' ||
		fail "$u: exposure $level, above $max"
	echo "$u: exposure $level"
done

# The unit's paths, found inside the scratch root.
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
bin=$(awk '{print $1}' <<<"$exec_start")
conf=$(sed -n 's/.*--config \([^ ]*\).*/\1/p' <<<"$exec_start")
[ -x "$tmp/root$bin" ] || fail "ExecStart names $bin, not installed"
[ -f "$tmp/root$conf" ] || fail "ExecStart's configuration $conf is not installed"
for f in techniques.ini categories.ini suggest.ini; do
	[ -f "$(dirname "$tmp/root$conf")/$f" ] || fail "$f is not installed beside $conf"
done
grep -q '^state_dir = /var/lib/propdesk$' "$tmp/root$conf" ||
	fail "the installed configuration does not keep its state in /var/lib/propdesk"
grep -q '^StateDirectory=propdesk$' "$unit" || fail "the unit's StateDirectory moved"
grep -q '^User=propdesk$' "$unit" || fail "the unit does not run as propdesk"
grep -q '^UMask=0077$' "$unit" || fail "the unit's UMask is not 0077"
# The installed daemon accepts the installed configuration (catalogs read beside it).
"$tmp/root$bin" check-config --config "$tmp/root$conf" >"$tmp/check.out" 2>&1 ||
	{ cat "$tmp/check.out" >&2; fail "check-config refuses the installed configuration"; }
echo "ok"
