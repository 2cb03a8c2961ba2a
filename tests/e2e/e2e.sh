#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# End-to-end scenarios: boot a real Debian guest under QEMU with a dracut
# initramfs that contains the sysclean module (late-boot uses one without
# it), then inspect its disk.
#
#   e2e.sh SCENARIO BUILDDIR OUTDIR
#
# BUILDDIR is the meson build directory whose `meson install` goes into the
# guest. OUTDIR contains the shared guest artefacts (tests/lib/guest-image.sh)
# and each scenario's disk images. Console logs are kept in
# BUILDDIR/meson-logs/e2e/. Exit status: 0 pass, 1 fail, 77 skipped.
set -euo pipefail

SYSCLEAN_TEST_LIB=$(cd "$(dirname "$0")/../lib" && pwd)
# shellcheck source-path=SCRIPTDIR/../lib
. "$SYSCLEAN_TEST_LIB/common.sh"
. "$SYSCLEAN_TEST_LIB/state.sh"
. "$SYSCLEAN_TEST_LIB/qemu.sh"

STATE_LIST=$SYSCLEAN_TEST_LIB/state.list
VAR_LOG_AUDIT_STATE_LIST=$SYSCLEAN_TEST_LIB/state-var-log-audit.list
MARKER=/etc/sysclean-pending
FAILED_MARKER=/etc/sysclean-failed
REACHED=/sysclean-test-reached-root
REACHED_LINE='sysclean-test: reached the real root'
REACHED_UNIT_LINK=/etc/systemd/system/sysinit.target.wants/sysclean-test-reached-root.service
# Login records that the logfiles operation empties in place.
EMPTIED_LOGS='wtmp btmp lastlog faillog tallylog'
CMDLINE_BASE="console=ttyS0 panic=-1 rd.shell=0 rd.emergency=poweroff"

# Print MESSAGE, the console lines that explain it, and where the full log
# is, then exit with status 1.
fail() {
	echo "FAIL: $scenario: $*" >&2
	if [ -n "${console:-}" ] && [ -f "$console" ]; then
		echo "--- sysclean and error lines of $console:" >&2
		grep -E 'sysclean|emergency|Kernel panic|Failed to|FAILED|error' "$console" | tail -n 40 >&2 || true
	fi
	echo "--- images kept in $work" >&2
	exit 1
}

# Fail unless the console log has a line matching the extended regex.
console_has() {
	grep -qE "$1" "$console" || fail "console has no line matching /$1/"
}

# Fail if the console log has a line matching the extended regex.
console_lacks() {
	local line
	if line=$(grep -m1 -E "$1" "$console"); then
		fail "console has the unexpected line: $line"
	fi
}

# Fail unless PATH exists in the guest's images (image_for_path picks the
# image of the file system that contains it).
image_has() {
	[ "$(observe_image "$1")" != absent ] || fail "$1 is missing from the guest disk"
}

# Fail if PATH exists in the guest's images (see image_has).
image_lacks() {
	[ "$(observe_image "$1")" = absent ] || fail "$1 is still on the guest disk: $(observe_image "$1")"
}

# Print the contents of the regular file PATH in IMAGE.
image_cat() {
	debugfs -R "cat \"$2\"" "$1" 2>/dev/null
}

# Write the text TEXT to PATH in IMAGE, replacing any file there.
image_write() {
	local image=$1 path=$2 text=$3 tmp
	tmp=$(mktemp)
	printf '%s' "$text" >"$tmp"
	debugfs -w -f - "$image" >/dev/null 2>&1 <<-CMDS
		rm "$path"
		write $tmp "$path"
	CMDS
	rm -f "$tmp"
	[ "$(debugfs_stat "$image" "$path" | awk '/^User:/ { print $8 }')" = "${#text}" ] ||
		fail "debugfs could not write $path into $image"
}

# Copy the shared root image for this scenario and plant the state list.
prepare_root() {
	cp --sparse=always "$OUT/root.img" "$work/root.img"
	STATE_IMAGE=$work/root.img
	state_plant_image "$STATE_LIST"
}

plant_marker() {
	image_write "$STATE_IMAGE" "$MARKER" ""
}

