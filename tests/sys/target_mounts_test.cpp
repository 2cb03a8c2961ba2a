// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of TargetMounts with loop-backed ext4 images named by UUID= and
// LABEL= in a temporary root's etc/fstab, in the private mount namespace
// that root_main.cpp sets up.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "loop_image.h"
#include "sys/mounts.h"
#include "sys/target_mounts.h"

using namespace sysclean;
using sysclean::test::LoopImage;
using sysclean::test::TempDir;

namespace {

void makeDirectories(const std::string &base, std::initializer_list<const char *> names)
{
	for (const char *name : names)
		REQUIRE(::mkdir((base + "/" + name).c_str(), 0755) == 0);
}

} // namespace

TEST_CASE("TargetMounts mounts from fstab", "[target-mounts]")
{
	TempDir dir;
	std::string varContents = dir / "var-contents";
	std::string logContents = dir / "log-contents";
	makeDirectories(dir.path(), {"var-contents", "var-contents/log", "var-contents/lib",
				     "var-contents/lib/cloud", "log-contents"});
	test::writeFile(varContents + "/lib/cloud/marker", "var image");
	test::writeFile(logContents + "/marker", "log image");

	LoopImage var(dir / "var.img", varContents, "scvar");
	LoopImage log(dir / "log.img", logContents, "sclog");

	std::string root = dir / "root";
	makeDirectories(dir.path(), {"root", "root/etc", "root/var", "root/home", "root/opt",
				     "root/srv"});
	// /var/log comes before /var on purpose: parents must still go first.
	test::writeFile(root + "/etc/fstab",
			"# <file system> <mount point> <type> <options> <dump> <pass>\n"
			"UUID=" + log.uuid() + "  /var/log  ext4  defaults,ro  0 2\n"
			"LABEL=scvar  /var  ext4  ro,noatime,x-systemd.device-timeout=5  0 2\n"
			"UUID=" + var.uuid() + "  /home  ext4  noauto  0 0\n"
			"192.0.2.1:/export  /home  nfs  defaults  0 0\n"
			"/dev/disk/by-label/swap  none  swap  sw  0 0\n"
			"/srv  /var/lib/cloud  none  bind  0 0\n"
			"tmpfs  /var/tmp  tmpfs  defaults  0 0\n"
			"UUID=" + log.uuid() + "  /opt  ext4  defaults  0 2\n"
			"this line is not an fstab entry\n"
			"UUID=00000000-0000-4000-8000-000000000000  /var/crash  ext4  defaults  0 2\n");

	const std::vector<std::string> cleanPaths = {"/var/log", "/var/lib/cloud", "/home",
						     "/root", "/var/crash"};
	std::vector<std::string> debugLines;
	Result<TargetMounts> mounts = TargetMounts::mount(
		root, cleanPaths, [&](std::string_view line) { debugLines.emplace_back(line); });
	REQUIRE(mounts);

	REQUIRE(mounts->mounted().size() == 2);
	const TargetMount &first = mounts->mounted()[0];
	CHECK(first.target == "/var");
	CHECK(first.source == "LABEL=scvar");
	CHECK(first.device == var.device());
	CHECK(first.fsType == "ext4");
	const TargetMount &second = mounts->mounted()[1];
	CHECK(second.target == "/var/log");
	CHECK(second.source == "UUID=" + log.uuid());
	CHECK(second.device == log.device());

	// /var/crash: its UUID matches no device. /opt contains nothing to
	// clean.
	REQUIRE(mounts->failures().size() == 1);
	CHECK(mounts->failures()[0].target == "/var/crash");
	CHECK(mounts->failures()[0].error);

	CHECK(test::readFile(root + "/var/lib/cloud/marker") == "var image");
	CHECK(test::readFile(root + "/var/log/marker") == "log image");

	Result<MountInfo> varMount = findMount(root + "/var/lib/cloud");
	REQUIRE(varMount);
	CHECK(varMount->target == root + "/var");
	CHECK(varMount->options.rfind("rw,", 0) == 0);
	CHECK(varMount->options.find("noatime") != std::string::npos);
	Result<MountInfo> logMount = findMount(root + "/var/log");
	REQUIRE(logMount);
	CHECK(logMount->target == root + "/var/log");
	CHECK(logMount->options.rfind("rw,", 0) == 0);
	Result<MountInfo> optMount = findMount(root + "/opt");
	REQUIRE(optMount);
	CHECK(optMount->target != root + "/opt");

	CHECK(std::find(debugLines.begin(), debugLines.end(),
			"skipping fstab entry '/home': noauto") != debugLines.end());
	CHECK(std::find(debugLines.begin(), debugLines.end(),
			"skipping fstab entry '/home': network filesystem") != debugLines.end());
	CHECK(std::find(debugLines.begin(), debugLines.end(),
			"skipping fstab entry '/var/lib/cloud': bind mount") != debugLines.end());

	SECTION("a second run finds them mounted")
	{
		Result<TargetMounts> again = TargetMounts::mount(root, cleanPaths);
		REQUIRE(again);
		CHECK(again->mounted().empty());
	}

	REQUIRE(mounts->unmountAll());
	CHECK(mounts->mounted().empty());
	Result<MountInfo> after = findMount(root + "/var");
	REQUIRE(after);
	CHECK(after->target != root + "/var");
	CHECK(::access((root + "/var/log").c_str(), F_OK) != 0);
}

