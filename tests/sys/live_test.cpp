// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of the whole sysclean binary in live mode on a temporary root, in
// the mount, network and PID namespaces that root_main.cpp sets up. They
// cover running log writers, a separate /var, the staging limit, and links
// and DHCP clients quiesced before the leases go.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "base/unique_fd.h"
#include "helpers.h"
#include "loop_image.h"
#include "sys/mounts.h"

using namespace sysclean;
using sysclean::test::LoopImage;
using sysclean::test::TempDir;

namespace {

struct Outcome {
	int status = -1;
	std::string out;
	std::string err;
};

// Runs the sysclean binary named by $SYSCLEAN with ARGUMENTS and returns
// its exit status, standard output and standard error.
Outcome runSysclean(const std::vector<std::string> &arguments)
{
	const char *binary = std::getenv("SYSCLEAN");
	REQUIRE(binary != nullptr);

	TempDir dir;
	std::string outPath = dir / "stdout";
	std::string errPath = dir / "stderr";
	std::vector<std::string> argv = {binary};
	argv.insert(argv.end(), arguments.begin(), arguments.end());
	std::string command;
	for (const std::string &argument : argv)
		command += "'" + argument + "' ";
	command += "2>'" + errPath + "' >'" + outPath + "'";

	Outcome outcome;
	int status = std::system(command.c_str());
	outcome.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	outcome.out = test::readFile(outPath);
	outcome.err = test::readFile(errPath);
	return outcome;
}

// A child process that appends a numbered line to PATH every 5 ms: with
// REOPEN it opens the path anew for each line, as logger scripts do,
// otherwise it keeps one descriptor, as rsyslog does. It exits with 3 when
// an open fails and 4 when a write fails.
pid_t startWriter(const std::string &path, bool reopen)
{
	pid_t pid = ::fork();
	REQUIRE(pid >= 0);
	if (pid > 0)
		return pid;

	int fd = -1;
	for (unsigned line = 0;; line++) {
		if (fd < 0 || reopen) {
			if (fd >= 0)
				::close(fd);
			fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
			if (fd < 0)
				::_exit(3);
		}
		std::string text = (reopen ? "reopen " : "keep ") + std::to_string(line) + "\n";
		if (::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size()))
			::_exit(4);
		::usleep(5000);
	}
}

