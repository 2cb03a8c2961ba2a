// SPDX-License-Identifier: LGPL-2.1-or-later
// sysclean without --root refuses to seal the running system unless asked.
// The binary runs chroot()ed into a fixture with the host's /usr bound
// read-only, so "/" is a fake root and even a broken refusal could only
// clean the fixture.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "root/root_helpers.h"
#include "unit/fixture.h"

namespace sysclean::test {

namespace {

// Copies the sysclean binary to ROOT/sysclean.
void copyBinary(const TempTree &tree)
{
	std::string contents = readFile(syscleanPath());
	int fd = open(tree.hostPath("sysclean").c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	REQUIRE(fd >= 0);
	ssize_t written = write(fd, contents.data(), contents.size());
	close(fd);
	REQUIRE(written == static_cast<ssize_t>(contents.size()));
}

} // namespace

TEST_CASE("cli: running system refused without marker", "[cli][root]")
{
	TempTree tree;
	tree.add({
		file("etc/hostname", "template\n"),
		file("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"),
		file("root/.bash_history"),
		file("var/log/syslog"),
		file("var/lib/dhcp/dhclient.leases"),
		directory("usr"),
		directory("tmp", 01777),
		symlink("bin", "usr/bin"),
		symlink("sbin", "usr/sbin"),
		symlink("lib", "usr/lib"),
		symlink("lib64", "usr/lib64"),
	});
	copyBinary(tree);
	ScopedMount usr = ScopedMount::bind("/usr", tree.hostPath("usr"), true);
	auto snapshotTarget = [&]() {
		Snapshot all;
		for (const char *dir : {"etc", "root", "var"}) {
			for (const auto &[path, state] : snapshot(tree.hostPath(dir)))
				all[std::string(dir) + "/" + path] = state;
		}
		return all;
	};
	Snapshot before = snapshotTarget();
	RunOptions options;
	options.chrootDir = tree.root();
	options.binary = "/sysclean";

	// The setup works: a dry run of "/" inside the chroot lists the
	// fixture's files.
	ProcessResult dry = runSysclean({"--dry-run"}, options);
	INFO("dry-run stderr:\n" << dry.err);
	REQUIRE(dry.status == 0);
	REQUIRE(hasLine(dry.out, "remove /var/log/syslog"));
	REQUIRE(hasLine(dry.out, "remove /root/.bash_history"));

	std::vector<std::string> args = GENERATE(std::vector<std::string>{}, std::vector<std::string>{"--operations=all", "-v"},
						 std::vector<std::string>{"--if-pending", "-v"});
	ProcessResult result = runSysclean(args, options);

	INFO("stderr:\n" << result.err);
	if (args.empty() || args.front() != "--if-pending") {
		CHECK(result.status == 1);
		CHECK(result.err.find("refusing to seal the running system") != std::string::npos);
	} else {
		// --if-pending without the marker is the boot-time no-op.
		CHECK(result.status == 0);
	}
	CHECK(result.out == "");
	CHECK(describeDifferences(before, snapshotTarget()) == "");
}

TEST_CASE("cli: running system sealed with marker", "[cli][root]")
{
	TempTree tree;
	tree.add({
		file("etc/sysclean-pending", ""),
		file("etc/hostname", "template\n"),
		file("var/log/syslog"),
		directory("usr"),
		symlink("bin", "usr/bin"),
		symlink("lib", "usr/lib"),
		symlink("lib64", "usr/lib64"),
	});
	copyBinary(tree);
	ScopedMount usr = ScopedMount::bind("/usr", tree.hostPath("usr"), true);
	RunOptions options;
	options.chrootDir = tree.root();
	options.binary = "/sysclean";

	ProcessResult result = runSysclean({"--if-pending", "--operations=logfiles"}, options);

	INFO("stderr:\n" << result.err);
	CHECK(result.status == 0);
	CHECK_FALSE(tree.exists("var/log/syslog"));
	CHECK_FALSE(tree.exists("etc/sysclean-pending"));
	CHECK(tree.exists("etc/hostname"));
}

} // namespace sysclean::test
