// SPDX-License-Identifier: LGPL-2.1-or-later
// The target root as a directory fd, and path resolution confined to it: no
// path string is ever joined to the host's "/" and handed to the kernel.
#include "base/root.h"

#include <algorithm>
#include <array>
#include <climits>
#include <atomic>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

namespace sysclean {

namespace {

// Symlinks followed in one resolution before giving up, as the kernel's own
// limit (MAXSYMLINKS) in Linux 4.2 and later.
constexpr int kMaxSymlinks = 40;

std::atomic<bool> forceComponentWalk{false};
std::atomic<bool> openat2Missing{false};

// Directories of the target that no operation may empty, whatever symlink
// led there: the top-level system directories and the second-level ones
// that hold programs, libraries and package state. Entries of / and /usr
// matching "lib*" are added at run time.
constexpr std::array kProtectedPaths{
	"etc", "usr", "boot", "var", "home", "root", "srv", "opt",
	"bin", "sbin", "dev", "proc", "sys", "run",
	"usr/bin", "usr/sbin", "usr/libexec", "usr/share", "usr/include", "usr/local", "usr/src",
	"var/lib", "var/cache", "var/spool", "var/mail", "var/opt", "var/local", "var/backups",
	// The EFI system partition and the boot loader: often mounted below
	// /boot, and a machine without them does not boot.
	"boot/efi", "boot/grub", "boot/grub2", "efi",
	// Package databases: a link such as /var/lib/logrotate -> dpkg would
	// otherwise let "logrotate/status" remove dpkg's status file.
	"var/lib/dpkg", "var/lib/apt", "var/lib/rpm", "usr/lib/sysimage/rpm", "var/lib/pacman",
};

std::vector<std::string> splitPath(std::string_view path)
{
	std::vector<std::string> components;
	size_t start = 0;

	while (start <= path.size()) {
		size_t end = path.find('/', start);
		if (end == std::string_view::npos)
			end = path.size();
		std::string_view component = path.substr(start, end - start);
		if (!component.empty() && component != ".")
			components.emplace_back(component);
		start = end + 1;
	}

	return components;
}

// Resolves PATH below ROOTFD with openat2(RESOLVE_IN_ROOT). Returns ENOSYS
// on kernels before 5.6.
Result<UniqueFd> openWithOpenat2(int rootFd, std::string_view path, Symlinks symlinks)
{
	std::string relative{path};
	while (!relative.empty() && relative.front() == '/')
		relative.erase(0, 1);
	if (relative.empty())
		relative = ".";

	open_how how{};
	how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	if (symlinks == Symlinks::Reject)
		how.resolve |= RESOLVE_NO_SYMLINKS;

	for (;;) {
		long fd = syscall(SYS_openat2, rootFd, relative.c_str(), &how, sizeof(how));
		int error = errno;
		if (fd >= 0)
			return UniqueFd(static_cast<int>(fd));
		// EAGAIN: a rename raced with RESOLVE_IN_ROOT's ".." check.
		if (error == EAGAIN)
			continue;
		return errnoCode(error);
	}
}

// Resolves PATH below ROOTFD one component at a time with O_NOFOLLOW,
// reading each symlink and resolving it inside the root: the fallback for
// kernels without openat2().
Result<UniqueFd> openWithComponentWalk(int rootFd, std::string_view path, Symlinks symlinks)
{
	std::vector<std::string> pending = splitPath(path);
	std::vector<UniqueFd> stack;
	int symlinksFollowed = 0;

	// pending is consumed from the back, so keep it reversed.
	std::reverse(pending.begin(), pending.end());

	auto current = [&]() { return stack.empty() ? rootFd : stack.back().get(); };

	while (!pending.empty()) {
		std::string name = std::move(pending.back());
		pending.pop_back();

		if (name == "..") {
			// ".." at the root stays at the root, as RESOLVE_IN_ROOT does.
			if (!stack.empty())
				stack.pop_back();
			continue;
		}

		int fd = openat(current(), name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC);
		int error = errno;
		if (fd < 0)
			return errnoCode(error);
		UniqueFd entry(fd);

		struct stat st;
		if (fstat(entry.get(), &st) < 0)
			return errnoCode(errno);

		if (S_ISLNK(st.st_mode)) {
			if (symlinks == Symlinks::Reject)
				return errnoCode(ELOOP);
			if (++symlinksFollowed > kMaxSymlinks)
				return errnoCode(ELOOP);

			std::string target(PATH_MAX, '\0');
			ssize_t length = readlinkat(entry.get(), "", target.data(), target.size());
			if (length < 0)
				return errnoCode(errno);
			target.resize(static_cast<size_t>(length));

			if (!target.empty() && target.front() == '/')
				stack.clear();
			std::vector<std::string> linkComponents = splitPath(target);
			for (auto it = linkComponents.rbegin(); it != linkComponents.rend(); ++it)
				pending.push_back(std::move(*it));
			continue;
		}

		if (!S_ISDIR(st.st_mode))
			return errnoCode(ENOTDIR);
		stack.push_back(std::move(entry));
	}

	int fd = openat(current(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errnoCode(errno);
	return UniqueFd(fd);
}

bool sameInode(const struct stat &a, const struct stat &b)
{
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

} // namespace

Root::Root(UniqueFd fd, std::string hostPath)
	: fd_(std::move(fd)), hostPath_(std::move(hostPath))
{
}

Result<Root> Root::open(const std::string &path)
{
	int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errnoCode(errno);
	return Root(UniqueFd(fd), path);
}

bool Root::isProtectedPath(std::string_view path)
{
	std::vector<std::string> components = splitPath(path);
	if (components.empty())
		return true;

	std::string relative;
	for (const std::string &component : components)
		relative += (relative.empty() ? "" : "/") + component;

	for (const char *protectedPath : kProtectedPaths) {
		if (relative == protectedPath)
			return true;
	}

	// "lib*" directly below / or /usr.
	if (components.size() == 1)
		return fnmatch("lib*", components[0].c_str(), 0) == 0;
	if (components.size() == 2 && components[0] == "usr")
		return fnmatch("lib*", components[1].c_str(), 0) == 0;
	return false;
}

void Root::setForceComponentWalk(bool force)
{
	forceComponentWalk = force;
}

Result<UniqueFd> Root::openDirectory(std::string_view path, Symlinks symlinks) const
{
	if (!forceComponentWalk && !openat2Missing) {
		Result<UniqueFd> dir = openWithOpenat2(fd(), path, symlinks);
		if (dir.ok() || dir.error() != errnoCode(ENOSYS))
			return dir;
		// NOTE: the fallback can go once Linux 5.6 is the oldest kernel.
		openat2Missing = true;
	}

	return openWithComponentWalk(fd(), path, symlinks);
}

Result<Location> Root::openParent(std::string_view path, Symlinks symlinks) const
{
	std::vector<std::string> components = splitPath(path);
	if (components.empty() || components.back() == "..")
		return errnoCode(EINVAL);

	std::string name = std::move(components.back());
	components.pop_back();

	std::string parentPath;
	for (const std::string &component : components)
		parentPath += "/" + component;

	Result<UniqueFd> parent = openDirectory(parentPath, symlinks);
	if (!parent)
		return parent.error();
	return Location{std::move(*parent), std::move(name)};
}

Result<std::string> Root::resolvedPath(std::string_view path) const
{
	Result<UniqueFd> dir = openDirectory(path);
	if (!dir)
		return dir.error();

	// Walk up with ".." and find each directory's name in its parent, until
	// the root's inode: the kernel's /proc/self/fd link would show the
	// host's path instead of the target's.
	struct stat rootStat;
	if (fstat(fd(), &rootStat) < 0)
		return errnoCode(errno);

	std::string resolved;
	UniqueFd current = std::move(*dir);
	for (int depth = 0; depth < 256; depth++) {
		struct stat st;
		if (fstat(current.get(), &st) < 0)
			return errnoCode(errno);
		if (sameInode(st, rootStat))
			return resolved.empty() ? std::string("/") : resolved;

		int parentFd = openat(current.get(), "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (parentFd < 0)
			return errnoCode(errno);
		UniqueFd parent(parentFd);

		int scanFd = dup(parent.get());
		if (scanFd < 0)
			return errnoCode(errno);
		DIR *scan = fdopendir(scanFd);
		if (!scan) {
			close(scanFd);
			return errnoCode(errno);
		}
		std::string name;
		while (struct dirent *entry = readdir(scan)) {
			if (entry->d_ino != st.st_ino)
				continue;
			struct stat entryStat;
			if (fstatat(parent.get(), entry->d_name, &entryStat, AT_SYMLINK_NOFOLLOW) == 0 &&
			    sameInode(entryStat, st)) {
				name = entry->d_name;
				break;
			}
		}
		closedir(scan);
		if (name.empty())
			return errnoCode(ENOENT);

		resolved = "/" + name + resolved;
		current = std::move(parent);
	}

	return errnoCode(ELOOP);
}

Result<bool> Root::isProtected(int dir) const
{
	struct stat dirStat;
	if (fstat(dir, &dirStat) < 0)
		return errnoCode(errno);

	struct stat rootStat;
	if (fstat(fd(), &rootStat) < 0)
		return errnoCode(errno);
	if (sameInode(dirStat, rootStat))
		return true;

	std::vector<std::string> paths(kProtectedPaths.begin(), kProtectedPaths.end());
	for (std::string_view parent : {"", "usr/"}) {
		Result<UniqueFd> parentDir = openDirectory(parent.empty() ? "/" : parent);
		if (!parentDir)
			continue;
		DIR *scan = fdopendir(parentDir->release());
		if (!scan)
			continue;
		while (struct dirent *entry = readdir(scan)) {
			if (fnmatch("lib*", entry->d_name, 0) == 0)
				paths.push_back(std::string(parent) + entry->d_name);
		}
		closedir(scan);
	}

	for (const std::string &path : paths) {
		// Both the entry itself and where it leads count: with a merged
		// /usr, /bin is a link to usr/bin and usr/bin is as vital.
		struct stat st;
		Result<Location> location = openParent(path);
		if (location &&
		    fstatat(location->parent.get(), location->name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    sameInode(st, dirStat))
			return true;

		Result<UniqueFd> resolved = openDirectory(path);
		if (resolved && fstat(resolved->get(), &st) == 0 && sameInode(st, dirStat))
			return true;
	}

	return false;
}

} // namespace sysclean
