// SPDX-License-Identifier: LGPL-2.1-or-later
// Pattern expansion inside the target root, one path component at a time,
// with bash's "nullglob dotglob" meaning and no shell involved.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/root.h"

namespace sysclean {

// Callbacks of expandGlob(): its matches and the entries it leaves out.
struct GlobHandler {
	// Called for each match with the open parent directory (valid only
	// during the call), the entry's name and its path inside the target.
	// The entry itself is not opened or followed.
	std::function<void(int parent, const std::string &name, const std::string &path)> matched;

	// Called for a symlink on the way that is not followed because a
	// directory above it is owned by another user than root.
	std::function<void(const std::string &path, std::string_view reason)> skipped;

	// Called for a symlink on the way that leads to a protected system
	// directory (Root::isProtected()) although its own path is not one
	// of them. The pattern's later components are not matched there, and
	// the expansion fails with EPERM.
	std::function<void(const std::string &path, std::string_view reason)> refused;
};

// Returns whether NAME contains an fnmatch() wildcard.
bool hasWildcard(std::string_view name);

// Expands PATTERN ("/home/*/.bash_history") inside ROOT. Each component may
// hold fnmatch() wildcards that also match names starting with a dot; no
// match is not an error. Symlinks among the directories on the way resolve
// inside the root, except below a directory owned by a non-root user, where
// none is followed, and except a symlink that leads to a protected system
// directory ("/var/lib/dhclient -> /"), which is refused. Returns the first error met on the way other than a
// missing directory, after visiting everything it could.
Status expandGlob(const Root &root, std::string_view pattern, const GlobHandler &handler);

// Visits PATH as expandGlob() does, with every component taken literally:
// for paths read from the target, such as home directories in /etc/passwd,
// where "*" or "[" are ordinary characters. ".." removes the component
// before it, and never climbs above the root.
Status expandLiteral(const Root &root, std::string_view path, const GlobHandler &handler);

} // namespace sysclean
