// SPDX-License-Identifier: LGPL-2.1-or-later
// logfiles: log files, which record this machine's boots, logins, addresses
// and errors, and would be handed to every clone.
#include <array>
#include <cstdio>
#include <optional>

#include "ops/operation.h"
#include "sys/errors.h"
#include "sys/mounts.h"
#include "sys/staging.h"
#include "sys/tree_copy.h"

namespace sysclean {

namespace {

// Directories whose files are all removed while every directory stays with
// its mode and owner: nginx, mysql and journald refuse to start without
// their log directory.
constexpr std::array<std::string_view, 6> kLogDirectories{
	"/var/log",
	"/var/cache/gdm",
	"/var/lib/AccountsService/users",
	"/var/lib/fprint",
	"/var/cache/fontconfig",
	"/var/cache/man",
};

// Login records that login, sshd and pam_tally expect to exist: emptied in
// place, which keeps inode, mode, owner and extended attributes, and costs
// nothing for a sparse lastlog of many gigabytes.
constexpr std::array<std::string_view, 5> kEmptiedNames{
	"wtmp", "btmp", "lastlog", "faillog", "tallylog",
};

constexpr std::array<std::string_view, 15> kFilePatterns{
	"/var/lib/logrotate.status",
	"/var/lib/logrotate/status",
	"/var/named/data/named.run",
	// Left in /root by the Anaconda installer and initial-setup.
	"/root/install.log",
	"/root/install.log.syslog",
	"/root/anaconda-ks.cfg",
	"/root/original-ks.cfg",
	"/root/anaconda-post.log",
	"/root/initial-setup-ks.cfg",
	// OpenPegasus (tog-pegasus) generates its certificates at first start.
	"/etc/Pegasus/*.cnf",
	"/etc/Pegasus/*.crt",
	"/etc/Pegasus/*.csr",
	"/etc/Pegasus/*.pem",
	"/etc/Pegasus/*.srl",
	"/var/lib/logrotate/status.tmp",
};

constexpr std::array<std::string_view, 8> kAreas{
	"/var/log", "/var/cache", "/var/lib", "/var/named", "/root", "/etc/Pegasus",
	"/var/lib/AccountsService", "/var/lib/fprint",
};

// The live stage mounts its staging tmpfs here, in the running system's
// /run, whatever the target root: only root can reach it.
constexpr const char *kStagingParent = "/run/sysclean";

std::string mebibytes(uint64_t bytes)
{
	char text[32];
	std::snprintf(text, sizeof(text), "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
	return text;
}

// Returns the name of DIRECTORY's copy on the staging tmpfs: "/var/log"
// becomes "var-log".
std::string stagingName(std::string_view directory)
{
	std::string name(directory.substr(directory.find_first_not_of('/')));
	for (char &c : name) {
		if (c == '/')
			c = '-';
	}
	return name;
}

// Empties one log directory of the running system. Its writers keep a
// place to write: the directory is opened first, its contents are copied
// onto STAGING, the copy is mounted over it, and then the files on disk
// are removed through the descriptor opened before the mount. A dry run
// checks the size limit and lists the same files, but copies and mounts
// nothing.
Status emptyLiveLogDirectory(OperationContext &context, std::string_view directory,
			     const TreeRules &rules, std::optional<StagingTmpfs> &staging)
{
	Remover &remover = context.remover;
	std::string path(directory);
	uint64_t limit = context.liveSettings.stagingLimit;

	Result<UniqueFd> dir = context.root.openDirectory(directory);
	if (!dir) {
		if (dir.error() == std::errc::no_such_file_or_directory)
			return {};
		remover.sink().failed("open", path, dir.error().message());
		return dir.error();
	}

	// Checked before anything is mounted: once a copy is mounted over a
	// protected directory, its name leads to the copy and the check in
	// emptyOpenDirectory() would no longer recognise it. The remover
	// reports the refusal.
	Result<bool> isProtected = context.root.isProtected(dir->get());
	if (!isProtected || *isProtected)
		return remover.emptyOpenDirectory(dir->get(), path, rules);

	// A directory on a tmpfs, or below one, does not reach the image, so
	// writers lose nothing when its files are removed in place.
	Result<bool> onTmpfs = isOnTmpfs(dir->get());
	if (!onTmpfs) {
		remover.sink().failed("find the filesystem of", path, onTmpfs.error().message());
		return onTmpfs.error();
	}
	if (*onTmpfs)
		return remover.emptyOpenDirectory(dir->get(), path, rules);

	Result<TreeUsage> usage = measureTree(dir->get());
	if (!usage) {
		remover.sink().failed("measure", path, usage.error().message());
		return usage.error();
	}
	if (usage->bytes > limit) {
		remover.sink().failed("stage", path,
				      "its files take " + mebibytes(usage->bytes) +
					      ", more than the staging limit of " + mebibytes(limit) +
					      "; raise --staging-limit or seal the image offline");
		return make_error_code(SysError::TreeTooLarge);
	}

	if (!remover.dryRun()) {
		if (!staging) {
			Result<StagingTmpfs> created = StagingTmpfs::create(kStagingParent, limit);
			if (!created) {
				remover.sink().failed("mount a staging tmpfs for", path,
						      created.error().message());
				return created.error();
			}
			staging.emplace(std::move(*created));
		}

		// All directories share one tmpfs of the limit's size.
		Result<uint64_t> free = staging->freeBytes();
		if (free && usage->bytes > *free) {
			remover.sink().failed("stage", path,
					      "its files take " + mebibytes(usage->bytes) + ", more than the " +
						      mebibytes(*free) + " left of the staging limit of " +
						      mebibytes(limit) + "; raise --staging-limit");
			return make_error_code(SysError::TreeTooLarge);
		}

		Status staged = stageOver(*staging, dir->get(), stagingName(directory), limit);
		if (!staged) {
			remover.sink().failed("stage", path, staged.error().message());
			return staged;
		}
	}

	return remover.emptyOpenDirectory(dir->get(), path, rules);
}

// Returns the mount points below DIRECTORY as paths inside the target,
// deepest first. DIRECTORY is resolved inside the root first, so that a
// symlink cannot make the search look at the host's mounts.
std::vector<std::string> logMountsBelow(OperationContext &context, std::string_view directory)
{
	std::vector<std::string> paths;
	Result<UniqueFd> dir = context.root.openDirectory(directory);
	if (!dir)
		return paths;

	std::string resolved = resolvedHostPath(dir->get());
	std::string rootPath = resolvedHostPath(context.root.fd());
	if (resolved.empty() || rootPath.empty())
		return paths;
	std::string rootPrefix = rootPath == "/" ? "" : rootPath;
	if (resolved != rootPath && !resolved.starts_with(rootPrefix + "/"))
		return paths;

	Result<std::vector<std::string>> mounts = mountPointsBelow(resolved);
	if (!mounts)
		return paths;
	for (const std::string &mount : *mounts)
		paths.push_back(mount.substr(rootPrefix.size()));
	return paths;
}

Status runLogfiles(OperationContext &context)
{
	Remover &remover = context.remover;
	Status status;

	TreeRules rules;
	rules.keepDirectories = true;
	rules.truncateNames = kEmptiedNames;
	if (context.live) {
		std::optional<StagingTmpfs> staging;
		for (std::string_view directory : kLogDirectories) {
			// Filesystems mounted below a log directory (/var/log/audit
			// on its own partition) go first: the copy mounted over the
			// parent would hide them, their files still on disk.
			for (const std::string &below : logMountsBelow(context, directory))
				status.update(emptyLiveLogDirectory(context, below, rules, staging));
			status.update(emptyLiveLogDirectory(context, directory, rules, staging));
		}

		// The bind mounts keep the tmpfs alive; its own mount point goes.
		if (staging) {
			std::string mountPoint = staging->path();
			Status released = staging->release();
			if (!released)
				remover.sink().failed("unmount", mountPoint, released.error().message());
			status.update(released);
		}
	} else {
		for (std::string_view directory : kLogDirectories)
			status.update(remover.emptyDirectory(directory, rules));
	}

	for (std::string_view pattern : kFilePatterns)
		status.update(remover.removeMatches(pattern));
	return status;
}

} // namespace

extern const Operation logfilesOperation{
	"logfiles",
	"Remove log files, emptying wtmp, btmp, lastlog and faillog in place",
	true,
	kAreas,
	runLogfiles,
};

} // namespace sysclean
