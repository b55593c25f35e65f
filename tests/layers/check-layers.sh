#!/usr/bin/env bash
# check-layers.sh — the include rules of the layers (meson.build, HACKING.md), checked on the
# sources: every #include "x.h" of a file must name a header of its own layer or of a layer it
# may use. Prints each crossing as FILE:LINE: LAYER includes HEADER (LAYER); exits 1 if any.
# --self-test: also shows that a crossing added to a copy of the tree is caught, and that the
# build of a lower layer cannot even see the header (its include path lacks it).
# usage: tests/layers/check-layers.sh [--self-test] [SOURCE_ROOT]
set -euo pipefail
self_test=0
if [ "${1:-}" = --self-test ]; then
	self_test=1
	shift
fi
root=$(cd "${1:-$(dirname "$0")/../..}" && pwd)

# layer of a path under the root (the deepest folder that is a layer)
layer_of() {
	case $1 in
	shell/base/*) echo base ;;
	shell/catalog/*) echo catalog ;;
	shell/cmd/*) echo cmd ;;
	shell/*) echo shell ;;
	service/store/*) echo store ;;
	service/net/*) echo net ;;
	service/*) echo service ;;
	tests/*) echo tests ;;
	*) echo other ;;
	esac
}

# may LAYER include from LAYER2?
allowed() {
	local from=$1 to=$2
	[ "$from" = "$to" ] && return 0
	case $from in
	base) return 1 ;;
	store | catalog) [ "$to" = base ] ;;
	net) case $to in base | store) return 0 ;; *) return 1 ;; esac ;;
	shell) case $to in base | catalog) return 0 ;; *) return 1 ;; esac ;;
	cmd) case $to in base | catalog | store | shell) return 0 ;; *) return 1 ;; esac ;;
	service | tests) return 0 ;;
	*) return 1 ;;
	esac
}

check() {
	local tree=$1 bad=0 f line hdr where hl fl
	declare -A home=()
	while IFS= read -r f; do
		home[$(basename "$f")]=$f
	done < <(cd "$tree" && find shell service -name '*.h' | sort)
	while IFS= read -r f; do
		fl=$(layer_of "$f")
		while IFS=: read -r line hdr; do
			hdr=${hdr#*\"}
			hdr=${hdr%\"*}
			where=${home[$hdr]:-}
			[ -n "$where" ] || continue # a system header, or one of the tests' own
			hl=$(layer_of "$where")
			if ! allowed "$fl" "$hl"; then
				echo "$f:$line: $fl includes $hdr ($hl)"
				bad=1
			fi
		done < <(grep -n '^#include "' "$tree/$f" || true)
	done < <(cd "$tree" && find shell service tests -name '*.[ch]' | sort)
	return $bad
}

if ! check "$root"; then
	echo "check-layers: includes cross the layers (see meson.build, HACKING.md)" >&2
	exit 1
fi
echo "check-layers: every include keeps to the layers"

if [ "$self_test" = 1 ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	(cd "$root" && tar cf - shell service tests) | (cd "$tmp" && tar xf -)
	# The base layer reaching up to the store, a command group to the daemon, and a transport
	# to the daemon's sessions.
	sed -i '0,/^#include "utf8.h"/s//#include "utf8.h"\n#include "store.h"/' "$tmp/shell/base/json.c"
	sed -i '0,/^#include "cmd.h"/s//#include "cmd.h"\n#include "server.h"/' "$tmp/shell/cmd/cmd_config.c"
	sed -i '0,/^#include "net_host.h"/s//#include "net_host.h"\n#include "session.h"/' \
		"$tmp/service/net/telnetsrv.c"
	out=$(check "$tmp" || true)
	grep -q 'shell/base/json.c:.*base includes store.h (store)' <<<"$out" ||
		{ echo "check-layers: a base file including store.h was not caught" >&2; exit 1; }
	grep -q 'shell/cmd/cmd_config.c:.*cmd includes server.h (service)' <<<"$out" ||
		{ echo "check-layers: a command group including server.h was not caught" >&2; exit 1; }
	grep -q 'service/net/telnetsrv.c:.*net includes session.h (service)' <<<"$out" ||
		{ echo "check-layers: a transport including session.h was not caught" >&2; exit 1; }
	# And the compiler, given only the base layer's include path, cannot find store.h.
	if printf '#include "store.h"\n' | cc -fsyntax-only -I"$root/shell/base" -x c - 2>/dev/null; then
		echo "check-layers: the base layer's include path reaches store.h" >&2
		exit 1
	fi
	# Nor, given the net layer's (net, store, base), session.h or server.h.
	for h in session.h server.h; do
		if printf '#include "%s"\n' "$h" | cc -fsyntax-only -I"$root/service/net" \
			-I"$root/service/store" -I"$root/shell/base" -x c - 2>/dev/null; then
			echo "check-layers: the net layer's include path reaches $h" >&2
			exit 1
		fi
	done
	echo "check-layers: self-test: crossings are caught, and lower layers cannot see upper headers"
fi
