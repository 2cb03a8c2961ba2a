// SPDX-License-Identifier: LGPL-2.1-or-later
// The marker file ETC/sysclean-pending, which requests sealing at the next
// boot, and its replacement ETC/sysclean-failed, which contains a failed run's
// report.
#include "marker.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sysclean {

namespace {

constexpr const char *kPendingName = "sysclean-pending";
constexpr const char *kFailedName = "sysclean-failed";
constexpr const char *kFailedTemporaryName = ".sysclean-failed.tmp";

Result<UniqueFd> openEtc(const Root &root)
{
	return root.openDirectory("/etc");
}

Status writeAll(int fd, std::string_view data)
{
	while (!data.empty()) {
		ssize_t written = write(fd, data.data(), data.size());
		if (written < 0) {
			if (errno == EINTR)
				continue;
			return Status::fromErrno(errno);
		}
		data.remove_prefix(static_cast<size_t>(written));
	}
	return {};
}

} // namespace

Result<bool> markerExists(const Root &root)
{
	Result<UniqueFd> etc = openEtc(root);
	if (!etc) {
		if (etc.error() == errnoCode(ENOENT))
			return false;
		return etc.error();
	}

	struct stat st;
	if (fstatat(etc->get(), kPendingName, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		int error = errno;
		if (error == ENOENT)
			return false;
		return errnoCode(error);
	}
	return true;
}

Status completeMarker(const Root &root)
{
	Result<UniqueFd> etc = openEtc(root);
	if (!etc)
		return etc.error();

	if (unlinkat(etc->get(), kPendingName, 0) < 0 && errno != ENOENT)
		return Status::fromErrno(errno);
	if (fsync(etc->get()) < 0)
		return Status::fromErrno(errno);
	return {};
}

Status failMarker(const Root &root, std::string_view report)
{
	Result<UniqueFd> etc = openEtc(root);
	if (!etc)
		return etc.error();

	// Written under a temporary name and renamed, so that a crash leaves
	// either the old report or the whole new one.
	unlinkat(etc->get(), kFailedTemporaryName, 0);
	int fd = openat(etc->get(), kFailedTemporaryName,
			O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return Status::fromErrno(errno);
	UniqueFd file(fd);

	Status status = writeAll(file.get(), report);
	if (status.ok() && fsync(file.get()) < 0)
		status = Status::fromErrno(errno);
	file.reset();
	if (!status.ok()) {
		unlinkat(etc->get(), kFailedTemporaryName, 0);
		return status;
	}

	if (renameat(etc->get(), kFailedTemporaryName, etc->get(), kFailedName) < 0)
		return Status::fromErrno(errno);
	if (unlinkat(etc->get(), kPendingName, 0) < 0 && errno != ENOENT)
		return Status::fromErrno(errno);
	if (fsync(etc->get()) < 0)
		return Status::fromErrno(errno);
	return {};
}

} // namespace sysclean
