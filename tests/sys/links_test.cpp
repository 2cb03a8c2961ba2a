// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of taking links down, with veth pairs in the private network
// namespace that root_main.cpp sets up.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <thread>

#include "helpers.h"
#include "sys/links.h"

using namespace sysclean;

namespace {

void addVethPair(const std::string &name, const std::string &peer)
{
	REQUIRE(test::run({"ip", "link", "add", name, "type", "veth", "peer", "name", peer}) == 0);
}

void setUp(const std::vector<std::string> &links)
{
	for (const std::string &link : links)
		REQUIRE(test::run({"ip", "link", "set", link, "up"}) == 0);

	// veth links reach operstate "up" once both ends are up; loopback
	// stays "unknown".
	auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
	for (const std::string &link : links) {
		if (link == "lo")
			continue;
		while (test::operstate(link) != "up" && std::chrono::steady_clock::now() < deadline)
			std::this_thread::sleep_for(std::chrono::milliseconds(10));
		INFO(link);
		REQUIRE(test::operstate(link) == "up");
	}
}

void deleteLinks(const std::vector<std::string> &links)
{
	for (const std::string &link : links)
		test::run({"ip", "link", "del", link});
}

bool contains(const std::vector<std::string> &names, const std::string &name)
{
	return std::find(names.begin(), names.end(), name) != names.end();
}

bool isAdministrativelyUp(const std::string &link)
{
	std::string flags = test::readFile("/sys/class/net/" + link + "/flags");
	return std::stoul(flags, nullptr, 16) & 1;
}

std::vector<std::string> keptNames(const std::vector<KeptLink> &kept)
{
	std::vector<std::string> names;
	for (const KeptLink &link : kept)
		names.push_back(link.name);
	std::sort(names.begin(), names.end());
	return names;
}

} // namespace

TEST_CASE("takeLinksDown all but loopback", "[links]")
{
	addVethPair("eth0", "eth10");
	addVethPair("wlo1", "lowpan0");
	setUp({"lo", "eth0", "eth10", "wlo1", "lowpan0"});

	LinksDownOptions options;
	options.timeout = std::chrono::seconds(5);
	auto start = std::chrono::steady_clock::now();
	Result<LinksDownReport> report = takeLinksDown(options);
	auto elapsed = std::chrono::steady_clock::now() - start;
	REQUIRE(report);

	CHECK(report->failures.empty());
	CHECK(report->kept.empty());
	CHECK(report->takenDown.size() == 4);
	for (const char *name : {"eth0", "eth10", "wlo1", "lowpan0"}) {
		INFO(name);
		CHECK(contains(report->takenDown, name));
		CHECK(test::operstate(name) == "down");
		CHECK_FALSE(isAdministrativelyUp(name));
	}
	CHECK(isAdministrativelyUp("lo"));
	CHECK(elapsed < options.timeout);

	SECTION("a second run has nothing to do")
	{
		Result<LinksDownReport> again = takeLinksDown(options);
		REQUIRE(again);
		CHECK(again->takenDown.empty());
		CHECK(again->failures.empty());
	}

	deleteLinks({"eth0", "wlo1"});
}

TEST_CASE("routeInterface picks the route's link", "[links]")
{
	addVethPair("eth0", "eth10");
	setUp({"lo", "eth0", "eth10"});
	REQUIRE(test::run({"ip", "address", "add", "192.0.2.1/24", "dev", "eth0"}) == 0);
	REQUIRE(test::run({"ip", "-6", "address", "add", "2001:db8::1/64", "dev", "eth10",
			   "nodad"}) == 0);

	std::string eth0Index = test::readFile("/sys/class/net/eth0/ifindex");
	std::string eth10Index = test::readFile("/sys/class/net/eth10/ifindex");

	Result<int> v4 = routeInterface("192.0.2.7");
	REQUIRE(v4);
	CHECK(*v4 == std::stoi(eth0Index));

	Result<int> v6 = routeInterface("2001:db8::7");
	REQUIRE(v6);
	CHECK(*v6 == std::stoi(eth10Index));

	// The kernel's errno, not libnl's "Unspecific failure".
	Result<int> unreachable = routeInterface("198.51.100.7");
	REQUIRE_FALSE(unreachable);
	CHECK(unreachable.error() == std::errc::network_unreachable);

	Result<int> invalid = routeInterface("not-an-address");
	REQUIRE_FALSE(invalid);
	CHECK(invalid.error() == std::errc::invalid_argument);

	deleteLinks({"eth0"});
}

