// SPDX-License-Identifier: LGPL-2.1-or-later
// A move-only owner of one file descriptor, closed when the owner goes away.
#include "base/unique_fd.h"

#include <unistd.h>

namespace sysclean {

void UniqueFd::reset(int fd)
{
	// close() errors are not actionable here: the descriptor is gone either
	// way, and every descriptor sysclean writes through is fsynced first.
	if (fd_ >= 0)
		::close(fd_);
	fd_ = fd;
}

} // namespace sysclean
