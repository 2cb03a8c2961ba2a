#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Seal a copy of a real Debian root (debootstrap minbase, cached by
# tests/lib/guest-tree.sh) with `sysclean --root` and compare the result with
# tests/lib/state.list.
#
#   realroot.sh CASE SYSCLEAN
#
# CASE is all (every operation, dry run, second run, escaping symlinks),
# defaults (no --operations) or if-pending (marker handling, success and
# failure). Exit status: 0 pass, 1 fail, 77 skipped (not root).
set -euo pipefail

SYSCLEAN_TEST_LIB=$(cd "$(dirname "$0")/../lib" && pwd)
# shellcheck source-path=SCRIPTDIR/../lib
. "$SYSCLEAN_TEST_LIB/common.sh"
. "$SYSCLEAN_TEST_LIB/state.sh"

STATE_LIST=$SYSCLEAN_TEST_LIB/state.list

fail() {
	echo "FAIL: $case_name: $*" >&2
	exit 1
}

observe_copy() {
	observe_dir "$copy" "$1"
}

# Print one line per file under the copy: type, mode, owner, size, target
# and path, sorted. Equal snapshots mean nothing was changed.
snapshot() {
	(cd "$copy" && find . -printf '%y %m %U:%G %s %l %p\n' | sort)
}

# Run sysclean with ARGS on the copy; stdout to $work/NAME.out, stderr to
# $work/NAME.err. Sets status.
run_sysclean() {
	local name=$1
	shift
	status=0
	"$sysclean" --root="$copy" "$@" >"$work/$name.out" 2>"$work/$name.err" || status=$?
	log "sysclean $* -> exit $status, $(wc -l <"$work/$name.out") lines on stdout"
}

# Fail unless the last run exited with STATUS; show its stderr if not.
expect_status() {
	if [ "$status" -ne "$1" ]; then
		sed 's/^/  stderr: /' "$work/$2.err" >&2
		fail "sysclean exited $status, expected $1"
	fi
}

# Make the copy of the base tree, with the test users, the state list and
# symlinks that point outside the copy.
prepare_copy() {
	local base
	base=$("$SYSCLEAN_TEST_LIB/guest-tree.sh" base)
	log "copying $base"
	cp -a --reflink=auto "$base" "$copy"
	state_add_users "$copy"
	state_plant_dir "$copy" "$STATE_LIST"

	# Followed, these links would let a removal reach files outside the
	# root: absolute links resolve inside it, relative ones are stopped at
	# its top.
	mkdir -p "$outside/log"
	echo sentinel >"$outside/sentinel"
	echo sentinel >"$outside/.bash_history"
	echo sentinel >"$outside/log/kept.log"
	ln -s "$outside" "$copy/var/log/escape-absolute"
	ln -s "../../../../../../../../..$outside/log" "$copy/var/log/escape-relative"
	ln -s "$outside/sentinel" "$copy/var/log/escape-file.log"
	ln -s "$outside" "$copy/home/escape"
	ln -s "$outside" "$copy/var/crash/escape"
}

check_outside_intact() {
	local file
	for file in sentinel .bash_history log/kept.log; do
		[ -f "$outside/$file" ] || fail "$outside/$file outside the root was removed"
	done
}

# Fail unless every path with RESULT (gone or emptied) for the operations
# in SELECTED is named in the listing FILE with VERB (remove or empty),
# itself or, for removals, through an ancestor directory.
check_listed() {
	local file=$1 selected=$2 want_result=$3 verb=$4 type path mode uid gid ops result p found
	while IFS=$'\t' read -r type path mode uid gid ops result; do
		[ "$result" = "$want_result" ] || continue
		ops_selected "$ops" "$selected" || continue
		found=
		p=$path
		while [ -n "$p" ] && [ "$p" != / ]; do
			if grep -qxF "$verb $p" "$file"; then
				found=1
				break
			fi
			[ "$verb" = remove ] || break
			p=$(dirname "$p")
		done
		[ -n "$found" ] || fail "$file does not list '$verb $path'"
	done < <(state_entries "$STATE_LIST")
}

