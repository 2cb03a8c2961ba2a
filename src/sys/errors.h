// SPDX-License-Identifier: LGPL-2.1-or-later
// Error codes of the system layer that errno cannot express: libnl's own
// codes, a directory tree too large to stage on a tmpfs, a failed unit stop.
#pragma once

#include <system_error>

namespace sysclean {

// Builds an error_code from a libnl return value (a negative NLE_* code), so
// that message() is libnl's own text and not the errno of the same number.
std::error_code netlinkError(int nlError);

const std::error_category &netlinkCategory();

enum class SysError {
	// A directory tree is larger than the staging limit or than the free
	// space on the staging tmpfs.
	TreeTooLarge = 1,
	// "systemctl stop" exited with a non-zero status.
	UnitStopFailed,
};

const std::error_category &sysCategory();

std::error_code make_error_code(SysError error);

} // namespace sysclean

template <>
struct std::is_error_code_enum<sysclean::SysError> : std::true_type {
};
