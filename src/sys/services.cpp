// SPDX-License-Identifier: LGPL-2.1-or-later
// Stopping a systemd unit, such as firewalld.service, that would write its
// state back while the live stage removes it.
//
// systemctl rather than the D-Bus API of systemd: it needs no D-Bus library,
// it is present wherever a unit such as firewalld.service can be active, and
// "systemctl stop" waits for the stop job as sysclean must.
#include "sys/services.h"

#include <cerrno>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "sys/errors.h"

namespace sysclean {

namespace {

// Runs SYSTEMCTL with ARGUMENTS and returns its exit status.
Result<int> run(const std::string &systemctl, std::vector<std::string> arguments)
{
	arguments.insert(arguments.begin(), systemctl);
	std::vector<char *> argv;
	for (std::string &argument : arguments)
		argv.push_back(argument.data());
	argv.push_back(nullptr);

	// systemctl must not page or ask for a password on a terminal, and
	// gets a fixed PATH instead of the caller's.
	char path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
	char noPager[] = "SYSTEMD_PAGER=";
	char *envp[] = {path, noPager, nullptr};

	pid_t pid;
	int rc = ::posix_spawn(&pid, systemctl.c_str(), nullptr, nullptr, argv.data(), envp);
	if (rc != 0)
		return errnoCode(rc);

	int status;
	while (::waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return errnoCode(errno);
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

} // namespace

std::string defaultSystemctl()
{
	for (const char *path : {"/usr/bin/systemctl", "/bin/systemctl"}) {
		if (::access(path, X_OK) == 0)
			return path;
	}
	return {};
}

Result<bool> stopUnitIfActive(const std::string &unit, const std::string &systemctl)
{
	if (systemctl.empty())
		return false;

	// Exit status 0 is "active"; 3 is inactive, 4 no such unit, and any
	// other value (no systemd running, in a chroot) is not active either.
	Result<int> active = run(systemctl, {"is-active", "--quiet", unit});
	if (!active)
		return active.error();
	if (*active != 0)
		return false;

	Result<int> stopped = run(systemctl, {"--no-ask-password", "stop", unit});
	if (!stopped)
		return stopped.error();
	if (*stopped != 0)
		return make_error_code(SysError::UnitStopFailed);
	return true;
}

} // namespace sysclean