case_all() {
	local before
	prepare_copy
	before=$(snapshot)

	run_sysclean dry-run --operations all --dry-run
	expect_status 0 dry-run
	[ "$(snapshot)" = "$before" ] || fail "--dry-run changed the root"
	[ -s "$work/dry-run.out" ] || fail "--dry-run listed nothing"

	run_sysclean real --operations all -v
	expect_status 0 real
	if ! diff <(sort "$work/dry-run.out") <(sort "$work/real.out") >"$work/lists.diff"; then
		sed 's/^/  /' "$work/lists.diff" >&2
		fail "the --dry-run list differs from the -v list of the real run (< dry run, > real run)"
	fi

	state_check observe_copy "$STATE_ALL_OPS" "$STATE_LIST" ||
		fail "sealing with all operations left the state above wrong"
	check_listed "$work/real.out" "$STATE_ALL_OPS" gone remove
	check_listed "$work/real.out" "$STATE_ALL_OPS" emptied empty
	check_outside_intact
	local link
	for link in escape-absolute escape-relative escape-file.log; do
		[ ! -L "$copy/var/log/$link" ] || fail "the symlink /var/log/$link was not removed"
	done

	local op
	for op in ${STATE_ALL_OPS//,/ }; do
		grep -q "^$op: " "$work/real.err" || fail "stderr has no summary line for $op: $(cat "$work/real.err")"
	done

	before=$(snapshot)
	run_sysclean second --operations all -v
	expect_status 0 second
	[ ! -s "$work/second.out" ] || fail "the second run changed paths: $(head -n 5 "$work/second.out")"
	[ "$(snapshot)" = "$before" ] || fail "the second run changed the root"
}

case_defaults() {
	prepare_copy
	run_sysclean defaults -v
	expect_status 0 defaults
	state_check observe_copy "$STATE_DEFAULT_OPS" "$STATE_LIST" ||
		fail "sealing with the default operations left the state above wrong"
	check_outside_intact
	grep -q '^firewall-rules: ' "$work/defaults.err" &&
		fail "firewall-rules ran without being selected: $(grep '^firewall-rules: ' "$work/defaults.err")"
	return 0
}

case_if_pending() {
	local before
	prepare_copy

	before=$(snapshot)
	run_sysclean no-marker --if-pending
	expect_status 0 no-marker
	[ "$(snapshot)" = "$before" ] || fail "--if-pending without the marker changed the root"

	# A failed item: the marker becomes sysclean-failed with the report.
	echo stuck >"$copy/var/log/immutable.log"
	if ! chattr +i "$copy/var/log/immutable.log" 2>/dev/null; then
		log "the file system of $copy has no immutable flag; skipping the failure half"
		rm -f "$copy/var/log/immutable.log"
	else
		immutable=$copy/var/log/immutable.log
		touch "$copy/etc/sysclean-pending"
		run_sysclean failing --if-pending
		expect_status 2 failing
		[ ! -e "$copy/etc/sysclean-pending" ] || fail "the marker is still there after a failed run"
		[ -f "$copy/etc/sysclean-failed" ] || fail "no /etc/sysclean-failed after a failed run"
		grep -q "/var/log/immutable.log" "$copy/etc/sysclean-failed" ||
			fail "/etc/sysclean-failed does not name the failed path: $(cat "$copy/etc/sysclean-failed")"
		grep -q "^logfiles: failed to [a-z]* '/var/log/immutable.log': " "$work/failing.err" ||
			fail "stderr has no error line for /var/log/immutable.log: $(cat "$work/failing.err")"
		state_check observe_copy "$STATE_DEFAULT_OPS" "$STATE_LIST" ||
			fail "a failed item stopped the cleaning of the state above"
		chattr -i "$immutable"
		immutable=
		rm -f "$copy/var/log/immutable.log" "$copy/etc/sysclean-failed"
	fi

	touch "$copy/etc/sysclean-pending"
	run_sysclean pending --if-pending
	expect_status 0 pending
	[ ! -e "$copy/etc/sysclean-pending" ] || fail "the marker is still there after a successful run"
	[ ! -e "$copy/etc/sysclean-failed" ] || fail "/etc/sysclean-failed after a successful run"
	state_check observe_copy "$STATE_DEFAULT_OPS" "$STATE_LIST" ||
		fail "sealing with --if-pending left the state above wrong"
}

cleanup() {
	if [ -n "${immutable:-}" ]; then
		chattr -i "$immutable" 2>/dev/null || true
	fi
	if [ -n "${tmp:-}" ]; then
		rm -rf --one-file-system "$tmp"
	fi
}

main() {
	[ $# -eq 2 ] || {
		echo "usage: ${0##*/} all|defaults|if-pending SYSCLEAN" >&2
		exit 1
	}
	case_name=$1
	sysclean=$(realpath "$2")
	declare -F "case_${case_name//-/_}" >/dev/null || die "unknown case '$case_name'"
	require_root
	[ -x "$sysclean" ] || die "$sysclean is not an executable"

	immutable=
	tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/sysclean-realroot.XXXXXX")
	trap cleanup EXIT
	copy=$tmp/root
	outside=$tmp/outside
	work=$tmp/work
	mkdir -p "$work"

	"case_${case_name//-/_}"
	log "PASS: $case_name"
}

main "$@"
