// SPDX-License-Identifier: LGPL-2.1-or-later
// Pattern expansion inside the target root, one path component at a time,
// with bash's "nullglob dotglob" meaning and no shell involved.
#include "base/glob.h"

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "base/escape.h"

namespace sysclean {

bool hasWildcard(std::string_view name)
{
	return name.find_first_of("*?[") != std::string_view::npos;
}

namespace {

std::string childPath(const std::string &parent, std::string_view name)
{
	std::string path = parent == "/" ? std::string() : parent;
	path += '/';
	path += name;
	return path;
}

class Expander
{
public:
	Expander(const Root &root, std::vector<std::string> components, const GlobHandler &handler,
		 bool literal)
		: root_(root), components_(std::move(components)), handler_(handler), literal_(literal)
	{
	}

	Status visit(int dir, const std::string &path, size_t index, bool belowUserDirectory);

private:
	Status visitEntry(int dir, const std::string &name, const std::string &path,
			  size_t index, bool belowUserDirectory);

	const Root &root_;
	std::vector<std::string> components_;
	const GlobHandler &handler_;
	bool literal_;
};

Status Expander::visit(int dir, const std::string &path, size_t index, bool belowUserDirectory)
{
	const std::string &component = components_[index];

	if (literal_ || !hasWildcard(component))
		return visitEntry(dir, component, childPath(path, component), index, belowUserDirectory);

	int scanFd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (scanFd < 0)
		return Status::fromErrno(errno);
	DIR *scan = fdopendir(scanFd);
	if (!scan) {
		int error = errno;
		close(scanFd);
		return Status::fromErrno(error);
	}

	// Collect the names first: the visitor may remove entries, and
	// removing while reading could make readdir() skip or repeat some.
	std::vector<std::string> names;
	while (struct dirent *entry = readdir(scan)) {
		std::string_view name = entry->d_name;
		if (name == "." || name == "..")
			continue;
		if (fnmatch(component.c_str(), entry->d_name, 0) == 0)
			names.emplace_back(name);
	}
	closedir(scan);
	std::sort(names.begin(), names.end());

	Status status;
	for (const std::string &name : names)
		status.update(visitEntry(dir, name, childPath(path, name), index, belowUserDirectory));
	return status;
}

Status Expander::visitEntry(int dir, const std::string &name, const std::string &path,
			    size_t index, bool belowUserDirectory)
{
	struct stat st;
	if (fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
		int error = errno;
		if (error == ENOENT)
			return {};
		return Status::fromErrno(error);
	}

	if (index + 1 == components_.size()) {
		handler_.matched(dir, name, path);
		return {};
	}

	UniqueFd child;
	if (S_ISLNK(st.st_mode)) {
		if (belowUserDirectory) {
			if (handler_.skipped)
				handler_.skipped(path, "symlink below a directory owned by a non-root user, not followed");
			return {};
		}
		Result<UniqueFd> resolved = root_.openDirectory(path);
		if (!resolved) {
			std::error_code error = resolved.error();
			if (error == errnoCode(ENOENT) || error == errnoCode(ENOTDIR))
				return {};
			return error;
		}

		// "/home -> var/home" is a layout; "/var/lib/dhclient -> /"
		// would turn "dhclient/*" into the whole system.
		if (!Root::isProtectedPath(path)) {
			Result<bool> isProtected = root_.isProtected(resolved->get());
			if (!isProtected)
				return isProtected.error();
			if (*isProtected) {
				Result<std::string> target = root_.resolvedPath(path);
				if (handler_.refused)
					handler_.refused(path, "it is a symlink to '" +
								       escapePath(target ? *target : std::string("?")) +
								       "', a protected system directory; not following it, fix or remove the symlink");
				return Status::fromErrno(EPERM);
			}
		}
		child = std::move(*resolved);
	} else if (S_ISDIR(st.st_mode)) {
		int fd = openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			int error = errno;
			return error == ENOENT ? Status() : Status::fromErrno(error);
		}
		child.reset(fd);
	} else {
		return {};
	}

	struct stat childStat;
	if (fstat(child.get(), &childStat) < 0)
		return Status::fromErrno(errno);

	return visit(child.get(), path, index + 1, belowUserDirectory || childStat.st_uid != 0);
}

Status expandComponents(const Root &root, std::string_view pattern, const GlobHandler &handler,
			bool literal)
{
	std::vector<std::string> components;
	size_t start = 0;
	while (start <= pattern.size()) {
		size_t end = pattern.find('/', start);
		if (end == std::string_view::npos)
			end = pattern.size();
		std::string_view component = pattern.substr(start, end - start);
		start = end + 1;
		if (component.empty() || component == ".")
			continue;

		// A literal path read from the target (a home in /etc/passwd)
		// may hold "..": it is applied to the path as written and stops
		// at the root. NOTE: the kernel would apply it after following a
		// symlink; here "a/.." is "" even when a is a symlink.
		if (literal && component == "..") {
			if (!components.empty())
				components.pop_back();
			continue;
		}
		components.emplace_back(component);
	}

	// In a pattern, "..", even from a wildcard, could only climb back up:
	// the operations' patterns never need it.
	if (components.empty() ||
	    std::find(components.begin(), components.end(), "..") != components.end())
		return Status::fromErrno(EINVAL);

	Expander expander(root, std::move(components), handler, literal);
	return expander.visit(root.fd(), "/", 0, false);
}

} // namespace

Status expandGlob(const Root &root, std::string_view pattern, const GlobHandler &handler)
{
	return expandComponents(root, pattern, handler, false);
}

Status expandLiteral(const Root &root, std::string_view path, const GlobHandler &handler)
{
	return expandComponents(root, path, handler, true);
}

} // namespace sysclean
