// SPDX-License-Identifier: LGPL-2.1-or-later
// cloud-init: the run state and logs of cloud-init, which record that this
// instance already booted, its instance id and the data it was given.
#include <array>

#include "ops/operation.h"

namespace sysclean {

namespace {

constexpr std::array<std::string_view, 2> kAreas{"/var/lib/cloud", "/var/log"};

// seed/ is configuration baked into the image (a NoCloud seed, for one),
// and scripts/ contains per-boot scripts an admin put there on purpose.
constexpr std::array<std::string_view, 2> kKeptNames{"seed", "scripts"};

constexpr std::array<std::string_view, 4> kLogPatterns{
	"/var/log/cloud-init.log",
	"/var/log/cloud-init.log.*",
	"/var/log/cloud-init-output.log",
	"/var/log/cloud-init-output.log.*",
};

Status runCloudInit(OperationContext &context)
{
	Remover &remover = context.remover;

	// The instance entry is often a symlink to instances/ID, and may point
	// anywhere: it is removed as a link, never followed.
	TreeRules rules;
	rules.keepNames = kKeptNames;
	Status status = remover.emptyDirectory("/var/lib/cloud", rules);

	for (std::string_view pattern : kLogPatterns)
		status.update(remover.removeMatches(pattern));
	return status;
}

} // namespace

extern const Operation cloudInitOperation{
	"cloud-init",
	"Remove cloud-init run state and logs, keeping seed/ and scripts/",
	true,
	kAreas,
	runCloudInit,
};

} // namespace sysclean
