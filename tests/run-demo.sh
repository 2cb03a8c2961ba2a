#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Installs what the build needs, builds sysclean and seals the sample root
# from tests/demo: first a dry run, then the real run with every operation,
# then a before/after summary and a check of what had to go and to stay.
#
# Usage: tests/run-demo.sh   (as root; BUILDDIR, SKIP_INSTALL=1 as in run-all.sh)
set -eu

source_root=$(cd "$(dirname "$0")/.." && pwd)
builddir=${BUILDDIR:-$source_root/build}
manifest=$source_root/tests/demo/sample-root.manifest

if [ "$(id -u)" -ne 0 ]; then
	echo "run-demo: run as root: the sample root has files of several owners" >&2
	exit 1
fi

if [ "${SKIP_INSTALL:-0}" != 1 ]; then
	"$source_root/tests/install-deps.sh"
fi
build_log=$(mktemp)
if [ ! -f "$builddir/build.ninja" ] &&
	! meson setup "$builddir" "$source_root" -Dtests=false >"$build_log" 2>&1; then
	cat "$build_log" >&2
	echo "run-demo: meson setup failed (its output is above)" >&2
	exit 1
fi
if ! ninja -C "$builddir" >"$build_log" 2>&1; then
	cat "$build_log" >&2
	echo "run-demo: the build failed (its output is above)" >&2
	exit 1
fi
rm -f "$build_log"
sysclean=$builddir/src/sysclean

workdir=$(mktemp -d /tmp/sysclean-demo.XXXXXX)
root=$workdir/root
"$source_root/tests/demo/make-sample-root.sh" "$root"
touch "$root/etc/sysclean-pending"

# Prints file count and bytes on disk per area.
summarize() {
	local area
	printf '  %-24s %6s %10s\n' AREA FILES "KiB USED"
	for area in /root /home /var/log /var/lib/cloud /var/lib/dhcp /var/lib/NetworkManager \
		/var/crash /etc/firewalld; do
		[ -e "$root$area" ] || continue
		printf '  %-24s %6s %10s\n' "$area" \
			"$(find "$root$area" -type f | wc -l)" \
			"$(du -sk "$root$area" | cut -f1)"
	done
}

echo "== Sample root in $root, before sealing"
summarize

echo
echo "== Dry run: sysclean --root=$root --operations=all --dry-run"
"$sysclean" --root="$root" --operations=all --dry-run >"$workdir/dry-run.txt" 2>"$workdir/dry-run.log"
sed 's/^/  /' "$workdir/dry-run.txt"
sed 's/^/  summary: /' "$workdir/dry-run.log"

echo
echo "== Real run: sysclean --root=$root --operations=all --if-pending -v"
status=0
"$sysclean" --root="$root" --operations=all --if-pending -v >"$workdir/real-run.txt" \
	2>"$workdir/real-run.log" || status=$?
sed 's/^/  summary: /' "$workdir/real-run.log"
echo "  exit status $status"

echo
echo "== After sealing"
summarize

echo
echo "== Checks"
problems=0
# check DESCRIPTION COMMAND...: counts a failure when COMMAND fails.
check() {
	local description=$1
	shift
	if "$@"; then
		echo "  ok    $description"
	else
		echo "  FAIL  $description"
		problems=$((problems + 1))
	fi
}
is_empty_file() { [ -f "$1" ] && [ ! -s "$1" ]; }

check "exit status 0" [ "$status" -eq 0 ]
check "dry run listed exactly what the real run changed" \
	cmp -s "$workdir/dry-run.txt" "$workdir/real-run.txt"
check "marker /etc/sysclean-pending removed" [ ! -e "$root/etc/sysclean-pending" ]

kept=0
gone=0
while read -r type _ _ _ path; do
	case "$type" in
	k)
		if [ -e "$root$path" ]; then kept=$((kept + 1)); else
			echo "  FAIL  configuration lost: $path"
			problems=$((problems + 1))
		fi
		;;
	f)
		case "$path" in
		*/wtmp | */btmp | */faillog)
			[ -f "$root$path" ] && [ ! -s "$root$path" ] && continue
			echo "  FAIL  not emptied in place: $path"
			problems=$((problems + 1))
			;;
		*)
			if [ -e "$root$path" ] || [ -L "$root$path" ]; then
				echo "  FAIL  still there: $path"
				problems=$((problems + 1))
			else gone=$((gone + 1)); fi
			;;
		esac
		;;
	esac
done <"$manifest"
echo "  ok    all $gone per-instance files of the manifest removed, all $kept configuration files kept"
check "log directories kept with mode and owner (nginx 0750 33:4)" \
	[ "$(stat -c %a:%u:%g "$root/var/log/nginx")" = 750:33:4 ]
check "sparse 40 GiB lastlog emptied in place" is_empty_file "$root/var/log/lastlog"

second=$("$sysclean" --root="$root" --operations=all -v 2>"$workdir/second-run.log") || problems=$((problems + 1))
check "a second run changes nothing" [ -z "$second" ]

echo
echo "Dry-run list, run output and the sealed root are in $workdir"
if [ "$problems" -ne 0 ]; then
	echo "$problems checks failed"
	exit 1
fi
echo "all checks passed"
