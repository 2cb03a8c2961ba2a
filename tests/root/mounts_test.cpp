// SPDX-License-Identifier: LGPL-2.1-or-later
// Removal never crosses into another mount: a tmpfs or a bind mount of the
// sentinel inside the tree keeps its files, in the engine and in the binary.
#include <set>
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "base/remover.h"
#include "base/root.h"
#include "root/root_helpers.h"
#include "unit/fixture.h"

namespace sysclean::test {

TEST_CASE("remover: does not cross a mount", "[remover][root]")
{
	bool bindMount = GENERATE(false, true);
	TempTree tree;
	tree.add({file("data/a"), directory("data/sub/mnt"), file("data/sub/b")});
	std::string mountPoint = tree.hostPath("data/sub/mnt");
	// A bind mount has the st_dev of the fixture's own filesystem, so only
	// the mount id distinguishes it.
	ScopedMount mounted = bindMount ? ScopedMount::bind(tree.sentinel(), mountPoint, false)
					: ScopedMount::tmpfs(mountPoint);
	if (!bindMount)
		createEntries(mountPoint, {file("kept")});
	Snapshot mountedBefore = snapshot(mountPoint);
	Result<Root> root = Root::open(tree.root());
	REQUIRE(root.ok());
	RecordingSink sink;
	Remover remover(*root, sink, nullptr);

	Status status = remover.removeMatches("/data/*");

	INFO((bindMount ? "bind mount" : "tmpfs") << ", failures: " << sink.failures.size());
	CHECK(describeDifferences(mountedBefore, snapshot(mountPoint)) == "");
	CHECK(sink.skips.size() == 1);
	CHECK(sink.skips.at(0).find("/data/sub/mnt: ") == 0);
	CHECK_FALSE(tree.exists("data/a"));
	CHECK_FALSE(tree.exists("data/sub/b"));
	CHECK(std::count(sink.changes.begin(), sink.changes.end(), "remove /data/sub/mnt") == 0);
	// Skipping by policy is not a failure, and the directory holding the
	// mount point cannot go.
	CHECK(status.ok());
	CHECK(sink.failures == std::vector<std::string>{});
	CHECK(std::count(sink.changes.begin(), sink.changes.end(), "remove /data/sub") == 0);
}

TEST_CASE("remover: crosses its own mounts", "[remover][root]")
{
	bool keepDirectories = GENERATE(false, true);
	TempTree tree;
	tree.add({file("var/log/syslog"), directory("var/log/audit")});
	std::string mountPoint = tree.hostPath("var/log/audit");
	ScopedMount mounted = ScopedMount::tmpfs(mountPoint);
	createEntries(mountPoint, {file("audit.log"), file("old/audit.log.1")});

	Result<Root> root = Root::open(tree.root());
	REQUIRE(root.ok());
	Result<UniqueFd> audit = root->openDirectory("/var/log/audit");
	REQUIRE(audit.ok());
	Result<uint64_t> auditMount = mountIdOf(audit->get());
	REQUIRE(auditMount.ok());
	std::set<uint64_t> ownMounts{*auditMount};

	RecordingSink sink;
	Remover remover(*root, sink, nullptr);
	remover.setOwnMounts(&ownMounts);
	TreeRules rules;
	rules.keepDirectories = keepDirectories;
	Status status = remover.emptyDirectory("/var/log", rules);

	INFO((keepDirectories ? "keep directories" : "remove directories"));
	CHECK(status.ok());
	CHECK(sink.failures == std::vector<std::string>{});
	CHECK(sink.skips == std::vector<std::string>{});
	CHECK_FALSE(tree.exists("var/log/syslog"));
	CHECK_FALSE(tree.exists("var/log/audit/audit.log"));
	CHECK_FALSE(tree.exists("var/log/audit/old/audit.log.1"));
	// The mount point itself stays: it is busy, and mounted again at boot.
	CHECK(tree.exists("var/log/audit"));
	CHECK(tree.exists("var/log/audit/old") == keepDirectories);
}

TEST_CASE("logfiles: mount inside /var/log kept", "[logfiles][root]")
{
	bool bindMount = GENERATE(false, true);
	TempTree tree;
	tree.add({file("var/log/syslog"), directory("var/log/mnt"), file("var/log/apt/history.log")});
	std::string mountPoint = tree.hostPath("var/log/mnt");
	ScopedMount mounted = bindMount ? ScopedMount::bind(tree.sentinel() + "/log", mountPoint, false)
					: ScopedMount::tmpfs(mountPoint);
	if (!bindMount)
		createEntries(mountPoint, {file("kept.log")});
	Snapshot mountedBefore = snapshot(mountPoint);

	ProcessResult dry = runSysclean({"--root=" + tree.root(), "--operations=logfiles", "--dry-run"});
	ProcessResult real = runSysclean({"--root=" + tree.root(), "--operations=logfiles", "-v"});

	INFO((bindMount ? "bind mount" : "tmpfs") << "\nstderr:\n" << real.err);
	CHECK(real.status == 0);
	CHECK(sortedLines(dry.out) == sortedLines(real.out));
	CHECK(sortedLines(real.out) == std::vector<std::string>{"remove /var/log/apt/history.log", "remove /var/log/syslog"});
	CHECK(describeDifferences(mountedBefore, snapshot(mountPoint)) == "");
	CHECK(real.err.find("logfiles: skipped '/var/log/mnt'") != std::string::npos);
}

TEST_CASE("cloud-init: mount inside removed tree kept", "[cloud-init][root]")
{
	bool bindMount = GENERATE(false, true);
	TempTree dryTree;
	TempTree realTree;
	std::vector<ScopedMount> mounts;
	for (const TempTree *tree : {&dryTree, &realTree}) {
		tree->add({
			file("var/lib/cloud/instances/iid-1/boot-finished"),
			directory("var/lib/cloud/instances/iid-1/mnt"),
			file("var/lib/cloud/data/instance-id"),
		});
		std::string mountPoint = tree->hostPath("var/lib/cloud/instances/iid-1/mnt");
		mounts.push_back(bindMount ? ScopedMount::bind(tree->sentinel(), mountPoint, false)
					   : ScopedMount::tmpfs(mountPoint));
		if (!bindMount)
			createEntries(mountPoint, {file("kept")});
	}
	std::string mountPoint = realTree.hostPath("var/lib/cloud/instances/iid-1/mnt");
	Snapshot mountedBefore = snapshot(mountPoint);

	ProcessResult dry = runSysclean({"--root=" + dryTree.root(), "--operations=cloud-init", "--dry-run"});
	ProcessResult real = runSysclean({"--root=" + realTree.root(), "--operations=cloud-init", "-v"});

	INFO((bindMount ? "bind mount" : "tmpfs") << "\ndry-run stdout:\n" << dry.out << "real stdout:\n" << real.out
						<< "real stderr:\n" << real.err);
	CHECK(describeDifferences(mountedBefore, snapshot(mountPoint)) == "");
	CHECK_FALSE(realTree.exists("var/lib/cloud/instances/iid-1/boot-finished"));
	CHECK_FALSE(realTree.exists("var/lib/cloud/data"));
	CHECK(real.err.find("cloud-init: skipped '/var/lib/cloud/instances/iid-1/mnt'") != std::string::npos);
	CHECK(sortedLines(dry.out) == sortedLines(real.out));
	CHECK(real.status == dry.status);
}

} // namespace sysclean::test
