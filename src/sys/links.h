// SPDX-License-Identifier: LGPL-2.1-or-later
// Network links taken down before DHCP leases are removed, so no client
// renews a lease into the image, except the links the root filesystem
// needs.
#pragma once

#include <chrono>
#include <string>
#include <system_error>
#include <vector>

#include "base/result.h"
#include "sys/mounts.h"

namespace sysclean {

// A link left up, and why.
struct KeptLink {
	int index = 0;
	std::string name;
	std::string reason;
};

struct LinkFailure {
	std::string name;
	// ETIMEDOUT for a link still up when the wait ended.
	std::error_code error;
};

struct LinksDownOptions {
	// One deadline for all links together, not per link.
	std::chrono::milliseconds timeout{std::chrono::seconds(20)};
	// Links to leave up, matched by index (see linksForNetworkRoot()).
	std::vector<KeptLink> keep;
};

struct LinksDownReport {
	// Links this call set down and saw leave operstate "up".
	std::vector<std::string> takenDown;
	std::vector<KeptLink> kept;
	// Links that could not be set down or stayed up past the deadline.
	std::vector<LinkFailure> failures;
};

// Sets every link of this network namespace administratively down, except
// loopback links and OPTIONS.keep. Loopback is recognized by IFF_LOOPBACK,
// never by name, because "wlo1" and "lowpan0" are real links. Then waits
// for all of them at once until none has operstate "up" or the timeout
// passes. Fails as a whole only when netlink cannot be used. A link that
// fails is recorded in the report, and the others still go down.
Result<LinksDownReport> takeLinksDown(const LinksDownOptions &options = {});

// Returns the numeric server addresses of the network filesystem MOUNT,
// from its "addr=" or "mon_addr=" option or its source ("server:/export",
// "[2001:db8::1]:/export", "//server/share", a 9p server address). Returns
// nothing for a local filesystem, and for a server given only by host name.
std::vector<std::string> networkServerAddresses(const MountInfo &mount);

// Returns whether MOUNT is a network filesystem that needs links up: NFS,
// CIFS/SMB, Ceph, GlusterFS, and 9p over TCP or RDMA.
bool isNetworkFilesystem(const MountInfo &mount);

// Returns the interface index of the route the kernel picks for ADDRESS
// (RTM_GETROUTE, as "ip route get" does).
Result<int> routeInterface(const std::string &address);

// Finds the links the filesystem ROOT_MOUNT depends on. A local filesystem
// needs none. A network filesystem needs the links that carry the route to
// its server and the links below them (VLAN parents, bridge and bond ports,
// a veth peer). When the server address is unknown (a host name), every
// non-loopback link is kept, because taking the wrong one down would hang
// the root filesystem. A block-device root keeps the links that route to
// every iSCSI target listed in SYSFS.
Result<std::vector<KeptLink>> linksForNetworkRoot(const MountInfo &rootMount,
						   const std::string &sysfs = "/sys");

// Returns the numeric target portal addresses of the iSCSI connections
// listed below SYSFS/class/iscsi_connection, without ports or brackets.
std::vector<std::string> iscsiTargetAddresses(const std::string &sysfs = "/sys");

} // namespace sysclean
