// SPDX-License-Identifier: LGPL-2.1-or-later
// logfiles on a sparse lastlog of 40 GiB, on names holding a newline or a
// quote, and on log directories that must keep their modes.
#include <chrono>
#include <sys/stat.h>
#include <sys/xattr.h>

#include <catch2/catch.hpp>

#include "unit/fixture.h"
#include "unit/scenarios.h"

namespace sysclean::test {

TEST_CASE("logfiles: sparse lastlog emptied in place", "[logfiles]")
{
	constexpr off_t kApparentSize = 40ll << 30;
	TempTree tree;
	Entry lastlog = file("var/log/lastlog", "record", 0664);
	lastlog.sparseSize = kApparentSize;
	tree.add({lastlog, file("var/log/syslog")});
	std::string path = tree.hostPath("var/log/lastlog");
	bool xattrs = setxattr(path.c_str(), "user.test", "kept", 4, 0) == 0;
	if (!xattrs)
		WARN("no user xattrs on " << tree.root() << ": xattr check skipped");

	struct stat before;
	REQUIRE(stat(path.c_str(), &before) == 0);
	REQUIRE(before.st_size == kApparentSize);
	// 512-byte blocks: a few KiB allocated for 40 GiB of apparent size.
	REQUIRE(before.st_blocks < 1024);

	ProcessResult dry = runSysclean({"--root=" + tree.root(), "--operations=logfiles", "--dry-run"});
	CHECK(dry.status == 0);
	CHECK(hasLine(dry.out, "empty /var/log/lastlog"));
	struct stat afterDry;
	REQUIRE(stat(path.c_str(), &afterDry) == 0);
	CHECK(afterDry.st_size == kApparentSize);

	auto start = std::chrono::steady_clock::now();
	ProcessResult result = runSysclean({"--root=" + tree.root(), "--operations=logfiles", "-v"});
	auto elapsed = std::chrono::steady_clock::now() - start;

	INFO("stderr:\n" << result.err);
	CHECK(result.status == 0);
	CHECK(hasLine(result.out, "empty /var/log/lastlog"));
	// Reading or copying 40 GiB, even of holes, takes far longer than
	// the whole run is allowed here.
	CHECK(elapsed < std::chrono::seconds(1));

	struct stat after;
	REQUIRE(stat(path.c_str(), &after) == 0);
	CHECK(after.st_size == 0);
	CHECK(after.st_ino == before.st_ino);
	CHECK(after.st_mode == before.st_mode);
	CHECK(after.st_uid == before.st_uid);
	CHECK(after.st_gid == before.st_gid);
	CHECK(after.st_blocks <= before.st_blocks);
	if (xattrs) {
		char value[16] = {};
		CHECK(getxattr(path.c_str(), "user.test", value, sizeof(value)) == 4);
		CHECK(std::string(value) == "kept");
	}
}

TEST_CASE("logfiles: newline and quote in names", "[logfiles]")
{
	TempTree dryTree;
	TempTree realTree;
	for (const TempTree *tree : {&dryTree, &realTree}) {
		tree->add({
			file("var/log/x\ny.log"),
			file("var/log/it's.log"),
			file("var/log/back\\slash.log"),
			file("var/log/tab\there.log"),
			file("var/log/ctrl\x01.log"),
			file("var/log/'; rm -rf '.log"),
			file("var/log/zz-last.log"),
		});
	}

	ProcessResult dry = runSysclean({"--root=" + dryTree.root(), "--operations=logfiles", "--dry-run"});
	ProcessResult real = runSysclean({"--root=" + realTree.root(), "--operations=logfiles", "-v"});

	INFO("stderr:\n" << real.err);
	CHECK(dry.status == 0);
	CHECK(real.status == 0);
	std::vector<std::string> expected{
		"remove /var/log/'; rm -rf '.log",
		"remove /var/log/back\\\\slash.log",
		"remove /var/log/ctrl\\x01.log",
		"remove /var/log/it's.log",
		"remove /var/log/tab\\there.log",
		"remove /var/log/x\\ny.log",
		"remove /var/log/zz-last.log",
	};
	CHECK(sortedLines(dry.out) == expected);
	CHECK(sortedLines(real.out) == expected);
	CHECK(snapshot(realTree.hostPath("var/log")).empty());
	CHECK(hasLine(real.err, "logfiles: removed 7 files"));
}

TEST_CASE("logfiles: summary counts", "[logfiles]")
{
	TempTree dryTree;
	TempTree realTree;
	populate(dryTree, basicScenario("logfiles", dryTree));
	populate(realTree, basicScenario("logfiles", realTree));

	ProcessResult dry = runSysclean({"--root=" + dryTree.root(), "--operations=logfiles", "--dry-run"});
	ProcessResult real = runSysclean({"--root=" + realTree.root(), "--operations=logfiles"});

	CHECK(hasLine(dry.err, "logfiles: would remove 18 files, would empty 3"));
	CHECK(hasLine(real.err, "logfiles: removed 18 files, emptied 3"));
	CHECK(real.out == "");
}

TEST_CASE("logfiles: directories keep their modes", "[logfiles]")
{
	TempTree tree;
	tree.add({
		directory("var/log/nginx", 0750),
		file("var/log/nginx/access.log"),
		file("var/log/nginx/error.log.1.gz"),
		directory("var/log/mysql", 02750),
		file("var/log/mysql/error.log"),
		directory("var/log/journal", 02755),
		directory("var/log/journal/0123abcd", 02755),
		file("var/log/journal/0123abcd/system.journal"),
		file("var/log/journal/0123abcd/user-1000@0005f.journal~"),
		directory("var/log/private", 0700),
		file("var/log/private/secret.log"),
		directory("var/log/empty", 0755),
		file("var/log/wtmp", "w", 0664),
		file("var/log/btmp", "b", 0600),
		file("var/log/lastlog", "l", 0664),
		file("var/log/faillog", "f", 0644),
		file("var/log/syslog"),
	});
	Snapshot before = snapshot(tree.hostPath("var/log"));

	ProcessResult result = runSysclean({"--root=" + tree.root(), "--operations=logfiles"});

	INFO("stderr:\n" << result.err);
	CHECK(result.status == 0);
	Snapshot expected;
	for (const auto &[path, state] : before) {
		if (state.type == EntryType::Directory)
			expected[path] = state;
	}
	for (const char *name : {"wtmp", "btmp", "lastlog", "faillog"}) {
		expected[name] = before.at(name);
		expected[name].size = 0;
	}
	CHECK(describeDifferences(expected, snapshot(tree.hostPath("var/log"))) == "");
}

} // namespace sysclean::test
