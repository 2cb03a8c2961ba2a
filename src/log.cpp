// SPDX-License-Identifier: LGPL-2.1-or-later
// Log lines on stderr: plain on a terminal, with "<N>" priority prefixes
// when stderr is connected to the journal.
#include "log.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/stat.h>

namespace sysclean {

namespace {

LogLevel threshold = LogLevel::Info;

// systemd sets $JOURNAL_STREAM to "DEVICE:INODE" of the stream it connected
// to stdout and stderr; the prefixes are only right when stderr is still it.
bool stderrIsJournal()
{
	static const bool isJournal = [] {
		const char *stream = std::getenv("JOURNAL_STREAM");
		if (!stream)
			return false;

		unsigned long long device = 0;
		unsigned long long inode = 0;
		if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2)
			return false;

		struct stat st;
		if (fstat(fileno(stderr), &st) < 0)
			return false;
		return st.st_dev == device && st.st_ino == inode;
	}();
	return isJournal;
}

} // namespace

void setLogThreshold(LogLevel level)
{
	threshold = level;
}

bool logEnabled(LogLevel level)
{
	return static_cast<int>(level) <= static_cast<int>(threshold);
}

void logMessage(LogLevel level, std::string_view message)
{
	if (!logEnabled(level))
		return;

	std::string line;
	if (stderrIsJournal())
		line = "<" + std::to_string(static_cast<int>(level)) + ">";
	line += message;
	line += '\n';
	std::fwrite(line.data(), 1, line.size(), stderr);
}

} // namespace sysclean
