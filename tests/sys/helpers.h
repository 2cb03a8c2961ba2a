// SPDX-License-Identifier: LGPL-2.1-or-later
// Helpers for the system layer tests: temporary directories, child
// commands and reading this thread's capabilities.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sysclean::test {

// A directory made with mkdtemp() under /tmp, removed with its contents
// when the object goes away. Mounts below it must be gone by then.
class TempDir
{
public:
	TempDir();
	~TempDir();
	TempDir(const TempDir &) = delete;
	TempDir &operator=(const TempDir &) = delete;

	const std::string &path() const { return path_; }
	std::string operator/(const std::string &name) const { return path_ + "/" + name; }

private:
	std::string path_;
};

// Runs ARGV (argv[0] looked up in PATH) and returns its exit status, or
// -1 when it could not start. Its standard output goes to OUTPUT when set.
int run(const std::vector<std::string> &argv, std::string *output = nullptr);

void writeFile(const std::string &path, const std::string &content);
std::string readFile(const std::string &path);

// Returns the hexadecimal field NAME ("CapEff", "CapBnd") of
// /proc/thread-self/status: the calling thread's capabilities.
std::uint64_t threadCapabilities(const std::string &name);

// Returns /sys/class/net/LINK/operstate without the newline.
std::string operstate(const std::string &link);

} // namespace sysclean::test
