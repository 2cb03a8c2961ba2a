// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of the staging tmpfs and of the tree copy onto it, in the private
// mount namespace that root_main.cpp sets up.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/unique_fd.h"
#include "helpers.h"
#include "sys/errors.h"
#include "sys/mounts.h"
#include "sys/staging.h"
#include "sys/tree_copy.h"

using namespace sysclean;
using sysclean::test::TempDir;

namespace {

UniqueFd openDirectory(const std::string &path)
{
	UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	REQUIRE(fd.valid());
	return fd;
}

struct stat lstatOf(const std::string &path)
{
	struct stat st;
	REQUIRE(::lstat(path.c_str(), &st) == 0);
	return st;
}

std::string xattrOf(const std::string &path, const char *name)
{
	char value[4096];
	ssize_t length = ::lgetxattr(path.c_str(), name, value, sizeof(value));
	if (length < 0)
		return "<missing>";
	return std::string(value, static_cast<size_t>(length));
}

void setTimes(const std::string &path, time_t atime, time_t mtime)
{
	const struct timespec times[2] = {{atime, 111}, {mtime, 222}};
	REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) == 0);
}

// Compares the metadata A, taken from a source before the copy read it,
// with the copy TO.
void checkSameMetadata(const struct stat &a, const std::string &to)
{
	INFO(to);
	struct stat b = lstatOf(to);
	CHECK(a.st_mode == b.st_mode);
	CHECK(a.st_uid == b.st_uid);
	CHECK(a.st_gid == b.st_gid);
	CHECK(a.st_mtim.tv_sec == b.st_mtim.tv_sec);
	CHECK(a.st_mtim.tv_nsec == b.st_mtim.tv_nsec);
	CHECK(a.st_atim.tv_sec == b.st_atim.tv_sec);
	if (S_ISREG(a.st_mode))
		CHECK(a.st_size == b.st_size);
}

// Fills DIR with the cases a log directory can hold.
void makeLogTree(const std::string &dir)
{
	REQUIRE(::mkdir(dir.c_str(), 0755) == 0);

	std::string syslog = dir + "/syslog";
	test::writeFile(syslog, "line one\nline two\n");
	REQUIRE(::chown(syslog.c_str(), 104, 4) == 0);
	REQUIRE(::chmod(syslog.c_str(), 0640) == 0);
	REQUIRE(::setxattr(syslog.c_str(), "user.origin", "rsyslog", 7, 0) == 0);
	const char label[] = "system_u:object_r:var_log_t:s0";
	REQUIRE(::setxattr(syslog.c_str(), "security.selinux", label, sizeof(label), 0) == 0);
	REQUIRE(test::run({"setfacl", "-m", "u:1234:r", syslog}) == 0);
	setTimes(syslog, 1000000000, 1100000000);

	// 10 MiB with two 4 KiB data blocks, the second one in the middle.
	std::string lastlog = dir + "/lastlog";
	{
		UniqueFd fd(::open(lastlog.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0664));
		REQUIRE(fd.valid());
		std::string block(4096, 'x');
		REQUIRE(::pwrite(fd.get(), block.data(), block.size(), 0) == 4096);
		REQUIRE(::pwrite(fd.get(), block.data(), block.size(), 5 << 20) == 4096);
		REQUIRE(::ftruncate(fd.get(), 10 << 20) == 0);
	}
	REQUIRE(::chown(lastlog.c_str(), 0, 43) == 0);
	setTimes(lastlog, 1200000000, 1300000000);

	std::string journal = dir + "/journal";
	REQUIRE(::mkdir(journal.c_str(), 0755) == 0);
	REQUIRE(::chown(journal.c_str(), 0, 101) == 0);
	REQUIRE(::chmod(journal.c_str(), 02755) == 0);
	REQUIRE(test::run({"setfacl", "-d", "-m", "g:adm:rx", journal}) == 0);
	test::writeFile(journal + "/system.journal", std::string(8000, 'j'));
	setTimes(journal + "/system.journal", 1400000000, 1500000000);
	setTimes(journal, 1400000000, 1500000000);

	std::string link = dir + "/current";
	REQUIRE(::symlink("journal/system.journal", link.c_str()) == 0);
	REQUIRE(::lchown(link.c_str(), 7, 8) == 0);
	setTimes(link, 1600000000, 1700000000);

	std::string fifo = dir + "/xconsole";
	REQUIRE(::mkfifo(fifo.c_str(), 0640) == 0);
	setTimes(fifo, 1600000000, 1700000000);

	std::string device = dir + "/null";
	REQUIRE(::mknod(device.c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0);

	REQUIRE(::chmod(dir.c_str(), 0750) == 0);
	setTimes(dir, 1800000000, 1900000000);
}

} // namespace

