// SPDX-License-Identifier: LGPL-2.1-or-later
// Removal and emptying inside the target root through directory fds: one
// code path for the dry run and the real run, no process per file, memory
// bounded by the tree's depth, and no crossing into another mount.
#pragma once

#include <functional>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <string_view>
#include <system_error>

#include "base/result.h"
#include "base/root.h"

namespace sysclean {

enum class Change {
	Remove,		 // a file, symlink or socket was (or, in a dry run, would be) removed
	RemoveDirectory, // an emptied directory was (or would be) removed
	Empty,		 // a file was (or would be) truncated to zero length in place
};

// Receives what the remover did or, in a dry run, would do. Paths are as seen
// inside the target.
class ChangeSink
{
public:
	virtual ~ChangeSink() = default;

	virtual void changed(Change change, const std::string &path) = 0;

	// An entry could not be handled; the walk goes on. REASON is the
	// error's message or, for a refusal by policy, what to fix.
	virtual void failed(std::string_view verb, const std::string &path, std::string_view reason) = 0;

	// An entry was left alone by policy: a mount point or a symlink that
	// is not followed.
	virtual void skipped(const std::string &path, std::string_view reason) = 0;

	// Something other than a path changed (a link set down, a process
	// stopped), for the log. Ignored unless a sink overrides it.
	virtual void noted([[maybe_unused]] std::string_view message) {}
};

// Rules for the contents of an emptied directory.
struct TreeRules {
	// Keep every directory, with its mode and owner, and remove only
	// regular files, symlinks and sockets below it.
	bool keepDirectories = false;

	// Names of regular files that are truncated in place rather than
	// removed, at any depth.
	std::span<const std::string_view> truncateNames;

	// Names directly inside the emptied directory that are left alone.
	std::span<const std::string_view> keepNames;
};

// The entries a dry run reported as removed or emptied. A later pattern or
// operation that reaches one again skips it, as a real run would find it
// gone or empty, so the dry-run list equals the real run's.
// NOTE: this grows with the number of paths listed, in dry runs only; a real
// run keeps nothing per file.
class DryRunLedger
{
public:
	// Returns what was recorded for NAME in the open directory PARENT.
	const Change *find(int parent, const std::string &name) const;
	void record(int parent, const std::string &name, Change change);

private:
	std::unordered_map<std::string, Change> entries_;
};

// Returns the mount id of the open file FD (statx STATX_MNT_ID, Linux 5.8).
Result<uint64_t> mountIdOf(int fd);

class Remover
{
public:
	// A dry run needs LEDGER, shared by every remover of the run; a real
	// run passes nullptr.
	Remover(const Root &root, ChangeSink &sink, DryRunLedger *ledger);

	// Lets removal descend into the mounts with these mount ids, which
	// sysclean mounted itself (a separate /var/log/audit from the target's
	// fstab). Every other mount point met on the way is left alone.
	void setOwnMounts(const std::set<uint64_t> *mountIds) { ownMounts_ = mountIds; }

	const Root &root() const { return root_; }
	ChangeSink &sink() const { return sink_; }
	bool dryRun() const { return ledger_ != nullptr; }

	// Removes every match of PATTERN (see expandGlob()). A symlink is
	// removed as a link; a directory with everything below it.
	Status removeMatches(std::string_view pattern);

	// Removes the contents of the directory at PATH and keeps it. Symlinks
	// on the way, the last included, resolve inside the root. The root and
	// its top-level system directories are never emptied: that is reported
	// as a failure naming where PATH led. A missing PATH is success.
	Status emptyDirectory(std::string_view path, const TreeRules &rules = {});

	// Same as emptyDirectory() for a directory the caller opened already
	// (live mode opens it before mounting a copy over it). PATH is for
	// messages.
	Status emptyOpenDirectory(int dir, const std::string &path, const TreeRules &rules = {});

	// Truncates each regular file matching PATTERN to zero length, keeping
	// its inode, mode, owner and extended attributes. Other file types and
	// symlinks are left alone.
	Status emptyMatches(std::string_view pattern);

	// Removes NAME in the open directory DIR, as removeMatches() does.
	Status removeEntry(int dir, const std::string &name, const std::string &path);

private:
	Status visitMatches(std::string_view pattern,
			    const std::function<Status(int, const std::string &, const std::string &)> &action);
	std::string describeProtected(const std::string &path) const;
	// KEPT is set when anything below DIR stays by policy (a mount point),
	// so that the directories above it are not removed either.
	// PATH is a buffer that each level extends and restores.
	Status emptyContents(UniqueFd dir, std::string &path, const TreeRules &rules, bool top,
			     bool &kept);
	Status removeDirectory(int parent, const std::string &name, std::string &path,
			       const TreeRules &rules, bool &kept);
	Status unlinkEntry(int parent, const std::string &name, const std::string &path, int flags);
	Status truncateEntry(int parent, const std::string &name, const std::string &path);
	bool dryRunRemoved(int parent, const std::string &name) const;
	bool isOwnMount(uint64_t mountId) const { return ownMounts_ && ownMounts_->count(mountId); }

	// Returns the errno a real run would meet removing (or, with
	// TRUNCATE, emptying) NAME: EPERM for an immutable or append-only
	// entry or parent, EBUSY for a mount point; 0 otherwise. Dry runs
	// only, so that their list and exit status match the real run's.
	int predictFailure(int parent, const std::string &name, bool truncate) const;

	const Root &root_;
	ChangeSink &sink_;
	DryRunLedger *ledger_;
	const std::set<uint64_t> *ownMounts_ = nullptr;
};

} // namespace sysclean
