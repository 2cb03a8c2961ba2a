// SPDX-License-Identifier: LGPL-2.1-or-later
// dhcp-client-state: DHCP leases and DUIDs of the DHCP clients, which would
// make every clone ask for the same address with the same client identity.
#include <array>

#include "ops/operation.h"

namespace sysclean {

namespace {

constexpr std::array<std::string_view, 7> kAreas{
	"/var/lib/dhclient", "/var/lib/dhcp", "/var/lib/dhcpcd", "/var/lib/NetworkManager",
	"/run/systemd/netif/leases", "/var/lib/systemd/network", "/var/lib/wicked",
};

// Client state only. dhcpd.leases in /var/lib/dhcp and everything in
// /var/lib/dhcpd belong to a DHCP server, whose database is configuration
// of the image.
constexpr std::array<std::string_view, 13> kPatterns{
	// ISC dhclient: Red Hat and SUSE, then Debian (dhclient.leases,
	// dhclient.eth0.leases, dhclient6.leases).
	"/var/lib/dhclient/*",
	"/var/lib/dhcp/dhclient*",
	// dhcpcd keeps its leases, DUID and secret here.
	"/var/lib/dhcpcd/*",
	// NetworkManager's leases from its dhclient and internal clients.
	"/var/lib/NetworkManager/*.lease",
	"/var/lib/NetworkManager/dhclient-*",
	"/var/lib/NetworkManager/internal-*",
	// systemd-networkd: leases in /run survive only on a persistent /run,
	// and newer releases save leases below /var/lib/systemd/network.
	"/run/systemd/netif/leases/*",
	"/var/lib/systemd/network/*.lease",
	"/var/lib/systemd/network/*.leases",
	// wicked on SUSE: leases, DUID and IAID.
	"/var/lib/wicked/lease-*",
	"/var/lib/wicked/duid.xml",
	"/var/lib/wicked/iaid.xml",
	"/var/lib/wicked/dhcp*",
};

Status runDhcpClientState(OperationContext &context)
{
	Status status;
	for (std::string_view pattern : kPatterns)
		status.update(context.remover.removeMatches(pattern));
	return status;
}

} // namespace

extern const Operation dhcpClientStateOperation{
	"dhcp-client-state",
	"Remove DHCP client leases and DUIDs",
	true,
	kAreas,
	runDhcpClientState,
};

} // namespace sysclean
