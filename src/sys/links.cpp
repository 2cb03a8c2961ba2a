// SPDX-License-Identifier: LGPL-2.1-or-later
// Network links taken down before DHCP leases are removed, so no client
// renews a lease into the image, except the links the root filesystem
// needs.
#include "sys/links.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <memory>
#include <poll.h>
#include <set>
#include <string_view>

#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>

#include "sys/capabilities.h"
#include "sys/errors.h"

namespace sysclean {

namespace {

using Clock = std::chrono::steady_clock;

struct SocketDeleter {
	void operator()(nl_sock *socket) const { nl_socket_free(socket); }
};
struct CacheDeleter {
	void operator()(nl_cache *cache) const { nl_cache_free(cache); }
};
struct LinkDeleter {
	void operator()(rtnl_link *link) const { rtnl_link_put(link); }
};
struct MessageDeleter {
	void operator()(nl_msg *message) const { nlmsg_free(message); }
};
using SocketPtr = std::unique_ptr<nl_sock, SocketDeleter>;
using CachePtr = std::unique_ptr<nl_cache, CacheDeleter>;
using LinkPtr = std::unique_ptr<rtnl_link, LinkDeleter>;
using MessagePtr = std::unique_ptr<nl_msg, MessageDeleter>;

Result<SocketPtr> connectRoute()
{
	SocketPtr socket(nl_socket_alloc());
	if (!socket)
		return errnoCode(ENOMEM);
	int rc = nl_connect(socket.get(), NETLINK_ROUTE);
	if (rc < 0)
		return netlinkError(rc);
	return socket;
}

Result<CachePtr> loadLinks(nl_sock *socket)
{
	nl_cache *cache = nullptr;
	int rc = rtnl_link_alloc_cache(socket, AF_UNSPEC, &cache);
	if (rc < 0)
		return netlinkError(rc);
	return CachePtr(cache);
}

template <typename Visit>
void forEachLink(nl_cache *cache, Visit visit)
{
	for (nl_object *object = nl_cache_get_first(cache); object;
	     object = nl_cache_get_next(object))
		visit(reinterpret_cast<rtnl_link *>(object));
}

std::string linkName(rtnl_link *link)
{
	const char *name = rtnl_link_get_name(link);
	return name ? name : "#" + std::to_string(rtnl_link_get_ifindex(link));
}

Status setDown(nl_sock *socket, rtnl_link *link)
{
	LinkPtr change(rtnl_link_alloc());
	if (!change)
		return Status::fromErrno(ENOMEM);
	rtnl_link_unset_flags(change.get(), IFF_UP);

	Result<CapabilityScope> scope = CapabilityScope::raise({Capability::NetAdmin});
	if (!scope)
		return scope.error();

	int rc = rtnl_link_change(socket, link, change.get(), 0);
	if (rc < 0)
		return netlinkError(rc);
	return {};
}

// Drains pending notifications from the socket; their content does not
// matter because the caller reloads the link cache.
void drainNotifications(nl_sock *socket)
{
	while (nl_recvmsgs_default(socket) > 0) {
	}
}

// Waits until none of PENDING (by index) has operstate "up", all of them
// checked together against one DEADLINE. Returns the indexes still up.
Result<std::set<int>> waitForOperDown(nl_sock *socket, nl_sock *events, nl_cache *cache,
				      std::set<int> pending, Clock::time_point deadline)
{
	for (;;) {
		int rc = nl_cache_refill(socket, cache);
		if (rc < 0)
			return netlinkError(rc);

		for (auto it = pending.begin(); it != pending.end();) {
			LinkPtr link(rtnl_link_get(cache, *it));
			// A link that vanished is not up either.
			if (!link || rtnl_link_get_operstate(link.get()) != IF_OPER_UP)
				it = pending.erase(it);
			else
				++it;
		}
		if (pending.empty())
			return pending;

		Clock::time_point now = Clock::now();
		if (now >= deadline)
			return pending;

		// Link notifications wake the wait early; the 100 ms cap
		// covers a notification lost to a full socket buffer.
		auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
		int timeout = static_cast<int>(std::min<long long>(remaining.count() + 1, 100));
		struct pollfd fd = {nl_socket_get_fd(events), POLLIN, 0};
		if (::poll(&fd, 1, timeout) > 0)
			drainNotifications(events);
	}
}

bool isKept(const std::vector<KeptLink> &keep, int index)
{
	return std::any_of(keep.begin(), keep.end(),
			   [index](const KeptLink &kept) { return kept.index == index; });
}

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

Result<LinksDownReport> takeLinksDown(const LinksDownOptions &options)
{
	Result<SocketPtr> socket = connectRoute();
	if (!socket)
		return socket.error();

	// Subscribed before any change, so no notification is missed.
	Result<SocketPtr> events = connectRoute();
	if (!events)
		return events.error();
	nl_socket_disable_seq_check(events->get());
	nl_socket_modify_cb(events->get(), NL_CB_VALID, NL_CB_CUSTOM,
			    [](nl_msg *, void *) { return static_cast<int>(NL_OK); }, nullptr);
	int rc = nl_socket_add_membership(events->get(), RTNLGRP_LINK);
	if (rc >= 0)
		rc = nl_socket_set_nonblocking(events->get());
	if (rc < 0)
		return netlinkError(rc);

	Result<CachePtr> cache = loadLinks(socket->get());
	if (!cache)
		return cache.error();

	Clock::time_point deadline = Clock::now() + options.timeout;
	LinksDownReport report;
	std::set<int> pending;
	forEachLink(cache->get(), [&](rtnl_link *link) {
		int index = rtnl_link_get_ifindex(link);
		unsigned flags = rtnl_link_get_flags(link);
		if (flags & IFF_LOOPBACK)
			return;

		if (isKept(options.keep, index)) {
			auto kept = std::find_if(options.keep.begin(), options.keep.end(),
						 [index](const KeptLink &k) { return k.index == index; });
			report.kept.push_back({index, linkName(link), kept->reason});
			return;
		}
		if (!(flags & IFF_UP))
			return;

		Status status = setDown(socket->get(), link);
		if (!status) {
			report.failures.push_back({linkName(link), status.error()});
			return;
		}
		pending.insert(index);
	});

	std::set<int> setDownLinks = pending;
	Result<std::set<int>> stillUp = waitForOperDown(socket->get(), events->get(), cache->get(),
							std::move(pending), deadline);
	if (!stillUp)
		return stillUp.error();

	for (int index : setDownLinks) {
		LinkPtr link(rtnl_link_get(cache->get(), index));
		std::string name = link ? linkName(link.get()) : "#" + std::to_string(index);
		if (stillUp->count(index))
			report.failures.push_back({name, errnoCode(ETIMEDOUT)});
		else
			report.takenDown.push_back(name);
	}
	return report;
}

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
	// options; Ceph since Linux 5.19 lists its monitors in mon_addr=,
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
	// "mon1:6789,mon2:6789:/path", whose last colon starts the path.
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
	nl_socket_disable_auto_ack(socket->get());
	nl_socket_modify_cb(socket->get(), NL_CB_VALID, NL_CB_CUSTOM, storeOutputInterface, &index);
	int rc = nl_send_auto(socket->get(), message.get());
	if (rc >= 0)
		rc = nl_recvmsgs_default(socket->get());
	if (rc < 0)
		return netlinkError(rc);
	if (index <= 0)
		return errnoCode(ENETUNREACH);
	return index;
}

Result<std::vector<KeptLink>> linksForNetworkRoot(const MountInfo &rootMount)
{
	std::vector<KeptLink> kept;
	if (!isNetworkFilesystem(rootMount))
		return kept;

	Result<SocketPtr> socket = connectRoute();
	if (!socket)
		return socket.error();
	Result<CachePtr> cache = loadLinks(socket->get());
	if (!cache)
		return cache.error();

	std::string what = "root filesystem is " + rootMount.fsType + " from '" + rootMount.source + "'";
	std::vector<std::string> addresses = networkServerAddresses(rootMount);
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
			kept.push_back({index, linkName(link), what + " and this link carries it"});
	});
	return kept;
}

} // namespace sysclean
