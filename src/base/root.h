// SPDX-License-Identifier: LGPL-2.1-or-later
// The target root as a directory fd, and path resolution confined to it: no
// path string is ever joined to the host's "/" and handed to the kernel.
#pragma once

#include <string>
#include <string_view>
#include <sys/stat.h>

#include "base/result.h"
#include "base/unique_fd.h"

namespace sysclean {

// Policy for symlinks on the way to a path.
enum class Symlinks {
	// Followed, but resolved inside the root: "/" and ".." stop at the root.
	InRoot,
	// Not followed at all: a symlink anywhere on the way fails with ELOOP.
	Reject,
};

// The parent directory of a path, opened, and the path's last component.
struct Location {
	UniqueFd parent;
	std::string name;
};

class Root
{
public:
	// Opens DIR as the target root; "/" is the running system.
	static Result<Root> open(const std::string &path);

	int fd() const { return fd_.get(); }
	const std::string &hostPath() const { return hostPath_; }

	// Opens the directory at PATH (as seen inside the target, "/var/log")
	// for reading; symlinks on the way, the last one included, resolve
	// inside the root. Fails with ENOTDIR when PATH is not a directory.
	Result<UniqueFd> openDirectory(std::string_view path,
				       Symlinks symlinks = Symlinks::InRoot) const;

	// Opens the parent of PATH as openDirectory() does and returns it with
	// PATH's last component, which is not followed.
	Result<Location> openParent(std::string_view path,
				    Symlinks symlinks = Symlinks::InRoot) const;

	// Resolves PATH inside the root as openDirectory() does and returns
	// the resolved path as seen inside the target, for messages.
	Result<std::string> resolvedPath(std::string_view path) const;

	// Returns whether DIR (an open directory) is the root itself or one of
	// the target's system directories that are never to be emptied (/etc,
	// /usr, /var, /lib*, /usr/lib*, /var/lib and the others listed in
	// root.cpp), however reached.
	Result<bool> isProtected(int dir) const;

	// Returns whether PATH, as written, names one of the directories that
	// isProtected() guards ("/usr/lib64", "/home"), without resolving it.
	static bool isProtectedPath(std::string_view path);

	// Forces the O_NOFOLLOW component walk instead of openat2(); tests use
	// it to cover kernels older than 5.6, which lack openat2().
	static void setForceComponentWalk(bool force);

private:
	Root(UniqueFd fd, std::string hostPath);

	UniqueFd fd_;
	std::string hostPath_;
};

} // namespace sysclean
