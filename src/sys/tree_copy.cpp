// SPDX-License-Identifier: LGPL-2.1-or-later
// Copies of directory trees onto the staging tmpfs that keep what services
// check: mode, owner, timestamps, extended attributes and sparse files.
#include "sys/tree_copy.h"

#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <functional>
#include <memory>
#include <string_view>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <vector>

#include "sys/capabilities.h"
#include "sys/errors.h"
#include "sys/mounts.h"

namespace sysclean {

namespace {

constexpr std::uint64_t pageSize = 4096;
constexpr size_t copyBufferSize = 128 * 1024;

std::uint64_t roundUpToPage(std::uint64_t bytes)
{
	return (bytes + pageSize - 1) / pageSize * pageSize;
}

struct DirStreamDeleter {
	void operator()(DIR *stream) const { ::closedir(stream); }
};
using DirStreamPtr = std::unique_ptr<DIR, DirStreamDeleter>;

using EntryVisitor = std::function<Status(const char *name, const struct stat &st)>;

// Calls VISIT for each entry of the open directory DIR except "." and
// "..", with its lstat() data; entries that vanish meanwhile are skipped.
Status forEachEntry(int dir, const EntryVisitor &visit)
{
	// The stream gets its own descriptor, opened anew so that it does not
	// share a file offset with DIR.
	int streamFd = ::openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (streamFd < 0)
		return Status::fromErrno(errno);
	DirStreamPtr stream(::fdopendir(streamFd));
	if (!stream) {
		int error = errno;
		::close(streamFd);
		return Status::fromErrno(error);
	}

	for (;;) {
		errno = 0;
		struct dirent *entry = ::readdir(stream.get());
		if (!entry) {
			if (errno != 0)
				return Status::fromErrno(errno);
			return {};
		}

		std::string_view name(entry->d_name);
		if (name == "." || name == "..")
			continue;

		struct stat st;
		if (::fstatat(dir, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			if (errno == ENOENT)
				continue;
			return Status::fromErrno(errno);
		}

		Status status = visit(entry->d_name, st);
		if (!status)
			return status;
	}
}

Result<UniqueFd> openDirectoryAt(int dir, const char *name)
{
	UniqueFd fd(::openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
	if (!fd.valid())
		return errnoCode(errno);
	return fd;
}

// Returns the bytes a tmpfs allocates for the regular file NAME in DIR.
Result<std::uint64_t> fileUsage(int dir, const char *name, const struct stat &st)
{
	std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
	std::uint64_t allocated = static_cast<std::uint64_t>(st.st_blocks) * 512;
	if (allocated >= size)
		return roundUpToPage(size);

	// Fewer blocks than bytes: a sparse or a compressed file. Only the
	// data ranges take space on the tmpfs.
	UniqueFd file(::openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
	if (!file.valid())
		return errno == ENOENT ? Result<std::uint64_t>(0) : errnoCode(errno);

	std::uint64_t usage = 0;
	off_t position = 0;
	for (;;) {
		off_t data = ::lseek(file.get(), position, SEEK_DATA);
		if (data < 0) {
			if (errno == ENXIO)
				return usage;
			return errnoCode(errno);
		}
		off_t hole = ::lseek(file.get(), data, SEEK_HOLE);
		if (hole < 0)
			return errnoCode(errno);
		usage += roundUpToPage(static_cast<std::uint64_t>(hole - data));
		position = hole;
	}
}

Status measureDirectory(int dir, dev_t device, TreeUsage &usage)
{
	return forEachEntry(dir, [&](const char *name, const struct stat &st) -> Status {
		usage.entries++;

		if (S_ISREG(st.st_mode)) {
			Result<std::uint64_t> bytes = fileUsage(dir, name, st);
			if (!bytes)
				return bytes.error();
			usage.bytes += *bytes;
			return {};
		}

		// tmpfs keeps symlink targets of up to 127 bytes in the inode
		// and gives longer ones a page.
		if (S_ISLNK(st.st_mode)) {
			if (st.st_size >= 128)
				usage.bytes += pageSize;
			return {};
		}

		if (!S_ISDIR(st.st_mode) || st.st_dev != device)
			return {};

		Result<UniqueFd> child = openDirectoryAt(dir, name);
		if (!child)
			return child.error() == std::errc::no_such_file_or_directory ? Status()
										: child.error();
		return measureDirectory(child->get(), device, usage);
	});
}

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

Status writeAll(int fd, const char *data, size_t size, off_t offset)
{
	while (size > 0) {
		ssize_t written = ::pwrite(fd, data, size, offset);
		if (written < 0) {
			if (errno == EINTR)
				continue;
			return Status::fromErrno(errno);
		}
		data += written;
		size -= static_cast<size_t>(written);
		offset += written;
	}
	return {};
}

// Copies the data ranges of IN to OUT and leaves the holes as holes.
Status copyData(int in, int out)
{
	std::vector<char> buffer(copyBufferSize);
	off_t position = 0;

	for (;;) {
		off_t data = ::lseek(in, position, SEEK_DATA);
		if (data < 0) {
			if (errno == ENXIO)
				break;
			return Status::fromErrno(errno);
		}
		off_t hole = ::lseek(in, data, SEEK_HOLE);
		if (hole < 0)
			return Status::fromErrno(errno);

		for (off_t offset = data; offset < hole;) {
			size_t chunk = static_cast<size_t>(std::min<off_t>(hole - offset, copyBufferSize));
			ssize_t read = ::pread(in, buffer.data(), chunk, offset);
			if (read < 0) {
				if (errno == EINTR)
					continue;
				return Status::fromErrno(errno);
			}
			// Truncated while being copied: the rest is gone.
			if (read == 0)
				break;

			Status written = writeAll(out, buffer.data(), static_cast<size_t>(read), offset);
			if (!written)
				return written;
			offset += read;
		}
		position = hole;
	}

	// A trailing hole has no data to write, so the size is set apart.
	struct stat st;
	if (::fstat(in, &st) != 0)
		return Status::fromErrno(errno);
	if (::ftruncate(out, st.st_size) != 0)
		return Status::fromErrno(errno);
	return {};
}

Status copyFile(int sourceDir, int destinationDir, const char *name, const struct stat &st)
{
	UniqueFd in(::openat(sourceDir, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC));
	if (!in.valid())
		return errno == ENOENT ? Status() : Status::fromErrno(errno);

	UniqueFd out(::openat(destinationDir, name,
			      O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
	if (!out.valid())
		return Status::fromErrno(errno);

	Status copied = copyData(in.get(), out.get());
	if (!copied)
		return copied;
	return applyMetadata(in.get(), out.get(), st);
}

Status copySymlink(int sourceDir, int destinationDir, const char *name, const struct stat &st)
{
	std::vector<char> target(static_cast<size_t>(st.st_size) + 1);
	ssize_t length = ::readlinkat(sourceDir, name, target.data(), target.size());
	if (length < 0)
		return errno == ENOENT ? Status() : Status::fromErrno(errno);
	// A symlink that changed size meanwhile was replaced: skip it rather
	// than copy a truncated target.
	if (static_cast<size_t>(length) >= target.size())
		return Status::fromErrno(ENAMETOOLONG);
	target[static_cast<size_t>(length)] = '\0';

	if (::symlinkat(target.data(), destinationDir, name) != 0)
		return Status::fromErrno(errno);
	return applyMetadataAt(sourceDir, destinationDir, name, st);
}

Status copySpecial(int sourceDir, int destinationDir, const char *name, const struct stat &st)
{
	if (::mknodat(destinationDir, name, (st.st_mode & S_IFMT) | 0600, 0) != 0)
		return Status::fromErrno(errno);
	return applyMetadataAt(sourceDir, destinationDir, name, st);
}

Status copyContents(int source, int destination, dev_t device);

Status copyDirectory(int sourceDir, int destinationDir, const char *name,
		     const struct stat &st, dev_t device)
{
	Result<UniqueFd> in = openDirectoryAt(sourceDir, name);
	if (!in)
		return in.error() == std::errc::no_such_file_or_directory ? Status() : in.error();

	if (::mkdirat(destinationDir, name, 0700) != 0)
		return Status::fromErrno(errno);
	Result<UniqueFd> out = openDirectoryAt(destinationDir, name);
	if (!out)
		return out.error();

	// Another filesystem mounted below the tree stays where it is; its
	// mount point is kept so the copy has the same shape.
	if (st.st_dev == device) {
		Status copied = copyContents(in->get(), out->get(), device);
		if (!copied)
			return copied;
	}
	return applyMetadata(in->get(), out->get(), st);
}

Status copyContents(int source, int destination, dev_t device)
{
	return forEachEntry(source, [&](const char *name, const struct stat &st) -> Status {
		switch (st.st_mode & S_IFMT) {
		case S_IFDIR:
			return copyDirectory(source, destination, name, st, device);
		case S_IFREG:
			return copyFile(source, destination, name, st);
		case S_IFLNK:
			return copySymlink(source, destination, name, st);
		case S_IFIFO:
		case S_IFSOCK:
			return copySpecial(source, destination, name, st);
		default:
			// Device nodes: the staging tmpfs is mounted nodev.
			return {};
		}
	});
}

// Removes the directory NAME in DIR and everything below it. Used only on
// a partial copy on the private staging tmpfs, which contains no mounts.
Status removeTreeAt(int dir, const char *name)
{
	Result<UniqueFd> child = openDirectoryAt(dir, name);
	if (!child)
		return child.error();

	Status status = forEachEntry(child->get(), [&](const char *entry,
						       const struct stat &st) -> Status {
		if (S_ISDIR(st.st_mode))
			return removeTreeAt(child->get(), entry);
		if (::unlinkat(child->get(), entry, 0) != 0)
			return Status::fromErrno(errno);
		return {};
	});
	if (!status)
		return status;

	if (::unlinkat(dir, name, AT_REMOVEDIR) != 0)
		return Status::fromErrno(errno);
	return {};
}

} // namespace

Result<TreeUsage> measureTree(int dir)
{
	Result<CapabilityScope> scope = CapabilityScope::raise({Capability::DacReadSearch});
	if (!scope)
		return scope.error();

	struct stat st;
	if (::fstat(dir, &st) != 0)
		return errnoCode(errno);

	TreeUsage usage;
	Status measured = measureDirectory(dir, st.st_dev, usage);
	if (!measured)
		return measured.error();
	return usage;
}

Result<UniqueFd> copyTree(int source, int destinationParent, const std::string &name,
			  std::uint64_t maxBytes)
{
	Result<CapabilityScope> scope = CapabilityScope::raise({
		Capability::DacReadSearch, Capability::DacOverride, Capability::Fowner,
		Capability::Chown, Capability::Fsetid});
	if (!scope)
		return scope.error();

	struct stat st;
	if (::fstat(source, &st) != 0)
		return errnoCode(errno);

	Result<TreeUsage> usage = measureTree(source);
	if (!usage)
		return usage.error();

	struct statvfs vfs;
	if (::fstatvfs(destinationParent, &vfs) != 0)
		return errnoCode(errno);
	std::uint64_t freeBytes = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
	if (usage->bytes > maxBytes || usage->bytes > freeBytes)
		return make_error_code(SysError::TreeTooLarge);

	if (::mkdirat(destinationParent, name.c_str(), 0700) != 0)
		return errnoCode(errno);

	Result<UniqueFd> destination = openDirectoryAt(destinationParent, name.c_str());
	Status status = destination ? copyContents(source, destination->get(), st.st_dev)
				    : Status(destination.error());
	if (status)
		status = applyMetadata(source, destination->get(), st);

	if (!status) {
		// Nothing half-copied stays behind; the copy's own error is
		// the one worth reporting.
		(void)removeTreeAt(destinationParent, name.c_str());
		return status.error();
	}
	return std::move(*destination);
}

} // namespace sysclean
