// SPDX-License-Identifier: LGPL-2.1-or-later
// Entry point of the root-only system layer tests: skips (exit 77) without
// root, and otherwise runs every case inside fresh mount, network and PID
// namespaces, so no mount, link or signal reaches this machine's own.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

// Mounts what a fresh namespace needs: procfs for the new PID namespace,
// sysfs for the new network namespace, and an empty /run so that libmount
// writes nothing to the host's /run.
bool mountNamespaceFilesystems()
{
	const unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	if (::mount("proc", "/proc", "proc", flags, nullptr) != 0 ||
	    ::mount("sysfs", "/sys", "sysfs", flags, nullptr) != 0 ||
	    ::mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0) {
		std::fprintf(stderr, "sys-root-tests: mounting in the namespace failed: %s\n",
			     std::strerror(errno));
		return false;
	}
	return true;
}

} // namespace

int main(int argc, char **argv)
{
	if (::geteuid() != 0) {
		std::fprintf(stderr, "sys-root-tests: needs root, skipping\n");
		return 77;
	}

	if (::unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID) != 0) {
		std::fprintf(stderr, "sys-root-tests: unshare failed: %s, skipping\n",
			     std::strerror(errno));
		return 77;
	}
	// Nothing mounted in here propagates back to the host.
	if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
		std::perror("sys-root-tests: making / private");
		return 1;
	}

	// The first child is PID 1 of the new PID namespace; when it exits the
	// kernel kills whatever a test left running in there.
	pid_t child = ::fork();
	if (child < 0) {
		std::perror("sys-root-tests: fork");
		return 1;
	}
	if (child == 0) {
		if (!mountNamespaceFilesystems())
			::_exit(1);
		// The loop devices of one test get other images in the next,
		// so libblkid must probe instead of trusting a cache file.
		::setenv("BLKID_FILE", "/dev/null", 1);
		::_exit(Catch::Session().run(argc, argv));
	}

	int status;
	if (::waitpid(child, &status, 0) < 0)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
