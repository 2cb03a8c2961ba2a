// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of the bounding set and of CapabilityScope, read back from
// /proc/thread-self/status. Each case runs in a forked child, because a
// bounding set cannot grow again.
#include <catch2/catch.hpp>

#include <condition_variable>
#include <functional>
#include <linux/capability.h>
#include <map>
#include <mutex>
#include <sstream>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "helpers.h"
#include "sys/capabilities.h"
#include "sys/staging.h"

using namespace sysclean;
using sysclean::test::TempDir;

namespace {

using Values = std::map<std::string, std::uint64_t>;

// Runs BODY in a forked child and returns the values it recorded; a
// failed Result or Status in the child is recorded as "error" instead.
Values inChild(const std::function<void(Values &)> &body)
{
	int fds[2];
	REQUIRE(::pipe(fds) == 0);
	pid_t pid = ::fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		::close(fds[0]);
		Values values;
		body(values);
		std::ostringstream text;
		for (const auto &[key, value] : values)
			text << key << ' ' << value << '\n';
		std::string output = text.str();
		ssize_t written = ::write(fds[1], output.data(), output.size());
		::_exit(written == static_cast<ssize_t>(output.size()) ? 0 : 1);
	}

	::close(fds[1]);
	std::string output;
	char buffer[4096];
	ssize_t length;
	while ((length = ::read(fds[0], buffer, sizeof(buffer))) > 0)
		output.append(buffer, static_cast<size_t>(length));
	::close(fds[0]);

	int status;
	REQUIRE(::waitpid(pid, &status, 0) == pid);
	REQUIRE(WIFEXITED(status));
	REQUIRE(WEXITSTATUS(status) == 0);

	Values values;
	std::istringstream lines(output);
	std::string key;
	std::uint64_t value;
	while (lines >> key >> value)
		values[key] = value;
	return values;
}

std::uint64_t bit(int cap)
{
	return std::uint64_t{1} << cap;
}

// CAP_CHOWN 0, DAC_OVERRIDE 1, DAC_READ_SEARCH 2, FOWNER 3, FSETID 4,
// KILL 5, NET_ADMIN 12, SYS_PTRACE 19, SYS_ADMIN 21, SYS_BOOT 22.
const std::uint64_t usedMask = bit(0) | bit(1) | bit(2) | bit(3) | bit(4) | bit(5) | bit(12) |
			       bit(19) | bit(21) | bit(22);

} // namespace

TEST_CASE("limitCapabilities sets", "[capabilities]")
{
	Values values = inChild([](Values &v) {
		v["limited"] = limitCapabilities().ok();
		v["effective"] = test::threadCapabilities("CapEff");
		v["permitted"] = test::threadCapabilities("CapPrm");
		v["bounding"] = test::threadCapabilities("CapBnd");
		Result<std::uint64_t> effective = effectiveCapabilities();
		v["reported"] = effective ? *effective : ~std::uint64_t{0};
	});

	CHECK(values["limited"] == 1);
	CHECK(values["effective"] == 0);
	CHECK(values["reported"] == 0);
	CHECK(values["permitted"] == usedMask);
	CHECK(values["bounding"] == usedMask);
}

TEST_CASE("CapabilityScope raises and lowers", "[capabilities]")
{
	Values values = inChild([](Values &v) {
		v["limited"] = limitCapabilities().ok();
		{
			Result<CapabilityScope> outer = CapabilityScope::raise({Capability::SysAdmin});
			v["outer-ok"] = outer.ok();
			v["outer"] = test::threadCapabilities("CapEff");
			{
				Result<CapabilityScope> inner = CapabilityScope::raise(
					{Capability::SysAdmin, Capability::Kill});
				v["inner-ok"] = inner.ok();
				v["inner"] = test::threadCapabilities("CapEff");
			}
			v["after-inner"] = test::threadCapabilities("CapEff");
		}
		v["after-outer"] = test::threadCapabilities("CapEff");
	});

	CHECK(values["limited"] == 1);
	CHECK(values["outer-ok"] == 1);
	CHECK(values["outer"] == bit(21));
	CHECK(values["inner-ok"] == 1);
	CHECK(values["inner"] == (bit(21) | bit(5)));
	CHECK(values["after-inner"] == bit(21));
	CHECK(values["after-outer"] == 0);
}

TEST_CASE("CapabilityScope is per thread", "[capabilities]")
{
	Values values = inChild([](Values &v) {
		v["limited"] = limitCapabilities().ok();
		std::uint64_t inThread = 0;
		std::uint64_t mainDuring = 0;
		bool raised = false;
		std::mutex mutex;
		std::condition_variable changed;
		int stage = 0;

		std::thread thread([&] {
			Result<CapabilityScope> scope = CapabilityScope::raise({Capability::NetAdmin});
			raised = scope.ok();
			inThread = test::threadCapabilities("CapEff");
			std::unique_lock lock(mutex);
			stage = 1;
			changed.notify_all();
			changed.wait(lock, [&] { return stage == 2; });
		});

		{
			std::unique_lock lock(mutex);
			changed.wait(lock, [&] { return stage == 1; });
			mainDuring = test::threadCapabilities("CapEff");
			stage = 2;
			changed.notify_all();
		}
		thread.join();

		v["raised"] = raised;
		v["thread"] = inThread;
		v["main"] = mainDuring;
	});

	CHECK(values["limited"] == 1);
	CHECK(values["raised"] == 1);
	CHECK(values["thread"] == bit(12));
	CHECK(values["main"] == 0);
}

TEST_CASE("mounting leaves effective set empty", "[capabilities]")
{
	TempDir dir;
	std::string parent = dir / "run";
	Values values = inChild([&](Values &v) {
		v["limited"] = limitCapabilities().ok();
		{
			Result<StagingTmpfs> staging = StagingTmpfs::create(parent, 1 << 20);
			v["mounted"] = staging.ok();
			v["during"] = test::threadCapabilities("CapEff");
			v["released"] = staging && staging->release().ok();
		}
		v["after"] = test::threadCapabilities("CapEff");
	});

	CHECK(values["limited"] == 1);
	CHECK(values["mounted"] == 1);
	CHECK(values["during"] == 0);
	CHECK(values["released"] == 1);
	CHECK(values["after"] == 0);
}

TEST_CASE("CapabilityScope of unpermitted fails", "[capabilities]")
{
	Values values = inChild([](Values &v) {
		v["limited"] = limitCapabilities().ok();

		// Drop CAP_KILL from the permitted set with capset(2) itself.
		struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
		struct __user_cap_data_struct data[2] = {};
		v["read"] = ::syscall(SYS_capget, &header, data) == 0;
		data[0].permitted &= ~(1u << 5);
		v["dropped"] = ::syscall(SYS_capset, &header, data) == 0;

		Result<CapabilityScope> scope = CapabilityScope::raise({Capability::Kill});
		v["raised"] = scope.ok();
		v["eperm"] = scope.error() == std::errc::operation_not_permitted;
		v["effective"] = test::threadCapabilities("CapEff");
	});

	CHECK(values["limited"] == 1);
	CHECK(values["read"] == 1);
	CHECK(values["dropped"] == 1);
	CHECK(values["raised"] == 0);
	CHECK(values["eperm"] == 1);
	CHECK(values["effective"] == 0);
}
