// SPDX-License-Identifier: LGPL-2.1-or-later
// A private tmpfs that contains copies of log directories while the live
// stage removes the originals, so running writers keep a place to write.
#include "sys/staging.h"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <vector>

#include "sys/capabilities.h"
#include "sys/libmount_support.h"
#include "sys/mounts.h"
#include "sys/tree_copy.h"

namespace sysclean {

namespace {

// Makes sure PARENT is a real directory that only root controls.
Status prepareParent(const std::string &parent)
{
	if (::mkdir(parent.c_str(), 0700) != 0 && errno != EEXIST)
		return Status::fromErrno(errno);

	struct stat st;
	if (::lstat(parent.c_str(), &st) != 0)
		return Status::fromErrno(errno);
	if (!S_ISDIR(st.st_mode))
		return Status::fromErrno(ENOTDIR);
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return Status::fromErrno(EPERM);
	return {};
}

Status mountTmpfs(const std::string &target, std::uint64_t size)
{
	MountContextPtr context = newQuietContext();
	if (!context)
		return Status::fromErrno(ENOMEM);

	std::string options = "size=" + std::to_string(size) +
			      ",mode=0700,nosuid,nodev,noexec";
	if (mnt_context_set_source(context.get(), "sysclean-staging") != 0 ||
	    mnt_context_set_target(context.get(), target.c_str()) != 0 ||
	    mnt_context_set_fstype(context.get(), "tmpfs") != 0 ||
	    mnt_context_set_options(context.get(), options.c_str()) != 0)
		return Status::fromErrno(ENOMEM);

	Result<CapabilityScope> scope = CapabilityScope::raise({Capability::SysAdmin});
	if (!scope)
		return scope.error();

	int rc = mnt_context_mount(context.get());
	return mountStatus(context.get(), rc);
}

} // namespace

Result<StagingTmpfs> StagingTmpfs::create(const std::string &parent, std::uint64_t size)
{
	Status prepared = prepareParent(parent);
	if (!prepared)
		return prepared.error();

	std::string pattern = parent + "/staging.XXXXXX";
	std::vector<char> buffer(pattern.begin(), pattern.end());
	buffer.push_back('\0');
	if (!::mkdtemp(buffer.data()))
		return errnoCode(errno);
	std::string path(buffer.data());

	Status mounted = mountTmpfs(path, size);
	if (!mounted) {
		::rmdir(path.c_str());
		return mounted.error();
	}

	// The directory is opened after the mount, so the descriptor is the
	// tmpfs root; checking the magic catches a mount that went elsewhere.
	UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
	int error = fd.valid() ? 0 : errno;
	struct statfs fs;
	if (error == 0 && ::fstatfs(fd.get(), &fs) != 0)
		error = errno;
	else if (error == 0 && fs.f_type != TMPFS_MAGIC)
		error = EXDEV;
	if (error != 0) {
		(void)unmount(path, true);
		::rmdir(path.c_str());
		return errnoCode(error);
	}

	return StagingTmpfs(std::move(path), std::move(fd));
}

StagingTmpfs::StagingTmpfs(StagingTmpfs &&other) noexcept
	: path_(std::move(other.path_)), fd_(std::move(other.fd_))
{
	other.path_.clear();
}

StagingTmpfs::~StagingTmpfs()
{
	(void)release();
}

Result<std::uint64_t> StagingTmpfs::freeBytes() const
{
	struct statvfs vfs;
	if (::fstatvfs(fd_.get(), &vfs) != 0)
		return errnoCode(errno);
	return static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
}

Status StagingTmpfs::release()
{
	if (path_.empty())
		return {};

	fd_.reset();
	Status status = unmount(path_, true);
	if (status && ::rmdir(path_.c_str()) != 0)
		status = Status::fromErrno(errno);
	path_.clear();
	return status;
}

Status stageOver(StagingTmpfs &staging, int dir, const std::string &name, std::uint64_t maxBytes)
{
	Result<UniqueFd> copy = copyTree(dir, staging.fd(), name, maxBytes);
	if (!copy)
		return copy.error();
	return bindMount(copy->get(), dir);
}

} // namespace sysclean
