// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of finding and stopping DHCP clients, with stand-in clients in the
// private PID namespace that root_main.cpp sets up.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "helpers.h"
#include "sys/capabilities.h"
#include "sys/processes.h"

using namespace sysclean;
using sysclean::test::TempDir;

namespace {

// A stand-in client started from PROGRAM with ARGV; killed and reaped at
// the end if the test did not stop it.
class FakeClient
{
public:
	FakeClient(const std::string &program, std::vector<std::string> argv,
		   bool ignoreTerm = false)
	{
		std::vector<char *> pointers;
		for (std::string &argument : argv)
			pointers.push_back(argument.data());
		pointers.push_back(nullptr);

		std::string ignore = "FAKE_DHCP_IGNORE_TERM=1";
		std::vector<char *> envp;
		if (ignoreTerm)
			envp.push_back(ignore.data());
		envp.push_back(nullptr);

		REQUIRE(::posix_spawn(&pid_, program.c_str(), nullptr, nullptr, pointers.data(),
				      envp.data()) == 0);

		// Wait until the exec has happened and, with IGNORE_TERM, the
		// handler is in place (SigIgn shows SIGTERM, bit 14).
		auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
		std::string proc = "/proc/" + std::to_string(pid_);
		for (;;) {
			std::error_code error;
			std::string exe = std::filesystem::read_symlink(proc + "/exe", error);
			std::string status = test::readFile(proc + "/status");
			size_t field = status.find("SigIgn:\t");
			bool ignoring = field != std::string::npos &&
					(std::stoull(status.substr(field + 8, 16), nullptr, 16) & 0x4000);
			if (!error && std::filesystem::path(exe) == std::filesystem::canonical(program) &&
			    (!ignoreTerm || ignoring))
				break;
			INFO(program << " exe '" << exe << "', SigIgn " << ignoring);
			REQUIRE(std::chrono::steady_clock::now() < deadline);
			std::this_thread::sleep_for(std::chrono::milliseconds(5));
		}
	}

	~FakeClient()
	{
		if (!reaped_) {
			::kill(pid_, SIGKILL);
			::waitpid(pid_, nullptr, 0);
		}
	}

	pid_t pid() const { return pid_; }

	// Reaps the client and returns the signal that ended it, or 0.
	int reap()
	{
		int status = 0;
		REQUIRE(::waitpid(pid_, &status, 0) == pid_);
		reaped_ = true;
		return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	}

	bool running() const
	{
		std::string stat = test::readFile("/proc/" + std::to_string(pid_) + "/stat");
		size_t close = stat.rfind(')');
		return close != std::string::npos && stat[close + 2] != 'Z';
	}

private:
	pid_t pid_ = 0;
	bool reaped_ = false;
};

std::vector<pid_t> pidsOf(const std::vector<ProcessHandle> &processes)
{
	std::vector<pid_t> pids;
	for (const ProcessHandle &process : processes)
		pids.push_back(process.pid);
	std::sort(pids.begin(), pids.end());
	return pids;
}

std::vector<pid_t> sorted(std::vector<pid_t> pids)
{
	std::sort(pids.begin(), pids.end());
	return pids;
}

void install(const std::string &path)
{
	std::filesystem::copy_file(FAKE_DHCP_CLIENT, path);
	std::filesystem::permissions(path, std::filesystem::perms(0755));
}

} // namespace

