// SPDX-License-Identifier: LGPL-2.1-or-later
// A temporary target root filled from a declarative list of entries, a
// sentinel directory beside it that must survive every run, tree snapshots
// to prove what changed, and a runner for the sysclean binary.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <sys/types.h>
#include <vector>

#include "base/remover.h"

namespace sysclean::test {

enum class EntryType { File, Directory, Symlink, Fifo, Socket };

// One entry of a fixture tree. Paths are relative to the tree ("var/log/x");
// missing parent directories are created with mode 0755, owned by the test.
struct Entry {
	std::string path;
	EntryType type = EntryType::File;
	// Unset: 0644 for files, FIFOs and sockets, 0755 for directories.
	std::optional<mode_t> mode;
	// Unset: the creating process's ids.
	std::optional<uid_t> uid;
	std::optional<gid_t> gid;
	std::string contents;
	// Symlinks only: what the link contains.
	std::string target;
	// Files only: the apparent size set with ftruncate() after writing the
	// contents, so the file is sparse beyond them.
	off_t sparseSize = 0;
};

Entry file(std::string path, std::string contents = "data\n", mode_t mode = 0644);
Entry directory(std::string path, mode_t mode = 0755);
Entry symlink(std::string path, std::string target);
Entry fifo(std::string path);
Entry socket(std::string path);
Entry owned(Entry entry, uid_t uid, gid_t gid);

// What a snapshot records about one entry; contents are not compared.
struct EntryState {
	EntryType type;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	off_t size;
	std::string target;
	bool operator==(const EntryState &) const = default;
};

// Entries by path relative to the snapshotted directory.
using Snapshot = std::map<std::string, EntryState>;

// Records DIR's tree without following symlinks; DIR itself is "".
Snapshot snapshot(const std::string &dir);

// Returns one line per difference ("changed var/log: mode 0750 -> 0755"), or
// an empty string when the snapshots are equal.
std::string describeDifferences(const Snapshot &expected, const Snapshot &actual);

// A mkdtemp() directory holding "root" (the target) and "sentinel" (outside
// it, with a few files that nothing may touch). Removed recursively, without
// following symlinks or crossing mounts, when the fixture goes away.
class TempTree
{
public:
	TempTree();
	~TempTree();
	TempTree(const TempTree &) = delete;
	TempTree &operator=(const TempTree &) = delete;

	const std::string &parent() const { return parent_; }
	const std::string &root() const { return root_; }
	const std::string &sentinel() const { return sentinel_; }

	// Host path of PATH inside the root ("var/log" or "/var/log").
	std::string hostPath(const std::string &path) const;

	// Creates ENTRIES inside the root, in order.
	void add(const std::vector<Entry> &entries) const;

	// Creates ENTRIES inside the sentinel directory.
	void addSentinel(const std::vector<Entry> &entries) const;

	// Snapshot of the whole parent: root and sentinel ("root/...",
	// "sentinel/...").
	Snapshot snapshotAll() const { return snapshot(parent_); }

	bool exists(const std::string &path) const;

private:
	std::string parent_;
	std::string root_;
	std::string sentinel_;
};

// Creates ENTRIES below the existing directory BASE.
void createEntries(const std::string &base, const std::vector<Entry> &entries);

// Removes PATH and everything below it without following symlinks; entries
// on another mount are left alone, and immutable flags are not cleared.
void removeTree(const std::string &path);

// Returns the file's contents; fails the test when it cannot be read.
std::string readFile(const std::string &path);

struct ProcessResult {
	int status = -1; // exit status, or 128 + signal
	std::string out;
	std::string err;
};

struct RunOptions {
	// Working directory of the child; empty: the test's own.
	std::string cwd;
	// Remove CWD in the child after entering it, so the binary starts in
	// a deleted directory.
	bool removeCwd = false;
	// Directory the child chroot()s into first; BINARY is then a path
	// inside it. Only for the root suite, in its private mount namespace.
	std::string chrootDir;
	std::string binary;
};

// Path of the sysclean binary, from $SYSCLEAN; fails the test without it.
std::string syscleanPath();

// Runs sysclean with ARGS and a fixed environment (LC_ALL=C, no
// $JOURNAL_STREAM), capturing its output.
ProcessResult runSysclean(const std::vector<std::string> &args, const RunOptions &options = {});

// Splits TEXT into lines without their newline.
std::vector<std::string> splitLines(const std::string &text);

// The lines of TEXT, sorted: for comparing dry-run and real-run listings.
std::vector<std::string> sortedLines(const std::string &text);

// Returns whether TEXT has a line equal to LINE.
bool hasLine(const std::string &text, const std::string &line);

// A ChangeSink that records everything, for driving the engine directly.
class RecordingSink : public ChangeSink
{
public:
	void changed(Change change, const std::string &path) override;
	void failed(std::string_view verb, const std::string &path, std::string_view reason) override;
	void skipped(const std::string &path, std::string_view reason) override;

	// "remove PATH" or "empty PATH", as the command line prints them.
	std::vector<std::string> changes;
	// "VERB PATH: REASON".
	std::vector<std::string> failures;
	// "PATH: REASON".
	std::vector<std::string> skips;
};

} // namespace sysclean::test
