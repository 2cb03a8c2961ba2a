// SPDX-License-Identifier: LGPL-2.1-or-later
// The remover on its own: missing entries are success, symlinks are removed
// as links, protected directories are refused, and a dry run lists what the
// real run does.
#include <array>
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "base/remover.h"
#include "base/root.h"
#include "unit/fixture.h"

namespace sysclean::test {

namespace {

struct ResolutionMode {
	explicit ResolutionMode(bool componentWalk) { Root::setForceComponentWalk(componentWalk); }
	~ResolutionMode() { Root::setForceComponentWalk(false); }
};

using Lines = std::vector<std::string>;

Lines sorted(Lines lines)
{
	std::sort(lines.begin(), lines.end());
	return lines;
}

} // namespace

TEST_CASE("remover: missing entry is success", "[remover]")
{
	TempTree tree;
	tree.add({directory("a")});
	Result<Root> root = Root::open(tree.root());
	REQUIRE(root.ok());
	RecordingSink sink;
	Remover remover(*root, sink, nullptr);

	Result<Location> location = root->openParent("/a/gone");
	REQUIRE(location.ok());
	CHECK(remover.removeEntry(location->parent.get(), location->name, "/a/gone").ok());
	CHECK(remover.removeMatches("/a/gone").ok());
	CHECK(remover.removeMatches("/missing/*").ok());
	CHECK(remover.emptyDirectory("/missing").ok());
	CHECK(remover.emptyDirectory("/a/missing/deeper").ok());
	CHECK(remover.emptyMatches("/a/*.log").ok());

	CHECK(sink.changes == Lines{});
	CHECK(sink.failures == Lines{});
}

TEST_CASE("remover: entry removed twice is success", "[remover]")
{
	TempTree tree;
	tree.add({file("a/f")});
	Result<Root> root = Root::open(tree.root());
	REQUIRE(root.ok());
	RecordingSink sink;
	Remover remover(*root, sink, nullptr);
	Result<Location> location = root->openParent("/a/f");
	REQUIRE(location.ok());

	CHECK(remover.removeEntry(location->parent.get(), "f", "/a/f").ok());
	// Gone under the walk's feet, as when another process removed it.
	CHECK(remover.removeEntry(location->parent.get(), "f", "/a/f").ok());

	CHECK(sink.changes == Lines{"remove /a/f"});
	CHECK(sink.failures == Lines{});
	CHECK_FALSE(tree.exists("a/f"));
}

TEST_CASE("remover: symlinks removed as links", "[remover]")
{
	bool componentWalk = GENERATE(false, true);
	ResolutionMode mode(componentWalk);
	TempTree tree;
	tree.add({
		symlink("data/host-dir", tree.sentinel()),
		symlink("data/host-file", tree.sentinel() + "/keep"),
		symlink("data/relative", "../../sentinel"),
		file("data/sub/f"),
		symlink("data/sub/up", "../../../sentinel/keep"),
	});
	Snapshot sentinelBefore = snapshot(tree.sentinel());
	Result<Root> root = Root::open(tree.root());
	REQUIRE(root.ok());
	RecordingSink sink;
	Remover remover(*root, sink, nullptr);

	Status status = remover.removeMatches("/data/*");

	INFO((componentWalk ? "component walk" : "openat2"));
	CHECK(status.ok());
	CHECK(sink.failures == Lines{});
	CHECK(sorted(sink.changes) == Lines{
		"remove /data/host-dir", "remove /data/host-file", "remove /data/relative",
		"remove /data/sub", "remove /data/sub/f", "remove /data/sub/up",
	});
	CHECK(describeDifferences(sentinelBefore, snapshot(tree.sentinel())) == "");
	CHECK(tree.exists("data"));
	CHECK(snapshot(tree.hostPath("data")).empty());
}

TEST_CASE("remover: empty directory keeps it", "[remover]")
{
	TempTree tree;
	tree.add({
		directory("var/lib/cloud", 0700),
		file("var/lib/cloud/instances/a/f"),
		file("var/lib/cloud/seed/nocloud/user-data"),
		fifo("var/lib/cloud/fifo"),
		socket("var/lib/cloud/socket"),
	});
	Result<Root> root = Root::open(tree.root());
	REQUIRE(root.ok());
	RecordingSink sink;
	Remover remover(*root, sink, nullptr);
	std::array<std::string_view, 1> keep{"seed"};
	TreeRules rules;
	rules.keepNames = keep;

	Status status = remover.emptyDirectory("/var/lib/cloud", rules);

	CHECK(status.ok());
	CHECK(sorted(sink.changes) == Lines{
		"remove /var/lib/cloud/fifo", "remove /var/lib/cloud/instances", "remove /var/lib/cloud/instances/a",
		"remove /var/lib/cloud/instances/a/f", "remove /var/lib/cloud/socket",
	});
	Snapshot after = snapshot(tree.hostPath("var/lib/cloud"));
	CHECK(after.size() == 3);
	CHECK(after.count("seed/nocloud/user-data") == 1);
	struct stat st;
	REQUIRE(lstat(tree.hostPath("var/lib/cloud").c_str(), &st) == 0);
	CHECK((st.st_mode & 07777) == 0700);
}

TEST_CASE("remover: keep-directories rules", "[remover]")
{
	TempTree tree;
	tree.add({
		directory("log/nginx", 0750),
		file("log/nginx/access.log"),
		file("log/nginx/wtmp", "not at the top, still emptied"),
		file("log/wtmp", "records"),
		file("log/lastlog", ""),
		fifo("log/xconsole"),
		socket("log/devlog"),
		symlink("log/link", "/etc"),
	});
	Result<Root> root = Root::open(tree.root());
	REQUIRE(root.ok());
	RecordingSink sink;
	Remover remover(*root, sink, nullptr);
	std::array<std::string_view, 2> truncate{"wtmp", "lastlog"};
	TreeRules rules;
	rules.keepDirectories = true;
	rules.truncateNames = truncate;

	Status status = remover.emptyDirectory("/log", rules);

	CHECK(status.ok());
	CHECK(sorted(sink.changes) == Lines{
		"empty /log/nginx/wtmp", "empty /log/wtmp", "remove /log/devlog", "remove /log/link",
		"remove /log/nginx/access.log",
	});
	Snapshot after = snapshot(tree.hostPath("log"));
	CHECK(after.size() == 5);
	CHECK(after.at("nginx").mode == 0750);
	CHECK(after.at("nginx/wtmp").size == 0);
	CHECK(after.at("wtmp").size == 0);
	CHECK(after.at("lastlog").size == 0);
	CHECK(after.at("xconsole").type == EntryType::Fifo);
}

TEST_CASE("remover: protected directories refused", "[remover]")
{
	bool componentWalk = GENERATE(false, true);
	ResolutionMode mode(componentWalk);
	TempTree tree;
	tree.add({
		file("etc/passwd"),
		file("usr/bin/ls"),
		symlink("bin", "usr/bin"),
		symlink("var/crash", "/etc"),
		symlink("var/dump", "../../bin"),
		symlink("var/top", "/"),
	});
	Snapshot before = tree.snapshotAll();
	Result<Root> root = Root::open(tree.root());
	REQUIRE(root.ok());
	INFO((componentWalk ? "component walk" : "openat2"));

	auto failureOf = [&](const std::string &path) {
		RecordingSink sink;
		Remover remover(*root, sink, nullptr);
		Status status = remover.emptyDirectory(path);
		CHECK(status.error() == std::make_error_code(std::errc::operation_not_permitted));
		CHECK(sink.changes == Lines{});
		REQUIRE(sink.failures.size() == 1);
		return sink.failures.front();
	};

	CHECK(failureOf("/etc").find("empty /etc: it is a protected system directory") == 0);
	CHECK(failureOf("/").find("empty /: ") == 0);
	CHECK(failureOf("/usr/bin").find("empty /usr/bin: ") == 0);

	std::string crash = failureOf("/var/crash");
	CHECK(crash.find("empty /var/crash: it is a symlink to '/etc', which leads to '/etc'") == 0);
	std::string dump = failureOf("/var/dump");
	CHECK(dump.find("it is a symlink to '../../bin', which leads to '/usr/bin'") != std::string::npos);
	std::string top = failureOf("/var/top");
	CHECK(top.find("it is a symlink to '/', which leads to '/'") != std::string::npos);

	CHECK(describeDifferences(before, tree.snapshotAll()) == "");
}

TEST_CASE("remover: dry run lists the real run", "[remover]")
{
	TempTree dryTree;
	TempTree realTree;
	for (const TempTree *tree : {&dryTree, &realTree}) {
		tree->add({
			file("a/one"),
			file("a/sub/two"),
			file("a/sub/deeper/three"),
			symlink("a/link", "/etc"),
			file("a/log", "x"),
			file("b.lease"),
			file("c.lease"),
		});
	}
	Snapshot before = dryTree.snapshotAll();
	std::array<std::string_view, 1> truncate{"log"};
	TreeRules rules;
	rules.truncateNames = truncate;

	auto run = [&](const TempTree &tree, DryRunLedger *ledger) {
		Result<Root> root = Root::open(tree.root());
		REQUIRE(root.ok());
		RecordingSink sink;
		Remover remover(*root, sink, ledger);
		CHECK(remover.emptyDirectory("/a", rules).ok());
		// Both patterns reach b.lease; it is listed once.
		CHECK(remover.removeMatches("/*.lease").ok());
		CHECK(remover.removeMatches("/b*").ok());
		CHECK(remover.emptyMatches("/a/log").ok());
		CHECK(sink.failures == Lines{});
		return sink.changes;
	};

	DryRunLedger ledger;
	Lines dry = run(dryTree, &ledger);
	Lines real = run(realTree, nullptr);

	CHECK(describeDifferences(before, dryTree.snapshotAll()) == "");
	CHECK(dry == real);
	CHECK(sorted(real) == Lines{
		"empty /a/log", "remove /a/link", "remove /a/one", "remove /a/sub", "remove /a/sub/deeper",
		"remove /a/sub/deeper/three", "remove /a/sub/two", "remove /b.lease", "remove /c.lease",
	});
}

TEST_CASE("remover: emptying keeps inode and mode", "[remover]")
{
	TempTree tree;
	tree.add({file("log/wtmp", std::string(1000, 'x'), 0664), symlink("log/btmp", "wtmp"), fifo("log/fifo")});
	struct stat before;
	REQUIRE(lstat(tree.hostPath("log/wtmp").c_str(), &before) == 0);
	Result<Root> root = Root::open(tree.root());
	REQUIRE(root.ok());
	RecordingSink sink;
	Remover remover(*root, sink, nullptr);

	CHECK(remover.emptyMatches("/log/*").ok());
	// Already empty: nothing to list the second time.
	CHECK(remover.emptyMatches("/log/*").ok());

	CHECK(sink.changes == Lines{"empty /log/wtmp"});
	struct stat after;
	REQUIRE(lstat(tree.hostPath("log/wtmp").c_str(), &after) == 0);
	CHECK(after.st_size == 0);
	CHECK(after.st_ino == before.st_ino);
	CHECK((after.st_mode & 07777) == 0664);
	CHECK(tree.exists("log/btmp"));
	CHECK(tree.exists("log/fifo"));
}

} // namespace sysclean::test
