// SPDX-License-Identifier: LGPL-2.1-or-later
// firewall-rules: firewall rules customised on this machine. Off by default,
// as in virt-sysprep, because removing them can expose the guest.
#include <array>
#include <sys/stat.h>

#include "ops/operation.h"
#include "sys/services.h"

namespace sysclean {

namespace {

constexpr std::array<std::string_view, 2> kAreas{"/etc/sysconfig", "/etc/firewalld"};

// Saved by "service iptables save" on Red Hat systems.
constexpr std::array<std::string_view, 2> kFiles{
	"/etc/sysconfig/iptables",
	"/etc/sysconfig/ip6tables",
};

// firewalld's local services and zones; its defaults live in /usr/lib.
constexpr std::array<std::string_view, 2> kDirectories{
	"/etc/firewalld/services",
	"/etc/firewalld/zones",
};

// Returns whether ROOT is the running system's own "/", whose units the
// running systemd manages.
bool isRunningSystem(const Root &root)
{
	struct stat target;
	struct stat system;
	return ::fstat(root.fd(), &target) == 0 && ::stat("/", &system) == 0 &&
	       target.st_dev == system.st_dev && target.st_ino == system.st_ino;
}

Status runFirewallRules(OperationContext &context)
{
	Remover &remover = context.remover;
	Status status;

	// Live: firewalld stops first, because while it runs it keeps the
	// removed rules in force and writes its zones back whenever a client
	// changes the permanent configuration. With --root, the target's
	// firewalld is not a unit of the systemd this runs under, so nothing
	// of the host is stopped.
	if (context.live && !remover.dryRun() && isRunningSystem(context.root)) {
		Result<bool> stopped = stopUnitIfActive("firewalld.service");
		if (!stopped) {
			remover.sink().failed("stop", "firewalld.service", stopped.error().message());
			status.update(stopped.error());
		} else if (*stopped) {
			remover.sink().noted("stopped firewalld.service");
		}
	}

	for (std::string_view file : kFiles)
		status.update(remover.removeMatches(file));
	for (std::string_view directory : kDirectories)
		status.update(remover.emptyDirectory(directory));
	return status;
}

} // namespace

extern const Operation firewallRulesOperation{
	"firewall-rules",
	"Remove custom firewall rules (iptables, firewalld)",
	false,
	kAreas,
	runFirewallRules,
};

} // namespace sysclean
