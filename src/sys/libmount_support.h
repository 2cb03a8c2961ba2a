// SPDX-License-Identifier: LGPL-2.1-or-later
// Owners for libmount handles and the helpers shared by the files of src/sys
// that use libmount; no other directory includes this header.
#pragma once

#include <cstdlib>
#include <memory>

#include <libmount/libmount.h>

#include "base/result.h"

namespace sysclean {

struct MountTableDeleter {
	void operator()(libmnt_table *table) const { mnt_unref_table(table); }
};
struct MountContextDeleter {
	void operator()(libmnt_context *context) const { mnt_free_context(context); }
};
struct MountCacheDeleter {
	void operator()(libmnt_cache *cache) const { mnt_unref_cache(cache); }
};
struct MountIterDeleter {
	void operator()(libmnt_iter *iter) const { mnt_free_iter(iter); }
};
struct MallocDeleter {
	void operator()(char *text) const { std::free(text); }
};

using MountTablePtr = std::unique_ptr<libmnt_table, MountTableDeleter>;
using MountContextPtr = std::unique_ptr<libmnt_context, MountContextDeleter>;
using MountCachePtr = std::unique_ptr<libmnt_cache, MountCacheDeleter>;
using MountIterPtr = std::unique_ptr<libmnt_iter, MountIterDeleter>;
using MallocStringPtr = std::unique_ptr<char, MallocDeleter>;

// libmount returns negative errno values, or other negative numbers for its
// own failures; those become EINVAL.
inline int errnoFromLibmount(int rc)
{
	return rc < 0 && rc > -4096 ? -rc : EINVAL;
}

// Converts the return value of mnt_context_mount() or mnt_context_umount().
Status mountStatus(libmnt_context *context, int rc);

// Creates a context that neither canonicalizes paths nor evaluates tags,
// reads or writes no fstab or utab and runs no /sbin/mount.* helper.
MountContextPtr newQuietContext();

} // namespace sysclean
