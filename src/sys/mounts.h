// SPDX-License-Identifier: LGPL-2.1-or-later
// Mount-table lookups (the filesystem that contains a path, the mounts below
// a directory) and the mount calls of the live stage: bind mounts over
// directories and unmounting what sysclean mounted.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"

namespace sysclean {

// One line of /proc/self/mountinfo.
struct MountInfo {
	int id = 0;
	std::string target;
	std::string source;
	std::string fsType;
	// The per-mount and the superblock options, comma-separated.
	std::string options;
};

// Finds the filesystem that contains PATH (an absolute path on this host), as
// df does: the topmost mount whose mount point is the longest prefix of the
// canonical PATH. PATH must exist.
Result<MountInfo> findMount(const std::string &path);

// Finds the mount that contains the open file FD by its mount ID (statx(2)
// STATX_MNT_ID, Linux 5.8), which no symlink or rename can mislead.
Result<MountInfo> findMount(int fd);

// Returns whether the directory FD lies on a tmpfs: the mount that contains
// it, whether mounted on the directory or on one of its parents, is a tmpfs.
Result<bool> isOnTmpfs(int fd);

// Returns the host path the kernel shows for the open file FD, or an empty
// string. For lookups in the mount table only, never to open files by.
std::string resolvedHostPath(int fd);

// Returns the mount points strictly below DIRECTORY (a canonical host
// path), deepest first, from /proc/self/mountinfo.
Result<std::vector<std::string>> mountPointsBelow(const std::string &directory);

// Returns whether PATH lies on a tmpfs, as isOnTmpfs(int) does.
Result<bool> isOnTmpfs(const std::string &path);

// Bind-mounts the directory SOURCE over the directory TARGET, both open
// file descriptors, so that neither path can be swapped for a symlink
// between the check and the mount. The caller keeps TARGET open to reach
// the files underneath the new mount.
Status bindMount(int source, int target);

// Unmounts the filesystem mounted at PATH (an absolute host path). With
// LAZY it detaches the mount at once, and the kernel finishes the unmount
// when the filesystem is no longer busy (umount -l).
Status unmount(const std::string &path, bool lazy = false);

// Returns the /proc/self/fd path that names the open file FD, for
// interfaces that take a path but should act on exactly that file.
std::string procFdPath(int fd);

} // namespace sysclean
