// SPDX-License-Identifier: LGPL-2.1-or-later
// sysclean: removes the per-instance state of a Linux system so that its
// clones share none.
#include <cstdio>
#include <exception>
#include <string>

#include "base/root.h"
#include "config.h"
#include "log.h"
#include "marker.h"
#include "ops/registry.h"
#include "options.h"
#include "run.h"

namespace sysclean {

namespace {

constexpr int kExitSuccess = 0;
constexpr int kExitSetup = 1;
constexpr int kExitFailed = 2;

void printOperations()
{
	for (const Operation *operation : allOperations())
		std::printf("%s %s %s\n", std::string(operation->name).c_str(),
			    operation->enabledByDefault ? "*" : " ",
			    std::string(operation->description).c_str());
}

int usageError(const std::string &message)
{
	if (!message.empty())
		std::fprintf(stderr, "sysclean: %s\n", message.c_str());
	std::fprintf(stderr, "Try 'sysclean --help' for more information.\n");
	return kExitSetup;
}

int run(int argc, char **argv)
{
	std::string error;
	Result<Options> parsed = parseOptions(argc, argv, error);
	if (!parsed)
		return usageError(error);
	Options &options = *parsed;
	setLogThreshold(options.logLevel);

	if (options.help) {
		printUsage();
		return kExitSuccess;
	}
	if (options.version) {
		std::printf("sysclean %s\n", SYSCLEAN_VERSION);
		return kExitSuccess;
	}
	if (options.listOperations) {
		printOperations();
		return kExitSuccess;
	}

	Result<std::vector<const Operation *>> operations = selectOperations(options.operationLists, error);
	if (!operations)
		return usageError(error);

	Result<Root> root = Root::open(options.root);
	if (!root) {
		logMessage(LogLevel::Error, "failed to open root directory '" + options.root +
						    "': " + root.error().message());
		return kExitSetup;
	}

	Result<bool> pending = markerExists(*root);
	if (!pending) {
		logMessage(LogLevel::Error, "failed to check for '" + options.root +
						    "/etc/sysclean-pending': " + pending.error().message());
		return kExitSetup;
	}
	if (options.ifPending && !*pending) {
		logMessage(LogLevel::Debug, "no /etc/sysclean-pending in '" + options.root + "', nothing to do");
		return kExitSuccess;
	}

	// Typing "sysclean" on a workstation must not wipe it.
	if (!options.rootGiven && !options.dryRun && !*pending && !options.yes && !options.live) {
		logMessage(LogLevel::Error,
			   "refusing to seal the running system: create /etc/sysclean-pending and "
			   "reboot, or pass --yes (or --live) to seal it now, or --root=DIR for a "
			   "mounted image");
		return kExitSetup;
	}

	RunReport report = runOperations(*root, *operations, options);

	if (options.ifPending && !options.dryRun) {
		Status marker = report.failed() ? failMarker(*root, report.format()) : completeMarker(*root);
		if (!marker.ok()) {
			logMessage(LogLevel::Error, "failed to update '" + options.root +
							    "/etc/sysclean-pending': " + marker.error().message());
			return kExitFailed;
		}
		if (report.failed())
			logMessage(LogLevel::Error, "sealing failed, the report is in '" + options.root +
							    "/etc/sysclean-failed'");
	}

	return report.failed() ? kExitFailed : kExitSuccess;
}

} // namespace

} // namespace sysclean

int main(int argc, char **argv)
{
	try {
		return sysclean::run(argc, argv);
	} catch (const std::exception &exception) {
		std::fprintf(stderr, "sysclean: unexpected error: %s\n", exception.what());
		return 1;
	}
}
