#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Boot benchmark: wall time of a sealing boot (marker present, the hook
# powers off) against a plain boot (no marker) of the e2e guest.
#
#   boot.sh BUILDDIR [RUNS]
#
# Each run boots both variants once, one after the other, with the state
# list planted. Times are seconds from starting QEMU, read by polling the
# serial log every 20 ms, so they include QEMU start-up and are accurate to
# about 0.05 s. The plain boot is measured to the start of
# dracut-pre-pivot.service, the point where the hook runs, and further to
# the real root and to power-off. The goal is a sealing boot at most 1.2
# times the plain boot to pre-pivot. Needs root and the packages from
# tests/lib/install-guest-deps.sh.
set -euo pipefail

SYSCLEAN_TEST_LIB=$(cd "$(dirname "$0")/../lib" && pwd)
# shellcheck source-path=SCRIPTDIR/../lib
. "$SYSCLEAN_TEST_LIB/common.sh"
. "$SYSCLEAN_TEST_LIB/state.sh"
. "$SYSCLEAN_TEST_LIB/qemu.sh"

PRE_PIVOT='Starting .*dracut-pre-pivot'
SEALED='sysclean: sealed /sysroot'
REAL_ROOT='sysclean-test: reached the real root'

# Boot IMAGE in the background. Print the seconds to the pre-pivot start, to
# the first console line matching PATTERN and to QEMU's exit, then QEMU's
# exit status. An event that did not happen prints "-".
timed_boot() {
	local image=$1 log=$2 pattern=$3 start now t_pre=- t_event=- t_exit rc=0
	rm -f "$log"
	start=$(date +%s.%N)
	guest_boot_background "$log" "$OUT/vmlinuz" "$OUT/initrd-systemd.img" \
		"console=ttyS0 panic=-1 rd.shell=0 rd.emergency=poweroff root=/dev/vda rw" "$image"
	local deadline=$((SECONDS + ${GUEST_TIMEOUT:-300}))
	while kill -0 "$GUEST_PID" 2>/dev/null; do
		now=$(date +%s.%N)
		if [ "$t_pre" = - ] && grep -qE "$PRE_PIVOT" "$log" 2>/dev/null; then
			t_pre=$(awk -v s="$start" -v e="$now" 'BEGIN { printf "%.2f", e - s }')
		fi
		if [ "$t_event" = - ] && grep -qE "$pattern" "$log" 2>/dev/null; then
			t_event=$(awk -v s="$start" -v e="$now" 'BEGIN { printf "%.2f", e - s }')
		fi
		if [ "$SECONDS" -ge "$deadline" ]; then
			kill -KILL "$GUEST_PID"
			break
		fi
		sleep 0.02
	done
	wait "$GUEST_PID" || rc=$?
	now=$(date +%s.%N)
	t_exit=$(awk -v s="$start" -v e="$now" 'BEGIN { printf "%.2f", e - s }')
	echo "$t_pre $t_event $t_exit $rc"
}

# Print the median of the numbers on standard input.
median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

main() {
	[ $# -ge 1 ] && [ $# -le 2 ] || {
		echo "usage: ${0##*/} BUILDDIR [RUNS]" >&2
		exit 1
	}
	local builddir runs=${2:-3} run variant event work results ratio hook
	builddir=$(realpath "$1")
	require_root
	require_commands qemu-system-x86_64 debugfs

	OUT=$builddir/tests/e2e/guest
	"$SYSCLEAN_TEST_LIB/guest-image.sh" "$builddir" "$OUT"
	work=$(mktemp -d "$OUT/bench.XXXXXX")
	results=$work/results
	: >"$results"

	for ((run = 1; run <= runs; run++)); do
		for variant in marker plain; do
			cp --sparse=always "$OUT/root.img" "$work/root.img"
			STATE_IMAGE=$work/root.img
			state_plant_image "$SYSCLEAN_TEST_LIB/state.list"
			event=$REAL_ROOT
			if [ "$variant" = marker ]; then
				event=$SEALED
				printf '' >"$work/empty"
				debugfs -w -R "write $work/empty /etc/sysclean-pending" "$STATE_IMAGE" >/dev/null 2>&1
				[ "$(observe_image /etc/sysclean-pending)" != absent ] || die "could not plant the marker"
			fi
			# shellcheck disable=SC2046 # four words: three times, a status
			set -- $(timed_boot "$STATE_IMAGE" "$work/$variant.$run.log" "$event")
			[ "$4" = 0 ] || die "the $variant boot of run $run ended with QEMU status $4, see $work/$variant.$run.log"
			[ "$2" != - ] || die "the $variant boot of run $run logged no line matching /$event/, see $work/$variant.$run.log"
			echo "$variant $run $*" >>"$results"
			log "run $run, $variant: pre-pivot ${1}s, event ${2}s, exit ${3}s"
		done
	done

	echo
	echo "sysclean boot benchmark: $runs runs, median seconds from QEMU start"
	echo "machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), accelerator $(guest_accel), guest $GUEST_CPUS vCPUs ${GUEST_MEMORY} MiB"
	echo
	printf '%-10s %12s %18s %12s\n' boot pre-pivot 'sealed/real root' 'QEMU exit'
	for variant in marker plain; do
		printf '%-10s %12s %18s %12s\n' "$variant" \
			"$(awk -v v="$variant" '$1 == v { print $3 }' "$results" | median)" \
			"$(awk -v v="$variant" '$1 == v { print $4 }' "$results" | median)" \
			"$(awk -v v="$variant" '$1 == v { print $5 }' "$results" | median)"
	done
	# Ratios pair the two boots of one run, so a slow moment of the host
	# affects both sides of a ratio.
	ratio=$(awk '$1 == "marker" { m[$2] = $5 } $1 == "plain" { p[$2] = $3 }
		END { for (r in m) printf "%.3f\n", m[r] / p[r] }' "$results" | median)
	hook=$(awk '$1 == "marker" { printf "%.2f\n", $5 - $3 }' "$results" | median)
	echo
	echo "sealing boot to QEMU exit / plain boot to pre-pivot, median of runs: $ratio (goal <= 1.20)"
	echo "sealing boot from pre-pivot start to QEMU exit, median: ${hook}s"
	rm -rf "$work"
}

main "$@"
