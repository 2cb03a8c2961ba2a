// SPDX-License-Identifier: LGPL-2.1-or-later
// Filesystems of an offline target that hold paths to clean (a separate
// /var, /var/log or /home), mounted from the target's fstab for the run.
#include "sys/target_mounts.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/unique_fd.h"
#include "sys/capabilities.h"
#include "sys/libmount_support.h"
#include "sys/mounts.h"

namespace sysclean {

namespace {

struct FileDeleter {
	void operator()(FILE *file) const { std::fclose(file); }
};
using FilePtr = std::unique_ptr<FILE, FileDeleter>;

// Splits an absolute path into its components, dropping empty ones and
// ".". Fails with EINVAL on ".." and on relative paths.
Result<std::vector<std::string>> splitPath(std::string_view path)
{
	if (!path.starts_with('/'))
		return errnoCode(EINVAL);

	std::vector<std::string> components;
	while (!path.empty()) {
		size_t slash = path.find('/');
		std::string_view part = path.substr(0, slash);
		path.remove_prefix(slash == std::string_view::npos ? path.size() : slash + 1);
		if (part.empty() || part == ".")
			continue;
		if (part == "..")
			return errnoCode(EINVAL);
		components.emplace_back(part);
	}
	return components;
}

std::string joinPath(const std::vector<std::string> &components)
{
	std::string path;
	for (const std::string &component : components)
		path += "/" + component;
	return path.empty() ? "/" : path;
}

// Returns whether the path PREFIX is PATH or one of its parents.
bool isPrefix(const std::vector<std::string> &prefix, const std::vector<std::string> &path)
{
	return prefix.size() <= path.size() &&
	       std::equal(prefix.begin(), prefix.end(), path.begin());
}

// Opens the directory COMPONENTS below ROOT without following any
// symlink, so a mount point that is a symlink in the target cannot send
// the mount outside of it.
Result<UniqueFd> openBeneath(int root, const std::vector<std::string> &components)
{
	UniqueFd current(::fcntl(root, F_DUPFD_CLOEXEC, 0));
	if (!current.valid())
		return errnoCode(errno);

	for (const std::string &component : components) {
		UniqueFd next(::openat(current.get(), component.c_str(),
				       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
		if (!next.valid()) {
			int error = errno;
			// O_DIRECTORY reports a symlink as ENOTDIR; ELOOP names
			// the real reason.
			struct stat st;
			if (error == ENOTDIR &&
			    ::fstatat(current.get(), component.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISLNK(st.st_mode))
				error = ELOOP;
			return errnoCode(error);
		}
		current = std::move(next);
	}
	return current;
}

// Reads ROOT/etc/fstab through descriptors, without following symlinks.
Result<MountTablePtr> readFstab(int root)
{
	MountTablePtr table(mnt_new_table());
	if (!table)
		return errnoCode(ENOMEM);

	UniqueFd etc(::openat(root, "etc", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
	if (!etc.valid())
		return errno == ENOENT ? Result<MountTablePtr>(std::move(table)) : errnoCode(errno);
	UniqueFd fd(::openat(etc.get(), "fstab", O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
	if (!fd.valid())
		return errno == ENOENT ? Result<MountTablePtr>(std::move(table)) : errnoCode(errno);

	FilePtr file(::fdopen(fd.get(), "r"));
	if (!file)
		return errnoCode(errno);
	fd.release();

	// A malformed line is skipped, as mount -a does, instead of losing
	// the whole table.
	mnt_table_set_parser_errcb(table.get(), [](libmnt_table *, const char *, int) { return 1; });

	int rc = mnt_table_parse_stream(table.get(), file.get(), "/etc/fstab");
	if (rc != 0)
		return errnoCode(errnoFromLibmount(rc));
	return table;
}

bool hasOption(libmnt_fs *fs, const char *name)
{
	return mnt_fs_get_option(fs, name, nullptr, nullptr) == 0;
}

// Returns why the fstab entry FS is not one to mount, or nullptr.
const char *skipReason(libmnt_fs *fs)
{
	const char *fsType = mnt_fs_get_fstype(fs);
	std::string_view type = fsType ? fsType : "";

	if (mnt_fs_is_swaparea(fs))
		return "swap";
	if (hasOption(fs, "noauto"))
		return "noauto";
	if (mnt_fs_is_netfs(fs) || hasOption(fs, "_netdev"))
		return "network filesystem";
	if (hasOption(fs, "bind") || hasOption(fs, "rbind"))
		return "bind mount";
	if (mnt_fs_is_pseudofs(fs))
		return "pseudo filesystem";
	// FUSE needs its /sbin/mount.* helper, which the initrd lacks.
	if (type == "fuse" || type.starts_with("fuse."))
		return "FUSE filesystem";
	return nullptr;
}

struct Candidate {
	libmnt_fs *fs;
	std::vector<std::string> components;
};

// Returns the fstab options of FS without "ro", or an empty string.
Result<std::string> writableOptions(libmnt_fs *fs)
{
	const char *options = mnt_fs_get_options(fs);
	if (!options)
		return std::string();

	MallocStringPtr copy(::strdup(options));
	if (!copy)
		return errnoCode(ENOMEM);

	// mnt_optstr_remove_option() reallocates the string in place.
	char *raw = copy.release();
	while (mnt_optstr_remove_option(&raw, "ro") == 0) {
	}
	copy.reset(raw);
	return std::string(copy ? copy.get() : "");
}

// Returns whether block device DEVICE is mounted anywhere, from the
// "major:minor" field of /proc/self/mountinfo.
Result<bool> deviceIsMounted(dev_t device)
{
	std::FILE *mountinfo = std::fopen("/proc/self/mountinfo", "re");
	if (!mountinfo)
		return errnoCode(errno);

	bool mounted = false;
	unsigned int major = 0;
	unsigned int minor = 0;
	char *line = nullptr;
	size_t size = 0;
	while (getline(&line, &size, mountinfo) > 0) {
		if (std::sscanf(line, "%*u %*u %u:%u", &major, &minor) == 2 &&
		    makedev(major, minor) == device) {
			mounted = true;
			break;
		}
	}
	std::free(line);
	std::fclose(mountinfo);
	return mounted;
}

// Rejects a source that is not a block device of its own: an image file
// (the "loop" option) or a device that is mounted already. On a build host
// such a device may be the host's own /var, named by a cloned UUID.
Status checkSource(libmnt_fs *fs, const std::string &device)
{
	const char *options = mnt_fs_get_options(fs);
	if (options && mnt_optstr_get_option(options, "loop", nullptr, nullptr) == 0)
		return Status::fromErrno(ENOTBLK);

	struct stat st;
	if (stat(device.c_str(), &st) < 0)
		return Status::fromErrno(errno);
	if (!S_ISBLK(st.st_mode))
		return Status::fromErrno(ENOTBLK);

	Result<bool> mounted = deviceIsMounted(st.st_rdev);
	if (!mounted)
		return mounted.error();
	if (*mounted)
		return Status::fromErrno(EBUSY);
	return {};
}

Status mountEntry(libmnt_fs *fs, libmnt_cache *cache, int root,
		  const std::vector<std::string> &components, TargetMount &entry)
{
	// libblkid looks the tag up in /dev/disk/by-* first, then in its
	// cache file, and probes the devices when neither has it. With a
	// cache, the returned string belongs to the cache.
	const char *device = mnt_resolve_spec(entry.source.c_str(), cache);
	if (!device)
		return Status::fromErrno(ENODEV);
	entry.device = device;

	Status source = checkSource(fs, entry.device);
	if (!source.ok())
		return source;

	Result<UniqueFd> mountPoint = openBeneath(root, components);
	if (!mountPoint)
		return mountPoint.error();

	Result<std::string> options = writableOptions(fs);
	if (!options)
		return options.error();

	MountContextPtr context = newQuietContext();
	if (!context)
		return Status::fromErrno(ENOMEM);

	// The cache lets libmount probe the type of an "auto" entry.
	std::string target = procFdPath(mountPoint->get());
	if (mnt_context_set_cache(context.get(), cache) != 0 ||
	    mnt_context_set_source(context.get(), entry.device.c_str()) != 0 ||
	    mnt_context_set_target(context.get(), target.c_str()) != 0 ||
	    mnt_context_set_options(context.get(), options->c_str()) != 0)
		return Status::fromErrno(ENOMEM);
	if (!entry.fsType.empty() && entry.fsType != "auto" &&
	    mnt_context_set_fstype(context.get(), entry.fsType.c_str()) != 0)
		return Status::fromErrno(ENOMEM);

	Result<CapabilityScope> scope = CapabilityScope::raise({Capability::SysAdmin});
	if (!scope)
		return scope.error();

	int rc = mnt_context_mount(context.get());
	Status status = mountStatus(context.get(), rc);
	if (status && (entry.fsType.empty() || entry.fsType == "auto")) {
		const char *probed = mnt_context_get_fstype(context.get());
		if (probed)
			entry.fsType = probed;
	}
	return status;
}

} // namespace

Result<TargetMounts> TargetMounts::mount(const std::string &root,
					 const std::vector<std::string> &cleanPaths,
					 const std::function<void(std::string_view)> &debug)
{
	MallocStringPtr canonical(::realpath(root.c_str(), nullptr));
	if (!canonical)
		return errnoCode(errno);
	std::string rootPath = canonical.get();
	if (rootPath == "/")
		rootPath.clear();

	UniqueFd rootFd(::open(canonical.get(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	if (!rootFd.valid())
		return errnoCode(errno);

	std::vector<std::vector<std::string>> cleanComponents;
	for (const std::string &path : cleanPaths) {
		Result<std::vector<std::string>> components = splitPath(path);
		if (!components)
			return components.error();
		cleanComponents.push_back(std::move(*components));
	}

	Result<MountTablePtr> fstab = readFstab(rootFd.get());
	if (!fstab)
		return fstab.error();

	MountTablePtr mountinfo(mnt_new_table());
	if (!mountinfo)
		return errnoCode(ENOMEM);
	int rc = mnt_table_parse_mtab(mountinfo.get(), nullptr);
	if (rc != 0)
		return errnoCode(errnoFromLibmount(rc));

	auto log = [&](const std::string &line) {
		if (debug)
			debug(line);
	};

	std::vector<Candidate> candidates;
	MountIterPtr iter(mnt_new_iter(MNT_ITER_FORWARD));
	if (!iter)
		return errnoCode(ENOMEM);
	libmnt_fs *fs = nullptr;
	while (mnt_table_next_fs(fstab->get(), iter.get(), &fs) == 0) {
		const char *target = mnt_fs_get_target(fs);
		std::string targetText = target ? target : "";

		if (const char *reason = skipReason(fs)) {
			log("skipping fstab entry '" + targetText + "': " + reason);
			continue;
		}

		Result<std::vector<std::string>> components = splitPath(targetText);
		if (!components || components->empty())
			continue;

		bool relevant = std::any_of(cleanComponents.begin(), cleanComponents.end(),
					    [&](const std::vector<std::string> &clean) {
			return isPrefix(*components, clean) || isPrefix(clean, *components);
		});
		if (!relevant)
			continue;

		std::string hostTarget = rootPath + joinPath(*components);
		if (mnt_table_find_target(mountinfo.get(), hostTarget.c_str(), MNT_ITER_BACKWARD)) {
			log("skipping fstab entry '" + targetText + "': already mounted");
			continue;
		}
		candidates.push_back({fs, std::move(*components)});
	}

	// Parents go before children whatever the fstab order. The sort is
	// stable, so mount points of the same depth keep their fstab order.
	std::stable_sort(candidates.begin(), candidates.end(),
			 [](const Candidate &a, const Candidate &b) {
		return a.components.size() < b.components.size();
	});

	MountCachePtr cache(mnt_new_cache());
	if (!cache)
		return errnoCode(ENOMEM);

	TargetMounts mounts(rootPath);
	for (const Candidate &candidate : candidates) {
		TargetMount entry;
		const char *source = mnt_fs_get_source(candidate.fs);
		const char *fsType = mnt_fs_get_fstype(candidate.fs);
		entry.source = source ? source : "";
		entry.fsType = fsType ? fsType : "";
		entry.target = joinPath(candidate.components);

		auto failedParent = std::find_if(mounts.failures_.begin(), mounts.failures_.end(),
						 [&](const TargetMount &failed) {
			Result<std::vector<std::string>> parent = splitPath(failed.target);
			return parent && isPrefix(*parent, candidate.components);
		});
		if (failedParent != mounts.failures_.end()) {
			entry.error = failedParent->error;
			mounts.failures_.push_back(std::move(entry));
			continue;
		}

		Status status = mountEntry(candidate.fs, cache.get(), rootFd.get(),
					   candidate.components, entry);
		if (!status) {
			entry.error = status.error();
			mounts.failures_.push_back(std::move(entry));
			continue;
		}
		mounts.mounted_.push_back(std::move(entry));
	}
	return mounts;
}

TargetMounts::~TargetMounts()
{
	(void)unmountAll();
}

Status TargetMounts::unmountAll()
{
	Status result;
	while (!mounted_.empty()) {
		std::string hostTarget = root_ + mounted_.back().target;
		Status status = unmount(hostTarget);
		if (!status && status.error() == std::errc::device_or_resource_busy)
			(void)unmount(hostTarget, true);
		result.update(status);
		mounted_.pop_back();
	}
	return result;
}

} // namespace sysclean
