// SPDX-License-Identifier: LGPL-2.1-or-later
// bash-history on homes full of hostile names, homes listed in passwd with
// wildcards in their path, and the ostree layout where /home is a link.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "unit/fixture.h"

namespace sysclean::test {

TEST_CASE("bash-history: hostile names in homes", "[bash-history]")
{
	TempTree tree;
	const std::string weird = "srv/we*ird user";
	const std::string passwd =
		"root:x:0:0:root:/root:/bin/bash\n"
		"alice:x:1000:1000::/home/alice:/bin/bash\n"
		"weird:x:1001:1001::/" + weird + ":/bin/bash\n"
		"mallory:x:1002:1002::/home/mallory:/bin/bash\n"
		"broken line without fields\n"
		"nohome:x:1003:1003::\n"
		"relative:x:1004:1004::home/alice:/bin/sh\n";
	std::vector<Entry> entries{file("etc/passwd", passwd), file("etc/shadow", "root:*:19000::::::\n", 0640)};
	for (const std::string &home : {std::string("root"), std::string("home/alice"), weird, std::string("home/mallory")}) {
		for (const char *name : {"-rf", " etc", "*", "a ~", "x\ny", "it's", ".bash_history~", ".bash_history.1"})
			entries.push_back(file(home + "/" + name));
		entries.push_back(file(home + "/-rf /etc"));
	}
	entries.push_back(file("root/.bash_history", "history\n", 0600));
	entries.push_back(file("home/alice/.bash_history", "history\n", 0600));
	entries.push_back(file(weird + "/.bash_history", "history\n", 0600));
	// Not in passwd and not under /home: a literal walk of "we*ird user"
	// must not reach it.
	entries.push_back(file("srv/weXird user/.bash_history", "history\n", 0600));
	entries.push_back(symlink("home/mallory/.bash_history", tree.sentinel() + "/etc/shadow"));
	tree.add(entries);
	Snapshot before = tree.snapshotAll();

	ProcessResult result = runSysclean({"--root=" + tree.root(), "--operations=bash-history", "-v"});

	INFO("stderr:\n" << result.err);
	CHECK(result.status == 0);
	CHECK(sortedLines(result.out) == std::vector<std::string>{
		"remove /home/alice/.bash_history",
		"remove /home/mallory/.bash_history",
		"remove /root/.bash_history",
		"remove /srv/we*ird user/.bash_history",
	});
	CHECK(hasLine(result.err, "bash-history: removed 4 files"));

	Snapshot expected = before;
	for (const std::string &home : {std::string("root"), std::string("home/alice"), weird, std::string("home/mallory")})
		expected.erase("root/" + home + "/.bash_history");
	CHECK(describeDifferences(expected, tree.snapshotAll()) == "");
	CHECK(readFile(tree.sentinel() + "/etc/shadow") == "root:secret:19000::::::\n");
}

TEST_CASE("bash-history: home directory entries named like options", "[bash-history]")
{
	// A directory "-rf " holding "etc" is the closest a name gets to
	// "-rf /etc": nothing of it may go.
	TempTree tree;
	tree.add({
		file("etc/passwd", "alice:x:1000:1000::/home/alice:/bin/bash\n"),
		file("home/alice/-rf /etc/passwd"),
		file("home/alice/--no-preserve-root"),
		file("home/alice/.bash_history"),
	});
	Snapshot before = tree.snapshotAll();

	ProcessResult result = runSysclean({"--root=" + tree.root(), "--operations=bash-history", "-v"});

	INFO("stderr:\n" << result.err);
	CHECK(result.status == 0);
	CHECK(result.out == "remove /home/alice/.bash_history\n");
	Snapshot expected = before;
	expected.erase("root/home/alice/.bash_history");
	CHECK(describeDifferences(expected, tree.snapshotAll()) == "");
}

TEST_CASE("bash-history: ostree home link", "[bash-history]")
{
	// Fedora Silverblue and other ostree systems: /home -> var/home, and
	// passwd names either path.
	TempTree tree;
	tree.add({
		file("etc/passwd",
		     "alice:x:1000:1000::/home/alice:/bin/bash\n"
		     "bob:x:1001:1001::/var/home/bob:/bin/bash\n"),
		symlink("home", "var/home"),
		file("var/home/alice/.bash_history"),
		file("var/home/alice/.bashrc"),
		file("var/home/bob/.bash_history"),
		file("var/home/carol/.bash_history"),
		symlink("root", "var/roothome"),
		file("var/roothome/.bash_history"),
	});
	Snapshot before = tree.snapshotAll();

	ProcessResult result = runSysclean({"--root=" + tree.root(), "--operations=bash-history", "-v"});

	INFO("stderr:\n" << result.err);
	CHECK(result.status == 0);
	// Each home is visited once, however many paths lead to it.
	CHECK(sortedLines(result.out) == std::vector<std::string>{
		"remove /home/alice/.bash_history",
		"remove /home/carol/.bash_history",
		"remove /root/.bash_history",
		"remove /var/home/bob/.bash_history",
	});
	Snapshot expected = before;
	for (const char *path : {"root/var/home/alice/.bash_history", "root/var/home/bob/.bash_history",
				 "root/var/home/carol/.bash_history", "root/var/roothome/.bash_history"})
		expected.erase(path);
	CHECK(describeDifferences(expected, tree.snapshotAll()) == "");
}

TEST_CASE("bash-history: passwd home outside the root", "[bash-history]")
{
	// A home given as the sentinel's host path resolves inside the root.
	TempTree tree;
	tree.add({
		file("etc/passwd", "eve:x:1000:1000::" + tree.sentinel() + ":/bin/bash\n"),
		file(tree.sentinel().substr(1) + "/.bash_history"),
	});
	tree.addSentinel({file(".bash_history", "host history\n")});
	Snapshot sentinelBefore = snapshot(tree.sentinel());

	ProcessResult result = runSysclean({"--root=" + tree.root(), "--operations=bash-history", "-v"});

	INFO("stderr:\n" << result.err);
	CHECK(result.status == 0);
	CHECK(result.out == "remove " + tree.sentinel() + "/.bash_history\n");
	CHECK_FALSE(tree.exists(tree.sentinel() + "/.bash_history"));
	CHECK(describeDifferences(sentinelBefore, snapshot(tree.sentinel())) == "");
}

TEST_CASE("bash-history: passwd home with dot-dot", "[bash-history]")
{
	// "/home/../../../sentinel" is "/sentinel" inside the root, as the
	// guest's own bash would see it; the host's sentinel is never reached.
	TempTree tree;
	tree.add({
		file("etc/passwd", "dots:x:1001:1001::/home/../../../sentinel:/bin/bash\n"),
		directory("home"),
		file("sentinel/.bash_history"),
		file("root/.bash_history"),
	});
	tree.addSentinel({file(".bash_history", "host history\n")});
	Snapshot sentinelBefore = snapshot(tree.sentinel());

	ProcessResult result = runSysclean({"--root=" + tree.root(), "--operations=bash-history", "-v"});

	INFO("stderr:\n" << result.err);
	CHECK(describeDifferences(sentinelBefore, snapshot(tree.sentinel())) == "");
	CHECK_FALSE(tree.exists("root/.bash_history"));
	CHECK(result.status == 0);
	CHECK_FALSE(tree.exists("sentinel/.bash_history"));
}

} // namespace sysclean::test
