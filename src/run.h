// SPDX-License-Identifier: LGPL-2.1-or-later
// Runs the selected operations on a target, logging each one's summary and
// collecting the errors for the failure report.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "base/root.h"
#include "ops/operation.h"
#include "options.h"

namespace sysclean {

struct RunReport {
	// The error lines, as logged, up to a bounded count.
	std::vector<std::string> errors;
	size_t errorCount = 0;
	std::vector<std::string> failedOperations;

	bool failed() const { return !failedOperations.empty(); }

	// Records an error line, keeping at most a bounded number of them.
	void addError(std::string line);

	// Formats the report written into ETC/sysclean-failed.
	std::string format() const;
};

// Runs OPERATIONS in order on ROOT, adding their errors to REPORT; each one
// runs even when an earlier one failed.
// OWN_MOUNTS contains the mount ids of filesystems sysclean mounted for the
// run, which removal may descend into.
void runOperations(const Root &root, const std::vector<const Operation *> &operations,
		   const Options &options, const std::set<uint64_t> &ownMounts, RunReport &report);

} // namespace sysclean
