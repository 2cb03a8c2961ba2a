// SPDX-License-Identifier: LGPL-2.1-or-later
// Helpers for the system layer tests: temporary directories, child
// commands and reading this thread's capabilities.
#include "helpers.h"

#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <spawn.h>
#include <stdexcept>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sys/mounts.h"

extern char **environ;

namespace sysclean::test {

TempDir::TempDir()
{
	char pattern[] = "/tmp/sysclean-sys-test.XXXXXX";
	if (!::mkdtemp(pattern))
		throw std::runtime_error("mkdtemp failed");
	path_ = pattern;
}

TempDir::~TempDir()
{
	// Live-mode tests leave staged copies mounted below the directory in
	// the suite's private mount namespace; remove_all() cannot remove a
	// mount point. Stacked mounts need more than one pass.
	for (int pass = 0; pass < 8; pass++) {
		Result<std::vector<std::string>> mounts = mountPointsBelow(path_);
		if (!mounts || mounts->empty())
			break;
		for (const std::string &mount : *mounts)
			::umount2(mount.c_str(), MNT_DETACH);
	}

	std::error_code ignored;
	std::filesystem::remove_all(path_, ignored);
}

int run(const std::vector<std::string> &argv, std::string *output)
{
	std::vector<std::string> arguments = argv;
	std::vector<char *> pointers;
	for (std::string &argument : arguments)
		pointers.push_back(argument.data());
	pointers.push_back(nullptr);

	int pipeFds[2] = {-1, -1};
	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	if (output) {
		if (::pipe2(pipeFds, O_CLOEXEC) != 0)
			return -1;
		posix_spawn_file_actions_adddup2(&actions, pipeFds[1], 1);
	}

	pid_t pid;
	int rc = ::posix_spawnp(&pid, pointers[0], &actions, nullptr, pointers.data(), environ);
	posix_spawn_file_actions_destroy(&actions);
	if (output)
		::close(pipeFds[1]);
	if (rc != 0) {
		if (output)
			::close(pipeFds[0]);
		return -1;
	}

	if (output) {
		char buffer[4096];
		ssize_t length;
		while ((length = ::read(pipeFds[0], buffer, sizeof(buffer))) > 0)
			output->append(buffer, static_cast<size_t>(length));
		::close(pipeFds[0]);
	}

	int status;
	if (::waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

void writeFile(const std::string &path, const std::string &content)
{
	std::ofstream file(path, std::ios::binary | std::ios::trunc);
	file << content;
	if (!file)
		throw std::runtime_error("cannot write " + path);
}

std::string readFile(const std::string &path)
{
	std::ifstream file(path, std::ios::binary);
	std::stringstream content;
	content << file.rdbuf();
	return content.str();
}

std::uint64_t threadCapabilities(const std::string &name)
{
	std::ifstream status("/proc/thread-self/status");
	std::string line;
	while (std::getline(status, line)) {
		if (line.rfind(name + ":", 0) == 0)
			return std::stoull(line.substr(name.size() + 1), nullptr, 16);
	}
	throw std::runtime_error("no " + name + " in /proc/thread-self/status");
}

std::string operstate(const std::string &link)
{
	std::string state = readFile("/sys/class/net/" + link + "/operstate");
	if (!state.empty() && state.back() == '\n')
		state.pop_back();
	return state;
}

} // namespace sysclean::test
