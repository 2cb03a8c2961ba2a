// SPDX-License-Identifier: LGPL-2.1-or-later
// firewall-rules: firewall rules customised on this machine. Off by default,
// as in virt-sysprep, because removing them can expose the guest.
#include <array>

#include "ops/operation.h"

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

Status runFirewallRules(OperationContext &context)
{
	Remover &remover = context.remover;
	Status status;

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