# Boot the guest with the initramfs variant (systemd, shell or no-sysclean)
# and the extra kernel command line arguments, the console going to the
# next log file. Sets console and boot_status.
boot() {
	local variant=$1 extra=$2 disks=("$work/root.img")
	[ -n "${STATE_VAR_IMAGE:-}" ] && disks+=("$STATE_VAR_IMAGE")
	[ -n "${STATE_VAR_LOG_AUDIT_IMAGE:-}" ] && disks+=("$STATE_VAR_LOG_AUDIT_IMAGE")
	boot_count=$((boot_count + 1))
	console=$LOGDIR/$scenario.boot$boot_count.log
	rm -f "$console"
	log "boot $boot_count: $variant initramfs, '$extra'"
	boot_status=0
	guest_boot "$console" "$OUT/vmlinuz" "$OUT/initrd-$variant.img" \
		"$CMDLINE_BASE $extra" "${disks[@]}" || boot_status=$?
	log "boot $boot_count: QEMU exited with status $boot_status after ${GUEST_BOOT_SECONDS}s"
	if [ "$boot_status" -eq 124 ] || [ "$boot_status" -eq 137 ]; then
		fail "boot $boot_count timed out after ${GUEST_TIMEOUT:-300}s"
	fi
}

# Check an image after a boot with e2fsck -fy. With "clean", the file system
# must need no repair (the hook unmounted it); otherwise journal replay
# (exit status 1) is accepted.
fsck_image() {
	local image=$1 mode=${2:-} rc=0
	e2fsck -fy "$image" >"$work/e2fsck.log" 2>&1 || rc=$?
	if [ "$mode" = clean ] && [ "$rc" -ne 0 ]; then
		fail "e2fsck -fy $image exited $rc, the file system was not left clean: $(tail -n 5 "$work/e2fsck.log")"
	fi
	[ "$rc" -le 1 ] || fail "e2fsck -fy $image exited $rc: $(tail -n 5 "$work/e2fsck.log")"
}

