// SPDX-License-Identifier: LGPL-2.1-or-later
// One fixture tree per operation and case, with the exact list of paths the
// operation must remove or empty, for the checks every operation shares.
#pragma once

#include <string>
#include <vector>

#include "unit/fixture.h"

namespace sysclean::test {

struct Scenario {
	std::string operation;
	std::vector<Entry> entries;
	std::vector<Entry> sentinelEntries;
	// Paths as seen inside the target ("/var/log/syslog"), every entry
	// below a removed directory included.
	std::vector<std::string> removed;
	std::vector<std::string> emptied;
	// Where removed entries lie when a symlink on the way led elsewhere
	// inside the root ("/srv/crash/core" for "/var/crash/core").
	std::vector<std::string> removedResolved;
};

// Names of the six operations, in registry order.
const std::vector<std::string> &operationNames();

// Targets of OPERATION next to neighbours that must stay.
Scenario basicScenario(const std::string &operation, const TempTree &tree);

// Symlinks where OPERATION looks that lead out of the root, absolute (the
// sentinel's host path) and relative ("../../.."): each is removed as a
// link or resolves inside the root, and the sentinel survives.
Scenario escapeScenario(const std::string &operation, const TempTree &tree);

// Creates the scenario's entries in TREE.
void populate(const TempTree &tree, const Scenario &scenario);

// The lines that --dry-run and "-v" print for the scenario, sorted.
std::vector<std::string> expectedLines(const Scenario &scenario);

// The snapshot of TREE's parent expected after the operation ran on BEFORE:
// removed paths gone, emptied files at size 0.
Snapshot expectedAfter(const Snapshot &before, const Scenario &scenario);

} // namespace sysclean::test
