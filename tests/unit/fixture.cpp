// SPDX-License-Identifier: LGPL-2.1-or-later
// A temporary target root filled from a declarative list of entries, a
// sentinel directory beside it that must survive every run, tree snapshots
// to prove what changed, and a runner for the sysclean binary.
#include "unit/fixture.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sstream>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

namespace sysclean::test {

namespace {

std::string errnoText(int error)
{
	return std::strerror(error);
}

// Closes a descriptor when the scope ends.
struct FdGuard {
	int fd;
	~FdGuard()
	{
		if (fd >= 0)
			close(fd);
	}
};

std::vector<std::string> components(const std::string &path)
{
	std::vector<std::string> parts;
	std::stringstream stream(path);
	std::string part;
	while (std::getline(stream, part, '/')) {
		if (!part.empty() && part != ".")
			parts.push_back(part);
	}
	return parts;
}

// Opens (creating when missing) the directory PARTS below BASE without
// following any symlink: a fixture entry below a link to the host's /etc
// must never be written there.
int openDirectoryNoFollow(int base, const std::vector<std::string> &parts, size_t count)
{
	int current = dup(base);
	REQUIRE(current >= 0);

	for (size_t i = 0; i < count; i++) {
		const std::string &part = parts[i];
		if (mkdirat(current, part.c_str(), 0755) < 0 && errno != EEXIST) {
			int error = errno;
			close(current);
			FAIL("fixture: cannot create directory '" << part << "': " << errnoText(error));
		}
		int next = openat(current, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int error = errno;
		close(current);
		if (next < 0)
			FAIL("fixture: cannot open directory '" << part << "' without following links: " << errnoText(error));
		current = next;
	}
	return current;
}

void createEntry(int base, const Entry &entry)
{
	std::vector<std::string> parts = components(entry.path);
	REQUIRE_FALSE(parts.empty());

	if (entry.type == EntryType::Directory) {
		int dir = openDirectoryNoFollow(base, parts, parts.size());
		FdGuard guard{dir};
		if (entry.uid || entry.gid)
			REQUIRE(fchown(dir, entry.uid.value_or(-1), entry.gid.value_or(-1)) == 0);
		REQUIRE(fchmod(dir, entry.mode.value_or(0755)) == 0);
		return;
	}

	int parent = openDirectoryNoFollow(base, parts, parts.size() - 1);
	FdGuard guard{parent};
	const char *name = parts.back().c_str();
	INFO("fixture entry: " << entry.path);

	switch (entry.type) {
	case EntryType::File: {
		int fd = openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		REQUIRE(fd >= 0);
		FdGuard file{fd};
		REQUIRE(write(fd, entry.contents.data(), entry.contents.size()) ==
			static_cast<ssize_t>(entry.contents.size()));
		if (entry.sparseSize > 0)
			REQUIRE(ftruncate(fd, entry.sparseSize) == 0);
		break;
	}
	case EntryType::Symlink:
		REQUIRE(symlinkat(entry.target.c_str(), parent, name) == 0);
		break;
	case EntryType::Fifo:
		REQUIRE(mkfifoat(parent, name, 0600) == 0);
		break;
	case EntryType::Socket:
		REQUIRE(mknodat(parent, name, S_IFSOCK | 0600, 0) == 0);
		break;
	case EntryType::Directory:
		break;
	}

	if (entry.uid || entry.gid)
		REQUIRE(fchownat(parent, name, entry.uid.value_or(-1), entry.gid.value_or(-1),
				 AT_SYMLINK_NOFOLLOW) == 0);
	// Symlinks have no mode of their own on Linux.
	if (entry.type != EntryType::Symlink)
		REQUIRE(fchmodat(parent, name, entry.mode.value_or(0644), 0) == 0);
}

EntryType typeOf(mode_t mode)
{
	if (S_ISDIR(mode))
		return EntryType::Directory;
	if (S_ISLNK(mode))
		return EntryType::Symlink;
	if (S_ISFIFO(mode))
		return EntryType::Fifo;
	if (S_ISSOCK(mode))
		return EntryType::Socket;
	return EntryType::File;
}

const char *typeName(EntryType type)
{
	switch (type) {
	case EntryType::File: return "file";
	case EntryType::Directory: return "directory";
	case EntryType::Symlink: return "symlink";
	case EntryType::Fifo: return "fifo";
	case EntryType::Socket: return "socket";
	}
	return "?";
}

void snapshotInto(int dir, const std::string &prefix, Snapshot &result)
{
	int scanFd = dup(dir);
	REQUIRE(scanFd >= 0);
	DIR *scan = fdopendir(scanFd);
	REQUIRE(scan != nullptr);

	std::vector<std::string> names;
	while (struct dirent *entry = readdir(scan)) {
		std::string name = entry->d_name;
		if (name != "." && name != "..")
			names.push_back(name);
	}
	closedir(scan);

	for (const std::string &name : names) {
		struct stat st;
		REQUIRE(fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0);

		std::string path = prefix.empty() ? name : prefix + "/" + name;
		EntryState state{typeOf(st.st_mode), st.st_mode & 07777, st.st_uid, st.st_gid,
				 S_ISREG(st.st_mode) ? st.st_size : 0, {}};
		if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t length = readlinkat(dir, name.c_str(), target, sizeof(target));
			REQUIRE(length >= 0);
			state.target.assign(target, static_cast<size_t>(length));
		}
		result[path] = state;

		if (S_ISDIR(st.st_mode)) {
			int child = openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			// Directories without search permission for a non-root
			// test are recorded but not entered.
			if (child < 0)
				continue;
			FdGuard guard{child};
			snapshotInto(child, path, result);
		}
	}
}

std::string describe(const EntryState &state)
{
	char mode[16];
	std::snprintf(mode, sizeof(mode), "%04o", static_cast<unsigned>(state.mode));
	std::string text = std::string(typeName(state.type)) + " mode " + mode + " owner " +
			   std::to_string(state.uid) + ":" + std::to_string(state.gid) + " size " +
			   std::to_string(state.size);
	if (state.type == EntryType::Symlink)
		text += " -> " + state.target;
	return text;
}

// Returns the mount id of NAME in DIR, or of DIR when NAME is empty. A bind
// mount of the host's /usr has the fixture's st_dev, so st_dev alone cannot
// stop the cleanup there.
uint64_t mountIdOf(int dir, const char *name)
{
	struct statx stx;
	int flags = AT_SYMLINK_NOFOLLOW | (name[0] ? 0 : AT_EMPTY_PATH);
	REQUIRE(statx(dir, name, flags, STATX_MNT_ID, &stx) == 0);
	REQUIRE((stx.stx_mask & STATX_MNT_ID) != 0);
	return stx.stx_mnt_id;
}

void removeBelow(int dir)
{
	struct stat dirStat;
	REQUIRE(fstat(dir, &dirStat) == 0);
	uint64_t dirMount = mountIdOf(dir, "");

	int scanFd = dup(dir);
	REQUIRE(scanFd >= 0);
	DIR *scan = fdopendir(scanFd);
	REQUIRE(scan != nullptr);
	std::vector<std::string> names;
	while (struct dirent *entry = readdir(scan)) {
		std::string name = entry->d_name;
		if (name != "." && name != "..")
			names.push_back(name);
	}
	closedir(scan);

	for (const std::string &name : names) {
		struct stat st;
		if (fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			// A mount a test left behind stays; its namespace goes
			// away with the test process.
			if (st.st_dev != dirStat.st_dev || mountIdOf(dir, name.c_str()) != dirMount)
				continue;
			fchmodat(dir, name.c_str(), 0700, 0);
			int child = openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (child >= 0) {
				removeBelow(child);
				close(child);
			}
			unlinkat(dir, name.c_str(), AT_REMOVEDIR);
		} else {
			unlinkat(dir, name.c_str(), 0);
		}
	}
}

} // namespace

Entry file(std::string path, std::string contents, mode_t mode)
{
	Entry entry;
	entry.path = std::move(path);
	entry.contents = std::move(contents);
	entry.mode = mode;
	return entry;
}

Entry directory(std::string path, mode_t mode)
{
	Entry entry;
	entry.path = std::move(path);
	entry.type = EntryType::Directory;
	entry.mode = mode;
	return entry;
}

Entry symlink(std::string path, std::string target)
{
	Entry entry;
	entry.path = std::move(path);
	entry.type = EntryType::Symlink;
	entry.target = std::move(target);
	return entry;
}

Entry fifo(std::string path)
{
	Entry entry;
	entry.path = std::move(path);
	entry.type = EntryType::Fifo;
	return entry;
}

Entry socket(std::string path)
{
	Entry entry;
	entry.path = std::move(path);
	entry.type = EntryType::Socket;
	return entry;
}

Entry owned(Entry entry, uid_t uid, gid_t gid)
{
	entry.uid = uid;
	entry.gid = gid;
	return entry;
}

Snapshot snapshot(const std::string &dir)
{
	Snapshot result;
	int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	REQUIRE(fd >= 0);
	FdGuard guard{fd};
	snapshotInto(fd, "", result);
	return result;
}

std::string describeDifferences(const Snapshot &expected, const Snapshot &actual)
{
	std::string text;
	for (const auto &[path, state] : expected) {
		auto found = actual.find(path);
		if (found == actual.end())
			text += "missing " + path + " (" + describe(state) + ")\n";
		else if (!(found->second == state))
			text += "changed " + path + ": " + describe(state) + " -> " + describe(found->second) + "\n";
	}
	for (const auto &[path, state] : actual) {
		if (!expected.count(path))
			text += "unexpected " + path + " (" + describe(state) + ")\n";
	}
	return text;
}

TempTree::TempTree()
{
	char pattern[] = "/tmp/sysclean-test.XXXXXX";
	REQUIRE(mkdtemp(pattern) != nullptr);
	parent_ = pattern;
	root_ = parent_ + "/root";
	sentinel_ = parent_ + "/sentinel";
	REQUIRE(mkdir(root_.c_str(), 0755) == 0);
	REQUIRE(mkdir(sentinel_.c_str(), 0755) == 0);

	// What every escaping symlink in the tests aims at.
	addSentinel({
		file("keep", "outside the root\n"),
		file("etc/shadow", "root:secret:19000::::::\n", 0640),
		file("log/syslog", "host log\n"),
		file("crash/core.1", "host dump\n"),
		file("srv/crash/core.2", "host dump\n"),
	});
}

TempTree::~TempTree()
{
	int fd = open(parent_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	removeBelow(fd);
	close(fd);
	rmdir(parent_.c_str());
}

std::string TempTree::hostPath(const std::string &path) const
{
	if (!path.empty() && path.front() == '/')
		return root_ + path;
	return root_ + "/" + path;
}

void TempTree::add(const std::vector<Entry> &entries) const
{
	createEntries(root_, entries);
}

void TempTree::addSentinel(const std::vector<Entry> &entries) const
{
	createEntries(sentinel_, entries);
}

bool TempTree::exists(const std::string &path) const
{
	struct stat st;
	return lstat(hostPath(path).c_str(), &st) == 0;
}

void createEntries(const std::string &base, const std::vector<Entry> &entries)
{
	int fd = open(base.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	REQUIRE(fd >= 0);
	FdGuard guard{fd};
	for (const Entry &entry : entries)
		createEntry(fd, entry);
}

void removeTree(const std::string &path)
{
	int fd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		unlink(path.c_str());
		return;
	}
	removeBelow(fd);
	close(fd);
	rmdir(path.c_str());
}

std::string readFile(const std::string &path)
{
	int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		FAIL("cannot read '" << path << "': " << errnoText(errno));
	FdGuard guard{fd};

	std::string contents;
	char buffer[4096];
	ssize_t length;
	while ((length = read(fd, buffer, sizeof(buffer))) > 0)
		contents.append(buffer, static_cast<size_t>(length));
	REQUIRE(length == 0);
	return contents;
}

std::string syscleanPath()
{
	const char *path = std::getenv("SYSCLEAN");
	if (!path || !*path)
		FAIL("$SYSCLEAN must name the sysclean binary (meson test sets it)");
	return path;
}

ProcessResult runSysclean(const std::vector<std::string> &args, const RunOptions &options)
{
	std::string binary = options.binary.empty() ? syscleanPath() : options.binary;

	int outFd = memfd_create("sysclean-stdout", MFD_CLOEXEC);
	int errFd = memfd_create("sysclean-stderr", MFD_CLOEXEC);
	REQUIRE(outFd >= 0);
	REQUIRE(errFd >= 0);
	FdGuard outGuard{outFd};
	FdGuard errGuard{errFd};

	std::vector<std::string> argvStrings{"sysclean"};
	argvStrings.insert(argvStrings.end(), args.begin(), args.end());
	std::vector<char *> argv;
	for (std::string &arg : argvStrings)
		argv.push_back(arg.data());
	argv.push_back(nullptr);

	std::string lcAll = "LC_ALL=C";
	std::string path = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
	char *envp[] = {lcAll.data(), path.data(), nullptr};

	std::fflush(stdout);
	std::fflush(stderr);
	pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (null < 0 || dup2(null, 0) < 0 || dup2(outFd, 1) < 0 || dup2(errFd, 2) < 0)
			_exit(125);
		if (!options.chrootDir.empty() && (chroot(options.chrootDir.c_str()) < 0 || chdir("/") < 0))
			_exit(124);
		if (!options.cwd.empty()) {
			if (chdir(options.cwd.c_str()) < 0)
				_exit(126);
			if (options.removeCwd && rmdir(options.cwd.c_str()) < 0)
				_exit(126);
		}
		execve(binary.c_str(), argv.data(), envp);
		_exit(127);
	}

	int status = 0;
	while (waitpid(pid, &status, 0) < 0) {
		REQUIRE(errno == EINTR);
	}

	ProcessResult result;
	result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	for (auto [fd, text] : {std::pair{outFd, &result.out}, std::pair{errFd, &result.err}}) {
		char buffer[4096];
		off_t offset = 0;
		ssize_t length;
		while ((length = pread(fd, buffer, sizeof(buffer), offset)) > 0) {
			text->append(buffer, static_cast<size_t>(length));
			offset += length;
		}
	}
	return result;
}

std::vector<std::string> splitLines(const std::string &text)
{
	std::vector<std::string> lines;
	size_t start = 0;
	while (start < text.size()) {
		size_t end = text.find('\n', start);
		if (end == std::string::npos)
			end = text.size();
		lines.push_back(text.substr(start, end - start));
		start = end + 1;
	}
	return lines;
}

std::vector<std::string> sortedLines(const std::string &text)
{
	std::vector<std::string> lines = splitLines(text);
	std::sort(lines.begin(), lines.end());
	return lines;
}

bool hasLine(const std::string &text, const std::string &line)
{
	std::vector<std::string> lines = splitLines(text);
	return std::find(lines.begin(), lines.end(), line) != lines.end();
}

void RecordingSink::changed(Change change, const std::string &path)
{
	changes.push_back((change == Change::Empty ? "empty " : "remove ") + path);
}

void RecordingSink::failed(std::string_view verb, const std::string &path, std::string_view reason)
{
	failures.push_back(std::string(verb) + " " + path + ": " + std::string(reason));
}

void RecordingSink::skipped(const std::string &path, std::string_view reason)
{
	skips.push_back(path + ": " + std::string(reason));
}

} // namespace sysclean::test
