// SPDX-License-Identifier: LGPL-2.1-or-later
// Mounts and file flags for the root suite, each undone when its owner goes
// away, and a way to run code as another user in a child process.
#pragma once

#include <functional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace sysclean::test {

// A mount in the suite's private namespace, lazily unmounted at the end.
class ScopedMount
{
public:
	// Mounts a tmpfs at TARGET.
	static ScopedMount tmpfs(const std::string &target);
	// Bind-mounts SOURCE at TARGET, read-only when READONLY is set.
	static ScopedMount bind(const std::string &source, const std::string &target, bool readOnly);

	ScopedMount(ScopedMount &&other) noexcept;
	ScopedMount(const ScopedMount &) = delete;
	ScopedMount &operator=(const ScopedMount &) = delete;
	~ScopedMount();

private:
	explicit ScopedMount(std::string target) : target_(std::move(target)) {}
	std::string target_;
};

// Sets FS_IMMUTABLE_FL on PATH and clears it again at the end, so that the
// fixture can remove the file.
class ScopedImmutable
{
public:
	explicit ScopedImmutable(std::string path);
	ScopedImmutable(const ScopedImmutable &) = delete;
	ScopedImmutable &operator=(const ScopedImmutable &) = delete;
	~ScopedImmutable();

private:
	std::string path_;
};

// Runs BODY in a forked child after switching to UID and GID for good, and
// returns the lines BODY produced; fails the test when the child fails.
std::vector<std::string> runAs(uid_t uid, gid_t gid, const std::function<std::vector<std::string>()> &body);

} // namespace sysclean::test
