// SPDX-License-Identifier: LGPL-2.1-or-later
// Capabilities: a bounding set cut down to what sysclean uses, an empty
// effective set, and scopes that raise exactly what one section needs.
#pragma once

#include <cstdint>
#include <initializer_list>

#include "base/result.h"

namespace sysclean {

// The capabilities sysclean ever raises; the values are the kernel's
// CAP_* numbers (<linux/capability.h>).
enum class Capability : int {
	Chown = 0,
	DacOverride = 1,
	DacReadSearch = 2,
	Fowner = 3,
	Fsetid = 4,
	Kill = 5,
	NetAdmin = 12,
	SysPtrace = 19,
	SysAdmin = 21,
	SysBoot = 22,
};

// Drops every capability that is not a Capability from the bounding set and
// the permitted set, and clears the effective set. Capabilities belong to a
// thread: call this before any thread starts, threads created later inherit
// the result. Fails with EPERM when the caller lacks CAP_SETPCAP.
Status limitCapabilities();

// Returns the calling thread's effective capabilities as a bit mask
// (bit N is CAP_N).
Result<std::uint64_t> effectiveCapabilities();

// Raises capabilities into the calling thread's effective set for the
// lifetime of the scope. At the end it lowers those it raised and leaves
// those that were already effective, so scopes nest.
class [[nodiscard]] CapabilityScope
{
public:
	// Raises CAPS. Fails with EPERM when one of them is not permitted.
	static Result<CapabilityScope> raise(std::initializer_list<Capability> caps);

	CapabilityScope(CapabilityScope &&other) noexcept;
	CapabilityScope &operator=(CapabilityScope &&other) = delete;
	CapabilityScope(const CapabilityScope &) = delete;
	CapabilityScope &operator=(const CapabilityScope &) = delete;
	~CapabilityScope();

private:
	explicit CapabilityScope(std::uint64_t raised) : raised_(raised) {}

	// Bits this scope raised and lowers again.
	std::uint64_t raised_;
};

} // namespace sysclean
