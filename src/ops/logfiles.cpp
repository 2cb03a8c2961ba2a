// SPDX-License-Identifier: LGPL-2.1-or-later
// logfiles: log files, which record this machine's boots, logins, addresses
// and errors, and would be handed to every clone.
#include <array>

#include "ops/operation.h"

namespace sysclean {

namespace {

// Directories whose files are all removed while every directory stays with
// its mode and owner: nginx, mysql and journald refuse to start without
// their log directory.
constexpr std::array<std::string_view, 6> kLogDirectories{
	"/var/log",
	"/var/cache/gdm",
	"/var/lib/AccountsService/users",
	"/var/lib/fprint",
	"/var/cache/fontconfig",
	"/var/cache/man",
};

// Login records that login, sshd and pam_tally expect to exist: emptied in
// place, which keeps inode, mode, owner and extended attributes, and costs
// nothing for a sparse lastlog of many gigabytes.
constexpr std::array<std::string_view, 5> kEmptiedNames{
	"wtmp", "btmp", "lastlog", "faillog", "tallylog",
};

constexpr std::array<std::string_view, 15> kFilePatterns{
	"/var/lib/logrotate.status",
	"/var/lib/logrotate/status",
	"/var/named/data/named.run",
	// Left in /root by the Anaconda installer and initial-setup.
	"/root/install.log",
	"/root/install.log.syslog",
	"/root/anaconda-ks.cfg",
	"/root/original-ks.cfg",
	"/root/anaconda-post.log",
	"/root/initial-setup-ks.cfg",
	// OpenPegasus (tog-pegasus) generates its certificates at first start.
	"/etc/Pegasus/*.cnf",
	"/etc/Pegasus/*.crt",
	"/etc/Pegasus/*.csr",
	"/etc/Pegasus/*.pem",
	"/etc/Pegasus/*.srl",
	"/var/lib/logrotate/status.tmp",
};

constexpr std::array<std::string_view, 8> kAreas{
	"/var/log", "/var/cache", "/var/lib", "/var/named", "/root", "/etc/Pegasus",
	"/var/lib/AccountsService", "/var/lib/fprint",
};

Status runLogfiles(OperationContext &context)
{
	Remover &remover = context.remover;
	Status status;

	TreeRules rules;
	rules.keepDirectories = true;
	rules.truncateNames = kEmptiedNames;
	for (std::string_view directory : kLogDirectories)
		status.update(remover.emptyDirectory(directory, rules));

	for (std::string_view pattern : kFilePatterns)
		status.update(remover.removeMatches(pattern));
	return status;
}

} // namespace

extern const Operation logfilesOperation{
	"logfiles",
	"Remove log files, emptying wtmp, btmp, lastlog and faillog in place",
	true,
	kAreas,
	runLogfiles,
};

} // namespace sysclean
