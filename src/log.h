// SPDX-License-Identifier: LGPL-2.1-or-later
// Log lines on stderr: plain on a terminal, with "<N>" priority prefixes
// when stderr is connected to the journal.
#pragma once

#include <string_view>

namespace sysclean {

// syslog priorities, as the journal reads them from "<N>" prefixes.
enum class LogLevel {
	Error = 3,
	Warning = 4,
	Notice = 5,
	Info = 6,
	Debug = 7,
};

// Drops messages less severe than LEVEL; the default is Info.
void setLogThreshold(LogLevel level);

bool logEnabled(LogLevel level);

void logMessage(LogLevel level, std::string_view message);

} // namespace sysclean
