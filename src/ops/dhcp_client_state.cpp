// SPDX-License-Identifier: LGPL-2.1-or-later
// dhcp-client-state: DHCP leases and DUIDs of the DHCP clients, which would
// make every clone ask for the same address with the same client identity.
#include <algorithm>
#include <array>
#include <map>

#include "ops/operation.h"
#include "sys/links.h"
#include "sys/mounts.h"
#include "sys/processes.h"

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
	// dhclient.eth0.leases, dhclient6.leases). Named by prefix in both, so
	// that /var/lib/dhclient linked to /var/lib/dhcp keeps dhcpd.leases.
	"/var/lib/dhclient/dhclient*",
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

// Adds the links that the filesystem containing PATH needs to KEEP.
Status addRootLinks(const std::string &path, std::vector<KeptLink> &keep)
{
	Result<MountInfo> mount = findMount(path);
	if (!mount)
		return mount.error();
	Result<std::vector<KeptLink>> links = linksForNetworkRoot(*mount);
	if (!links)
		return links.error();

	for (KeptLink &link : *links) {
		bool known = std::any_of(keep.begin(), keep.end(),
					 [&](const KeptLink &kept) { return kept.index == link.index; });
		if (!known)
			keep.push_back(std::move(link));
	}
	return {};
}

// Live: every link goes down first, so no client can renew a lease. Then
// the clients are stopped, so none writes its lease back. Links that the
// root filesystem of the running system or of the target needs stay up.
// NOTE: NetworkManager and systemd-networkd are not stopped, and either may
// set a link it manages up again before the machine powers off.
Status quiesceDhcpClients(OperationContext &context)
{
	ChangeSink &sink = context.remover.sink();
	Status status;

	LinksDownOptions options;
	options.timeout = context.liveSettings.linkTimeout;
	for (const std::string &path : {std::string("/"), context.root.hostPath()}) {
		Status found = addRootLinks(path, options.keep);
		if (!found) {
			// Without knowing which links the root needs, none go down.
			sink.failed("find the links needed by the filesystem of", path,
				    found.error().message());
			return found;
		}
	}

	Result<LinksDownReport> links = takeLinksDown(options);
	if (!links) {
		sink.failed("take down", "network links", links.error().message());
		status.update(links.error());
	} else {
		for (const std::string &name : links->takenDown)
			sink.noted("set link " + name + " down");
		for (const KeptLink &kept : links->kept)
			sink.skipped(kept.name, kept.reason);
		for (const LinkFailure &failure : links->failures) {
			std::string reason = failure.error == std::errc::timed_out
						     ? "still up after " +
							       std::to_string(options.timeout.count()) + " ms"
						     : failure.error.message();
			sink.failed("take down link", failure.name, reason);
			status.update(failure.error);
		}
	}

	Result<std::vector<ProcessHandle>> clients = findProcesses(dhcpClientNames);
	if (!clients) {
		sink.failed("list", "/proc", clients.error().message());
		status.update(clients.error());
		return status;
	}

	std::map<pid_t, std::string> names;
	for (const ProcessHandle &client : *clients)
		names[client.pid] = client.name;

	StopReport stopped = stopProcesses(std::move(*clients));
	for (pid_t pid : stopped.terminated)
		sink.noted("stopped " + names[pid] + " (PID " + std::to_string(pid) + ") with SIGTERM");
	for (pid_t pid : stopped.killed)
		sink.noted("stopped " + names[pid] + " (PID " + std::to_string(pid) + ") with SIGKILL");
	for (const auto &[pid, error] : stopped.failures) {
		sink.failed("stop", names[pid] + " (PID " + std::to_string(pid) + ")", error.message());
		status.update(error);
	}
	return status;
}

Status runDhcpClientState(OperationContext &context)
{
	Status status;
	if (context.live && !context.remover.dryRun())
		status.update(quiesceDhcpClients(context));

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
