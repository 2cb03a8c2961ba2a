// SPDX-License-Identifier: LGPL-2.1-or-later
// sysclean: removes the per-instance state of a Linux system so that its
// clones share none.
#include <cstdio>
#include <exception>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/remover.h"
#include "base/root.h"
#include "config.h"
#include "log.h"
#include "marker.h"
#include "ops/registry.h"
#include "options.h"
#include "run.h"
#include "sys/capabilities.h"
#include "sys/target_mounts.h"

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

// Returns whether ROOT is the running system's own root directory.
bool isRunningSystem(const Root &root)
{
	struct stat target;
	struct stat own;
	if (fstat(root.fd(), &target) < 0 || stat("/", &own) < 0)
		return false;
	return target.st_dev == own.st_dev && target.st_ino == own.st_ino;
}

// Returns whether this process runs in an initramfs: systemd and dracut
// both ship /etc/initrd-release there, and systemd's own check reads it.
bool inInitrd()
{
	return access("/etc/initrd-release", F_OK) == 0;
}

// Raises the soft limit of open files to the hard one: the removal walk
// keeps one descriptor open per level of directory depth.
void raiseFileLimit()
{
	struct rlimit limit;
	if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
		limit.rlim_cur = limit.rlim_max;
		setrlimit(RLIMIT_NOFILE, &limit);
	}
}

// Returns every directory the selected operations clean below, for finding
// the target's fstab entries that must be mounted first.
std::vector<std::string> areasOf(const std::vector<const Operation *> &operations)
{
	std::vector<std::string> areas;
	for (const Operation *operation : operations) {
		for (std::string_view area : operation->areas)
			areas.emplace_back(area);
	}
	return areas;
}

// Mounts the target's own filesystems that hold paths to clean (a separate
// /var in the initrd, where only the root is mounted). Failures are logged
// and recorded in REPORT: the operations still run on what is there.
std::optional<TargetMounts> mountTargetFilesystems(const Options &options,
						   const std::vector<const Operation *> &operations,
						   RunReport &report)
{
	Result<CapabilityScope> scope = CapabilityScope::raise({Capability::SysAdmin});
	if (!scope)
		logMessage(LogLevel::Debug, "cannot raise CAP_SYS_ADMIN for mounting: " +
						    scope.error().message());

	auto debug = [](std::string_view line) { logMessage(LogLevel::Debug, std::string(line)); };
	Result<TargetMounts> mounts = TargetMounts::mount(options.root, areasOf(operations), debug);
	if (!mounts) {
		std::string line = "failed to read '" + options.root + "/etc/fstab': " + mounts.error().message();
		logMessage(LogLevel::Error, line);
		report.addError(std::move(line));
		report.failedOperations.emplace_back("mount");
		return std::nullopt;
	}

	for (const TargetMount &mount : mounts->mounted())
		logMessage(LogLevel::Info, "mounted " + mount.target + " from " + mount.source +
						   (mount.device.empty() || mount.device == mount.source
							    ? std::string()
							    : " (" + mount.device + ")") +
						   " for the run");
	for (const TargetMount &mount : mounts->failures()) {
		std::string line = "failed to mount " + mount.target + " from " + mount.source +
				   " as listed in /etc/fstab: " + mount.error.message() +
				   "; the state on it is not removed";
		logMessage(LogLevel::Error, line);
		report.addError(std::move(line));
	}
	if (!mounts->failures().empty())
		report.failedOperations.emplace_back("mount");

	return std::move(*mounts);
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

	// From here on the effective set is empty; each section raises what it
	// needs. Without CAP_SETPCAP (not root) there is nothing to limit, and
	// a user may still run sysclean on a tree of their own.
	Status limited = limitCapabilities();
	if (!limited.ok())
		logMessage(LogLevel::Debug, "capabilities not limited: " + limited.error().message());

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

	raiseFileLimit();

	// Only in the initrd: there the target's own disks are attached and
	// nothing mounted them yet. On a build host an image's fstab may name
	// a device or UUID of the host itself, and a dry run changes nothing.
	RunReport report;
	bool mountFstab = !options.live && !options.dryRun && inInitrd() && !isRunningSystem(*root);
	std::optional<TargetMounts> mounts = mountFstab
						     ? mountTargetFilesystems(options, *operations, report)
						     : std::nullopt;

	std::set<uint64_t> ownMounts;
	if (mounts) {
		for (const TargetMount &mount : mounts->mounted()) {
			Result<UniqueFd> dir = root->openDirectory(mount.target);
			Result<uint64_t> id = dir ? mountIdOf(dir->get()) : Result<uint64_t>(dir.error());
			if (id)
				ownMounts.insert(*id);
		}
	}

	runOperations(*root, *operations, options, ownMounts, report);

	if (mounts) {
		Result<CapabilityScope> scope = CapabilityScope::raise({Capability::SysAdmin});
		Status unmounted = mounts->unmountAll();
		if (!unmounted.ok()) {
			std::string line = "failed to unmount a filesystem mounted for the run: " +
					   unmounted.error().message();
			logMessage(LogLevel::Error, line);
			report.addError(std::move(line));
			report.failedOperations.emplace_back("mount");
		}
	}

	// util-linux's close_stdout(): a list that could not be written, to a
	// full disk or a closed pipe, is a failure.
	if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
		std::string line = "failed to write the list of changed paths to standard output";
		logMessage(LogLevel::Error, line);
		report.addError(std::move(line));
		report.failedOperations.emplace_back("output");
	}

	if (options.ifPending && !options.dryRun) {
		// /etc may be read-only for root without CAP_DAC_OVERRIDE.
		Result<CapabilityScope> scope = CapabilityScope::raise({Capability::DacOverride});
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
