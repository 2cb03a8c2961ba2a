// SPDX-License-Identifier: LGPL-2.1-or-later
// Removal and emptying inside the target root through directory fds: one
// code path for the dry run and the real run, no process per file, memory
// bounded by the tree's depth, and no crossing into another mount.
#include "base/remover.h"

#include <algorithm>
#include <climits>
#include <cerrno>
#include <dirent.h>
#include <functional>
#include <fcntl.h>
#include <memory>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/escape.h"
#include "base/glob.h"

namespace sysclean {

namespace {

struct DirCloser {
	void operator()(DIR *dir) const { closedir(dir); }
};
using DirPtr = std::unique_ptr<DIR, DirCloser>;

// The mount a file lives on: st_dev alone does not tell two bind mounts of
// one filesystem apart, the mount id does.
struct MountKey {
	dev_t device = 0;
	uint64_t mountId = 0;
	bool operator==(const MountKey &) const = default;
};

// Returns the mount key of NAME in DIR, or of DIR itself when NAME is
// empty; a symlink is not followed.
Result<MountKey> mountKeyAt(int dir, const char *name)
{
	struct statx stx;
	int flags = AT_SYMLINK_NOFOLLOW | (*name ? 0 : AT_EMPTY_PATH);
	if (statx(dir, name, flags, STATX_MNT_ID, &stx) < 0)
		return errnoCode(errno);

	MountKey key;
	key.device = makedev(stx.stx_dev_major, stx.stx_dev_minor);
	// NOTE: kernels before 5.8 leave STATX_MNT_ID unset; st_dev alone is
	// the check there.
	if (stx.stx_mask & STATX_MNT_ID)
		key.mountId = stx.stx_mnt_id;
	return key;
}

Result<MountKey> mountKeyOf(int fd)
{
	return mountKeyAt(fd, "");
}

} // namespace

Result<uint64_t> mountIdOf(int fd)
{
	Result<MountKey> key = mountKeyOf(fd);
	if (!key)
		return key.error();
	return key->mountId;
}

namespace {

bool contains(std::span<const std::string_view> names, std::string_view name)
{
	return std::find(names.begin(), names.end(), name) != names.end();
}

} // namespace

std::string Remover::describeProtected(const std::string &path) const
{
	std::string reason = "it is a protected system directory";

	Result<std::string> resolved = root_.resolvedPath(path);
	if (resolved && *resolved != path)
		reason = "it leads to '" + escapePath(*resolved) + "', a protected system directory";

	Result<Location> location = root_.openParent(path);
	if (location) {
		char target[PATH_MAX];
		ssize_t length = readlinkat(location->parent.get(), location->name.c_str(),
					    target, sizeof(target) - 1);
		if (length >= 0) {
			target[length] = '\0';
			reason = "it is a symlink to '" + escapePath(target) + "', which leads to '" +
				 escapePath(resolved ? *resolved : std::string("?")) +
				 "', a protected system directory";
		}
	}

	return reason + "; refusing to empty it, remove or fix the symlink";
}

namespace {

std::string ledgerKey(int parent, const std::string &name)
{
	struct stat st;
	if (fstat(parent, &st) < 0)
		return {};
	return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + "/" + name;
}

} // namespace

const Change *DryRunLedger::find(int parent, const std::string &name) const
{
	auto entry = entries_.find(ledgerKey(parent, name));
	return entry == entries_.end() ? nullptr : &entry->second;
}

void DryRunLedger::record(int parent, const std::string &name, Change change)
{
	entries_[ledgerKey(parent, name)] = change;
}

Remover::Remover(const Root &root, ChangeSink &sink, DryRunLedger *ledger)
	: root_(root), sink_(sink), ledger_(ledger)
{
}

bool Remover::dryRunRemoved(int parent, const std::string &name) const
{
	if (!ledger_)
		return false;
	const Change *change = ledger_->find(parent, name);
	return change && *change != Change::Empty;
}

Status Remover::visitMatches(std::string_view pattern,
			     const std::function<Status(int, const std::string &, const std::string &)> &action)
{
	Status status;
	GlobHandler handler;
	handler.matched = [&](int parent, const std::string &name, const std::string &path) {
		status.update(action(parent, name, path));
	};
	handler.skipped = [&](const std::string &path, std::string_view reason) {
		sink_.skipped(path, reason);
	};
	bool refused = false;
	handler.refused = [&](const std::string &path, std::string_view reason) {
		refused = true;
		sink_.failed("follow", path, reason);
	};

	Status walk = expandGlob(root_, pattern, handler);
	if (!walk.ok() && !refused)
		sink_.failed("expand", std::string(pattern), walk.error().message());
	status.update(walk);
	return status;
}

Status Remover::removeMatches(std::string_view pattern)
{
	return visitMatches(pattern, [this](int parent, const std::string &name, const std::string &path) {
		return removeEntry(parent, name, path);
	});
}

Status Remover::emptyMatches(std::string_view pattern)
{
	return visitMatches(pattern, [this](int parent, const std::string &name, const std::string &path) {
		return truncateEntry(parent, name, path);
	});
}

Status Remover::emptyDirectory(std::string_view path, const TreeRules &rules)
{
	std::string displayPath(path);

	Result<UniqueFd> dir = root_.openDirectory(path);
	if (!dir) {
		if (dir.error() == errnoCode(ENOENT))
			return {};
		sink_.failed("open", displayPath, dir.error().message());
		return dir.error();
	}

	return emptyOpenDirectory(dir->get(), displayPath, rules);
}

Status Remover::emptyOpenDirectory(int dir, const std::string &path, const TreeRules &rules)
{
	Result<bool> isProtected = root_.isProtected(dir);
	if (!isProtected) {
		sink_.failed("check", path, isProtected.error().message());
		return isProtected.error();
	}
	if (*isProtected) {
		sink_.failed("empty", path, describeProtected(path));
		return errnoCode(EPERM);
	}

	// A new open file description: the caller's fd keeps its own offset.
	int fd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int error = errno;
		sink_.failed("open", path, errnoCode(error).message());
		return Status::fromErrno(error);
	}

