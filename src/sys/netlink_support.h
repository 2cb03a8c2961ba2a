// SPDX-License-Identifier: LGPL-2.1-or-later
// Owners for libnl handles and the helpers shared by the files of src/sys
// that use libnl; no other directory includes this header.
#pragma once

#include <memory>
#include <string>

#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>

#include "base/result.h"
#include "sys/errors.h"

namespace sysclean {

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

inline Result<SocketPtr> connectRoute()
{
	SocketPtr socket(nl_socket_alloc());
	if (!socket)
		return errnoCode(ENOMEM);
	int rc = nl_connect(socket.get(), NETLINK_ROUTE);
	if (rc < 0)
		return netlinkError(rc);
	return socket;
}

inline Result<CachePtr> loadLinks(nl_sock *socket)
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

inline std::string linkName(rtnl_link *link)
{
	const char *name = rtnl_link_get_name(link);
	return name ? name : "#" + std::to_string(rtnl_link_get_ifindex(link));
}

} // namespace sysclean
