// SPDX-License-Identifier: LGPL-2.1-or-later
// The operation interface: a named piece of per-instance state and the code
// that removes it from the target.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string_view>

#include "base/remover.h"
#include "base/result.h"
#include "base/root.h"

namespace sysclean {

// Settings of the live stage, which quiesces running daemons first.
struct LiveSettings {
	// Maximum wait, for all links together, until they are down.
	std::chrono::milliseconds linkTimeout{std::chrono::seconds(20)};

	// Largest log tree, in bytes, copied into the staging tmpfs.
	uint64_t stagingLimit = 128ull * 1024 * 1024;
};

struct OperationContext {
	const Root &root;
	Remover &remover;

	// True when the target is running (--live): daemons that rewrite the
	// state must be stopped or worked around before it is removed.
	bool live = false;
	LiveSettings liveSettings;
};

struct Operation {
	// virt-sysprep's name, used on the command line and as log prefix.
	std::string_view name;
	std::string_view description;
	bool enabledByDefault;

	// Directories, as seen inside the target, below which the operation
	// removes state: a filesystem listed in the target's fstab for one of
	// them must be mounted before the operation runs.
	std::span<const std::string_view> areas;

	// Removes the state; reports every path through the remover's sink and
	// returns the first failure after doing everything it could.
	Status (*run)(OperationContext &context);
};

} // namespace sysclean