// Stops a writer and returns whether it was still running and had not
// failed on its own.
bool stopWriter(pid_t pid)
{
	bool running = ::waitpid(pid, nullptr, WNOHANG) == 0;
	::kill(pid, SIGKILL);
	int status = 0;
	::waitpid(pid, &status, 0);
	return running && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

// Returns the target of PID's descriptor whose target contains NAME.
std::string descriptorTarget(pid_t pid, const std::string &name)
{
	std::string dir = "/proc/" + std::to_string(pid) + "/fd";
	for (const auto &entry : std::filesystem::directory_iterator(dir)) {
		std::error_code error;
		std::string target = std::filesystem::read_symlink(entry.path(), error);
		if (!error && target.find(name) != std::string::npos)
			return target;
	}
	return {};
}

std::vector<std::string> listNames(int dir)
{
	std::vector<std::string> names;
	int copy = ::openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	REQUIRE(copy >= 0);
	DIR *stream = ::fdopendir(copy);
	REQUIRE(stream != nullptr);
	while (struct dirent *entry = ::readdir(stream)) {
		std::string name = entry->d_name;
		if (name != "." && name != "..")
			names.push_back(name);
	}
	::closedir(stream);
	std::sort(names.begin(), names.end());
	return names;
}

off_t sizeAt(int dir, const char *name)
{
	struct stat st;
	REQUIRE(::fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0);
	return st.st_size;
}

off_t sizeOf(const std::string &path)
{
	struct stat st;
	REQUIRE(::stat(path.c_str(), &st) == 0);
	return st.st_size;
}

UniqueFd openDirectory(const std::string &path)
{
	UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	REQUIRE(fd.valid());
	return fd;
}

void makeDirectories(const std::string &base, std::initializer_list<const char *> names)
{
	for (const char *name : names)
		REQUIRE(::mkdir((base + "/" + name).c_str(), 0755) == 0);
}

// Returns the entries left in /run/sysclean, where staging tmpfs mounts
// are made; none may stay after a run.
std::vector<std::string> stagingLeftovers()
{
	UniqueFd fd(::open("/run/sysclean", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	if (!fd.valid())
		return {};
	return listNames(fd.get());
}

} // namespace

TEST_CASE("live logfiles with running writers", "[live]")
{
	TempDir dir;
	std::string root = dir / "root";
	makeDirectories(dir.path(), {"root", "root/etc", "root/var", "root/var/log", "root/var/log/app"});
	std::string log = root + "/var/log";
	test::writeFile(log + "/syslog", "old line\n");
	test::writeFile(log + "/wtmp", "w");
	REQUIRE(::chown((log + "/wtmp").c_str(), 0, 43) == 0);
	REQUIRE(::chmod((log + "/wtmp").c_str(), 0664) == 0);

	pid_t reopening = startWriter(log + "/app/reopen.log", true);
	pid_t keeping = startWriter(log + "/app/keep-open.log", false);
	std::this_thread::sleep_for(std::chrono::milliseconds(50));

	// Opened before the run, this reaches the files on disk afterwards.
	UniqueFd onDisk = openDirectory(log);

	Outcome outcome = runSysclean({"--live", "--root=" + root, "--operations=logfiles"});
	INFO("stderr:\n" << outcome.err);
	CHECK(outcome.status == 0);

	Result<MountInfo> mount = findMount(log);
	REQUIRE(mount);
	CHECK(mount->target == log);
	CHECK(mount->fsType == "tmpfs");

	// On disk: directories kept, login records emptied, the rest gone.
	CHECK(listNames(onDisk.get()) == std::vector<std::string>{"app", "wtmp"});
	CHECK(sizeAt(onDisk.get(), "wtmp") == 0);
	UniqueFd onDiskApp(::openat(onDisk.get(), "app", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	REQUIRE(onDiskApp.valid());
	CHECK(listNames(onDiskApp.get()).empty());

	// The path now shows the copy, and both writers keep going.
	CHECK(test::readFile(log + "/syslog") == "old line\n");
	CHECK(test::readFile(log + "/wtmp") == "w");
	off_t before = sizeOf(log + "/app/reopen.log");
	std::this_thread::sleep_for(std::chrono::milliseconds(100));
	CHECK(sizeOf(log + "/app/reopen.log") > before);
	CHECK(descriptorTarget(keeping, "keep-open.log").find("(deleted)") != std::string::npos);

	CHECK(stopWriter(reopening));
	CHECK(stopWriter(keeping));
	CHECK(stagingLeftovers().empty());
	REQUIRE(::umount(log.c_str()) == 0);
}

TEST_CASE("live logfiles on separate /var", "[live]")
{
	TempDir dir;
	std::string contents = dir / "contents";
	makeDirectories(dir.path(), {"contents", "contents/log", "contents/log/nginx"});
	test::writeFile(contents + "/log/syslog", "disk line\n");
	test::writeFile(contents + "/log/nginx/access.log", "GET /\n");
	LoopImage image(dir / "var.img", contents, "livevar");

	std::string root = dir / "root";
	makeDirectories(dir.path(), {"root", "root/etc", "root/var"});
	std::string var = root + "/var";
	REQUIRE(::mount(image.device().c_str(), var.c_str(), "ext4", 0, nullptr) == 0);

	Outcome outcome = runSysclean({"--live", "--root=" + root, "--operations=logfiles"});
	INFO("stderr:\n" << outcome.err);
	CHECK(outcome.status == 0);

	Result<MountInfo> logMount = findMount(var + "/log");
	REQUIRE(logMount);
	CHECK(logMount->target == var + "/log");
	CHECK(logMount->fsType == "tmpfs");
	CHECK(test::readFile(var + "/log/syslog") == "disk line\n");

	// Under the copy, the ext4 filesystem has its directories and no files.
	REQUIRE(::umount((var + "/log").c_str()) == 0);
	Result<MountInfo> varMount = findMount(var + "/log");
	REQUIRE(varMount);
	CHECK(varMount->target == var);
	CHECK(varMount->fsType == "ext4");
	UniqueFd onDisk = openDirectory(var + "/log");
	std::vector<std::string> names = listNames(onDisk.get());
	CHECK(names == std::vector<std::string>{"nginx"});
	UniqueFd nginx = openDirectory(var + "/log/nginx");
	CHECK(listNames(nginx.get()).empty());

	onDisk.reset();
	nginx.reset();
	REQUIRE(::umount(var.c_str()) == 0);
}

TEST_CASE("live logfiles with /var/log/audit mounted", "[live]")
{
	TempDir dir;
	std::string contents = dir / "contents";
	makeDirectories(dir.path(), {"contents", "contents/old"});
	test::writeFile(contents + "/audit.log", "type=LOGIN host=builder\n");
	test::writeFile(contents + "/old/audit.log.1", "type=LOGIN host=builder\n");
	LoopImage image(dir / "audit.img", contents, "liveaudit");

	std::string root = dir / "root";
	makeDirectories(dir.path(), {"root", "root/etc", "root/var", "root/var/log", "root/var/log/audit"});
	test::writeFile(root + "/var/log/syslog", "disk line\n");
	std::string audit = root + "/var/log/audit";
	REQUIRE(::mount(image.device().c_str(), audit.c_str(), "ext4", 0, nullptr) == 0);

	Outcome outcome = runSysclean({"--live", "--root=" + root, "--operations=logfiles"});
	INFO("stderr:\n" << outcome.err);
	CHECK(outcome.status == 0);

	// Both copies are mounted; take them off and look at the disks.
	Result<MountInfo> logMount = findMount(root + "/var/log");
	REQUIRE(logMount);
	CHECK(logMount->fsType == "tmpfs");
	REQUIRE(::umount((root + "/var/log").c_str()) == 0);
	Result<MountInfo> auditCopy = findMount(audit);
	REQUIRE(auditCopy);
	CHECK(auditCopy->fsType == "tmpfs");
	REQUIRE(::umount(audit.c_str()) == 0);

	// The audit partition keeps its directories and has no files left.
	Result<MountInfo> auditMount = findMount(audit);
	REQUIRE(auditMount);
	CHECK(auditMount->fsType == "ext4");
	UniqueFd onDisk = openDirectory(audit);
	std::vector<std::string> names = listNames(onDisk.get());
	std::sort(names.begin(), names.end());
	CHECK(names == std::vector<std::string>{"lost+found", "old"});
	UniqueFd old = openDirectory(audit + "/old");
	CHECK(listNames(old.get()).empty());

	onDisk.reset();
	old.reset();
	REQUIRE(::umount(audit.c_str()) == 0);
	CHECK_FALSE(std::filesystem::exists(root + "/var/log/syslog"));
}

TEST_CASE("live logfiles over the limit", "[live]")
{
	TempDir dir;
	std::string root = dir / "root";
	makeDirectories(dir.path(), {"root", "root/etc", "root/var", "root/var/log"});
	std::string log = root + "/var/log";
	test::writeFile(log + "/big.log", std::string(3 << 20, 'b'));
	test::writeFile(log + "/small.log", "s");

	Outcome outcome = runSysclean(
		{"--live", "--root=" + root, "--operations=logfiles", "--staging-limit=1M"});
	INFO("stderr:\n" << outcome.err);
	CHECK(outcome.status == 2);
	CHECK(outcome.err.find("logfiles: failed to stage '/var/log': its files take 3.0 MiB, "
			       "more than the staging limit of 1.0 MiB") != std::string::npos);

	// Nothing copied, mounted or removed.
	Result<MountInfo> mount = findMount(log);
	REQUIRE(mount);
	CHECK(mount->target != log);
	CHECK(sizeOf(log + "/big.log") == 3 << 20);
	CHECK(sizeOf(log + "/small.log") == 1);
	CHECK(stagingLeftovers().empty());
}

TEST_CASE("live logfiles protected link refused", "[live]")
{
	TempDir dir;
	std::string root = dir / "root";
	makeDirectories(dir.path(), {"root", "root/etc", "root/var", "root/var/cache", "root/var/log",
				     "root/var/lib", "root/var/lib/dpkg"});
	test::writeFile(root + "/etc/passwd", "root:x:0:0::/root:/bin/sh\n");
	test::writeFile(root + "/var/lib/dpkg/status", "Package: base-files\n");
	REQUIRE(::symlink("../../etc", (root + "/var/cache/gdm").c_str()) == 0);
	REQUIRE(::symlink("../../var/lib", (root + "/var/lib/fprint").c_str()) == 0);

	Outcome outcome = runSysclean({"--live", "--root=" + root, "--operations=logfiles"});
	INFO("stderr:\n" << outcome.err);

	// Refused before anything is mounted: no copy hides /etc, and the
	// files on disk stay.
	CHECK(outcome.status == 2);
	CHECK(outcome.err.find("logfiles: failed to empty '/var/cache/gdm'") != std::string::npos);
	CHECK(outcome.err.find("logfiles: failed to empty '/var/lib/fprint'") != std::string::npos);
	for (const char *path : {"/etc", "/var/lib"}) {
		Result<MountInfo> mount = findMount(root + path);
		REQUIRE(mount);
		CHECK(mount->target != root + path);
	}
	CHECK(sizeOf(root + "/etc/passwd") > 0);
	CHECK(sizeOf(root + "/var/lib/dpkg/status") > 0);
}

TEST_CASE("live logfiles dry run and rerun", "[live]")
{
	TempDir dir;
	std::string root = dir / "root";
	makeDirectories(dir.path(), {"root", "root/etc", "root/var", "root/var/log"});
	std::string log = root + "/var/log";
	test::writeFile(log + "/syslog", "old line\n");
	test::writeFile(log + "/big.log", std::string(3 << 20, 'b'));

	SECTION("a dry run copies and mounts nothing")
	{
		Outcome dry = runSysclean({"--live", "--dry-run", "--root=" + root,
					   "--operations=logfiles"});
		INFO("stderr:\n" << dry.err);
		CHECK(dry.status == 0);
		CHECK(dry.out.find("remove /var/log/syslog\n") != std::string::npos);
		CHECK(dry.out.find("remove /var/log/big.log\n") != std::string::npos);

		Result<MountInfo> mount = findMount(log);
		REQUIRE(mount);
		CHECK(mount->target != log);
		CHECK(sizeOf(log + "/syslog") == 9);
		CHECK(stagingLeftovers().empty());
	}

	SECTION("a dry run fails over the limit as the real run does")
	{
		Outcome dry = runSysclean({"--live", "--dry-run", "--root=" + root,
					   "--operations=logfiles", "--staging-limit=1M"});
		CHECK(dry.status == 2);
		Outcome real = runSysclean({"--live", "--root=" + root, "--operations=logfiles",
					    "--staging-limit=1M"});
		CHECK(real.status == 2);
		CHECK(dry.out == real.out);
		CHECK(sizeOf(log + "/big.log") == 3 << 20);
	}

	SECTION("a second run empties the staged copy")
	{
		Outcome first = runSysclean({"--live", "--root=" + root, "--operations=logfiles"});
		INFO("stderr:\n" << first.err);
		CHECK(first.status == 0);

		// The log directory is now the staged copy on a tmpfs, so the
		// second run empties it in place and stages nothing.
		Outcome second = runSysclean({"--live", "--root=" + root, "--operations=logfiles"});
		INFO("stderr:\n" << second.err);
		CHECK(second.status == 0);
		Result<MountInfo> mount = findMount(log);
		REQUIRE(mount);
		CHECK(mount->target == log);
		REQUIRE(::umount(log.c_str()) == 0);

		Result<MountInfo> after = findMount(log);
		REQUIRE(after);
		CHECK(after->target != log);
		UniqueFd onDisk = openDirectory(log);
		CHECK(listNames(onDisk.get()).empty());
	}
}

TEST_CASE("live dhcp-client-state quiesces first", "[live]")
{
	REQUIRE(test::run({"ip", "link", "add", "eth0", "type", "veth", "peer", "name", "eth10"}) == 0);
	REQUIRE(test::run({"ip", "link", "add", "wlo1", "type", "veth", "peer", "name", "lowpan0"}) == 0);
	for (const char *link : {"lo", "eth0", "eth10", "wlo1", "lowpan0"})
		REQUIRE(test::run({"ip", "link", "set", link, "up"}) == 0);

	TempDir dir;
	std::string client = dir / "dhclient";
	std::filesystem::copy_file(FAKE_DHCP_CLIENT, client);
	std::filesystem::permissions(client, std::filesystem::perms(0755));
	std::vector<std::string> arguments = {"dhclient", "-v", "eth10"};
	std::vector<char *> argv;
	for (std::string &argument : arguments)
		argv.push_back(argument.data());
	argv.push_back(nullptr);
	char *envp[] = {nullptr};
	pid_t pid;
	REQUIRE(::posix_spawn(&pid, client.c_str(), nullptr, nullptr, argv.data(), envp) == 0);
	auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
	while (std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe").filename() !=
	       "dhclient") {
		REQUIRE(std::chrono::steady_clock::now() < deadline);
		std::this_thread::sleep_for(std::chrono::milliseconds(5));
	}

	std::string root = dir / "root";
	makeDirectories(dir.path(), {"root", "root/etc", "root/var", "root/var/lib", "root/var/lib/dhcp"});
	test::writeFile(root + "/var/lib/dhcp/dhclient.eth10.leases", "lease { }\n");
	test::writeFile(root + "/var/lib/dhcp/dhcpd.leases", "server database\n");

	Outcome outcome = runSysclean({"--live", "--root=" + root, "--operations=dhcp-client-state",
				       "--link-timeout=5"});
	INFO("stderr:\n" << outcome.err);
	CHECK(outcome.status == 0);

	// sysclean has stopped it, or the wait ends it after 10 s.
	int status = 0;
	bool exited = false;
	deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
	while (!exited && std::chrono::steady_clock::now() < deadline) {
		exited = ::waitpid(pid, &status, WNOHANG) == pid;
		if (!exited)
			std::this_thread::sleep_for(std::chrono::milliseconds(10));
	}
	if (!exited) {
		::kill(pid, SIGKILL);
		::waitpid(pid, nullptr, 0);
	}
	REQUIRE(exited);
	CHECK(WIFSIGNALED(status));
	CHECK(WTERMSIG(status) == SIGTERM);

	for (const char *link : {"eth0", "eth10", "wlo1", "lowpan0"}) {
		INFO(link);
		CHECK(test::operstate(link) == "down");
	}
	CHECK((std::stoul(test::readFile("/sys/class/net/lo/flags"), nullptr, 16) & 1) == 1);
	CHECK(::access((root + "/var/lib/dhcp/dhclient.eth10.leases").c_str(), F_OK) != 0);
	CHECK(test::readFile(root + "/var/lib/dhcp/dhcpd.leases") == "server database\n");

	test::run({"ip", "link", "del", "eth0"});
	test::run({"ip", "link", "del", "wlo1"});
}