TEST_CASE("findProcesses and stopProcesses", "[processes]")
{
	TempDir bin;
	install(bin / "dhclient");
	install(bin / "dhcpcd");
	install(bin / "busybox");
	install(bin / "sleeper");
	REQUIRE(::symlink("busybox", (bin / "udhcpc").c_str()) == 0);

	FakeClient eth10(bin / "dhclient", {"dhclient", "-v", "eth10"});
	FakeClient eth1(bin / "dhclient", {"dhclient", "-v", "eth1"});
	FakeClient busybox(bin / "udhcpc", {"udhcpc", "-i", "eth1"});
	FakeClient stubborn(bin / "dhcpcd", {"dhcpcd", "--nobackground", "eth10"}, true);
	// Not a DHCP client, though its command line reads like one.
	FakeClient impostor(bin / "sleeper", {"dhclient", "-v", "eth10"});

	SECTION("all clients")
	{
		Result<std::vector<ProcessHandle>> found = findProcesses(dhcpClientNames);
		REQUIRE(found);
		CHECK(pidsOf(*found) ==
		      sorted({eth10.pid(), eth1.pid(), busybox.pid(), stubborn.pid()}));
	}

	SECTION("one interface, by whole argument")
	{
		Result<std::vector<ProcessHandle>> found = findProcesses(dhcpClientNames, "eth1");
		REQUIRE(found);
		CHECK(pidsOf(*found) == sorted({eth1.pid(), busybox.pid()}));
		for (const ProcessHandle &process : *found)
			CHECK(process.pidfd.valid());
	}

	SECTION("stop with SIGTERM, then SIGKILL")
	{
		Result<std::vector<ProcessHandle>> found = findProcesses(dhcpClientNames, "eth10");
		REQUIRE(found);
		REQUIRE(pidsOf(*found) == sorted({eth10.pid(), stubborn.pid()}));

		auto start = std::chrono::steady_clock::now();
		StopReport report = stopProcesses(std::move(*found), std::chrono::milliseconds(500),
						  std::chrono::seconds(5));
		auto elapsed = std::chrono::steady_clock::now() - start;

		CHECK(report.terminated == std::vector<pid_t>{eth10.pid()});
		CHECK(report.killed == std::vector<pid_t>{stubborn.pid()});
		CHECK(report.failures.empty());
		CHECK(elapsed < std::chrono::seconds(3));
		CHECK(eth10.reap() == SIGTERM);
		CHECK(stubborn.reap() == SIGKILL);

		CHECK(eth1.running());
		CHECK(busybox.running());
		CHECK(impostor.running());
	}

	SECTION("a process gone before the signal")
	{
		Result<std::vector<ProcessHandle>> found = findProcesses(dhcpClientNames, "eth1");
		REQUIRE(found);
		REQUIRE(found->size() == 2);
		::kill(eth1.pid(), SIGKILL);
		CHECK(eth1.reap() == SIGKILL);

		StopReport report = stopProcesses(std::move(*found));
		CHECK(sorted(report.terminated) == sorted({eth1.pid(), busybox.pid()}));
		CHECK(report.killed.empty());
		CHECK(report.failures.empty());
		CHECK(busybox.reap() == SIGTERM);
	}
}

TEST_CASE("findProcesses with limited capabilities", "[processes]")
{
	TempDir bin;
	install(bin / "dhclient");
	install(bin / "sleeper");
	// Started through this link, the impostor's comm is "dhclient" while
	// its exe is sleeper.
	std::string alias = bin / "alias";
	REQUIRE(::mkdir(alias.c_str(), 0755) == 0);
	REQUIRE(::symlink((bin / "sleeper").c_str(), (alias + "/dhclient").c_str()) == 0);

	FakeClient client(bin / "dhclient", {"dhclient", "-v", "eth0"});
	FakeClient impostor(alias + "/dhclient", {"dhclient", "-v", "eth0"});
	REQUIRE(test::readFile("/proc/" + std::to_string(impostor.pid()) + "/comm") == "dhclient\n");

	// The clients keep every capability; the finder drops to sysclean's
	// set first, so reading their exe links needs CAP_SYS_PTRACE.
	int fds[2];
	REQUIRE(::pipe(fds) == 0);
	pid_t finder = ::fork();
	REQUIRE(finder >= 0);
	if (finder == 0) {
		::close(fds[0]);
		std::string text = limitCapabilities().ok() ? "limited" : "unlimited";
		Result<std::vector<ProcessHandle>> found = findProcesses(dhcpClientNames);
		if (!found)
			text += " error";
		else
			for (const ProcessHandle &process : *found)
				text += " " + std::to_string(process.pid);
		ssize_t written = ::write(fds[1], text.data(), text.size());
		::_exit(written == static_cast<ssize_t>(text.size()) ? 0 : 1);
	}
	::close(fds[1]);
	std::string output;
	char buffer[256];
	ssize_t length;
	while ((length = ::read(fds[0], buffer, sizeof(buffer))) > 0)
		output.append(buffer, static_cast<size_t>(length));
	::close(fds[0]);
	int status = 0;
	REQUIRE(::waitpid(finder, &status, 0) == finder);
	CHECK(WIFEXITED(status));

	CHECK(output == "limited " + std::to_string(client.pid()));
}