TEST_CASE("StagingTmpfs mount and release", "[staging]")
{
	TempDir dir;
	std::string parent = dir / "sysclean";

	std::string mountPoint;
	{
		Result<StagingTmpfs> staging = StagingTmpfs::create(parent, 1 << 20);
		REQUIRE(staging);
		mountPoint = staging->path();
		CHECK(mountPoint.rfind(parent + "/staging.", 0) == 0);
		CHECK((lstatOf(parent).st_mode & 07777) == 0700);

		Result<MountInfo> mount = findMount(mountPoint);
		REQUIRE(mount);
		CHECK(mount->target == mountPoint);
		CHECK(mount->fsType == "tmpfs");
		CHECK(mount->options.find("nosuid") != std::string::npos);
		CHECK(mount->options.find("nodev") != std::string::npos);
		CHECK(mount->options.find("noexec") != std::string::npos);
		CHECK(mount->options.find("size=1024k") != std::string::npos);
		CHECK((lstatOf(mountPoint).st_mode & 07777) == 0700);

		Result<std::uint64_t> free = staging->freeBytes();
		REQUIRE(free);
		CHECK(*free == std::uint64_t{1} << 20);
	}

	// Released by the destructor: unmounted and removed.
	CHECK(::access(mountPoint.c_str(), F_OK) != 0);
	Result<MountInfo> after = findMount(parent);
	REQUIRE(after);
	CHECK(after->target != mountPoint);
}

TEST_CASE("StagingTmpfs rejects a writable parent", "[staging]")
{
	TempDir dir;
	std::string parent = dir / "shared";
	REQUIRE(::mkdir(parent.c_str(), 0777) == 0);
	REQUIRE(::chmod(parent.c_str(), 01777) == 0);

	Result<StagingTmpfs> staging = StagingTmpfs::create(parent, 1 << 20);
	REQUIRE_FALSE(staging);
	CHECK(staging.error() == std::errc::operation_not_permitted);
}

TEST_CASE("copyTree keeps metadata", "[staging]")
{
	TempDir dir;
	std::string source = dir / "log";
	makeLogTree(source);

	Result<StagingTmpfs> staging = StagingTmpfs::create(dir / "run", defaultStagingLimit);
	REQUIRE(staging);
	UniqueFd sourceFd = openDirectory(source);

	Result<TreeUsage> usage = measureTree(sourceFd.get());
	REQUIRE(usage);
	// syslog, lastlog's two blocks, system.journal: five pages; the
	// holes of lastlog count nothing.
	CHECK(usage->bytes == 5 * 4096);
	CHECK(usage->entries == 7);

	// Reading the sources moves their access times, so their metadata is
	// taken before the copy.
	const std::vector<std::string> names = {"", "/syslog", "/lastlog", "/journal",
						"/journal/system.journal", "/current", "/xconsole"};
	std::vector<struct stat> before;
	for (const std::string &name : names)
		before.push_back(lstatOf(source + name));

	Result<UniqueFd> copy = copyTree(sourceFd.get(), staging->fd(), "var-log",
					 defaultStagingLimit);
	REQUIRE(copy);
	std::string target = staging->path() + "/var-log";

	for (size_t i = 0; i < names.size(); i++)
		checkSameMetadata(before[i], target + names[i]);

	CHECK(test::readFile(target + "/syslog") == "line one\nline two\n");
	CHECK(xattrOf(target + "/syslog", "user.origin") == "rsyslog");
	CHECK(xattrOf(target + "/syslog", "security.selinux") ==
	      xattrOf(source + "/syslog", "security.selinux"));
	CHECK(xattrOf(target + "/syslog", "system.posix_acl_access") ==
	      xattrOf(source + "/syslog", "system.posix_acl_access"));
	CHECK(xattrOf(target + "/journal", "system.posix_acl_default") ==
	      xattrOf(source + "/journal", "system.posix_acl_default"));
	CHECK(xattrOf(target + "/journal", "system.posix_acl_default") != "<missing>");

	struct stat sparse = lstatOf(target + "/lastlog");
	CHECK(sparse.st_size == 10 << 20);
	CHECK(sparse.st_blocks * 512 == 2 * 4096);
	CHECK(test::readFile(target + "/lastlog") == test::readFile(source + "/lastlog"));

	char link[256] = {};
	REQUIRE(::readlink((target + "/current").c_str(), link, sizeof(link) - 1) > 0);
	CHECK(std::string(link) == "journal/system.journal");
	CHECK(S_ISFIFO(lstatOf(target + "/xconsole").st_mode));

	// The staging tmpfs is nodev: device nodes are not copied.
	CHECK(::access((target + "/null").c_str(), F_OK) != 0);
}