TEST_CASE("takeLinksDown keeps network root links", "[links]")
{
	// The NFS server is reached through br0; eth5 is its port and eth6
	// the veth peer that carries eth5's traffic.
	REQUIRE(test::run({"ip", "link", "add", "br0", "type", "bridge"}) == 0);
	addVethPair("eth5", "eth6");
	REQUIRE(test::run({"ip", "link", "set", "eth5", "master", "br0"}) == 0);
	addVethPair("eth0", "eth10");
	setUp({"lo", "br0", "eth5", "eth6", "eth0", "eth10"});
	REQUIRE(test::run({"ip", "address", "add", "192.0.2.1/24", "dev", "br0"}) == 0);

	MountInfo root;
	root.target = "/";
	root.fsType = "nfs4";
	root.source = "192.0.2.7:/export/root";
	root.options = "rw,relatime,vers=4.2,clientaddr=192.0.2.1,addr=192.0.2.7";

	Result<std::vector<KeptLink>> kept = linksForNetworkRoot(root);
	REQUIRE(kept);
	CHECK(keptNames(*kept) == std::vector<std::string>{"br0", "eth5", "eth6"});

	LinksDownOptions options;
	options.timeout = std::chrono::seconds(5);
	options.keep = *kept;
	Result<LinksDownReport> report = takeLinksDown(options);
	REQUIRE(report);
	CHECK(report->failures.empty());
	CHECK(keptNames(report->kept) == std::vector<std::string>{"br0", "eth5", "eth6"});
	std::vector<std::string> down = report->takenDown;
	std::sort(down.begin(), down.end());
	CHECK(down == std::vector<std::string>{"eth0", "eth10"});
	CHECK(isAdministrativelyUp("br0"));
	CHECK(isAdministrativelyUp("eth5"));
	CHECK(isAdministrativelyUp("eth6"));

	SECTION("a server known only by name keeps every link")
	{
		root.source = "nfs.example.org:/export/root";
		root.options = "rw,vers=4.2";
		Result<std::vector<KeptLink>> all = linksForNetworkRoot(root);
		REQUIRE(all);
		CHECK(keptNames(*all) ==
		      std::vector<std::string>{"br0", "eth0", "eth10", "eth5", "eth6"});
	}

	SECTION("a local root keeps none")
	{
		root.fsType = "ext4";
		root.source = "/dev/vda1";
		test::TempDir sysfs;
		Result<std::vector<KeptLink>> none = linksForNetworkRoot(root, sysfs.path());
		REQUIRE(none);
		CHECK(none->empty());
	}

	SECTION("an iSCSI session keeps its route")
	{
		// A block-device root with one iSCSI connection whose portal
		// is reached through br0, as sysfs lists it.
		root.fsType = "ext4";
		root.source = "/dev/sda1";
		test::TempDir sysfs;
		std::string connection = sysfs / "class/iscsi_connection/connection1:0";
		REQUIRE(test::run({"mkdir", "-p", connection}) == 0);
		test::writeFile(connection + "/persistent_address", "192.0.2.7\n");
		test::writeFile(connection + "/address", "192.0.2.7\n");

		CHECK(iscsiTargetAddresses(sysfs.path()) == std::vector<std::string>{"192.0.2.7"});
		Result<std::vector<KeptLink>> iscsi = linksForNetworkRoot(root, sysfs.path());
		REQUIRE(iscsi);
		CHECK(keptNames(*iscsi) == std::vector<std::string>{"br0", "eth5", "eth6"});
	}

	deleteLinks({"br0", "eth5", "eth0"});
}
