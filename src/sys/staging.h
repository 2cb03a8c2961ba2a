// SPDX-License-Identifier: LGPL-2.1-or-later
// A private tmpfs that contains copies of log directories while the live
// stage removes the originals, so running writers keep a place to write.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"
#include "base/unique_fd.h"

namespace sysclean {

// 128 MiB: the default limit for everything staged in one run.
inline constexpr std::uint64_t defaultStagingLimit = std::uint64_t{128} << 20;

// A tmpfs mounted on a fresh directory that only root can reach.
class StagingTmpfs
{
public:
	// Creates PARENT (mode 0700) when missing, a directory in it with
	// mkdtemp(), and mounts a tmpfs of at most SIZE bytes there, mode
	// 0700, nosuid, nodev, noexec. PARENT must be a directory owned by
	// root that no other user can write, so no other user can swap the
	// mount point. /run/sysclean is such a place. A predictable name under
	// /dev/shm or /tmp is not. Fails with EPERM on any other PARENT.
	static Result<StagingTmpfs> create(const std::string &parent, std::uint64_t size);

	StagingTmpfs(StagingTmpfs &&other) noexcept;
	StagingTmpfs &operator=(StagingTmpfs &&other) = delete;
	StagingTmpfs(const StagingTmpfs &) = delete;
	StagingTmpfs &operator=(const StagingTmpfs &) = delete;

	// Calls release() and ignores its failure.
	~StagingTmpfs();

	// The mount point, an absolute host path.
	const std::string &path() const { return path_; }

	// An open descriptor of the tmpfs root directory.
	int fd() const { return fd_.get(); }

	// Returns the bytes still free on the tmpfs (statvfs f_bavail).
	Result<std::uint64_t> freeBytes() const;

	// Detaches the tmpfs from its mount point and removes the directory.
	// Bind mounts made from it stay: the kernel keeps the tmpfs while one
	// of them exists, and frees it with the last one.
	Status release();

private:
	StagingTmpfs(std::string path, UniqueFd fd) : path_(std::move(path)), fd_(std::move(fd)) {}

	std::string path_;
	UniqueFd fd_;
};

// Copies the directory DIR into a new directory NAME on STAGING (see
// copyTree()) and bind-mounts the copy over DIR. Afterwards the path of DIR
// shows the copy, while DIR itself still reaches the files on disk. Fails
// with SysError::TreeTooLarge, before creating anything, when the tree
// exceeds MAX_BYTES or the free space of STAGING. A copy whose bind mount
// failed stays on STAGING until release() frees it.
Status stageOver(StagingTmpfs &staging, int dir, const std::string &name, std::uint64_t maxBytes);

} // namespace sysclean
