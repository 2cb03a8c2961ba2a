// SPDX-License-Identifier: LGPL-2.1-or-later
// Mount-table lookups (the filesystem that contains a path, the mounts below
// a directory) and the mount calls of the live stage: bind mounts over
// directories and unmounting what sysclean mounted.
#include "sys/mounts.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <string_view>
#include <sys/mount.h>
#include <sys/stat.h>

#include "base/unique_fd.h"
#include "sys/capabilities.h"
#include "sys/libmount_support.h"

namespace sysclean {

namespace {

const char *orEmpty(const char *text)
{
	return text ? text : "";
}

MountInfo toMountInfo(libmnt_fs *fs)
{
	MountInfo info;
	info.id = mnt_fs_get_id(fs);
	info.target = orEmpty(mnt_fs_get_target(fs));
	info.source = orEmpty(mnt_fs_get_source(fs));
	info.fsType = orEmpty(mnt_fs_get_fstype(fs));
	info.options = orEmpty(mnt_fs_get_options(fs));
	return info;
}

// Reads this process's mount table from /proc/self/mountinfo.
Result<MountTablePtr> readMountTable()
{
	MountTablePtr table(mnt_new_table());
	if (!table)
		return errnoCode(ENOMEM);

	int rc = mnt_table_parse_mtab(table.get(), nullptr);
	if (rc != 0)
		return errnoCode(errnoFromLibmount(rc));
	return table;
}

// Reads the mount ID of FD from /proc/self/fdinfo, for kernels before 5.8
// whose statx() has no STATX_MNT_ID.
Result<int> mountIdFromFdinfo(int fd)
{
	std::string path = "/proc/self/fdinfo/" + std::to_string(fd);
	UniqueFd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
	if (!file.valid())
		return errnoCode(errno);

	char buffer[4096];
	ssize_t length = ::read(file.get(), buffer, sizeof(buffer) - 1);
	if (length < 0)
		return errnoCode(errno);
	buffer[length] = '\0';

	std::string_view text(buffer, static_cast<size_t>(length));
	size_t start = text.find("mnt_id:");
	if (start == std::string_view::npos)
		return errnoCode(ENOTSUP);
	return std::atoi(buffer + start + 7);
}

Result<int> mountId(int fd)
{
	struct statx stx = {};
	if (::statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_MNT_ID, &stx) != 0)
		return errnoCode(errno);
	if (stx.stx_mask & STATX_MNT_ID)
		return static_cast<int>(stx.stx_mnt_id);
	return mountIdFromFdinfo(fd);
}

} // namespace

std::string procFdPath(int fd)
{
	return "/proc/self/fd/" + std::to_string(fd);
}

MountContextPtr newQuietContext()
{
	MountContextPtr context(mnt_new_context());
	if (!context)
		return context;

	// The paths handed over are /proc/self/fd links or already canonical;
	// canonicalizing would turn the links back into path strings. No
	// fstab or utab of the host is read or written, and no /sbin/mount.*
	// helper runs.
	mnt_context_disable_canonicalize(context.get(), 1);
	mnt_context_disable_mtab(context.get(), 1);
	mnt_context_disable_helpers(context.get(), 1);
	mnt_context_set_optsmode(context.get(), MNT_OMODE_NOTAB);
	return context;
}

Status mountStatus(libmnt_context *context, int rc)
{
	if (rc == 0)
		return {};

	// A positive return is a failed mount(2) or umount(2), whose errno
	// libmount keeps; a negative one is libmount's own failure.
	if (rc > 0 && mnt_context_syscall_called(context)) {
		int error = mnt_context_get_syscall_errno(context);
		return Status::fromErrno(error != 0 ? error : EINVAL);
	}
	return Status::fromErrno(errnoFromLibmount(rc));
}

Result<MountInfo> findMount(const std::string &path)
{
	MallocStringPtr canonical(::realpath(path.c_str(), nullptr));
	if (!canonical)
		return errnoCode(errno);

	Result<MountTablePtr> table = readMountTable();
	if (!table)
		return table.error();

	// Backward iteration finds the topmost of several mounts stacked on
	// the same mount point, the one that is visible.
	libmnt_fs *fs = mnt_table_find_mountpoint(table->get(), canonical.get(),
						  MNT_ITER_BACKWARD);
	if (!fs)
		return errnoCode(ENOENT);
	return toMountInfo(fs);
}

