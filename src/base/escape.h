// SPDX-License-Identifier: LGPL-2.1-or-later
// C-style escaping of paths for one-line-per-path output, so a name holding
// a newline cannot forge a second line.
#pragma once

#include <string>
#include <string_view>

namespace sysclean {

// Returns PATH with backslashes, control characters and DEL written as C
// escapes ("\\", "\n", "\x7f"); other bytes, UTF-8 included, are kept.
std::string escapePath(std::string_view path);

} // namespace sysclean
