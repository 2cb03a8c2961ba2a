// SPDX-License-Identifier: LGPL-2.1-or-later
// The metadata a staged copy keeps from its original: owner, extended
// attributes (SELinux labels, ACLs), mode and timestamps.
#pragma once

#include <sys/stat.h>

#include "base/result.h"

namespace sysclean {

// Gives the open file DESTINATION the owner, extended attributes, mode and
// timestamps of SOURCE, whose stat data is ST.
Status applyMetadata(int source, int destination, const struct stat &st);

// Does what applyMetadata() does for the entry NAME, which cannot be opened
// (a symlink, fifo or socket), from SOURCE_DIR to DESTINATION_DIR.
Status applyMetadataAt(int sourceDir, int destinationDir, const char *name,
		       const struct stat &st);

} // namespace sysclean
