// SPDX-License-Identifier: LGPL-2.1-or-later
// Error codes of the system layer that errno cannot express: libnl's own
// codes, a directory tree too large to stage on a tmpfs, a failed unit stop.
#include "sys/errors.h"

#include <cstdlib>
#include <string>

#include <netlink/errno.h>

namespace sysclean {

namespace {

class NetlinkCategory : public std::error_category
{
public:
	const char *name() const noexcept override { return "libnl"; }

	std::string message(int code) const override
	{
		return nl_geterror(code);
	}
};

class SysCategory : public std::error_category
{
public:
	const char *name() const noexcept override { return "sysclean-sys"; }

	std::string message(int code) const override
	{
		switch (static_cast<SysError>(code)) {
		case SysError::TreeTooLarge:
			return "directory tree does not fit on the staging tmpfs";
		case SysError::UnitStopFailed:
			return "systemctl stop failed";
		}
		return "unknown error " + std::to_string(code);
	}
};

} // namespace

const std::error_category &netlinkCategory()
{
	static const NetlinkCategory category;
	return category;
}

std::error_code netlinkError(int nlError)
{
	// libnl returns negative codes, and nl_geterror() takes either sign.
	return {std::abs(nlError), netlinkCategory()};
}

const std::error_category &sysCategory()
{
	static const SysCategory category;
	return category;
}

std::error_code make_error_code(SysError error)
{
	return {static_cast<int>(error), sysCategory()};
}

} // namespace sysclean
