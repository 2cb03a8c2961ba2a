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
#include <unistd.h>
#include <vector>

#include "sys/capabilities.h"
#include "sys/errors.h"
#include "sys/file_metadata.h"
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