Result<MountInfo> findMount(int fd)
{
	Result<int> id = mountId(fd);
	if (!id)
		return id.error();

	Result<MountTablePtr> table = readMountTable();
	if (!table)
		return table.error();

	MountIterPtr iter(mnt_new_iter(MNT_ITER_FORWARD));
	if (!iter)
		return errnoCode(ENOMEM);

	libmnt_fs *fs = nullptr;
	while (mnt_table_next_fs(table->get(), iter.get(), &fs) == 0) {
		if (mnt_fs_get_id(fs) == *id)
			return toMountInfo(fs);
	}
	return errnoCode(ENOENT);
}

std::string resolvedHostPath(int fd)
{
	std::string link = procFdPath(fd);
	std::string target(PATH_MAX, '\0');
	ssize_t length = ::readlink(link.c_str(), target.data(), target.size());
	if (length <= 0)
		return {};
	target.resize(static_cast<size_t>(length));
	return target;
}

Result<std::vector<std::string>> mountPointsBelow(const std::string &directory)
{
	Result<MountTablePtr> table = readMountTable();
	if (!table)
		return table.error();

	MountIterPtr iter(mnt_new_iter(MNT_ITER_FORWARD));
	if (!iter)
		return errnoCode(ENOMEM);

	std::string prefix = directory == "/" ? "/" : directory + "/";
	std::vector<std::string> targets;
	libmnt_fs *fs = nullptr;
	while (mnt_table_next_fs(table->get(), iter.get(), &fs) == 0) {
		const char *target = mnt_fs_get_target(fs);
		if (target && std::string_view(target).starts_with(prefix) &&
		    std::string_view(target).size() > prefix.size())
			targets.emplace_back(target);
	}

	// Deepest first, each once (a mount point may be stacked).
	std::sort(targets.begin(), targets.end(), [](const std::string &a, const std::string &b) {
		return a.size() != b.size() ? a.size() > b.size() : a < b;
	});
	targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
	return targets;
}

Result<bool> isOnTmpfs(int fd)
{
	Result<MountInfo> mount = findMount(fd);
	if (!mount)
		return mount.error();
	return mount->fsType == "tmpfs";
}

Result<bool> isOnTmpfs(const std::string &path)
{
	Result<MountInfo> mount = findMount(path);
	if (!mount)
		return mount.error();
	return mount->fsType == "tmpfs";
}

Status bindMount(int source, int target)
{
	MountContextPtr context = newQuietContext();
	if (!context)
		return Status::fromErrno(ENOMEM);

	std::string sourcePath = procFdPath(source);
	std::string targetPath = procFdPath(target);
	if (mnt_context_set_source(context.get(), sourcePath.c_str()) != 0 ||
	    mnt_context_set_target(context.get(), targetPath.c_str()) != 0 ||
	    mnt_context_set_mflags(context.get(), MS_BIND) != 0)
		return Status::fromErrno(ENOMEM);

	Result<CapabilityScope> scope = CapabilityScope::raise({Capability::SysAdmin});
	if (!scope)
		return scope.error();

	int rc = mnt_context_mount(context.get());
	return mountStatus(context.get(), rc);
}

Status unmount(const std::string &path, bool lazy)
{
	MountContextPtr context = newQuietContext();
	if (!context)
		return Status::fromErrno(ENOMEM);

	if (mnt_context_set_target(context.get(), path.c_str()) != 0)
		return Status::fromErrno(ENOMEM);
	if (lazy)
		mnt_context_enable_lazy(context.get(), 1);

	Result<CapabilityScope> scope = CapabilityScope::raise({Capability::SysAdmin});
	if (!scope)
		return scope.error();

	int rc = mnt_context_umount(context.get());
	return mountStatus(context.get(), rc);
}

} // namespace sysclean
