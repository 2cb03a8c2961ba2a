// SPDX-License-Identifier: LGPL-2.1-or-later
// The metadata a staged copy keeps from its original: owner, extended
// attributes (SELinux labels, ACLs), mode and timestamps.
#include "sys/file_metadata.h"

#include <cerrno>
#include <fcntl.h>
#include <functional>
#include <string>
#include <string_view>
#include <sys/xattr.h>
#include <unistd.h>
#include <vector>

#include "sys/mounts.h"

namespace sysclean {

namespace {

// Returns whether a failure to set the attribute NAME loses something
// services or the security policy rely on.
bool isEssentialAttribute(std::string_view name)
{
	return name.starts_with("security.") || name.starts_with("system.posix_acl_");
}

// Extended attribute calls on one file, by descriptor or by path.
struct AttributeAccess {
	std::function<ssize_t(char *list, size_t size)> list;
	std::function<ssize_t(const char *name, void *value, size_t size)> get;
	std::function<int(const char *name, const void *value, size_t size)> set;
};

// Calls CALL with a buffer that grows until the value fits (ERANGE means
// it grew between the size query and the read).
Result<std::vector<char>> readGrowing(const std::function<ssize_t(char *, size_t)> &call)
{
	for (int attempt = 0; attempt < 8; attempt++) {
		ssize_t size = call(nullptr, 0);
		if (size < 0)
			return errnoCode(errno);

		std::vector<char> buffer(static_cast<size_t>(size));
		ssize_t read = call(buffer.data(), buffer.size());
		if (read >= 0) {
			buffer.resize(static_cast<size_t>(read));
			return buffer;
		}
		if (errno != ERANGE)
			return errnoCode(errno);
	}
	return errnoCode(ERANGE);
}

Status copyAttributes(const AttributeAccess &source, const AttributeAccess &destination)
{
	Result<std::vector<char>> names = readGrowing(source.list);
	if (!names) {
		// A filesystem without extended attributes has none to copy.
		if (names.error() == std::errc::not_supported)
			return {};
		return names.error();
	}

	std::string_view list(names->data(), names->size());
	while (!list.empty()) {
		size_t end = list.find('\0');
		std::string name(list.substr(0, end));
		list.remove_prefix(end == std::string_view::npos ? list.size() : end + 1);
		if (name.empty())
			continue;

		Result<std::vector<char>> value = readGrowing([&](char *buffer, size_t size) {
			return source.get(name.c_str(), buffer, size);
		});
		if (!value) {
			if (value.error() == std::errc::no_message_available)
				continue;
			return value.error();
		}

		// tmpfs supports user.*, trusted.*, security.* and ACLs. An
		// attribute of another namespace (btrfs.*, a vendor's own) has
		// nowhere to go, so it is dropped instead of stopping the copy.
		if (destination.set(name.c_str(), value->data(), value->size()) != 0) {
			if (errno == EOPNOTSUPP && !isEssentialAttribute(name))
				continue;
			return Status::fromErrno(errno);
		}
	}
	return {};
}

AttributeAccess fdAttributes(int fd)
{
	return {
		[fd](char *list, size_t size) { return ::flistxattr(fd, list, size); },
		[fd](const char *name, void *value, size_t size) {
			return ::fgetxattr(fd, name, value, size);
		},
		[fd](const char *name, const void *value, size_t size) {
			return ::fsetxattr(fd, name, value, size, 0);
		},
	};
}

// Symlinks, fifos and sockets cannot be opened for the f*xattr() calls.
// The l*xattr() calls reach them through the /proc/self/fd link of their
// open parent directory, so only the last component is resolved by name.
AttributeAccess pathAttributes(int dir, const char *name)
{
	std::string path = procFdPath(dir) + "/" + name;
	return {
		[path](char *list, size_t size) { return ::llistxattr(path.c_str(), list, size); },
		[path](const char *attribute, void *value, size_t size) {
			return ::lgetxattr(path.c_str(), attribute, value, size);
		},
		[path](const char *attribute, const void *value, size_t size) {
			return ::lsetxattr(path.c_str(), attribute, value, size, 0);
		},
	};
}

} // namespace

// Applies owner, attributes, mode and timestamps in this order: chown()
// clears setuid bits and security.capability, and writing the attributes
// or the data would move the timestamps again.
Status applyMetadata(int source, int destination, const struct stat &st)
{
	if (::fchown(destination, st.st_uid, st.st_gid) != 0)
		return Status::fromErrno(errno);

	Status copied = copyAttributes(fdAttributes(source), fdAttributes(destination));
	if (!copied)
		return copied;

	if (::fchmod(destination, st.st_mode & 07777) != 0)
		return Status::fromErrno(errno);

	const struct timespec times[2] = {st.st_atim, st.st_mtim};
	if (::futimens(destination, times) != 0)
		return Status::fromErrno(errno);
	return {};
}

Status applyMetadataAt(int sourceDir, int destinationDir, const char *name,
		       const struct stat &st)
{
	if (::fchownat(destinationDir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) != 0)
		return Status::fromErrno(errno);

	Status copied = copyAttributes(pathAttributes(sourceDir, name),
				       pathAttributes(destinationDir, name));
	if (!copied)
		return copied;

	// Linux has no mode for symlinks; for fifos and sockets, which this
	// copy created itself, following is harmless.
	if (!S_ISLNK(st.st_mode) && ::fchmodat(destinationDir, name, st.st_mode & 07777, 0) != 0)
		return Status::fromErrno(errno);

	const struct timespec times[2] = {st.st_atim, st.st_mtim};
	if (::utimensat(destinationDir, name, times, AT_SYMLINK_NOFOLLOW) != 0)
		return Status::fromErrno(errno);
	return {};
}

} // namespace sysclean
