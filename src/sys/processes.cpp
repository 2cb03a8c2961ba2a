// SPDX-License-Identifier: LGPL-2.1-or-later
// DHCP client processes, stopped before their leases are removed so that
// none writes a lease back into the image.
#include "sys/processes.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <poll.h>
#include <string_view>
#include <sys/syscall.h>
#include <unistd.h>

#include "sys/capabilities.h"

namespace sysclean {

namespace {

using Clock = std::chrono::steady_clock;

struct DirStreamDeleter {
	void operator()(DIR *stream) const { ::closedir(stream); }
};
using DirStreamPtr = std::unique_ptr<DIR, DirStreamDeleter>;

// Reads the whole file NAME in DIR; procfs files report size 0, so the
// file is read until EOF.
Result<std::string> readFileAt(int dir, const char *name)
{
	UniqueFd fd(::openat(dir, name, O_RDONLY | O_CLOEXEC));
	if (!fd.valid())
		return errnoCode(errno);

	std::string content;
	char buffer[4096];
	for (;;) {
		ssize_t length = ::read(fd.get(), buffer, sizeof(buffer));
		if (length < 0) {
			if (errno == EINTR)
				continue;
			return errnoCode(errno);
		}
		if (length == 0)
			return content;
		content.append(buffer, static_cast<size_t>(length));
	}
}

bool contains(const std::vector<std::string> &names, std::string_view name)
{
	return std::find(names.begin(), names.end(), name) != names.end();
}

// Returns the program name of the process whose /proc directory is
// PROCESS_DIR if it is one of NAMES, or an empty string.
std::string matchingName(int processDir, const std::vector<std::string> &names)
{
	char target[4096];
	ssize_t length = ::readlinkat(processDir, "exe", target, sizeof(target) - 1);
	// Kernel threads and zombies have no exe link: never a match.
	if (length < 0 && errno != EACCES)
		return {};

	std::string exeName;
	if (length >= 0) {
		std::string_view exe(target, static_cast<size_t>(length));
		// A binary replaced by a package upgrade still runs.
		constexpr std::string_view deleted = " (deleted)";
		if (exe.ends_with(deleted))
			exe.remove_suffix(deleted.size());
		exeName = std::string(exe.substr(exe.rfind('/') + 1));
		if (contains(names, exeName))
			return exeName;
	}

	// busybox runs udhcpc as an applet, so only comm names it. Where
	// the exe link stays unreadable even with CAP_SYS_PTRACE (a security
	// module's policy), comm decides too.
	if (exeName != "busybox" && length >= 0)
		return {};
	Result<std::string> comm = readFileAt(processDir, "comm");
	if (!comm)
		return {};
	std::string name = *comm;
	if (!name.empty() && name.back() == '\n')
		name.pop_back();
	return contains(names, name) ? name : std::string();
}

bool hasArgument(int processDir, const std::string &argument)
{
	Result<std::string> cmdline = readFileAt(processDir, "cmdline");
	if (!cmdline)
		return false;

	std::string_view rest = *cmdline;
	while (!rest.empty()) {
		size_t end = rest.find('\0');
		if (rest.substr(0, end) == argument)
			return true;
		rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
	}
	return false;
}

std::string identify(int processDir, const std::vector<std::string> &names,
		     const std::optional<std::string> &interface)
{
	std::string name = matchingName(processDir, names);
	if (name.empty() || (interface && !hasArgument(processDir, *interface)))
		return {};
	return name;
}

int openPidfd(pid_t pid)
{
	return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
}

// Sends SIGNAL through the pidfd, or by PID where the kernel has no
// pidfds. Returns 0 or an errno value.
int sendSignal(const ProcessHandle &process, int signal)
{
	int rc;
	if (process.pidfd.valid())
		rc = static_cast<int>(::syscall(SYS_pidfd_send_signal, process.pidfd.get(),
						signal, nullptr, 0));
	else
		rc = ::kill(process.pid, signal);
	return rc == 0 ? 0 : errno;
}

bool hasExited(const ProcessHandle &process)
{
	// A pidfd turns readable when the process exits, zombie or not.
	if (process.pidfd.valid()) {
		struct pollfd fd = {process.pidfd.get(), POLLIN, 0};
		return ::poll(&fd, 1, 0) > 0;
	}

	// NOTE: without pidfds (Linux before 5.3) a PID reused by a new
	// process in the meantime looks alive; the wait then times out.
	std::string path = "/proc/" + std::to_string(process.pid);
	UniqueFd dir(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	if (!dir.valid())
		return true;
	Result<std::string> stat = readFileAt(dir.get(), "stat");
	if (!stat)
		return true;
	size_t close = stat->rfind(')');
	if (close == std::string::npos || close + 2 >= stat->size())
		return false;
	char state = (*stat)[close + 2];
	return state == 'Z' || state == 'X';
}

// Waits until the processes at PENDING (indexes into PROCESSES) exit or
// DEADLINE passes. Moves the PIDs of those that exited to EXITED and
// returns the indexes still running.
std::vector<size_t> waitForExit(const std::vector<ProcessHandle> &processes,
				std::vector<size_t> pending, Clock::time_point deadline,
				std::vector<pid_t> &exited)
{
	for (;;) {
		for (auto it = pending.begin(); it != pending.end();) {
			if (hasExited(processes[*it])) {
				exited.push_back(processes[*it].pid);
				it = pending.erase(it);
			} else {
				++it;
			}
		}

		Clock::time_point now = Clock::now();
		if (pending.empty() || now >= deadline)
			return pending;

		std::vector<struct pollfd> fds;
		bool polling = true;
		for (size_t index : pending) {
			if (processes[index].pidfd.valid())
				fds.push_back({processes[index].pidfd.get(), POLLIN, 0});
			else
				polling = false;
		}

		auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
		long long timeout = remaining.count() + 1;
		if (!polling)
			timeout = std::min<long long>(timeout, 50);
		::poll(fds.data(), fds.size(), static_cast<int>(timeout));
	}
}

} // namespace

Result<std::vector<ProcessHandle>> findProcesses(const std::vector<std::string> &names,
						 const std::optional<std::string> &interface,
						 const std::string &proc)
{
	UniqueFd procFd(::open(proc.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	if (!procFd.valid())
		return errnoCode(errno);

	int streamFd = ::openat(procFd.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (streamFd < 0)
		return errnoCode(errno);
	DirStreamPtr stream(::fdopendir(streamFd));
	if (!stream) {
		int error = errno;
		::close(streamFd);
		return errnoCode(error);
	}

	// Reading another process's exe link is a ptrace access check: it
	// needs CAP_SYS_PTRACE for a process of another user, or one whose
	// permitted capabilities exceed the caller's, as a root DHCP client's
	// do once limitCapabilities() ran.
	Result<CapabilityScope> scope = CapabilityScope::raise({Capability::SysPtrace});
	if (!scope)
		return scope.error();

	std::vector<ProcessHandle> found;
	pid_t self = ::getpid();
	for (;;) {
		errno = 0;
		struct dirent *entry = ::readdir(stream.get());
		if (!entry) {
			if (errno != 0)
				return errnoCode(errno);
			return found;
		}

		char *end = nullptr;
		long number = std::strtol(entry->d_name, &end, 10);
		if (*end != '\0' || number <= 0 || number == self)
			continue;
		pid_t pid = static_cast<pid_t>(number);

		UniqueFd processDir(::openat(procFd.get(), entry->d_name,
					     O_RDONLY | O_DIRECTORY | O_CLOEXEC));
		if (!processDir.valid() || identify(processDir.get(), names, interface).empty())
			continue;

		// The PID may have been reused between the check and
		// pidfd_open(), so the process is identified again once the
		// pidfd pins it.
		UniqueFd pidfd(openPidfd(pid));
		if (!pidfd.valid() && errno != ENOSYS)
			continue;
		std::string name = identify(processDir.get(), names, interface);
		if (name.empty())
			continue;

		found.push_back({pid, std::move(name), std::move(pidfd)});
	}
}

StopReport stopProcesses(std::vector<ProcessHandle> processes,
			 std::chrono::milliseconds termTimeout,
			 std::chrono::milliseconds killTimeout)
{
	StopReport report;
	Result<CapabilityScope> scope = CapabilityScope::raise({Capability::Kill});
	if (!scope) {
		for (const ProcessHandle &process : processes)
			report.failures.push_back({process.pid, scope.error()});
		return report;
	}

	std::vector<size_t> pending;
	for (size_t index = 0; index < processes.size(); index++) {
		int error = sendSignal(processes[index], SIGTERM);
		if (error == 0)
			pending.push_back(index);
		else if (error == ESRCH)
			report.terminated.push_back(processes[index].pid);
		else
			report.failures.push_back({processes[index].pid, errnoCode(error)});
	}

	pending = waitForExit(processes, std::move(pending), Clock::now() + termTimeout,
			      report.terminated);

	std::vector<size_t> killed;
	for (size_t index : pending) {
		int error = sendSignal(processes[index], SIGKILL);
		if (error == 0 || error == ESRCH)
			killed.push_back(index);
		else
			report.failures.push_back({processes[index].pid, errnoCode(error)});
	}

	std::vector<size_t> survivors = waitForExit(processes, killed, Clock::now() + killTimeout,
						    report.killed);
	for (size_t index : survivors)
		report.failures.push_back({processes[index].pid, errnoCode(ETIMEDOUT)});
	return report;
}

} // namespace sysclean
