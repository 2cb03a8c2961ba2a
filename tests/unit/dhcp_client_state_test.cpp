// SPDX-License-Identifier: LGPL-2.1-or-later
// dhcp-client-state removes the leases of every DHCP client and none of a
// DHCP server's database.
#include <catch2/catch.hpp>

#include "unit/fixture.h"
#include "unit/scenarios.h"

namespace sysclean::test {

TEST_CASE("dhcp-client-state: server leases kept", "[dhcp-client-state]")
{
	TempTree tree;
	populate(tree, basicScenario("dhcp-client-state", tree));

	ProcessResult result = runSysclean({"--root=" + tree.root(), "--operations=dhcp-client-state"});

	INFO("stderr:\n" << result.err);
	CHECK(result.status == 0);
	for (const char *kept : {"var/lib/dhcp/dhcpd.leases", "var/lib/dhcp/dhcpd.leases~", "var/lib/dhcp/dhcpd6.leases",
				 "var/lib/dhcpd/dhcpd.leases", "var/lib/dhcpd/dhcpd6.leases",
				 "var/lib/NetworkManager/NetworkManager.state", "var/lib/wicked/config.xml",
				 "run/systemd/netif/links/2"}) {
		INFO("kept: " << kept);
		CHECK(tree.exists(kept));
	}
	CHECK(readFile(tree.hostPath("var/lib/dhcp/dhcpd.leases")) == "lease 10.0.0.5 {}\n");
}

TEST_CASE("dhcp-client-state: leases of each client go", "[dhcp-client-state]")
{
	TempTree tree;
	populate(tree, basicScenario("dhcp-client-state", tree));

	ProcessResult result = runSysclean({"--root=" + tree.root(), "--operations=dhcp-client-state"});

	INFO("stderr:\n" << result.err);
	CHECK(result.status == 0);
	CHECK(hasLine(result.err, "dhcp-client-state: removed 15 files"));
	// dhclient (Red Hat and Debian paths), dhcpcd, NetworkManager,
	// systemd-networkd and wicked.
	for (const char *gone : {"var/lib/dhclient/dhclient--eth0.lease", "var/lib/dhcp/dhclient.eth0.leases",
				 "var/lib/dhcpcd/duid", "var/lib/NetworkManager/internal-6a2d-eth0.lease",
				 "var/lib/NetworkManager/dhclient-6a2d-eth0.lease", "run/systemd/netif/leases/2",
				 "var/lib/systemd/network/eth0.lease", "var/lib/wicked/duid.xml"}) {
		INFO("removed: " << gone);
		CHECK_FALSE(tree.exists(gone));
	}
}

} // namespace sysclean::test