	std::string pathBuffer = path;
	bool kept = false;
	return emptyContents(UniqueFd(fd), pathBuffer, rules, true, kept);
}

namespace {

// Appends "/NAME" to a path buffer and takes it off again at scope end, so
// that a walk keeps one path string however deep it goes.
class PathComponent
{
public:
	PathComponent(std::string &path, const std::string &name) : path_(path), size_(path.size())
	{
		if (path_ != "/")
			path_ += '/';
		path_ += name;
	}
	~PathComponent() { path_.resize(size_); }

	PathComponent(const PathComponent &) = delete;
	PathComponent &operator=(const PathComponent &) = delete;

private:
	std::string &path_;
	size_t size_;
};

} // namespace

Status Remover::emptyContents(UniqueFd dir, std::string &path, const TreeRules &rules, bool top,
			     bool &kept)
{
	// The walk keeps this one descriptor open per level of depth: the stream
	// takes it over.
	DirPtr scan(fdopendir(dir.get()));
	if (!scan) {
		int error = errno;
		sink_.failed("open", path, errnoCode(error).message());
		return Status::fromErrno(error);
	}
	dir.release();
	int scanFd = dirfd(scan.get());

	Result<MountKey> ownKey = mountKeyOf(scanFd);
	if (!ownKey) {
		sink_.failed("stat", path, ownKey.error().message());
		return ownKey.error();
	}

	Status status;
	for (;;) {
		errno = 0;
		struct dirent *entry = readdir(scan.get());
		if (!entry) {
			if (errno != 0) {
				int error = errno;
				sink_.failed("read", path, errnoCode(error).message());
				status.update(Status::fromErrno(error));
			}
			break;
		}

		std::string name = entry->d_name;
		if (name == "." || name == "..")
			continue;
		if (top && contains(rules.keepNames, name))
			continue;
		if (dryRunRemoved(scanFd, name))
			continue;

		PathComponent component(path, name);
		struct stat st;
		if (fstatat(scanFd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
			int error = errno;
			if (error != ENOENT) {
				sink_.failed("stat", path, errnoCode(error).message());
				status.update(Status::fromErrno(error));
			}
			continue;
		}

		if (S_ISDIR(st.st_mode)) {
			if (!rules.keepDirectories) {
				status.update(removeDirectory(scanFd, name, path, rules, kept));
				continue;
			}

			int childFd = openat(scanFd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (childFd < 0) {
				int error = errno;
				if (error != ENOENT) {
					sink_.failed("open", path, errnoCode(error).message());
					status.update(Status::fromErrno(error));
				}
				continue;
			}
			UniqueFd child(childFd);
			Result<MountKey> childKey = mountKeyOf(child.get());
			if (childKey && !(*ownKey == *childKey) && !isOwnMount(childKey->mountId)) {
				sink_.skipped(path, "another filesystem is mounted here, not crossing it");
				kept = true;
				continue;
			}
			status.update(emptyContents(std::move(child), path, rules, false, kept));
			continue;
		}

		if (S_ISREG(st.st_mode) && contains(rules.truncateNames, name)) {
			status.update(truncateEntry(scanFd, name, path));
			continue;
		}

		// Log directories keep their FIFOs and device nodes: a logger made
		// them on purpose, and they hold no data of their own.
		if (rules.keepDirectories &&
		    !(S_ISREG(st.st_mode) || S_ISLNK(st.st_mode) || S_ISSOCK(st.st_mode)))
			continue;

		status.update(unlinkEntry(scanFd, name, path, 0));
	}

	return status;
}

Status Remover::removeEntry(int dir, const std::string &name, const std::string &path)
{
	if (dryRunRemoved(dir, name))
		return {};

	struct stat st;
	if (fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
		int error = errno;
		if (error == ENOENT)
			return {};
		sink_.failed("stat", path, errnoCode(error).message());
		return Status::fromErrno(error);
	}

	if (S_ISDIR(st.st_mode)) {
		std::string pathBuffer = path;
		bool kept = false;
		return removeDirectory(dir, name, pathBuffer, {}, kept);
	}
	return unlinkEntry(dir, name, path, 0);
}

Status Remover::removeDirectory(int parent, const std::string &name, std::string &path,
				const TreeRules &rules, bool &kept)
{
	int childFd = openat(parent, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (childFd < 0) {
		int error = errno;
		if (error == ENOENT)
			return {};
		sink_.failed("open", path, errnoCode(error).message());
		return Status::fromErrno(error);
	}
	UniqueFd child(childFd);

	Result<MountKey> parentKey = mountKeyOf(parent);
	Result<MountKey> childKey = mountKeyOf(child.get());
	if (!parentKey || !childKey) {
		std::error_code error = parentKey ? childKey.error() : parentKey.error();
		sink_.failed("stat", path, error.message());
		return error;
	}
	if (!(*parentKey == *childKey)) {
		if (!isOwnMount(childKey->mountId)) {
			sink_.skipped(path, "another filesystem is mounted here, not crossing it");
			kept = true;
			return {};
		}

		// A mount point stays (it is busy), its contents go.
		kept = true;
		bool keptBelow = false;
		return emptyContents(std::move(child), path, TreeRules{false, rules.truncateNames, {}}, false,
				     keptBelow);
	}

	TreeRules below;
	below.truncateNames = rules.truncateNames;
	bool keptBelow = false;
	Status status = emptyContents(std::move(child), path, below, false, keptBelow);

	// The first failure below was reported already; removing the
	// directory would only add "Directory not empty" to it. A mount point
	// kept below keeps this directory too, without an error.
	if (keptBelow)
		kept = true;
	if (!status.ok() || keptBelow)
		return status;
	return unlinkEntry(parent, name, path, AT_REMOVEDIR);
}

Status Remover::unlinkEntry(int parent, const std::string &name, const std::string &path, int flags)
{
	Change change = (flags & AT_REMOVEDIR) ? Change::RemoveDirectory : Change::Remove;
	if (ledger_) {
		int error = predictFailure(parent, name, false);
		if (error) {
			sink_.failed("remove", path, errnoCode(error).message());
			return Status::fromErrno(error);
		}
		ledger_->record(parent, name, change);
		sink_.changed(change, path);
		return {};
	}

	if (unlinkat(parent, name.c_str(), flags) < 0) {
		int error = errno;
		if (error == ENOENT)
			return {};
		sink_.failed("remove", path, errnoCode(error).message());
		return Status::fromErrno(error);
	}

	sink_.changed(change, path);
	return {};
}

int Remover::predictFailure(int parent, const std::string &name, bool truncate) const
{
	// Unlinking needs a parent that is neither immutable nor append-only.
	int parentFlags = 0;
	if (!truncate && ioctl(parent, FS_IOC_GETFLAGS, &parentFlags) == 0 &&
	    (parentFlags & (FS_IMMUTABLE_FL | FS_APPEND_FL)))
		return EPERM;

	struct stat st;
	if (fstatat(parent, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;

	// A file or directory mounted here: unlink() fails with EBUSY.
	Result<MountKey> parentKey = mountKeyOf(parent);
	Result<MountKey> entryKey = mountKeyAt(parent, name.c_str());
	if (!truncate && parentKey && entryKey && !(*parentKey == *entryKey))
		return EBUSY;

	// The entry's own flags: only regular files and directories are
	// opened, since opening a device node can have effects of its own.
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		return 0;
	int fd = openat(parent, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	UniqueFd entry(fd);
	int entryFlags = 0;
	if (ioctl(entry.get(), FS_IOC_GETFLAGS, &entryFlags) == 0 &&
	    (entryFlags & (FS_IMMUTABLE_FL | FS_APPEND_FL)))
		return EPERM;
	return 0;
}

Status Remover::truncateEntry(int parent, const std::string &name, const std::string &path)
{
	if (ledger_ && ledger_->find(parent, name))
		return {};

	struct stat st;
	if (fstatat(parent, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
		int error = errno;
		if (error == ENOENT)
			return {};
		sink_.failed("stat", path, errnoCode(error).message());
		return Status::fromErrno(error);
	}

	// Already empty: nothing to change, so a second run reports nothing.
	if (!S_ISREG(st.st_mode) || st.st_size == 0)
		return {};

	// Another name of the same inode may lie outside the root: emptying it
	// would empty that one too.
	if (st.st_nlink > 1) {
		sink_.failed("empty", path,
			     "it has " + std::to_string(st.st_nlink) +
				     " hard links, and emptying it would empty the other names too; "
				     "remove the other links");
		return Status::fromErrno(EMLINK);
	}

	// A file bind-mounted here belongs to another filesystem.
	Result<MountKey> parentKey = mountKeyOf(parent);
	Result<MountKey> fileKey = mountKeyAt(parent, name.c_str());
	if (!parentKey || !fileKey) {
		std::error_code error = parentKey ? fileKey.error() : parentKey.error();
		sink_.failed("stat", path, error.message());
		return error;
	}
	if (!(*parentKey == *fileKey)) {
		sink_.skipped(path, "another filesystem is mounted here, not crossing it");
		return {};
	}

	if (ledger_) {
		int error = predictFailure(parent, name, true);
		if (error) {
			sink_.failed("empty", path, errnoCode(error).message());
			return Status::fromErrno(error);
		}
		ledger_->record(parent, name, Change::Empty);
		sink_.changed(Change::Empty, path);
		return {};
	}

	// O_NONBLOCK: a FIFO swapped in after the check makes open() fail with
	// ENXIO instead of blocking.
	int fd = openat(parent, name.c_str(), O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int error = errno;
		if (error == ENOENT)
			return {};
		sink_.failed("empty", path, errnoCode(error).message());
		return Status::fromErrno(error);
	}
	UniqueFd file(fd);

	struct stat opened;
	if (fstat(file.get(), &opened) < 0 || !S_ISREG(opened.st_mode)) {
		sink_.failed("empty", path, errnoCode(EINVAL).message());
		return Status::fromErrno(EINVAL);
	}

	if (ftruncate(file.get(), 0) < 0) {
		int error = errno;
		sink_.failed("empty", path, errnoCode(error).message());
		return Status::fromErrno(error);
	}

	sink_.changed(Change::Empty, path);
	return {};
}

} // namespace sysclean
