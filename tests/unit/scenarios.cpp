// SPDX-License-Identifier: LGPL-2.1-or-later
// One fixture tree per operation and case, with the exact list of paths the
// operation must remove or empty, for the checks every operation shares.
#include "unit/scenarios.h"

#include <algorithm>

#include <catch2/catch.hpp>

namespace sysclean::test {

namespace {

const std::string kPasswd =
	"root:x:0:0:root:/root:/bin/bash\n"
	"daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
	"alice:x:1000:1000:Alice:/home/alice:/bin/bash\n"
	"bob:x:1001:1001:Bob:/srv/users/bob:/bin/bash\n"
	"nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";

Scenario bashHistoryBasic()
{
	Scenario scenario;
	scenario.entries = {
		file("etc/passwd", kPasswd),
		file("root/.bash_history", "ls\n", 0600),
		file("root/.bashrc"),
		file("home/alice/.bash_history", "sudo -i\n", 0600),
		file("home/alice/.bash_history.bak"),
		file("home/alice/notes"),
		file("srv/users/bob/.bash_history", "make\n", 0600),
		file("srv/users/bob/.profile"),
		// Not in passwd: found by the /home/* search.
		file("home/carol/.bash_history", "vim\n", 0600),
		// A directory of that name is a deliberate choice and stays.
		file("home/dave/.bash_history/keep"),
		file("home/erin/.zsh_history"),
		file("usr/sbin/daemon-tool"),
	};
	scenario.removed = {
		"/root/.bash_history",
		"/home/alice/.bash_history",
		"/srv/users/bob/.bash_history",
		"/home/carol/.bash_history",
	};
	return scenario;
}

Scenario bashHistoryEscapes(const TempTree &tree)
{
	Scenario scenario;
	scenario.entries = {
		file("etc/passwd", kPasswd + "eve:x:1002:1002:Eve:" + tree.sentinel() + ":/bin/bash\n"),
		symlink("home/alice/.bash_history", tree.sentinel() + "/etc/shadow"),
		// From ROOT/root, "../.." is the fixture's parent on the host.
		symlink("root/.bash_history", "../../sentinel/etc/shadow"),
		symlink("home/mallory", tree.sentinel()),
		symlink("home/relative", "../../sentinel"),
	};
	scenario.sentinelEntries = {file(".bash_history", "host history\n")};
	scenario.removed = {"/root/.bash_history", "/home/alice/.bash_history"};
	return scenario;
}

Scenario cloudInitBasic()
{
	Scenario scenario;
	scenario.entries = {
		file("var/lib/cloud/instances/iid-1/boot-finished"),
		file("var/lib/cloud/instances/iid-1/user-data.txt", "#cloud-config\n", 0600),
		file("var/lib/cloud/instances/iid-1/sem/config_ssh"),
		symlink("var/lib/cloud/instance", "/var/lib/cloud/instances/iid-1"),
		file("var/lib/cloud/data/instance-id", "iid-1\n"),
		file("var/lib/cloud/data/previous-hostname", "vm1\n"),
		file("var/lib/cloud/sem/config_scripts_per_once.once"),
		file("var/lib/cloud/seed/nocloud/meta-data", "instance-id: iid-1\n"),
		file("var/lib/cloud/seed/nocloud/user-data", "#cloud-config\n"),
		file("var/lib/cloud/scripts/per-boot/50-site.sh", "#!/bin/sh\n", 0755),
		file("var/log/cloud-init.log"),
		file("var/log/cloud-init.log.1"),
		file("var/log/cloud-init-output.log"),
		file("var/log/cloud-init-output.log.2.gz"),
		file("var/log/syslog"),
		file("etc/cloud/cloud.cfg"),
	};
	scenario.removed = {
		"/var/lib/cloud/instances/iid-1/boot-finished",
		"/var/lib/cloud/instances/iid-1/user-data.txt",
		"/var/lib/cloud/instances/iid-1/sem/config_ssh",
		"/var/lib/cloud/instances/iid-1/sem",
		"/var/lib/cloud/instances/iid-1",
		"/var/lib/cloud/instances",
		"/var/lib/cloud/instance",
		"/var/lib/cloud/data/instance-id",
		"/var/lib/cloud/data/previous-hostname",
		"/var/lib/cloud/data",
		"/var/lib/cloud/sem/config_scripts_per_once.once",
		"/var/lib/cloud/sem",
		"/var/log/cloud-init.log",
		"/var/log/cloud-init.log.1",
		"/var/log/cloud-init-output.log",
		"/var/log/cloud-init-output.log.2.gz",
	};
	return scenario;
}

Scenario cloudInitEscapes(const TempTree &tree)
{
	Scenario scenario;
	scenario.entries = {
		symlink("var/lib/cloud/instance", tree.sentinel()),
		// From ROOT/var/lib/cloud, "../../../.." is the fixture's parent.
		symlink("var/lib/cloud/data", "../../../../sentinel"),
		symlink("var/log/cloud-init.log", tree.sentinel() + "/log/syslog"),
		file("var/lib/cloud/seed/nocloud/meta-data"),
	};
	scenario.removed = {
		"/var/lib/cloud/instance",
		"/var/lib/cloud/data",
		"/var/log/cloud-init.log",
	};
	return scenario;
}

Scenario crashDataBasic()
{
	Scenario scenario;
	scenario.entries = {
		file("var/crash/202401011200/dmesg.202401011200"),
		file("var/crash/202401011200/dump.202401011200", std::string(4096, 'x'), 0600),
		file("var/crash/_usr_bin_foo.1000.crash", "ProblemType: Crash\n", 0640),
		file("var/log/dump/vmcore"),
		file("var/log/syslog"),
		file("var/lib/systemd/coredump/core.foo.1000.zst"),
	};
	scenario.removed = {
		"/var/crash/202401011200/dmesg.202401011200",
		"/var/crash/202401011200/dump.202401011200",
		"/var/crash/202401011200",
		"/var/crash/_usr_bin_foo.1000.crash",
		"/var/log/dump/vmcore",
	};
	return scenario;
}

Scenario crashDataEscapes(const TempTree &tree)
{
	// Each link's target also exists inside the root: resolved there, its
	// contents go, while the host's copy in the sentinel stays.
	std::string inRootSentinel = tree.sentinel().substr(1);

	Scenario scenario;
	scenario.entries = {
		symlink("var/crash", tree.sentinel() + "/crash"),
		file(inRootSentinel + "/crash/core.absolute"),
		// From ROOT/var/log, "../../.." is the fixture's parent.
		symlink("var/log/dump", "../../../sentinel/crash"),
		file("sentinel/crash/core.relative"),
	};
	scenario.removed = {"/var/crash/core.absolute", "/var/log/dump/core.relative"};
	scenario.removedResolved = {
		"/" + inRootSentinel + "/crash/core.absolute",
		"/sentinel/crash/core.relative",
	};
	return scenario;
}

Scenario dhcpClientStateBasic()
{
	Scenario scenario;
	scenario.entries = {
		file("var/lib/dhclient/dhclient--eth0.lease"),
		file("var/lib/dhclient/dhclient6.leases"),
		file("var/lib/dhcp/dhclient.leases"),
		file("var/lib/dhcp/dhclient.eth0.leases"),
		file("var/lib/dhcp/dhcpd.leases", "lease 10.0.0.5 {}\n"),
		file("var/lib/dhcp/dhcpd.leases~"),
		file("var/lib/dhcp/dhcpd6.leases"),
		file("var/lib/dhcpd/dhcpd.leases"),
		file("var/lib/dhcpd/dhcpd6.leases"),
		file("var/lib/dhcpcd/duid"),
		file("var/lib/dhcpcd/secret", "s", 0600),
		file("var/lib/dhcpcd/eth0.lease"),
		// Both NetworkManager lease names match two patterns each.
		file("var/lib/NetworkManager/internal-6a2d-eth0.lease"),
		file("var/lib/NetworkManager/dhclient-6a2d-eth0.lease"),
		file("var/lib/NetworkManager/dhclient-eth0.conf"),
		file("var/lib/NetworkManager/NetworkManager.state"),
		file("var/lib/NetworkManager/timestamps"),
		file("run/systemd/netif/leases/2"),
		file("run/systemd/netif/links/2"),
		file("var/lib/systemd/network/eth0.lease"),
		file("var/lib/wicked/lease-eth0-dhcp-ipv4.xml"),
		file("var/lib/wicked/duid.xml"),
		file("var/lib/wicked/iaid.xml"),
		file("var/lib/wicked/config.xml"),
	};
	scenario.removed = {
		"/var/lib/dhclient/dhclient--eth0.lease",
		"/var/lib/dhclient/dhclient6.leases",
		"/var/lib/dhcp/dhclient.leases",
		"/var/lib/dhcp/dhclient.eth0.leases",
		"/var/lib/dhcpcd/duid",
		"/var/lib/dhcpcd/secret",
		"/var/lib/dhcpcd/eth0.lease",
		"/var/lib/NetworkManager/internal-6a2d-eth0.lease",
		"/var/lib/NetworkManager/dhclient-6a2d-eth0.lease",
		"/var/lib/NetworkManager/dhclient-eth0.conf",
		"/run/systemd/netif/leases/2",
		"/var/lib/systemd/network/eth0.lease",
		"/var/lib/wicked/lease-eth0-dhcp-ipv4.xml",
		"/var/lib/wicked/duid.xml",
		"/var/lib/wicked/iaid.xml",
	};
	return scenario;
}

Scenario dhcpClientStateEscapes(const TempTree &tree)
{
	Scenario scenario;
	scenario.entries = {
		symlink("var/lib/dhclient", tree.sentinel()),
		symlink("var/lib/dhcp/dhclient.eth0.leases", tree.sentinel() + "/keep"),
		// From ROOT/var/lib, "../../.." is the fixture's parent.
		symlink("var/lib/dhcpcd", "../../../sentinel"),
	};
	scenario.sentinelEntries = {file("dhclient.leases"), file("duid")};
	scenario.removed = {"/var/lib/dhcp/dhclient.eth0.leases"};
	return scenario;
}

Scenario firewallRulesBasic()
{
	Scenario scenario;
	scenario.entries = {
		file("etc/sysconfig/iptables", "*filter\nCOMMIT\n", 0600),
		file("etc/sysconfig/ip6tables", "*filter\nCOMMIT\n", 0600),
		file("etc/sysconfig/iptables-config"),
		file("etc/sysconfig/network"),
		file("etc/firewalld/firewalld.conf"),
		file("etc/firewalld/zones/public.xml"),
		file("etc/firewalld/zones/public.xml.old"),
		file("etc/firewalld/services/site.xml"),
		file("etc/firewalld/icmptypes/site.xml"),
		file("usr/lib/firewalld/zones/public.xml"),
	};
	scenario.removed = {
		"/etc/sysconfig/iptables",
		"/etc/sysconfig/ip6tables",
		"/etc/firewalld/zones/public.xml",
		"/etc/firewalld/zones/public.xml.old",
		"/etc/firewalld/services/site.xml",
	};
	return scenario;
}

Scenario firewallRulesEscapes(const TempTree &tree)
{
	Scenario scenario;
	scenario.entries = {
		symlink("etc/firewalld/zones", tree.sentinel() + "/etc"),
		// From ROOT/etc/firewalld, "../../.." is the fixture's parent.
		symlink("etc/firewalld/services", "../../../sentinel/etc"),
		symlink("etc/sysconfig/iptables", tree.sentinel() + "/etc/shadow"),
	};
	scenario.removed = {"/etc/sysconfig/iptables"};
	return scenario;
}

Scenario logfilesBasic()
{
	Scenario scenario;
	scenario.entries = {
		file("var/log/syslog"),
		file("var/log/messages"),
		file("var/log/auth.log.1", "sshd\n", 0640),
		file("var/log/kern.log.2.gz"),
		file("var/log/wtmp", std::string(384, 'w'), 0664),
		file("var/log/btmp", std::string(384, 'b'), 0660),
		file("var/log/lastlog", std::string(292, 'l'), 0664),
		// Already empty: nothing to change, so nothing is listed.
		file("var/log/faillog", "", 0644),
		file("var/log/apt/history.log"),
		file("var/log/apt/term.log", "x", 0640),
		file("var/log/nginx/access.log"),
		file("var/log/journal/0123abcd/system.journal", "LPKSHHRH", 0640),
		file("var/log/private/secret.log", "x", 0600),
		directory("var/log/installer"),
		directory("var/log/sssd", 0700),
		fifo("var/log/xconsole"),
		socket("var/log/devlog"),
		symlink("var/log/README", "../../usr/share/doc/README"),
		file("var/cache/man/index.db"),
		file("var/cache/man/cat1/ls.1.gz"),
		file("var/cache/fontconfig/abc-le64.cache-7"),
		file("var/cache/apt/pkgcache.bin"),
		file("var/lib/logrotate/status"),
		file("var/lib/dpkg/status"),
		file("root/anaconda-ks.cfg"),
		file("root/install.log"),
		file("root/keep.txt"),
		file("etc/Pegasus/server.pem"),
		file("etc/Pegasus/cimserver_planned.conf"),
		file("usr/share/doc/README"),
	};
	scenario.removed = {
		"/var/log/syslog",
		"/var/log/messages",
		"/var/log/auth.log.1",
		"/var/log/kern.log.2.gz",
		"/var/log/apt/history.log",
		"/var/log/apt/term.log",
		"/var/log/nginx/access.log",
		"/var/log/journal/0123abcd/system.journal",
		"/var/log/private/secret.log",
		"/var/log/devlog",
		"/var/log/README",
		"/var/cache/man/index.db",
		"/var/cache/man/cat1/ls.1.gz",
		"/var/cache/fontconfig/abc-le64.cache-7",
		"/var/lib/logrotate/status",
		"/root/anaconda-ks.cfg",
		"/root/install.log",
		"/etc/Pegasus/server.pem",
	};
	scenario.emptied = {"/var/log/wtmp", "/var/log/btmp", "/var/log/lastlog"};
	return scenario;
}

Scenario logfilesEscapes(const TempTree &tree)
{
	Scenario scenario;
	scenario.entries = {
		symlink("var/log/host", tree.sentinel() + "/log"),
		// From ROOT/var/log, "../../.." is the fixture's parent.
		symlink("var/log/relative", "../../../sentinel/log"),
		// A symlink never counts as a login record to empty.
		symlink("var/log/wtmp", tree.sentinel() + "/log/syslog"),
		symlink("var/cache/man", tree.sentinel() + "/log"),
		// From ROOT/var/lib/AccountsService, "../../../.." is the parent.
		symlink("var/lib/AccountsService/users", "../../../../sentinel/log"),
		symlink("var/lib/logrotate/status", tree.sentinel() + "/log/syslog"),
	};
	scenario.removed = {
		"/var/log/host",
		"/var/log/relative",
		"/var/log/wtmp",
		"/var/lib/logrotate/status",
	};
	return scenario;
}

} // namespace

const std::vector<std::string> &operationNames()
{
	static const std::vector<std::string> names{
		"bash-history", "cloud-init", "crash-data",
		"dhcp-client-state", "firewall-rules", "logfiles",
	};
	return names;
}

Scenario basicScenario(const std::string &operation, const TempTree &tree)
{
	(void)tree;
	Scenario scenario;
	if (operation == "bash-history")
		scenario = bashHistoryBasic();
	else if (operation == "cloud-init")
		scenario = cloudInitBasic();
	else if (operation == "crash-data")
		scenario = crashDataBasic();
	else if (operation == "dhcp-client-state")
		scenario = dhcpClientStateBasic();
	else if (operation == "firewall-rules")
		scenario = firewallRulesBasic();
	else if (operation == "logfiles")
		scenario = logfilesBasic();
	else
		FAIL("no scenario for operation '" << operation << "'");
	scenario.operation = operation;
	return scenario;
}

Scenario escapeScenario(const std::string &operation, const TempTree &tree)
{
	Scenario scenario;
	if (operation == "bash-history")
		scenario = bashHistoryEscapes(tree);
	else if (operation == "cloud-init")
		scenario = cloudInitEscapes(tree);
	else if (operation == "crash-data")
		scenario = crashDataEscapes(tree);
	else if (operation == "dhcp-client-state")
		scenario = dhcpClientStateEscapes(tree);
	else if (operation == "firewall-rules")
		scenario = firewallRulesEscapes(tree);
	else if (operation == "logfiles")
		scenario = logfilesEscapes(tree);
	else
		FAIL("no scenario for operation '" << operation << "'");
	scenario.operation = operation;
	return scenario;
}

void populate(const TempTree &tree, const Scenario &scenario)
{
	tree.add(scenario.entries);
	tree.addSentinel(scenario.sentinelEntries);
}

std::vector<std::string> expectedLines(const Scenario &scenario)
{
	std::vector<std::string> lines;
	for (const std::string &path : scenario.removed)
		lines.push_back("remove " + path);
	for (const std::string &path : scenario.emptied)
		lines.push_back("empty " + path);
	std::sort(lines.begin(), lines.end());
	return lines;
}

Snapshot expectedAfter(const Snapshot &before, const Scenario &scenario)
{
	Snapshot expected = before;
	for (const std::string &path : scenario.removed)
		expected.erase("root" + path);
	for (const std::string &path : scenario.removedResolved) {
		REQUIRE(expected.count("root" + path) == 1);
		expected.erase("root" + path);
	}
	for (const std::string &path : scenario.emptied) {
		auto found = expected.find("root" + path);
		REQUIRE(found != expected.end());
		found->second.size = 0;
	}
	return expected;
}

} // namespace sysclean::test
