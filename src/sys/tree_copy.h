// SPDX-License-Identifier: LGPL-2.1-or-later
// Copies of directory trees onto the staging tmpfs that keep what services
// check: mode, owner, timestamps, extended attributes and sparse files.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"
#include "base/unique_fd.h"

namespace sysclean {

// The space a copy of a directory tree takes on a tmpfs.
struct TreeUsage {
	// Data bytes, counted in 4 KiB pages as tmpfs allocates them; holes
	// of sparse files are not counted.
	std::uint64_t bytes = 0;
	// Files, directories and symlinks below the top directory.
	std::uint64_t entries = 0;
};

// Measures the tree below the open directory DIR, without crossing into
// other mounts (as copyTree() does).
Result<TreeUsage> measureTree(int dir);

// Copies the contents of the open directory SOURCE into a new directory
// NAME in DESTINATION_PARENT and returns the new directory, open. Regular
// files keep their holes (SEEK_DATA/SEEK_HOLE), and every entry keeps its
// mode, owner, timestamps and extended attributes (user.*, security.*
// including security.selinux, system.posix_acl_*). Fifos and sockets are
// recreated; device nodes are left out, because the staging tmpfs is
// nodev; a directory on another mount is recreated empty.
//
// Before creating anything it measures the tree and fails with
// SysError::TreeTooLarge when the usage exceeds MAX_BYTES or the free space
// of the destination filesystem. A failure during the copy removes the
// partial copy, so NAME exists only after success. Hard links become
// separate files.
// NOTE: device nodes are not copied, and trusted.* attributes are dropped
// because listing them needs CAP_SYS_ADMIN, which the copy does not raise.
Result<UniqueFd> copyTree(int source, int destinationParent, const std::string &name,
			  std::uint64_t maxBytes);

} // namespace sysclean
