// SPDX-License-Identifier: LGPL-2.1-or-later
// Cases found by attacking sysclean: symlinks that would widen a pattern to
// the whole system, hard links out of the root, odd file types, deep trees
// and option values that once passed.
#include <catch2/catch.hpp>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"

namespace sysclean::test {

namespace {

bool fileIsEmpty(const std::string &path)
{
	struct stat st;
	return ::stat(path.c_str(), &st) == 0 && st.st_size == 0;
}

// Adds a file DEPTH directories below /var/crash.
void addDeepTree(const TempTree &tree, int depth)
{
	std::string path = "var/crash";
	for (int level = 0; level < depth; level++)
		path += "/d";
	tree.add({file(path + "/core")});
}

// Runs sysclean with ARGS in a child after SETUP, which may change the
// child's limits or standard streams, and returns its wait() status.
int runInChild(const std::vector<std::string> &args, const std::function<bool()> &setup)
{
	std::string binary = syscleanPath();
	pid_t child = fork();
	REQUIRE(child >= 0);
	if (child == 0) {
		if (!setup())
			_exit(126);
		std::vector<char *> argv{binary.data()};
		for (const std::string &arg : args)
			argv.push_back(const_cast<char *>(arg.c_str()));
		argv.push_back(nullptr);
		execv(binary.c_str(), argv.data());
		_exit(127);
	}

	int status = 0;
	REQUIRE(waitpid(child, &status, 0) == child);
	return status;
}

} // namespace

TEST_CASE("dhcp-client-state: symlinked lease dir refused", "[hardening]")
{
	std::string target = GENERATE(std::string("/"), std::string("/etc"), std::string("../.."),
				      std::string("/var/lib"), std::string("/usr"));
	INFO("/var/lib/dhclient -> " << target);

	TempTree tree;
	tree.add({
		file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"),
		file("usr/bin/ls"),
		file("var/lib/dhcp/dhcpd.leases"),
		file("var/lib/dhcpd/dhcpd.leases"),
		symlink("var/lib/dhclient", target),
		symlink("var/lib/wicked", target),
		symlink("var/lib/dhcpcd", target),
	});
	Snapshot before = tree.snapshotAll();

	ProcessResult run = runSysclean({"--root=" + tree.root(), "--operations=dhcp-client-state", "-v"});

	CHECK(run.status == 2);
	CHECK(run.out.empty());
	CHECK(run.err.find("dhcp-client-state: failed to follow '/var/lib/") != std::string::npos);
	CHECK(describeDifferences(before, tree.snapshotAll()) == "");
}

TEST_CASE("dhcp-client-state: dhclient linked to dhcp", "[hardening]")
{
	TempTree tree;
	tree.add({
		file("var/lib/dhcp/dhcpd.leases"),
		file("var/lib/dhcp/dhclient.eth0.leases"),
		symlink("var/lib/dhclient", "dhcp"),
	});

	ProcessResult run = runSysclean({"--root=" + tree.root(), "--operations=dhcp-client-state"});

	CHECK(run.status == 0);
	CHECK(tree.exists("var/lib/dhcp/dhcpd.leases"));
	CHECK_FALSE(tree.exists("var/lib/dhcp/dhclient.eth0.leases"));
}

TEST_CASE("logfiles: logrotate linked to dpkg", "[hardening]")
{
	TempTree tree;
	tree.add({
		file("var/lib/dpkg/status", "Package: base-files\n"),
		symlink("var/lib/logrotate", "dpkg"),
	});

	ProcessResult run = runSysclean({"--root=" + tree.root(), "--operations=logfiles"});

	CHECK(run.status == 2);
	CHECK(run.err.find("logfiles: failed to follow '/var/lib/logrotate'") != std::string::npos);
	CHECK(tree.exists("var/lib/dpkg/status"));
}

TEST_CASE("logfiles: hard-linked wtmp not emptied", "[hardening]")
{
	TempTree tree;
	tree.add({directory("var/log")});
	tree.addSentinel({file("wtmp-outside", "login records of the host\n")});
	std::string outside = tree.sentinel() + "/wtmp-outside";
	REQUIRE(::link(outside.c_str(), tree.hostPath("var/log/wtmp").c_str()) == 0);

	ProcessResult dryRun = runSysclean({"--root=" + tree.root(), "--operations=logfiles", "--dry-run"});
	ProcessResult run = runSysclean({"--root=" + tree.root(), "--operations=logfiles"});

	CHECK(dryRun.status == 2);
	CHECK(run.status == 2);
	CHECK(run.err.find("logfiles: failed to empty '/var/log/wtmp': it has 2 hard links") != std::string::npos);
	CHECK_FALSE(fileIsEmpty(outside));
	CHECK(readFile(outside) == "login records of the host\n");
}

TEST_CASE("bash-history: special files kept", "[hardening]")
{
	TempTree tree;
	tree.add({
		fifo("root/.bash_history"),
		directory("home/alice"),
		socket("home/alice/.bash_history"),
		file("home/bob/.bash_history"),
	});

	ProcessResult run = runSysclean({"--root=" + tree.root(), "--operations=bash-history", "-v"});

	CHECK(run.status == 0);
	CHECK(run.out == "remove /home/bob/.bash_history\n");
	CHECK(tree.exists("root/.bash_history"));
	CHECK(tree.exists("home/alice/.bash_history"));
}

TEST_CASE("crash-data: deep tree with few descriptors", "[hardening]")
{
	// A tree deeper than the descriptor limit set below, and a hard limit
	// that sysclean cannot raise: the run must fail, not crash.
	TempTree tree;
	addDeepTree(tree, 300);

	int status = runInChild({"--root=" + tree.root(), "--operations=crash-data", "-q"}, [] {
		struct rlimit limit{200, 200};
		return setrlimit(RLIMIT_NOFILE, &limit) == 0;
	});

	CHECK(WIFEXITED(status));
	CHECK(WEXITSTATUS(status) == 2);
	CHECK(tree.exists("var/crash"));
}

TEST_CASE("crash-data: deep tree removed", "[hardening]")
{
	TempTree tree;
	addDeepTree(tree, 600);

	ProcessResult run = runSysclean({"--root=" + tree.root(), "--operations=crash-data", "-q"});

	CHECK(run.status == 0);
	CHECK(tree.exists("var/crash"));
	CHECK_FALSE(tree.exists("var/crash/d"));
}

TEST_CASE("cli: invalid numbers rejected", "[hardening]")
{
	TempTree tree;
	for (std::string option : {"--link-timeout=nan", "--link-timeout=inf", "--link-timeout=0x10",
				   "--link-timeout=-1", "--link-timeout=", "--staging-limit= -1",
				   "--staging-limit=-1", "--staging-limit=12X", "--staging-limit=0"}) {
		INFO(option);
		ProcessResult run = runSysclean({"--root=" + tree.root(), option});
		CHECK(run.status == 1);
		CHECK(run.err.find("Try 'sysclean --help'") != std::string::npos);
	}
}

TEST_CASE("cli: unwritable output fails", "[hardening]")
{
	TempTree tree;
	tree.add({file("var/crash/core")});

	int status = runInChild({"--root=" + tree.root(), "--operations=crash-data", "--dry-run", "-q"},
				[] { return freopen("/dev/full", "w", stdout) != nullptr; });

	CHECK(WIFEXITED(status));
	CHECK(WEXITSTATUS(status) == 2);
}

} // namespace sysclean::test
