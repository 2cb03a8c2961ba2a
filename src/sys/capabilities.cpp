// SPDX-License-Identifier: LGPL-2.1-or-later
// Capabilities: a bounding set cut down to what sysclean uses, an empty
// effective set, and scopes that raise exactly what one section needs.
#include "sys/capabilities.h"

#include <cerrno>
#include <linux/capability.h>

#include <cap-ng.h>

namespace sysclean {

namespace {

static_assert(static_cast<int>(Capability::Chown) == CAP_CHOWN);
static_assert(static_cast<int>(Capability::DacOverride) == CAP_DAC_OVERRIDE);
static_assert(static_cast<int>(Capability::DacReadSearch) == CAP_DAC_READ_SEARCH);
static_assert(static_cast<int>(Capability::Fowner) == CAP_FOWNER);
static_assert(static_cast<int>(Capability::Fsetid) == CAP_FSETID);
static_assert(static_cast<int>(Capability::Kill) == CAP_KILL);
static_assert(static_cast<int>(Capability::NetAdmin) == CAP_NET_ADMIN);
static_assert(static_cast<int>(Capability::SysPtrace) == CAP_SYS_PTRACE);
static_assert(static_cast<int>(Capability::SysAdmin) == CAP_SYS_ADMIN);
static_assert(static_cast<int>(Capability::SysBoot) == CAP_SYS_BOOT);

// Everything sysclean may need, and why:
//  CAP_SYS_ADMIN       mounting the staging tmpfs, bind mounts, fstab mounts
//  CAP_NET_ADMIN       taking links down
//  CAP_KILL            stopping DHCP clients
//  CAP_SYS_PTRACE      reading /proc/PID/exe of the DHCP clients, which
//                      needs it once their capabilities exceed sysclean's
//  CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER
//                      reading, copying and removing files of other users
//  CAP_CHOWN, CAP_FSETID
//                      keeping owners and setgid bits on staged copies and
//                      on the log files recreated empty
//  CAP_SYS_BOOT        powering off after a successful run
// Left out on purpose: CAP_LINUX_IMMUTABLE (immutable files are reported,
// never unlocked) and CAP_MKNOD (device nodes in a log directory are not
// staged). CAP_SETPCAP is needed only to drop the bounding set, so it goes
// last.
constexpr Capability usedCapabilities[] = {
	Capability::Chown,   Capability::DacOverride, Capability::DacReadSearch,
	Capability::Fowner,  Capability::Fsetid,      Capability::Kill,
	Capability::NetAdmin, Capability::SysPtrace, Capability::SysAdmin,
	Capability::SysBoot,
};

std::uint64_t bit(Capability cap)
{
	return std::uint64_t{1} << static_cast<int>(cap);
}

// capng_apply() and capng_get_caps_process() return -1 or other negative
// values and do not always set errno; EPERM is the cause in practice.
Status errorFromCapng()
{
	return Status::fromErrno(errno != 0 ? errno : EPERM);
}

// Loads the calling thread's capabilities into libcap-ng's thread-local
// state.
Status loadThreadCapabilities()
{
	// libcap-ng addresses the process by PID, which capget() takes as the
	// calling thread only in the main thread; setpid(0) would read the
	// caller's own thread.
	capng_setpid(0);
	errno = 0;
	if (capng_get_caps_process() != 0)
		return errorFromCapng();
	return {};
}

Status setEffective(std::uint64_t mask, bool on)
{
	Status loaded = loadThreadCapabilities();
	if (!loaded)
		return loaded;

	for (int cap = 0; cap < 64; cap++) {
		if (!(mask & (std::uint64_t{1} << cap)))
			continue;
		if (capng_update(on ? CAPNG_ADD : CAPNG_DROP, CAPNG_EFFECTIVE,
				 static_cast<unsigned>(cap)) != 0)
			return Status::fromErrno(EINVAL);
	}

	errno = 0;
	if (capng_apply(CAPNG_SELECT_CAPS) != 0)
		return errorFromCapng();
	return {};
}

} // namespace

Status limitCapabilities()
{
	Status loaded = loadThreadCapabilities();
	if (!loaded)
		return loaded;

	std::uint64_t used = 0;
	for (Capability cap : usedCapabilities)
		used |= bit(cap);

	// The permitted set keeps what was permitted and is used, and the
	// effective set starts empty. The bounding set contains exactly the
	// used ones, so no program sysclean runs (systemctl) gets more.
	std::uint64_t permitted = 0;
	for (Capability cap : usedCapabilities) {
		unsigned number = static_cast<unsigned>(cap);
		if (capng_have_capability(CAPNG_PERMITTED, number))
			permitted |= bit(cap);
	}

	capng_clear(CAPNG_SELECT_BOTH);
	for (Capability cap : usedCapabilities) {
		unsigned number = static_cast<unsigned>(cap);
		if (capng_update(CAPNG_ADD, CAPNG_BOUNDING_SET, number) != 0)
			return Status::fromErrno(EINVAL);
		if ((permitted & bit(cap)) &&
		    capng_update(CAPNG_ADD, CAPNG_PERMITTED, number) != 0)
			return Status::fromErrno(EINVAL);
	}

	// The bounding set is applied first, while CAP_SETPCAP is still
	// effective; applying the capabilities then drops CAP_SETPCAP too.
	errno = 0;
	if (capng_apply(CAPNG_SELECT_BOUNDS) != 0)
		return errorFromCapng();
	errno = 0;
	if (capng_apply(CAPNG_SELECT_CAPS) != 0)
		return errorFromCapng();
	return {};
}

Result<std::uint64_t> effectiveCapabilities()
{
	Status loaded = loadThreadCapabilities();
	if (!loaded)
		return loaded.error();

	std::uint64_t mask = 0;
	for (unsigned cap = 0; cap <= CAP_LAST_CAP && cap < 64; cap++) {
		if (capng_have_capability(CAPNG_EFFECTIVE, cap))
			mask |= std::uint64_t{1} << cap;
	}
	return mask;
}

Result<CapabilityScope> CapabilityScope::raise(std::initializer_list<Capability> caps)
{
	Result<std::uint64_t> current = effectiveCapabilities();
	if (!current)
		return current.error();

	std::uint64_t requested = 0;
	for (Capability cap : caps)
		requested |= bit(cap);

	std::uint64_t missing = requested & ~*current;
	if (missing) {
		Status raised = setEffective(missing, true);
		if (!raised)
			return raised.error();
	}
	return CapabilityScope(missing);
}

CapabilityScope::CapabilityScope(CapabilityScope &&other) noexcept
	: raised_(other.raised_)
{
	other.raised_ = 0;
}

CapabilityScope::~CapabilityScope()
{
	// Lowering a capability cannot fail for lack of privilege, and a
	// destructor has no caller to return an error to.
	if (raised_)
		(void)setEffective(raised_, false);
}

} // namespace sysclean
