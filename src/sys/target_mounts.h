// SPDX-License-Identifier: LGPL-2.1-or-later
// Filesystems of an offline target that hold paths to clean (a separate
// /var, /var/log or /home), mounted from the target's fstab for the run.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "base/result.h"

namespace sysclean {

// One fstab entry that TargetMounts mounted or failed to mount.
struct TargetMount {
	// The source as written in fstab ("UUID=...", "LABEL=...", a device).
	std::string source;
	// The device the source resolved to ("/dev/vdb1"); empty on failure
	// to resolve it.
	std::string device;
	// The mount point as seen inside the target ("/var").
	std::string target;
	std::string fsType;
	// The reason it is not mounted, or an empty error_code.
	std::error_code error;
};

class TargetMounts
{
public:
	// Reads ROOT/etc/fstab (ROOT an absolute host path) and mounts, below
	// ROOT, each entry whose mount point contains one of CLEAN_PATHS
	// (target paths such as "/var/log", "/home") or lies below one of
	// them, unless something is already mounted there. Parents go first
	// (/var before /var/log), otherwise the fstab order holds. Skipped:
	// swap, noauto, network filesystems and _netdev, bind mounts, pseudo
	// filesystems (tmpfs, proc), FUSE, and "/" itself. Each entry is
	// mounted with its fstab options except "ro": the run needs it rw.
	//
	// An entry that fails is recorded in failures() with its error, and
	// so are the entries below its mount point, which would otherwise be
	// mounted onto the directory underneath. Fails as a whole only when
	// fstab or the mount table cannot be read; a missing fstab mounts
	// nothing. DEBUG, when set, receives one line per skipped entry.
	static Result<TargetMounts> mount(const std::string &root,
					  const std::vector<std::string> &cleanPaths,
					  const std::function<void(std::string_view)> &debug = {});

	TargetMounts(TargetMounts &&other) noexcept = default;
	TargetMounts &operator=(TargetMounts &&other) = delete;
	TargetMounts(const TargetMounts &) = delete;
	TargetMounts &operator=(const TargetMounts &) = delete;

	// Calls unmountAll() and ignores its failure.
	~TargetMounts();

	// The entries mounted, in mount order.
	const std::vector<TargetMount> &mounted() const { return mounted_; }

	const std::vector<TargetMount> &failures() const { return failures_; }

	// Unmounts everything mounted, in reverse order. A filesystem still
	// busy is detached lazily (umount -l) and its EBUSY returned.
	// Returns the first failure.
	Status unmountAll();

private:
	TargetMounts(std::string root) : root_(std::move(root)) {}

	std::string root_;
	std::vector<TargetMount> mounted_;
	std::vector<TargetMount> failures_;
};

} // namespace sysclean
