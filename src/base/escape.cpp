// SPDX-License-Identifier: LGPL-2.1-or-later
// C-style escaping of paths for one-line-per-path output, so a name holding
// a newline cannot forge a second line.
#include "base/escape.h"

#include <cstdio>

namespace sysclean {

std::string escapePath(std::string_view path)
{
	std::string escaped;
	escaped.reserve(path.size());

	for (char c : path) {
		unsigned char byte = static_cast<unsigned char>(c);
		switch (c) {
		case '\\': escaped += "\\\\"; continue;
		case '\n': escaped += "\\n"; continue;
		case '\t': escaped += "\\t"; continue;
		case '\r': escaped += "\\r"; continue;
		default: break;
		}
		if (byte < 0x20 || byte == 0x7f) {
			char hex[5];
			std::snprintf(hex, sizeof(hex), "\\x%02x", byte);
			escaped += hex;
			continue;
		}
		escaped += c;
	}

	return escaped;
}

} // namespace sysclean
