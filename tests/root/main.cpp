// SPDX-License-Identifier: LGPL-2.1-or-later
// Catch2 main() for the root suite: skips (exit 77) unless run as root, and
// moves the whole test process into a private mount namespace first, so
// every mount a test makes, and every sysclean it starts, stays there.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (geteuid() != 0) {
		std::fprintf(stderr, "root suite: not root, skipping\n");
		return 77;
	}

	if (unshare(CLONE_NEWNS) < 0) {
		std::fprintf(stderr, "root suite: failed to create a mount namespace: %s\n", std::strerror(errno));
		return 1;
	}
	// Without this, mounts below a shared "/" would propagate back to the
	// host's namespace.
	if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0) {
		std::fprintf(stderr, "root suite: failed to make mounts private: %s\n", std::strerror(errno));
		return 1;
	}

	return Catch::Session().run(argc, argv);
}
