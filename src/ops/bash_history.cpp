// SPDX-License-Identifier: LGPL-2.1-or-later
// bash-history: shell history files, which record what the image's builder
// typed on this one machine.
#include <array>
#include <cerrno>
#include <fcntl.h>
#include <set>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>
#include <vector>

#include "base/glob.h"
#include "ops/operation.h"

namespace sysclean {

namespace {

constexpr std::array<std::string_view, 2> kAreas{"/root", "/home"};

// Reads the home directories listed in the target's /etc/passwd. A missing
// passwd file is not an error: /root and /home are still searched.
Result<std::vector<std::string>> readHomeDirectories(const Root &root)
{
	std::vector<std::string> homes;

	Result<Location> etc = root.openParent("/etc/passwd");
	if (!etc) {
		if (etc.error() == errnoCode(ENOENT))
			return homes;
		return etc.error();
	}

	int fd = openat(etc->parent.get(), etc->name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int error = errno;
		if (error == ENOENT)
			return homes;
		return errnoCode(error);
	}
	UniqueFd passwd(fd);

	std::string contents;
	char buffer[8192];
	for (;;) {
		ssize_t length = read(passwd.get(), buffer, sizeof(buffer));
		if (length < 0) {
			if (errno == EINTR)
				continue;
			return errnoCode(errno);
		}
		if (length == 0)
			break;
		contents.append(buffer, static_cast<size_t>(length));
	}

	// name:password:uid:gid:gecos:home:shell, one account per line.
	size_t start = 0;
	while (start < contents.size()) {
		size_t end = contents.find('\n', start);
		if (end == std::string::npos)
			end = contents.size();
		std::string_view line(contents.data() + start, end - start);
		start = end + 1;

		size_t field = 0;
		size_t position = 0;
		while (field < 5 && position != std::string_view::npos) {
			position = line.find(':', position);
			if (position != std::string_view::npos)
				position++;
			field++;
		}
		if (position == std::string_view::npos)
			continue;
		size_t homeEnd = line.find(':', position);
		if (homeEnd == std::string_view::npos)
			continue;
		std::string_view home = line.substr(position, homeEnd - position);
		if (!home.empty() && home.front() == '/')
			homes.emplace_back(home);
	}

	return homes;
}

Status runBashHistory(OperationContext &context)
{
	Remover &remover = context.remover;
	Status status;

	// A home reached twice (listed in passwd and found under /home) is
	// visited once, so a dry run lists each history file once.
	std::set<std::pair<dev_t, ino_t>> visitedHomes;

	GlobHandler handler;
	handler.matched = [&](int parent, const std::string &name, const std::string &path) {
		struct stat home;
		if (fstat(parent, &home) < 0 || !visitedHomes.emplace(home.st_dev, home.st_ino).second)
			return;

		// Only regular files and symlinks: bash writes nothing else, and
		// a directory, FIFO or device node of that name was put there on
		// purpose.
		struct stat entry;
		if (fstatat(parent, name.c_str(), &entry, AT_SYMLINK_NOFOLLOW) == 0 &&
		    !S_ISREG(entry.st_mode) && !S_ISLNK(entry.st_mode))
			return;
		status.update(remover.removeEntry(parent, name, path));
	};

	handler.skipped = [&](const std::string &path, std::string_view reason) {
		remover.sink().skipped(path, reason);
	};
	bool refused = false;
	handler.refused = [&](const std::string &path, std::string_view reason) {
		refused = true;
		remover.sink().failed("follow", path, reason);
	};

	auto visit = [&](std::string_view pattern, bool literal) {
		refused = false;
		Status walk = literal ? expandLiteral(context.root, pattern, handler)
				      : expandGlob(context.root, pattern, handler);
		if (walk.ok() || refused) {
			status.update(walk);
			return;
		}

		// A home in /etc/passwd that cannot be reached (a name too long,
		// a symlink loop) is the account's problem, not state to remove:
		// warn and go on, or every later run would fail on it too.
		if (literal) {
			remover.sink().skipped(std::string(pattern), "cannot reach it: " + walk.error().message());
			return;
		}
		remover.sink().failed("search", std::string(pattern), walk.error().message());
		status.update(walk);
	};

	visit("/root/.bash_history", true);

	Result<std::vector<std::string>> homes = readHomeDirectories(context.root);
	if (!homes) {
		// /home is still searched below.
		remover.sink().failed("read", "/etc/passwd", homes.error().message());
		status.update(homes.error());
	} else {
		for (const std::string &home : *homes)
			visit(home + "/.bash_history", true);
	}

	visit("/home/*/.bash_history", false);
	return status;
}

} // namespace

extern const Operation bashHistoryOperation{
	"bash-history",
	"Remove the bash history of root and of every user",
	true,
	kAreas,
	runBashHistory,
};

} // namespace sysclean
