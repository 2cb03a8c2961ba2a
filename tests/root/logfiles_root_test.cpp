// SPDX-License-Identifier: LGPL-2.1-or-later
// logfiles with real owners: log directories keep mode and owner, login
// records keep theirs, and an immutable file fails only its own removal.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "root/root_helpers.h"
#include "unit/fixture.h"

namespace sysclean::test {

TEST_CASE("logfiles: directories keep modes and owners", "[logfiles][root]")
{
	TempTree tree;
	tree.add({
		owned(directory("var/log/nginx", 0750), 33, 4),
		owned(file("var/log/nginx/access.log", "GET /\n", 0640), 33, 4),
		owned(file("var/log/nginx/error.log.1.gz", "x", 0640), 33, 4),
		owned(directory("var/log/mysql", 02750), 105, 110),
		owned(file("var/log/mysql/error.log", "x", 0640), 105, 110),
		owned(directory("var/log/journal", 02755), 0, 101),
		owned(directory("var/log/journal/0123abcd", 02755), 0, 101),
		owned(file("var/log/journal/0123abcd/system.journal", "LPKSHHRH", 0640), 0, 101),
		owned(directory("var/log/private", 0700), 0, 0),
		owned(file("var/log/private/secret.log", "x", 0600), 0, 0),
		owned(directory("var/log/user", 0700), 1000, 1000),
		owned(file("var/log/user/app.log", "x", 0600), 1000, 1000),
		owned(file("var/log/wtmp", "w", 0664), 0, 43),
		owned(file("var/log/btmp", "b", 0660), 0, 43),
		owned(file("var/log/lastlog", "l", 0664), 0, 43),
		owned(file("var/log/faillog", "f", 0644), 0, 0),
		owned(file("var/log/syslog", "x", 0640), 0, 4),
	});
	Snapshot before = snapshot(tree.hostPath("var/log"));

	ProcessResult result = runSysclean({"--root=" + tree.root(), "--operations=logfiles", "-v"});

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
	CHECK(hasLine(result.err, "logfiles: removed 7 files, emptied 4"));
}

TEST_CASE("logfiles: immutable file fails alone", "[logfiles][root]")
{
	TempTree tree;
	tree.add({
		file("root/.bash_history"),
		file("var/log/app/a.log"),
		file("var/log/app/locked.log"),
		file("var/log/app/z.log"),
		file("var/log/frozen/inside.log"),
		file("var/log/syslog"),
		file("var/lib/dhcp/dhclient.leases"),
		file("var/lib/logrotate/status"),
	});
	ScopedImmutable lockedFile(tree.hostPath("var/log/app/locked.log"));
	ScopedImmutable frozenDirectory(tree.hostPath("var/log/frozen"));

	// The dry run predicts the same failures, so its list and exit
	// status equal the real run's.
	ProcessResult dryRun = runSysclean({"--root=" + tree.root(), "--dry-run"});
	ProcessResult result = runSysclean({"--root=" + tree.root(), "-v"});

	CHECK(dryRun.status == 2);
	CHECK(sortedLines(dryRun.out) == sortedLines(result.out));
	CHECK(hasLine(dryRun.err, "logfiles: failed to remove '/var/log/app/locked.log': Operation not permitted"));

	INFO("stderr:\n" << result.err);
	CHECK(result.status == 2);
	CHECK(hasLine(result.err, "logfiles: failed to remove '/var/log/app/locked.log': Operation not permitted"));
	CHECK(hasLine(result.err, "logfiles: failed to remove '/var/log/frozen/inside.log': Operation not permitted"));
	CHECK(hasLine(result.err, "logfiles: removed 4 files, 2 errors"));
	CHECK(tree.exists("var/log/app/locked.log"));
	CHECK(tree.exists("var/log/frozen/inside.log"));

	// The rest of logfiles, and the operations before it, still ran.
	for (const char *gone : {"var/log/app/a.log", "var/log/app/z.log", "var/log/syslog", "var/lib/logrotate/status",
				 "root/.bash_history", "var/lib/dhcp/dhclient.leases"}) {
		INFO("removed: " << gone);
		CHECK_FALSE(tree.exists(gone));
	}
}

} // namespace sysclean::test
