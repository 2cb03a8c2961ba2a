// SPDX-License-Identifier: LGPL-2.1-or-later
// The ordered table of all operations.
#include "ops/registry.h"

#include <array>

namespace sysclean {

extern const Operation bashHistoryOperation;
extern const Operation cloudInitOperation;
extern const Operation crashDataOperation;
extern const Operation dhcpClientStateOperation;
extern const Operation firewallRulesOperation;
extern const Operation logfilesOperation;

namespace {

// Alphabetical, as virt-sysprep lists them. dhcp-client-state and
// firewall-rules stop their daemons before logfiles copies /var/log in live
// mode, so the daemons' last lines land in the copy.
constexpr std::array kOperations{
	&bashHistoryOperation,
	&cloudInitOperation,
	&crashDataOperation,
	&dhcpClientStateOperation,
	&firewallRulesOperation,
	&logfilesOperation,
};

} // namespace

std::span<const Operation *const> allOperations()
{
	return kOperations;
}

const Operation *findOperation(std::string_view name)
{
	for (const Operation *operation : kOperations) {
		if (operation->name == name)
			return operation;
	}
	return nullptr;
}

} // namespace sysclean