TEST_CASE("TargetMounts without fstab", "[target-mounts]")
{
	TempDir dir;
	Result<TargetMounts> mounts = TargetMounts::mount(dir.path(), {"/var/log"});
	REQUIRE(mounts);
	CHECK(mounts->mounted().empty());
	CHECK(mounts->failures().empty());
}

TEST_CASE("TargetMounts symlinked mount point", "[target-mounts]")
{
	TempDir dir;
	std::string contents = dir / "contents";
	REQUIRE(::mkdir(contents.c_str(), 0755) == 0);
	LoopImage image(dir / "log.img", contents, "sclog2");

	std::string root = dir / "root";
	std::string outside = dir / "outside";
	REQUIRE(::mkdir(root.c_str(), 0755) == 0);
	REQUIRE(::mkdir((root + "/etc").c_str(), 0755) == 0);
	REQUIRE(::mkdir((root + "/var").c_str(), 0755) == 0);
	REQUIRE(::mkdir(outside.c_str(), 0755) == 0);
	REQUIRE(::symlink(outside.c_str(), (root + "/var/log").c_str()) == 0);
	test::writeFile(root + "/etc/fstab", "UUID=" + image.uuid() + " /var/log ext4 defaults 0 2\n");

	Result<TargetMounts> mounts = TargetMounts::mount(root, {"/var/log"});
	REQUIRE(mounts);
	CHECK(mounts->mounted().empty());
	REQUIRE(mounts->failures().size() == 1);
	CHECK(mounts->failures()[0].error == std::errc::too_many_symbolic_link_levels);

	Result<MountInfo> outsideMount = findMount(outside);
	REQUIRE(outsideMount);
	CHECK(outsideMount->target != outside);
}

TEST_CASE("TargetMounts failed parent skips children", "[target-mounts]")
{
	TempDir dir;
	std::string contents = dir / "contents";
	REQUIRE(::mkdir(contents.c_str(), 0755) == 0);
	LoopImage log(dir / "log.img", contents, "sclog3");

	std::string root = dir / "root";
	makeDirectories(dir.path(), {"root", "root/etc", "root/var", "root/var/log"});
	// /var cannot be mounted, so /var/log must not land on the root
	// filesystem's /var/log underneath.
	test::writeFile(root + "/etc/fstab",
			"UUID=00000000-0000-4000-8000-000000000001 /var ext4 defaults 0 2\n"
			"UUID=" + log.uuid() + " /var/log ext4 defaults 0 2\n");

	Result<TargetMounts> mounts = TargetMounts::mount(root, {"/var/log"});
	REQUIRE(mounts);
	CHECK(mounts->mounted().empty());
	REQUIRE(mounts->failures().size() == 2);
	CHECK(mounts->failures()[0].target == "/var");
	CHECK(mounts->failures()[0].error == std::errc::no_such_device);
	CHECK(mounts->failures()[1].target == "/var/log");
	CHECK(mounts->failures()[1].error == std::errc::no_such_device);

	Result<MountInfo> mount = findMount(root + "/var/log");
	REQUIRE(mount);
	CHECK(mount->target != root + "/var/log");
}
