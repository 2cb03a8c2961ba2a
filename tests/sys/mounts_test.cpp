// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of the mount lookups and bind mounts, in the private mount
// namespace that root_main.cpp sets up.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/unique_fd.h"
#include "helpers.h"
#include "sys/mounts.h"

using namespace sysclean;
using sysclean::test::TempDir;

namespace {

void mountTmpfs(const std::string &target)
{
	REQUIRE(::mount("tmpfs", target.c_str(), "tmpfs", 0, "size=1m") == 0);
}

UniqueFd openDirectory(const std::string &path)
{
	UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	REQUIRE(fd.valid());
	return fd;
}

} // namespace

TEST_CASE("findMount longest prefix", "[mounts]")
{
	TempDir root;
	REQUIRE(::mkdir((root / "var").c_str(), 0755) == 0);
	mountTmpfs(root / "var");
	REQUIRE(::mkdir((root / "var/log").c_str(), 0755) == 0);
	REQUIRE(::mkdir((root / "var/log/nginx").c_str(), 0755) == 0);
	REQUIRE(::mkdir((root / "var/logs").c_str(), 0755) == 0);

	SECTION("a directory below a separate /var")
	{
		Result<MountInfo> mount = findMount(root / "var/log/nginx");
		REQUIRE(mount);
		CHECK(mount->target == root / "var");
		CHECK(mount->fsType == "tmpfs");
	}

	SECTION("a deeper mount wins, and only on whole components")
	{
		mountTmpfs(root / "var/log");
		REQUIRE(::mkdir((root / "var/log/nginx").c_str(), 0755) == 0);

		Result<MountInfo> inside = findMount(root / "var/log/nginx");
		REQUIRE(inside);
		CHECK(inside->target == root / "var/log");

		Result<MountInfo> neighbour = findMount(root / "var/logs");
		REQUIRE(neighbour);
		CHECK(neighbour->target == root / "var");
		REQUIRE(::umount((root / "var/log").c_str()) == 0);
	}

	SECTION("the topmost of stacked mounts, by path and by fd")
	{
		mountTmpfs(root / "var/log");
		Result<MountInfo> lower = findMount(root / "var/log");
		REQUIRE(lower);
		mountTmpfs(root / "var/log");
		Result<MountInfo> upper = findMount(root / "var/log");
		REQUIRE(upper);
		CHECK(upper->id != lower->id);

		{
			UniqueFd fd = openDirectory(root / "var/log");
			Result<MountInfo> byFd = findMount(fd.get());
			REQUIRE(byFd);
			CHECK(byFd->id == upper->id);
		}

		REQUIRE(::umount((root / "var/log").c_str()) == 0);
		REQUIRE(::umount((root / "var/log").c_str()) == 0);
	}

	SECTION("a missing path fails")
	{
		Result<MountInfo> mount = findMount(root / "var/missing");
		REQUIRE_FALSE(mount);
		CHECK(mount.error() == std::errc::no_such_file_or_directory);
	}

	REQUIRE(::umount((root / "var").c_str()) == 0);
}

TEST_CASE("isOnTmpfs parent mount", "[mounts]")
{
	TempDir root;
	REQUIRE(::mkdir((root / "disk").c_str(), 0755) == 0);
	REQUIRE(::mkdir((root / "volatile").c_str(), 0755) == 0);
	mountTmpfs(root / "volatile");
	REQUIRE(::mkdir((root / "volatile/log").c_str(), 0755) == 0);

	// /tmp itself may be a tmpfs on some machines, so the disk case is
	// checked against the filesystem that really contains it.
	Result<MountInfo> holder = findMount(root / "disk");
	REQUIRE(holder);
	bool diskIsTmpfs = holder->fsType == "tmpfs";

	Result<bool> disk = isOnTmpfs(root / "disk");
	REQUIRE(disk);
	CHECK(*disk == diskIsTmpfs);

	Result<bool> byPath = isOnTmpfs(root / "volatile/log");
	REQUIRE(byPath);
	CHECK(*byPath);

	{
		UniqueFd fd = openDirectory(root / "volatile/log");
		Result<bool> byFd = isOnTmpfs(fd.get());
		REQUIRE(byFd);
		CHECK(*byFd);
	}

	REQUIRE(::umount((root / "volatile").c_str()) == 0);
}

TEST_CASE("bindMount over an open directory", "[mounts]")
{
	TempDir root;
	REQUIRE(::mkdir((root / "log").c_str(), 0755) == 0);
	REQUIRE(::mkdir((root / "staged").c_str(), 0755) == 0);
	test::writeFile(root / "log/on-disk", "old");
	test::writeFile(root / "staged/copy", "new");

	UniqueFd onDisk = openDirectory(root / "log");
	UniqueFd staged = openDirectory(root / "staged");
	REQUIRE(bindMount(staged.get(), onDisk.get()));

	// The path shows the staged copy; the descriptor opened before still
	// reaches the files underneath.
	CHECK(::access((root / "log/copy").c_str(), F_OK) == 0);
	CHECK(::access((root / "log/on-disk").c_str(), F_OK) != 0);
	CHECK(::faccessat(onDisk.get(), "on-disk", F_OK, 0) == 0);
	CHECK(::faccessat(onDisk.get(), "copy", F_OK, 0) != 0);

	Result<MountInfo> mount = findMount(root / "log");
	REQUIRE(mount);
	CHECK(mount->target == root / "log");

	REQUIRE(unmount(root / "log"));
	CHECK(::access((root / "log/on-disk").c_str(), F_OK) == 0);
}

TEST_CASE("unmount of no mount fails", "[mounts]")
{
	TempDir root;
	Status status = unmount(root.path());
	CHECK_FALSE(status);
}
