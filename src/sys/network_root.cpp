// SPDX-License-Identifier: LGPL-2.1-or-later
// The links a network root filesystem depends on, which the live stage
// leaves up so that the running system keeps its root.
#include "sys/links.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <dirent.h>
#include <fstream>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <set>
#include <string_view>

#include "sys/netlink_support.h"

namespace sysclean {

namespace {

bool isNumericAddress(const std::string &text)
{
	unsigned char buffer[sizeof(struct in6_addr)];
	return ::inet_pton(AF_INET, text.c_str(), buffer) == 1 ||
	       ::inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

// Returns the value of the option NAME in the comma-separated OPTIONS.
std::string optionValue(std::string_view options, std::string_view name)
{
	while (!options.empty()) {
		size_t comma = options.find(',');
		std::string_view option = options.substr(0, comma);
		options.remove_prefix(comma == std::string_view::npos ? options.size() : comma + 1);
		if (option.size() > name.size() && option.starts_with(name) &&
		    option[name.size()] == '=')
			return std::string(option.substr(name.size() + 1));
	}
	return {};
}

// Strips a port and IPv6 brackets from one "host", "host:port" or
// "[v6]:port" element.
std::string hostOf(std::string_view element)
{
	if (element.starts_with('[')) {
		size_t close = element.find(']');
		return std::string(element.substr(1, close == std::string_view::npos ? element.npos
										   : close - 1));
	}
	// More than one colon without brackets: a bare IPv6 address.
	if (std::count(element.begin(), element.end(), ':') == 1)
		return std::string(element.substr(0, element.find(':')));
	return std::string(element);
}

void addIfNumeric(std::vector<std::string> &addresses, const std::string &host)
{
	if (isNumericAddress(host) &&
	    std::find(addresses.begin(), addresses.end(), host) == addresses.end())
		addresses.push_back(host);
}

// Stores the errno of a netlink error reply and stops receiving.
int storeKernelError([[maybe_unused]] sockaddr_nl *peer, nlmsgerr *error, void *argument)
{
	*static_cast<int *>(argument) = -error->error;
	return NL_STOP;
}

// Parses one reply to RTM_GETROUTE into the output interface index.
int storeOutputInterface(nl_msg *message, void *argument)
{
	nlattr *attributes[RTA_MAX + 1];
	if (nlmsg_parse(nlmsg_hdr(message), sizeof(struct rtmsg), attributes, RTA_MAX, nullptr) < 0)
		return NL_SKIP;
	if (attributes[RTA_OIF])
		*static_cast<int *>(argument) = static_cast<int>(nla_get_u32(attributes[RTA_OIF]));
	return NL_OK;
}

} // namespace

bool isNetworkFilesystem(const MountInfo &mount)
{
	std::string_view type = mount.fsType;
	if (type == "nfs" || type == "nfs4" || type == "cifs" || type == "smb3" ||
	    type == "smbfs" || type == "ceph" || type == "glusterfs" ||
	    type == "fuse.glusterfs")
		return true;

	// 9p over virtio or Xen needs no network; over TCP or RDMA it does.
	if (type == "9p") {
		std::string transport = optionValue(mount.options, "trans");
		return transport == "tcp" || transport == "rdma";
	}
	return false;
}

std::vector<std::string> networkServerAddresses(const MountInfo &mount)
{
	std::vector<std::string> addresses;
	if (!isNetworkFilesystem(mount))
		return addresses;

	// The kernel adds the resolved server address to the NFS and CIFS
	// options. Ceph's newer mount syntax lists its monitors in mon_addr=,
	// separated by '/'.
	addIfNumeric(addresses, optionValue(mount.options, "addr"));
	std::string monitors = optionValue(mount.options, "mon_addr");
	for (size_t start = 0; start < monitors.size();) {
		size_t slash = monitors.find('/', start);
		size_t end = slash == std::string::npos ? monitors.size() : slash;
		addIfNumeric(addresses, hostOf(std::string_view(monitors).substr(start, end - start)));
		start = end + 1;
	}
	if (!addresses.empty())
		return addresses;

	std::string_view source = mount.source;
	if (source.starts_with("//")) {
		source.remove_prefix(2);
		addIfNumeric(addresses, std::string(source.substr(0, source.find('/'))));
		return addresses;
	}

	// "server:/export" (NFS, GlusterFS), "[v6]:/export", and Ceph's
	// "mon1:6789,mon2:6789:/path": the first ":/" starts the path.
	std::string_view hosts = source;
	size_t pathStart = source.find(":/");
	if (pathStart != std::string_view::npos)
		hosts = source.substr(0, pathStart);
	while (!hosts.empty()) {
		size_t comma = hosts.find(',');
		addIfNumeric(addresses, hostOf(hosts.substr(0, comma)));
		hosts.remove_prefix(comma == std::string_view::npos ? hosts.size() : comma + 1);
	}
	return addresses;
}

Result<int> routeInterface(const std::string &address)
{
	unsigned char bytes[sizeof(struct in6_addr)];
	int family = AF_INET;
	size_t length = 4;
	if (::inet_pton(AF_INET, address.c_str(), bytes) != 1) {
		if (::inet_pton(AF_INET6, address.c_str(), bytes) != 1)
			return errnoCode(EINVAL);
		family = AF_INET6;
		length = 16;
	}

	Result<SocketPtr> socket = connectRoute();
	if (!socket)
		return socket.error();

	MessagePtr message(nlmsg_alloc_simple(RTM_GETROUTE, 0));
	if (!message)
		return errnoCode(ENOMEM);
	struct rtmsg header = {};
	header.rtm_family = static_cast<unsigned char>(family);
	header.rtm_dst_len = static_cast<unsigned char>(length * 8);
	if (nlmsg_append(message.get(), &header, sizeof(header), NLMSG_ALIGNTO) < 0 ||
	    nla_put(message.get(), RTA_DST, static_cast<int>(length), bytes) < 0)
		return errnoCode(ENOMEM);

	// Without auto-ack the kernel sends the route or an error, nothing
	// else, so one receive ends the exchange.
	int index = 0;
	int kernelError = 0;
	nl_socket_disable_auto_ack(socket->get());
	nl_socket_modify_cb(socket->get(), NL_CB_VALID, NL_CB_CUSTOM, storeOutputInterface, &index);
	nl_socket_modify_err_cb(socket->get(), NL_CB_CUSTOM, storeKernelError, &kernelError);
	int rc = nl_send_auto(socket->get(), message.get());
	if (rc >= 0)
		rc = nl_recvmsgs_default(socket->get());
	// libnl folds errnos it has no code for (ENETUNREACH among them) into
	// "Unspecific failure", so the kernel's own errno is returned instead.
	if (kernelError != 0)
		return errnoCode(kernelError);
	if (rc < 0)
		return netlinkError(rc);
	if (index <= 0)
		return errnoCode(ENETUNREACH);
	return index;
}

// NOTE: tested against a fake sysfs tree only, never a real iSCSI session.
std::vector<std::string> iscsiTargetAddresses(const std::string &sysfs)
{
	std::vector<std::string> addresses;
	std::string classPath = sysfs + "/class/iscsi_connection";
	DIR *connections = opendir(classPath.c_str());
	if (!connections)
		return addresses;

	while (struct dirent *entry = readdir(connections)) {
		std::string name = entry->d_name;
		if (name == "." || name == "..")
			continue;

		// persistent_address survives a reconnect to a redirected
		// portal; address is the portal of the current connection.
		for (const char *attribute : {"persistent_address", "address"}) {
			std::ifstream file(classPath + "/" + name + "/" + attribute);
			std::string address;
			if (file >> address)
				addIfNumeric(addresses, hostOf(address));
		}
	}
	closedir(connections);

	std::sort(addresses.begin(), addresses.end());
	addresses.erase(std::unique(addresses.begin(), addresses.end()), addresses.end());
	return addresses;
}

Result<std::vector<KeptLink>> linksForNetworkRoot(const MountInfo &rootMount, const std::string &sysfs)
{
	std::vector<KeptLink> kept;
	std::string what;
	std::vector<std::string> addresses;
	if (isNetworkFilesystem(rootMount)) {
		what = "root filesystem is " + rootMount.fsType + " from '" + rootMount.source + "'";
		addresses = networkServerAddresses(rootMount);
	} else {
		// A block device gives no server address, but an iSCSI session
		// that may hold it does. Every session's target stays reachable:
		// taking its link down would hang the I/O of whatever it holds.
		addresses = iscsiTargetAddresses(sysfs);
		if (addresses.empty())
			return kept;
		what = "an iSCSI session, which may hold the root filesystem, reaches its target through it";
	}

	Result<SocketPtr> socket = connectRoute();
	if (!socket)
		return socket.error();
	Result<CachePtr> cache = loadLinks(socket->get());
	if (!cache)
		return cache.error();

	if (addresses.empty()) {
		forEachLink(cache->get(), [&](rtnl_link *link) {
			if (!(rtnl_link_get_flags(link) & IFF_LOOPBACK))
				kept.push_back({rtnl_link_get_ifindex(link), linkName(link),
						what + " and its server address is unknown"});
		});
		return kept;
	}

	std::set<int> indexes;
	for (const std::string &address : addresses) {
		Result<int> index = routeInterface(address);
		if (!index)
			return index.error();
		indexes.insert(*index);
	}

	// Links below a kept one carry its traffic: a VLAN's parent, the
	// ports of a bridge or bond. Repeat until nothing is added.
	for (bool grown = true; grown;) {
		grown = false;
		forEachLink(cache->get(), [&](rtnl_link *link) {
			int index = rtnl_link_get_ifindex(link);
			int lower = rtnl_link_get_link(link);
			int32_t netnsid = 0;
			bool lowerHere = rtnl_link_get_link_netnsid(link, &netnsid) != 0;
			if (indexes.count(index) && lower > 0 && lowerHere && !indexes.count(lower))
				grown |= indexes.insert(lower).second;
			int master = rtnl_link_get_master(link);
			if (master > 0 && indexes.count(master) && !indexes.count(index))
				grown |= indexes.insert(index).second;
		});
	}

	forEachLink(cache->get(), [&](rtnl_link *link) {
		int index = rtnl_link_get_ifindex(link);
		if (indexes.count(index) && !(rtnl_link_get_flags(link) & IFF_LOOPBACK))
			kept.push_back({index, linkName(link),
					what.rfind("an iSCSI", 0) == 0 ? what : what + " and this link carries it"});
	});
	return kept;
}

} // namespace sysclean
