// SPDX-License-Identifier: LGPL-2.1-or-later
// Mounts and file flags for the root suite, each undone when its owner goes
// away, and a way to run code as another user in a child process.
#include "root/root_helpers.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

namespace sysclean::test {

namespace {

int changeImmutable(const std::string &path, bool set)
{
	int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return errno;

	int error = 0;
	int flags = 0;
	if (ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0) {
		error = errno;
	} else {
		flags = set ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
		if (ioctl(fd, FS_IOC_SETFLAGS, &flags) < 0)
			error = errno;
	}
	close(fd);
	return error;
}

} // namespace

ScopedMount ScopedMount::tmpfs(const std::string &target)
{
	INFO("tmpfs on " << target);
	REQUIRE(mount("sysclean-test", target.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=1m") == 0);
	return ScopedMount(target);
}

ScopedMount ScopedMount::bind(const std::string &source, const std::string &target, bool readOnly)
{
	INFO("bind " << source << " on " << target);
	REQUIRE(mount(source.c_str(), target.c_str(), nullptr, MS_BIND | MS_REC, nullptr) == 0);
	ScopedMount scoped(target);
	if (readOnly)
		REQUIRE(mount(nullptr, target.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) == 0);
	return scoped;
}

ScopedMount::ScopedMount(ScopedMount &&other) noexcept : target_(std::move(other.target_))
{
	other.target_.clear();
}

ScopedMount::~ScopedMount()
{
	if (!target_.empty())
		umount2(target_.c_str(), MNT_DETACH);
}

ScopedImmutable::ScopedImmutable(std::string path) : path_(std::move(path))
{
	int error = changeImmutable(path_, true);
	if (error != 0) {
		std::string failedPath = path_;
		path_.clear();
		FAIL("cannot set the immutable flag on '" << failedPath << "': " << std::strerror(error)
			 << " (the filesystem of /tmp must support FS_IOC_SETFLAGS)");
	}
}

ScopedImmutable::~ScopedImmutable()
{
	if (!path_.empty())
		changeImmutable(path_, false);
}

std::vector<std::string> runAs(uid_t uid, gid_t gid, const std::function<std::vector<std::string>()> &body)
{
	int fds[2];
	REQUIRE(pipe2(fds, O_CLOEXEC) == 0);

	pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		// Nothing may throw back into Catch's runner in the child.
		try {
			if (setgroups(0, nullptr) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
				_exit(3);
			std::string text;
			for (const std::string &line : body())
				text += line + "\n";
			if (write(fds[1], text.data(), text.size()) != static_cast<ssize_t>(text.size()))
				_exit(4);
			_exit(0);
		} catch (...) {
			_exit(5);
		}
	}

	close(fds[1]);
	std::string text;
	char buffer[4096];
	ssize_t length;
	while ((length = read(fds[0], buffer, sizeof(buffer))) > 0)
		text.append(buffer, static_cast<size_t>(length));
	close(fds[0]);

	int status = 0;
	REQUIRE(waitpid(pid, &status, 0) == pid);
	INFO("child output:\n" << text);
	REQUIRE(WIFEXITED(status));
	REQUIRE(WEXITSTATUS(status) == 0);

	std::vector<std::string> lines;
	size_t start = 0;
	while (start < text.size()) {
		size_t end = text.find('\n', start);
		lines.push_back(text.substr(start, end - start));
		start = end + 1;
	}
	return lines;
}

} // namespace sysclean::test
