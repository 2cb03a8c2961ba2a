# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# Boot the e2e guest under QEMU with its serial console in a file. The guest
# has no network device and no default devices (-nodefaults): only the
# given disks and one serial port. Source after common.sh.

GUEST_MEMORY=${GUEST_MEMORY:-1024}
GUEST_CPUS=${GUEST_CPUS:-2}

# Print the accelerator to use: kvm only where /dev/kvm is writable, the CPU
# advertises vmx or svm, and the paravirtual kvm_pvm module is not loaded,
# tcg otherwise. Under kvm_pvm, QEMU with KVM aborts or the guest hangs
# silently. SYSCLEAN_TEST_ACCEL=tcg|kvm overrides the choice.
guest_accel() {
	if [ -n "${SYSCLEAN_TEST_ACCEL:-}" ]; then
		echo "$SYSCLEAN_TEST_ACCEL"
	elif [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo &&
		[ ! -e /sys/module/kvm_pvm ]; then
		echo kvm
	else
		echo tcg
	fi
}

# Fill the array GUEST_QEMU with the QEMU command line that boots KERNEL and
# INITRD with the command line APPEND, the serial console going to LOG, and
# DISK... as virtio disks (vda, vdb, ... in order). QEMU exits when the guest
# powers off, and also when it reboots (-no-reboot).
guest_qemu_command() {
	local log=$1 kernel=$2 initrd=$3 append=$4 accel disk
	shift 4
	accel=$(guest_accel)
	GUEST_QEMU=(qemu-system-x86_64 -accel "$accel" -m "$GUEST_MEMORY" -smp "$GUEST_CPUS"
		-nodefaults -no-user-config -display none -no-reboot
		-serial "file:$log" -kernel "$kernel" -initrd "$initrd" -append "$append")
	if [ "$accel" = kvm ]; then
		GUEST_QEMU+=(-cpu host)
	fi
	for disk in "$@"; do
		GUEST_QEMU+=(-drive "file=$disk,format=raw,if=virtio")
	done
}

# Boot the guest (arguments as for guest_qemu_command) and wait at most
# GUEST_TIMEOUT seconds (default 300). Returns QEMU's exit status, 124 on
# timeout. Sets GUEST_BOOT_SECONDS to the wall time in seconds (3 decimals).
guest_boot() {
	local start end rc=0
	guest_qemu_command "$@"
	start=$(date +%s.%N)
	timeout --kill-after=10 "${GUEST_TIMEOUT:-300}" "${GUEST_QEMU[@]}" </dev/null || rc=$?
	end=$(date +%s.%N)
	# shellcheck disable=SC2034 # read by the caller
	GUEST_BOOT_SECONDS=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')
	return $rc
}

# Start the guest in the background (arguments as for guest_qemu_command)
# and set GUEST_PID to QEMU's process id.
guest_boot_background() {
	guest_qemu_command "$@"
	"${GUEST_QEMU[@]}" </dev/null &
	# shellcheck disable=SC2034 # read by the caller
	GUEST_PID=$!
}

# Wait until the file LOG contains a line matching the extended regular
# expression PATTERN, at most SECONDS seconds, while the process PID runs.
# Fails on timeout, or when PID exits without the line having appeared.
wait_for_console() {
	local log=$1 pattern=$2 seconds=$3 pid=$4 deadline
	deadline=$((SECONDS + seconds))
	while [ "$SECONDS" -lt "$deadline" ]; do
		grep -qE "$pattern" "$log" 2>/dev/null && return 0
		if ! kill -0 "$pid" 2>/dev/null; then
			grep -qE "$pattern" "$log" 2>/dev/null
			return
		fi
		sleep 0.05
	done
	return 1
}
