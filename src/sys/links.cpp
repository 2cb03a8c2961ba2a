// SPDX-License-Identifier: LGPL-2.1-or-later
// Network links taken down before DHCP leases are removed, so no client
// renews a lease into the image, except the links the root filesystem
// needs.
#include "sys/links.h"

#include <algorithm>
#include <cerrno>
#include <linux/if.h>
#include <memory>
#include <poll.h>
#include <set>

#include "sys/capabilities.h"
#include "sys/netlink_support.h"

namespace sysclean {

namespace {

using Clock = std::chrono::steady_clock;

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

} // namespace sysclean
