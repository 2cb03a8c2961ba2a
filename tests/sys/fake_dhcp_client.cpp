// SPDX-License-Identifier: LGPL-2.1-or-later
// A stand-in for a DHCP client: the tests install it as dhclient, dhcpcd
// or busybox and check which copies sysclean stops. It waits for a
// signal; with FAKE_DHCP_IGNORE_TERM set it ignores SIGTERM, as a hung
// client would, so only SIGKILL ends it.
#include <csignal>
#include <cstdlib>
#include <unistd.h>

int main()
{
	if (std::getenv("FAKE_DHCP_IGNORE_TERM"))
		std::signal(SIGTERM, SIG_IGN);
	for (;;)
		::pause();
}
