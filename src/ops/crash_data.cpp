// SPDX-License-Identifier: LGPL-2.1-or-later
// crash-data: kernel and application crash dumps, which hold the memory of
// processes that ran on this one machine.
#include <array>

#include "ops/operation.h"

namespace sysclean {

namespace {

// kdump-tools writes to /var/crash; kexec-tools on older Red Hat systems to
// /var/log/dump. The directories stay: kdump expects them.
constexpr std::array<std::string_view, 2> kDirectories{"/var/crash", "/var/log/dump"};

Status runCrashData(OperationContext &context)
{
	Status status;
	for (std::string_view directory : kDirectories)
		status.update(context.remover.emptyDirectory(directory));
	return status;
}

} // namespace

extern const Operation crashDataOperation{
	"crash-data",
	"Remove kernel and application crash dumps",
	true,
	kDirectories,
	runCrashData,
};

} // namespace sysclean
