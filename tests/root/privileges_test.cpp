// SPDX-License-Identifier: LGPL-2.1-or-later
// Ownership and permissions: the remover as an unprivileged user reports
// what it may not remove and goes on, the glob does not follow links below
// a user's directory, and homes owned by their users are cleaned.
#include <cerrno>
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "base/glob.h"
#include "base/remover.h"
#include "base/root.h"
#include "root/root_helpers.h"
#include "unit/fixture.h"

namespace sysclean::test {

namespace {

constexpr uid_t kNobody = 65534;
constexpr gid_t kNogroup = 65534;

} // namespace

TEST_CASE("remover: permission denied, walk goes on", "[remover][root]")
{
	TempTree tree;
	tree.add({
		owned(directory("data", 0755), kNobody, kNogroup),
		owned(directory("data/locked", 0755), 0, 0),
		owned(file("data/locked/f1"), 0, 0),
		owned(directory("data/open", 0755), kNobody, kNogroup),
		owned(file("data/open/f2"), 0, 0),
		owned(directory("data/secret", 0700), 0, 0),
		owned(file("data/secret/f3"), 0, 0),
		owned(file("data/z.txt"), 0, 0),
	});
	// Opened while still root: the fixture's parent is not searchable by
	// nobody, and the remover works from this fd alone.
	Result<Root> root = Root::open(tree.root());
	REQUIRE(root.ok());

	std::vector<std::string> lines = runAs(kNobody, kNogroup, [&]() {
		RecordingSink sink;
		Remover remover(*root, sink, nullptr);
		Status status = remover.emptyDirectory("/data");

		std::vector<std::string> output{"status " + status.error().message()};
		for (const std::string &change : sink.changes)
			output.push_back("change " + change);
		for (const std::string &failure : sink.failures)
			output.push_back("failure " + failure);
		std::sort(output.begin() + 1, output.end());
		return output;
	});

	CHECK(lines == std::vector<std::string>{
		"status Permission denied",
		"change remove /data/open",
		"change remove /data/open/f2",
		"change remove /data/z.txt",
		"failure open /data/secret: Permission denied",
		"failure remove /data/locked/f1: Permission denied",
	});
	CHECK(tree.exists("data/locked/f1"));
	CHECK(tree.exists("data/secret/f3"));
	CHECK_FALSE(tree.exists("data/open"));
	CHECK_FALSE(tree.exists("data/z.txt"));
}

TEST_CASE("glob: no links followed below user directories", "[glob][root]")
{
	TempTree tree;
	tree.add({
		owned(directory("home/alice", 0700), 1000, 1000),
		owned(symlink("home/alice/cache", "/target"), 1000, 1000),
		directory("home/admin", 0700),
		symlink("home/admin/cache", "/target"),
		file("target/file"),
	});
	Result<Root> root = Root::open(tree.root());
	REQUIRE(root.ok());

	std::vector<std::string> matches;
	std::vector<std::string> skipped;
	GlobHandler handler;
	handler.matched = [&](int, const std::string &, const std::string &path) { matches.push_back(path); };
	handler.skipped = [&](const std::string &path, std::string_view) { skipped.push_back(path); };

	Status status = expandGlob(*root, "/home/*/cache/file", handler);

	CHECK(status.ok());
	CHECK(matches == std::vector<std::string>{"/home/admin/cache/file"});
	CHECK(skipped == std::vector<std::string>{"/home/alice/cache"});
}

TEST_CASE("bash-history: homes owned by their users", "[bash-history][root]")
{
	TempTree tree;
	tree.add({
		file("etc/passwd", "alice:x:1000:1000::/home/alice:/bin/bash\nbob:x:1001:1001::/home/bob:/bin/bash\n"),
		owned(directory("home/alice", 0700), 1000, 1000),
		owned(file("home/alice/.bash_history", "x", 0600), 1000, 1000),
		owned(file("home/alice/.bashrc"), 1000, 1000),
		owned(directory("home/bob", 0750), 1001, 1001),
		owned(symlink("home/bob/.bash_history", tree.sentinel() + "/etc/shadow"), 1001, 1001),
	});
	Snapshot before = tree.snapshotAll();

	ProcessResult result = runSysclean({"--root=" + tree.root(), "--operations=bash-history", "-v"});

	INFO("stderr:\n" << result.err);
	CHECK(result.status == 0);
	Snapshot expected = before;
	expected.erase("root/home/alice/.bash_history");
	expected.erase("root/home/bob/.bash_history");
	CHECK(describeDifferences(expected, tree.snapshotAll()) == "");
}

} // namespace sysclean::test
