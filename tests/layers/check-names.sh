#!/usr/bin/env bash
# check-names.sh — every name a source file exports starts with the file's own name
# (store_unit.c: store_unit_*), so that a name says where it lives. Reads the objects that
# meson built from shell/ and service/ (nm). Prints each FILE: NAME that does not; exits 1 if
# any.
# usage: tests/layers/check-names.sh BUILD_DIR
set -euo pipefail
build=${1:?usage: check-names.sh BUILD_DIR}
bad=0
n=0
while IFS= read -r o; do
	# meson names an object after its source path: shell_cmd_cmd_unit.c.o
	base=$(basename "$o" .c.o)
	for layer in shell_base_ shell_catalog_ shell_cmd_ service_store_ service_net_ shell_ service_; do
		if [ "${base#"$layer"}" != "$base" ]; then
			base=${base#"$layer"}
			break
		fi
	done
	n=$((n + 1))
	while read -r sym; do
		case $sym in
		"$base" | "$base"_* | main) ;;
		__*) ;; # the compiler's and sanitizers' own (__odr_asan.NAME)
		*)
			echo "$o: $sym"
			bad=1
			;;
		esac
	done < <(nm --defined-only -g "$o" | awk '$2 ~ /^[TDBRC]$/ {print $3}')
done < <(find "$build" -path '*.p/*' -name '*.c.o' \( -path '*pd-*' -o -path '*propdeskd.p*' \) \
	\( -name 'shell_*' -o -name 'service_*' \) | sort)
[ "$n" -gt 0 ] || { echo "check-names: no objects under $build" >&2; exit 1; }
if [ "$bad" = 1 ]; then
	echo "check-names: exported names without their file's prefix" >&2
	exit 1
fi
echo "check-names: $n objects, every exported name has its file's prefix"