# Checks shared by the scenarios that seal with the default operations.
check_sealed() {
	state_check observe_image "$STATE_DEFAULT_OPS" "$STATE_LIST" ||
		fail "the default operations left the state above wrong"
	image_lacks "$MARKER"
	image_lacks "$FAILED_MARKER"
	console_has 'sysclean: sealing /sysroot'
	local op
	for op in ${STATE_DEFAULT_OPS//,/ }; do
		console_has "sysclean: $op: "
	done
	console_lacks 'sysclean: .*failed'
}

# Checks for a boot that powered off from the initramfs without reaching the
# real root.
check_powered_off_in_initramfs() {
	[ "$boot_status" -eq 0 ] || fail "QEMU exited with status $boot_status, expected 0 (power-off)"
	console_has 'reboot: Power down'
	console_lacks "$REACHED_LINE"
	image_lacks "$REACHED"
}

# Checks for a boot that reached the real root (the test unit powered off).
check_reached_root() {
	[ "$boot_status" -eq 0 ] || fail "QEMU exited with status $boot_status, expected 0 (power-off)"
	console_has "$REACHED_LINE"
	image_has "$REACHED"
}

# Fail unless the image enables the late-boot sysclean.service that
# `meson install` installs: the unit in a directory systemd reads, and its
# multi-user.target.wants link.
check_late_boot_unit() {
	local dir unit_dir=
	for dir in /etc/systemd/system /usr/lib/systemd/system /lib/systemd/system; do
		if [ "$(observe_image "$dir/sysclean.service")" != absent ]; then
			unit_dir=$dir
			break
		fi
	done
	[ -n "$unit_dir" ] ||
		fail "the guest image has no sysclean.service in /etc, /usr/lib or /lib/systemd/system; check that meson install installs it"
	image_cat "$STATE_IMAGE" "$unit_dir/sysclean.service" |
		grep -qE '^ExecStart=/usr/sbin/sysclean --live --if-pending$' ||
		fail "$unit_dir/sysclean.service does not run '/usr/sbin/sysclean --live --if-pending'"
	[ "$(observe_image "$unit_dir/multi-user.target.wants/sysclean.service")" = "l ../sysclean.service" ] ||
		fail "$unit_dir/multi-user.target.wants/sysclean.service is not a link to ../sysclean.service: $(observe_image "$unit_dir/multi-user.target.wants/sysclean.service")"
	log "the image enables $unit_dir/sysclean.service"
}

# Fail if the initramfs variant contains anything of the sysclean module.
check_initramfs_lacks_sysclean() {
	local variant=$1 copy listing
	copy=/tmp/initrd-$scenario.img
	cp "$OUT/initrd-$variant.img" "$OUT/tree$copy"
	listing=$(chroot_run "$OUT/tree" lsinitrd "$copy") || {
		rm -f "$OUT/tree$copy"
		fail "lsinitrd failed on $OUT/initrd-$variant.img"
	}
	rm -f "$OUT/tree$copy"
	printf '%s\n' "$listing" >"$LOGDIR/$scenario.lsinitrd.txt"
	grep -qE ' usr/lib/systemd/systemd$' <<<"$listing" ||
		fail "lsinitrd printed no usr/lib/systemd/systemd for $OUT/initrd-$variant.img (listing in $LOGDIR/$scenario.lsinitrd.txt)"
	if grep -E 'sysclean' <<<"$listing" >&2; then
		fail "$OUT/initrd-$variant.img contains the sysclean files above (listing in $LOGDIR/$scenario.lsinitrd.txt)"
	fi
}

# Fail unless the on-disk /var/log of STATE_IMAGE contains directories and
# empty login records only. The live logfiles stage mounts a tmpfs copy
# over each log directory and removes the files underneath, so whatever
# the boot logged before sealing (journal, wtmp records) must be gone from
# the disk too, not only the planted files.
check_disk_var_log_empty() {
	local dump=$work/var-log-dump path size name found=0
	rm -rf "$dump"
	mkdir -p "$dump"
	debugfs -R "rdump /var/log \"$dump\"" "$STATE_IMAGE" >"$work/rdump.log" 2>&1
	[ -d "$dump/log" ] || fail "debugfs could not dump /var/log: $(tail -n 3 "$work/rdump.log")"
	while IFS=' ' read -r size path; do
		name=${path##*/}
		if [ "$path" = "$name" ] && [[ " $EMPTIED_LOGS " = *" $name "* ]] && [ "$size" = 0 ]; then
			continue
		fi
		echo "left on disk: /var/log/$path ($size bytes)" >&2
		found=1
	done < <(find "$dump/log" ! -type d -printf '%s %P\n' | sort -k2)
	[ "$found" -eq 0 ] || fail "the on-disk /var/log still contains the files above"
}

# Checks for a live seal with the default operations. Entries under /run
# were planted in the root file system's /run, which the running system's
# tmpfs /run hides. A live run cannot reach them, so they must be unchanged.
check_live_sealed() {
	local op
	grep -vE '^[dfl] /run/' "$STATE_LIST" >"$work/state-disk.list"
	grep -E '^[dfl] /run/' "$STATE_LIST" >"$work/state-run.list" ||
		fail "$STATE_LIST has no entries under /run"
	state_check observe_image "$STATE_DEFAULT_OPS" "$work/state-disk.list" ||
		fail "the live run left the state above wrong"
	state_check observe_image "" "$work/state-run.list" ||
		fail "the live run changed the root file system's /run, hidden under the tmpfs /run"
	check_disk_var_log_empty
	image_lacks "$MARKER"
	image_lacks "$FAILED_MARKER"
	for op in ${STATE_DEFAULT_OPS//,/ }; do
		console_has "sysclean\[[0-9]+\]: $op: "
	done
	console_lacks 'sysclean\[[0-9]+\]: .*failed'
}

scenario_marker_defaults() {
	prepare_root
	plant_marker
	boot systemd "root=/dev/vda rw"
	check_powered_off_in_initramfs
	fsck_image "$STATE_IMAGE" clean
	check_sealed
}

scenario_shell_initramfs() {
	prepare_root
	plant_marker
	boot shell "root=/dev/vda rw"
	check_powered_off_in_initramfs
	fsck_image "$STATE_IMAGE" clean
	check_sealed
}

scenario_no_marker() {
	prepare_root
	boot systemd "root=/dev/vda rw"
	check_reached_root
	fsck_image "$STATE_IMAGE"
	console_lacks 'sysclean: '
	state_check observe_image "" "$STATE_LIST" || fail "a boot without the marker changed the state above"
	image_lacks "$FAILED_MARKER"
}

scenario_readonly_root() {
	prepare_root
	plant_marker
	# continue lets the test unit report how the initramfs left the root.
	boot systemd "root=/dev/vda ro rd.sysclean.action=continue"
	check_reached_root
	fsck_image "$STATE_IMAGE"
	check_sealed
	console_has 'sysclean: remounted /sysroot read-write'
	image_cat "$STATE_IMAGE" "$REACHED" | grep -qE '^root-options=ro(,|$)' ||
		fail "the real root was not read-only after sealing: $(image_cat "$STATE_IMAGE" "$REACHED")"
}

scenario_separate_var() {
	local uuid
	cp --sparse=always "$OUT/root.img" "$work/root.img"
	STATE_IMAGE=$work/root.img
	uuid=$(cat /proc/sys/kernel/random/uuid)
	mkfs.ext4 -q -F -L sysclean-var -U "$uuid" -d "$OUT/tree/var" "$work/var.img" 512M >/dev/null
	image_write "$STATE_IMAGE" /etc/fstab "UUID=$uuid /var ext4 defaults 0 2
"
	# A file in the root file system's own /var, hidden under the mount:
	# sealing must clean the mounted /var, not this one.
	image_write "$STATE_IMAGE" /var/log/hidden-under-var-mount.log "hidden
"
	STATE_VAR_IMAGE=$work/var.img
	state_plant_image "$STATE_LIST"
	plant_marker

	boot systemd "root=/dev/vda rw"
	check_powered_off_in_initramfs
	fsck_image "$STATE_IMAGE" clean
	fsck_image "$STATE_VAR_IMAGE" clean
	check_sealed
	STATE_VAR_IMAGE='' image_has /var/log/hidden-under-var-mount.log
}

# /var and /var/log/audit on disks of their own, both listed in fstab by
# UUID, as CIS benchmarks recommend. The hook mounts both, and the logfiles
# operation must cross into /var/log/audit, a file system that sysclean
# mounted itself, remove the audit logs on it and keep its mount point.
scenario_separate_var_log_audit() {
	local var_uuid audit_uuid
	cp --sparse=always "$OUT/root.img" "$work/root.img"
	STATE_IMAGE=$work/root.img
	var_uuid=$(cat /proc/sys/kernel/random/uuid)
	audit_uuid=$(cat /proc/sys/kernel/random/uuid)
	mkfs.ext4 -q -F -L sysclean-var -U "$var_uuid" -d "$OUT/tree/var" "$work/var.img" 512M >/dev/null
	mkfs.ext4 -q -F -L sysclean-audit -U "$audit_uuid" "$work/audit.img" 64M >/dev/null
	image_write "$STATE_IMAGE" /etc/fstab "UUID=$var_uuid /var ext4 defaults 0 2
UUID=$audit_uuid /var/log/audit ext4 defaults 0 2
"
	# The mount point directory on the /var disk gets a file that the
	# mounted /var/log/audit hides. Sealing must clean the mounted file
	# system and leave this file alone.
	debugfs -w -R "mkdir /log/audit" "$work/var.img" >/dev/null 2>&1
	image_write "$work/var.img" /log/audit/hidden-under-audit-mount.log "hidden
"
	STATE_VAR_IMAGE=$work/var.img
	STATE_VAR_LOG_AUDIT_IMAGE=$work/audit.img
	state_plant_image "$STATE_LIST" "$VAR_LOG_AUDIT_STATE_LIST"
	image_has /var/log/audit/lost+found
	plant_marker

	boot systemd "root=/dev/vda rw"
	check_powered_off_in_initramfs
	fsck_image "$STATE_IMAGE" clean
	fsck_image "$STATE_VAR_IMAGE" clean
	fsck_image "$STATE_VAR_LOG_AUDIT_IMAGE" clean
	console_has "sysclean: mounted /var from UUID=$var_uuid "
	console_has "sysclean: mounted /var/log/audit from UUID=$audit_uuid "
	console_lacks "sysclean: logfiles: skipped '/var/log/audit'"
	check_sealed
	state_check observe_image "$STATE_DEFAULT_OPS" "$VAR_LOG_AUDIT_STATE_LIST" ||
		fail "the default operations left the state above wrong on the /var/log/audit disk"
	image_has /var/log/audit/lost+found
	STATE_VAR_LOG_AUDIT_IMAGE='' image_has /var/log/audit/hidden-under-audit-mount.log
}

scenario_rd_sysclean_0() {
	prepare_root
	plant_marker
	boot systemd "root=/dev/vda rw rd.sysclean=0"
	check_reached_root
	fsck_image "$STATE_IMAGE"
	console_has 'rd.sysclean=0'
	image_has "$MARKER"
	state_check observe_image "" "$STATE_LIST" || fail "rd.sysclean=0 changed the state above"
}

scenario_action_reboot() {
	prepare_root
	plant_marker
	boot systemd "root=/dev/vda rw rd.sysclean.action=reboot"
	[ "$boot_status" -eq 0 ] || fail "QEMU exited with status $boot_status, expected 0 (reboot with -no-reboot)"
	# sysrq b resets at once, without the kernel's "reboot:" line.
	console_has 'sysrq: Resetting|reboot: Restarting system'
	console_lacks "$REACHED_LINE"
	image_lacks "$REACHED"
	fsck_image "$STATE_IMAGE" clean
	check_sealed
}

scenario_action_continue() {
	prepare_root
	plant_marker
	boot systemd "root=/dev/vda rw rd.sysclean.action=continue"
	check_reached_root
	fsck_image "$STATE_IMAGE"
	check_sealed
	console_has 'sysclean: sealed /sysroot'
}

scenario_failure() {
	local flags
	prepare_root
	# An immutable file makes unlink fail with EPERM even for root.
	image_write "$STATE_IMAGE" /var/log/immutable.log "cannot be removed
"
	flags=$(debugfs_stat "$STATE_IMAGE" /var/log/immutable.log | awk '/^Inode:/ { print $8 }')
	debugfs -w -R "sif /var/log/immutable.log flags $(printf '0x%x' $((flags | 0x10)))" \
		"$STATE_IMAGE" >/dev/null 2>&1
	debugfs_stat "$STATE_IMAGE" /var/log/immutable.log | grep -qE 'Flags: 0x[0-9a-f]*1[0-9a-f]$' ||
		fail "debugfs could not set the immutable flag on /var/log/immutable.log"
	plant_marker

	boot systemd "root=/dev/vda rw"
	check_reached_root
	fsck_image "$STATE_IMAGE"
	image_lacks "$MARKER"
	image_has "$FAILED_MARKER"
	image_cat "$STATE_IMAGE" "$FAILED_MARKER" | grep -q 'immutable.log' ||
		fail "$FAILED_MARKER does not name the file that could not be removed: $(image_cat "$STATE_IMAGE" "$FAILED_MARKER")"
	console_has "logfiles: failed to .*/var/log/immutable.log"
	console_has 'sysclean: sealing /sysroot failed'
	image_has /var/log/immutable.log
	# Every other planted path is cleaned: operations go on past a failure.
	state_check observe_image "$STATE_DEFAULT_OPS" "$STATE_LIST" ||
		fail "a failed item stopped the cleaning of the state above"
}

scenario_interrupted() {
	local count=${SYSCLEAN_TEST_BULK_FILES:-20000} i
	prepare_root
	# Enough log files that the run lasts long enough to be cut off.
	{
		echo 'mkdir /var/log/bulk'
		for ((i = 0; i < count; i++)); do
			echo "write /dev/null /var/log/bulk/entry-$i.log"
		done
	} >"$work/bulk.cmds"
	debugfs -w -f "$work/bulk.cmds" "$STATE_IMAGE" >/dev/null 2>&1
	image_has "/var/log/bulk/entry-$((count - 1)).log"
	plant_marker

	boot_count=1
	console=$LOGDIR/$scenario.boot1.log
	rm -f "$console"
	log "boot 1: systemd initramfs, killed once sysclean starts"
	guest_boot_background "$console" "$OUT/vmlinuz" "$OUT/initrd-systemd.img" \
		"$CMDLINE_BASE root=/dev/vda rw" "$STATE_IMAGE"
	if ! wait_for_console "$console" 'sysclean: sealing /sysroot' "${GUEST_TIMEOUT:-300}" "$GUEST_PID"; then
		kill -KILL "$GUEST_PID" 2>/dev/null || true
		wait "$GUEST_PID" 2>/dev/null || true
		fail "the hook never started sealing"
	fi
	kill -KILL "$GUEST_PID"
	wait "$GUEST_PID" 2>/dev/null || true
	log "boot 1: killed QEMU (pid $GUEST_PID) after the hook started"

	fsck_image "$STATE_IMAGE"
	if [ "$(observe_image "$MARKER")" = absent ]; then
		fail "the run finished before QEMU was killed, so nothing was interrupted; raise SYSCLEAN_TEST_BULK_FILES (now $count)"
	fi
	console_lacks 'sysclean: sealed /sysroot'

	boot systemd "root=/dev/vda rw"
	check_powered_off_in_initramfs
	fsck_image "$STATE_IMAGE" clean
	check_sealed
	image_lacks "/var/log/bulk/entry-0.log"
	image_lacks "/var/log/bulk/entry-$((count - 1)).log"
}

scenario_default_initramfs() {
	local kver listing
	kver=$(cat "$OUT/kernel-version")
	# dracut's default module list, not naming sysclean: the module must
	# include itself once installed.
	log "building the default initramfs (dracut -f --no-hostonly)"
	chroot_run "$OUT/tree" dracut --quiet --force --no-hostonly --no-early-microcode \
		/tmp/initrd-default.img "$kver" >"$work/dracut.log" 2>&1 ||
		fail "dracut failed: $(tail -n 5 "$work/dracut.log")"
	listing=$(chroot_run "$OUT/tree" lsinitrd /tmp/initrd-default.img)
	rm -f "$OUT/tree/tmp/initrd-default.img"
	printf '%s\n' "$listing" >"$LOGDIR/$scenario.lsinitrd.txt"
	grep -qE ' usr/sbin/sysclean$' <<<"$listing" ||
		fail "the default initramfs has no usr/sbin/sysclean (listing in $LOGDIR/$scenario.lsinitrd.txt)"
	grep -qE 'hooks/pre-pivot/[0-9]+-sysclean[^ ]*\.sh$' <<<"$listing" ||
		fail "the default initramfs has no sysclean pre-pivot hook (listing in $LOGDIR/$scenario.lsinitrd.txt)"
}

# The late-boot fallback: an initramfs without the sysclean module leaves
# the marker in place, and sysclean.service seals the running system once
# multi-user.target is reached, then forces a power-off.
scenario_late_boot() {
	prepare_root
	check_late_boot_unit
	# The test unit powers off before sysinit.target, long before
	# multi-user.target, so disable it in this scenario's copy only.
	debugfs -w -R "rm $REACHED_UNIT_LINK" "$STATE_IMAGE" >/dev/null 2>&1
	image_lacks "$REACHED_UNIT_LINK"
	plant_marker
	check_initramfs_lacks_sysclean no-sysclean

	boot no-sysclean "root=/dev/vda rw"
	[ "$boot_status" -eq 0 ] || fail "QEMU exited with status $boot_status, expected 0 (power-off)"
	console_has 'reboot: Power down'
	console_lacks 'sysclean: sealing /sysroot'
	console_lacks "$REACHED_LINE"
	image_lacks "$REACHED"
	fsck_image "$STATE_IMAGE"
	check_live_sealed
}

# Build or reuse the shared guest artefacts. main does it for every
# scenario, so this one only makes the build a test of its own.
scenario_guest_image() {
	:
}

main() {
	[ $# -eq 3 ] || {
		echo "usage: ${0##*/} SCENARIO BUILDDIR OUTDIR" >&2
		exit 1
	}
	scenario=$1
	BUILDDIR=$(realpath "$2")
	OUT=$3
	declare -F "scenario_${scenario//-/_}" >/dev/null || die "unknown scenario '$scenario'"

	require_root
	require_commands qemu-system-x86_64 debugfs e2fsck mkfs.ext4 timeout

	LOGDIR=$BUILDDIR/meson-logs/e2e
	mkdir -p "$LOGDIR" "$OUT"
	"$SYSCLEAN_TEST_LIB/guest-image.sh" "$BUILDDIR" "$OUT" || die "building the guest failed"
	OUT=$(realpath "$OUT")

	work=$OUT/run/$scenario
	rm -rf "$work"
	mkdir -p "$work"
	boot_count=0
	console=
	STATE_VAR_IMAGE=
	STATE_VAR_LOG_AUDIT_IMAGE=
	log "scenario $scenario, accelerator $(guest_accel)"
	"scenario_${scenario//-/_}"
	rm -rf "$work"
	log "PASS: $scenario"
}

main "$@"
