// SPDX-License-Identifier: LGPL-2.1-or-later
// The command line: options, the --operations grammar, and usage text.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "log.h"
#include "ops/operation.h"

namespace sysclean {

struct Options {
	std::string root = "/";
	bool rootGiven = false;
	std::vector<std::string> operationLists;
	bool dryRun = false;
	bool ifPending = false;
	bool live = false;
	bool yes = false;
	bool listOperations = false;
	bool help = false;
	bool version = false;
	bool verbose = false;
	LogLevel logLevel = LogLevel::Info;
	LiveSettings liveSettings;
};

// Parses ARGV. On a usage error, returns the message to print.
Result<Options> parseOptions(int argc, char **argv, std::string &error);

// Applies the --operations lists (virt-sysprep's grammar: "defaults",
// "all", "NAME", "-NAME", starting from nothing) and returns the selected
// operations in registry order. Without any list it returns the default set. On an
// unknown name, ERROR names it and the valid names.
Result<std::vector<const Operation *>> selectOperations(const std::vector<std::string> &lists,
							std::string &error);

void printUsage();

} // namespace sysclean
