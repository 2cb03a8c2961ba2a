// SPDX-License-Identifier: LGPL-2.1-or-later
// crash-data when /var/crash is a symlink: to another directory of the
// target it is followed inside the root, to a system directory it is refused
// while the other operations still run.
#include <catch2/catch.hpp>

#include "unit/fixture.h"

namespace sysclean::test {

TEST_CASE("crash-data: crash directory linked to /srv", "[crash-data]")
{
	TempTree tree;
	tree.add({
		symlink("var/crash", "/srv/crash"),
		file("srv/crash/202401011200/dmesg.202401011200"),
		file("srv/crash/core.1"),
		file("srv/www/index.html"),
	});
	Snapshot sentinelBefore = snapshot(tree.sentinel());

	ProcessResult result = runSysclean({"--root=" + tree.root(), "--operations=crash-data", "-v"});

	INFO("stderr:\n" << result.err);
	CHECK(result.status == 0);
	CHECK(sortedLines(result.out) == std::vector<std::string>{
		"remove /var/crash/202401011200",
		"remove /var/crash/202401011200/dmesg.202401011200",
		"remove /var/crash/core.1",
	});
	CHECK(tree.exists("srv/crash"));
	CHECK(snapshot(tree.hostPath("srv/crash")).empty());
	CHECK(tree.exists("srv/www/index.html"));
	CHECK(tree.exists("var/crash"));
	// The sentinel has a srv/crash of its own, which is never reached.
	CHECK(describeDifferences(sentinelBefore, snapshot(tree.sentinel())) == "");
}

TEST_CASE("crash-data: crash directory linked to host path", "[crash-data]")
{
	// The link names the sentinel's absolute host path; inside the root
	// that path is a copy, which is emptied while the host's stays.
	TempTree tree;
	std::string inRoot = tree.sentinel().substr(1) + "/srv/crash";
	tree.add({symlink("var/crash", tree.sentinel() + "/srv/crash"), file(inRoot + "/core.3")});
	Snapshot sentinelBefore = snapshot(tree.sentinel());

	ProcessResult result = runSysclean({"--root=" + tree.root(), "--operations=crash-data", "-v"});

	INFO("stderr:\n" << result.err);
	CHECK(result.status == 0);
	CHECK(result.out == "remove /var/crash/core.3\n");
	CHECK_FALSE(tree.exists(inRoot + "/core.3"));
	CHECK(describeDifferences(sentinelBefore, snapshot(tree.sentinel())) == "");
}

TEST_CASE("crash-data: link to system directory refused", "[crash-data]")
{
	std::string target = GENERATE("/etc", "../etc", "../../etc", "/", "..", "../../..", "/bin", "/usr/bin", "/var");
	TempTree tree;
	tree.add({
		file("etc/hostname", "template\n"),
		file("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"),
		file("etc/machine-id", "0123456789abcdef0123456789abcdef\n"),
		file("usr/bin/ls", "ELF", 0755),
		symlink("bin", "usr/bin"),
		symlink("var/crash", target),
		file("var/log/dump/vmcore"),
		file("var/log/syslog"),
		file("root/.bash_history"),
	});
	Snapshot etcBefore = snapshot(tree.hostPath("etc"));
	Snapshot usrBefore = snapshot(tree.hostPath("usr"));

	ProcessResult result = runSysclean({"--root=" + tree.root(), "-v"});

	INFO("/var/crash -> " << target << "\nstderr:\n" << result.err);
	CHECK(result.status == 2);
	std::string prefix = "crash-data: failed to empty '/var/crash': it is a symlink to '" + target + "', which leads to '";
	CHECK(result.err.find(prefix) != std::string::npos);
	CHECK(result.err.find("remove or fix the symlink") != std::string::npos);
	CHECK(describeDifferences(etcBefore, snapshot(tree.hostPath("etc"))) == "");
	CHECK(describeDifferences(usrBefore, snapshot(tree.hostPath("usr"))) == "");
	CHECK(tree.exists("var/crash"));

	// crash-data went on with /var/log/dump, and the operations before and
	// after it ran.
	CHECK_FALSE(tree.exists("var/log/dump/vmcore"));
	CHECK_FALSE(tree.exists("root/.bash_history"));
	CHECK_FALSE(tree.exists("var/log/syslog"));
	CHECK(hasLine(result.err, "bash-history: removed 1 file"));
	CHECK(result.err.find("crash-data: removed 1 file, 1 error") != std::string::npos);
}

} // namespace sysclean::test