TEST_CASE("copyTree over the limit copies nothing", "[staging]")
{
	TempDir dir;
	std::string source = dir / "log";
	REQUIRE(::mkdir(source.c_str(), 0755) == 0);
	test::writeFile(source + "/big.log", std::string(2 << 20, 'b'));
	UniqueFd sourceFd = openDirectory(source);

	SECTION("the limit")
	{
		Result<StagingTmpfs> staging = StagingTmpfs::create(dir / "run", 8 << 20);
		REQUIRE(staging);
		Result<UniqueFd> copy = copyTree(sourceFd.get(), staging->fd(), "var-log", 1 << 20);
		REQUIRE_FALSE(copy);
		CHECK(copy.error() == SysError::TreeTooLarge);
		CHECK(copy.error().message() == "directory tree does not fit on the staging tmpfs");
		CHECK(::faccessat(staging->fd(), "var-log", F_OK, AT_SYMLINK_NOFOLLOW) != 0);
		Result<std::uint64_t> free = staging->freeBytes();
		REQUIRE(free);
		CHECK(*free == 8 << 20);
	}

	SECTION("the free space of the tmpfs")
	{
		Result<StagingTmpfs> staging = StagingTmpfs::create(dir / "run", 1 << 20);
		REQUIRE(staging);
		Result<UniqueFd> copy = copyTree(sourceFd.get(), staging->fd(), "var-log",
						 defaultStagingLimit);
		REQUIRE_FALSE(copy);
		CHECK(copy.error() == SysError::TreeTooLarge);
		CHECK(::faccessat(staging->fd(), "var-log", F_OK, AT_SYMLINK_NOFOLLOW) != 0);
	}
}

TEST_CASE("copyTree failure removes partial copy", "[staging]")
{
	TempDir dir;
	std::string source = dir / "log";
	REQUIRE(::mkdir(source.c_str(), 0755) == 0);
	for (int i = 0; i < 20; i++)
		test::writeFile(source + "/empty" + std::to_string(i) + ".log", "");

	// Empty files take no pages, so the size check passes; the inode
	// limit stops the copy halfway.
	std::string small = dir / "small";
	REQUIRE(::mkdir(small.c_str(), 0700) == 0);
	REQUIRE(::mount("tmpfs", small.c_str(), "tmpfs", 0, "size=1m,nr_inodes=8") == 0);
	{
		UniqueFd sourceFd = openDirectory(source);
		UniqueFd smallFd = openDirectory(small);
		Result<UniqueFd> copy = copyTree(sourceFd.get(), smallFd.get(), "var-log",
						 defaultStagingLimit);
		REQUIRE_FALSE(copy);
		CHECK(copy.error() == std::errc::no_space_on_device);
		CHECK(::faccessat(smallFd.get(), "var-log", F_OK, AT_SYMLINK_NOFOLLOW) != 0);
	}
	REQUIRE(::umount(small.c_str()) == 0);
}
