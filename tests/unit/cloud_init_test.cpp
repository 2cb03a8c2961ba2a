// SPDX-License-Identifier: LGPL-2.1-or-later
// cloud-init with every shape of the instance entry, and with the working
// directory inside the removed tree or already deleted.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "unit/fixture.h"

namespace sysclean::test {

TEST_CASE("cloud-init: instance entry shapes", "[cloud-init]")
{
	std::string shape = GENERATE("absolute", "relative", "dangling", "etc", "host", "directory");
	std::string cwd = GENERATE("unchanged", "inside", "deleted");
	TempTree tree;
	tree.add({
		file("var/lib/cloud/instances/iid-1/boot-finished"),
		file("var/lib/cloud/instances/iid-1/obj.pkl", "pickle", 0600),
		file("var/lib/cloud/seed/nocloud/meta-data", "instance-id: iid-1\n"),
		file("var/lib/cloud/seed/nocloud/user-data", "#cloud-config\n"),
		file("var/lib/cloud/scripts/per-boot/50-site.sh", "#!/bin/sh\n", 0755),
		file("var/lib/cloud/scripts/per-instance/10-once.sh", "#!/bin/sh\n", 0755),
		file("etc/hosts"),
		file("etc/cloud/cloud.cfg"),
	});
	std::vector<std::string> expected{
		"remove /var/lib/cloud/instance",
		"remove /var/lib/cloud/instances",
		"remove /var/lib/cloud/instances/iid-1",
		"remove /var/lib/cloud/instances/iid-1/boot-finished",
		"remove /var/lib/cloud/instances/iid-1/obj.pkl",
	};
	if (shape == "absolute") {
		tree.add({symlink("var/lib/cloud/instance", "/var/lib/cloud/instances/iid-1")});
	} else if (shape == "relative") {
		tree.add({symlink("var/lib/cloud/instance", "instances/iid-1")});
	} else if (shape == "dangling") {
		tree.add({symlink("var/lib/cloud/instance", "instances/iid-gone")});
	} else if (shape == "etc") {
		tree.add({symlink("var/lib/cloud/instance", "/etc")});
	} else if (shape == "host") {
		tree.add({symlink("var/lib/cloud/instance", tree.sentinel())});
	} else {
		tree.add({file("var/lib/cloud/instance/boot-finished"), file("var/lib/cloud/instance/datasource")});
		expected.push_back("remove /var/lib/cloud/instance/boot-finished");
		expected.push_back("remove /var/lib/cloud/instance/datasource");
	}
	std::sort(expected.begin(), expected.end());

	RunOptions options;
	if (cwd == "inside") {
		options.cwd = tree.hostPath("var/lib/cloud/instances/iid-1");
	} else if (cwd == "deleted") {
		options.cwd = tree.parent() + "/deleted-cwd";
		REQUIRE(mkdir(options.cwd.c_str(), 0755) == 0);
		options.removeCwd = true;
	}
	Snapshot etcBefore = snapshot(tree.hostPath("etc"));
	Snapshot sentinelBefore = snapshot(tree.sentinel());

	ProcessResult result = runSysclean({"--root=" + tree.root(), "--operations=cloud-init", "-v"}, options);

	INFO("instance: " << shape << ", working directory: " << cwd << "\nstderr:\n" << result.err);
	CHECK(result.status == 0);
	CHECK(sortedLines(result.out) == expected);
	CHECK_FALSE(tree.exists("var/lib/cloud/instance"));
	CHECK_FALSE(tree.exists("var/lib/cloud/instances"));
	CHECK(tree.exists("var/lib/cloud"));
	for (const char *kept : {"var/lib/cloud/seed/nocloud/meta-data", "var/lib/cloud/seed/nocloud/user-data",
				 "var/lib/cloud/scripts/per-boot/50-site.sh",
				 "var/lib/cloud/scripts/per-instance/10-once.sh"}) {
		INFO("kept: " << kept);
		CHECK(tree.exists(kept));
	}
	CHECK(describeDifferences(etcBefore, snapshot(tree.hostPath("etc"))) == "");
	CHECK(describeDifferences(sentinelBefore, snapshot(tree.sentinel())) == "");
}

TEST_CASE("cloud-init: state directory is a link", "[cloud-init]")
{
	// /var/lib/cloud -> /srv/cloud is resolved inside the root and emptied
	// there.
	TempTree tree;
	tree.add({
		symlink("var/lib/cloud", "/srv/cloud"),
		file("srv/cloud/instances/iid-1/boot-finished"),
		file("srv/cloud/seed/nocloud/meta-data"),
		file("srv/other"),
	});

	ProcessResult result = runSysclean({"--root=" + tree.root(), "--operations=cloud-init", "-v"});

	INFO("stderr:\n" << result.err);
	CHECK(result.status == 0);
	CHECK(sortedLines(result.out) == std::vector<std::string>{
		"remove /var/lib/cloud/instances",
		"remove /var/lib/cloud/instances/iid-1",
		"remove /var/lib/cloud/instances/iid-1/boot-finished",
	});
	CHECK(tree.exists("srv/cloud/seed/nocloud/meta-data"));
	CHECK(tree.exists("srv/other"));
	CHECK(tree.exists("var/lib/cloud"));
}

} // namespace sysclean::test
