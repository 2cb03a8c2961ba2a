// SPDX-License-Identifier: LGPL-2.1-or-later
// DHCP client processes, stopped before their leases are removed so that
// none writes a lease back into the image.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <sys/types.h>
#include <system_error>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"

namespace sysclean {

// The program names of the DHCP clients sysclean stops.
inline const std::vector<std::string> dhcpClientNames = {"dhclient", "dhcpcd", "udhcpc"};

// A running process, held by a pidfd where the kernel has pidfd_open()
// (Linux 5.3), so that a signal cannot reach another process that reused
// the PID.
struct ProcessHandle {
	pid_t pid = 0;
	std::string name;
	UniqueFd pidfd;
};

// Finds the processes running one of NAMES: the basename of /proc/PID/exe
// is one of NAMES, or it is "busybox" and /proc/PID/comm is one of NAMES
// (busybox udhcpc). The command line text is never matched against a
// name. With INTERFACE, only processes that have INTERFACE as one whole
// argument are returned: a client of "eth10" is not one of "eth1". PROC
// is the procfs mount to read. Fails with EPERM without CAP_SYS_PTRACE
// permitted.
Result<std::vector<ProcessHandle>> findProcesses(const std::vector<std::string> &names,
						 const std::optional<std::string> &interface = {},
						 const std::string &proc = "/proc");

struct StopReport {
	// PIDs that exited after SIGTERM.
	std::vector<pid_t> terminated;
	// PIDs that ignored SIGTERM until the timeout and got SIGKILL.
	std::vector<pid_t> killed;
	// PIDs that could not be signalled or outlived SIGKILL for the
	// timeout, with the reason.
	std::vector<std::pair<pid_t, std::error_code>> failures;
};

// Sends SIGTERM to all PROCESSES, waits for all of them together until
// TERM_TIMEOUT, sends SIGKILL to those left and waits up to KILL_TIMEOUT.
// A process that is already gone counts as terminated.
StopReport stopProcesses(std::vector<ProcessHandle> processes,
			 std::chrono::milliseconds termTimeout = std::chrono::seconds(5),
			 std::chrono::milliseconds killTimeout = std::chrono::seconds(5));

} // namespace sysclean
