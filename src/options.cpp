// SPDX-License-Identifier: LGPL-2.1-or-later
// The command line: options, the --operations grammar, and usage text.
#include "options.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <getopt.h>
#include <set>

#include "ops/registry.h"

namespace sysclean {

namespace {

enum OptionId {
	OptionRoot = 0x100,
	OptionOperations,
	OptionListOperations,
	OptionIfPending,
	OptionLive,
	OptionYes,
	OptionVersion,
	OptionLinkTimeout,
	OptionStagingLimit,
};

// Parses "128M", "1G", "4096" into bytes.
bool parseSize(const char *text, uint64_t &bytes)
{
	// strtoull() would accept leading blanks and a minus sign.
	if (!std::isdigit(static_cast<unsigned char>(text[0])))
		return false;

	char *end = nullptr;
	errno = 0;
	unsigned long long value = std::strtoull(text, &end, 10);
	if (errno != 0 || end == text)
		return false;

	uint64_t multiplier = 1;
	std::string suffix(end);
	if (suffix == "K" || suffix == "KiB")
		multiplier = 1ull << 10;
	else if (suffix == "M" || suffix == "MiB")
		multiplier = 1ull << 20;
	else if (suffix == "G" || suffix == "GiB")
		multiplier = 1ull << 30;
	else if (!suffix.empty())
		return false;

	if (value > UINT64_MAX / multiplier)
		return false;
	bytes = value * multiplier;
	return true;
}

} // namespace

void printUsage()
{
	std::printf(
		"Usage: sysclean [OPTION]...\n"
		"Remove per-instance state (logs, shell history, DHCP leases, cloud-init\n"
		"state, crash dumps, ...) from a Linux system so that its clones share none.\n"
		"\n"
		"  -r, --root=DIR          seal the system whose root is DIR (default: the\n"
		"                          running system, which needs the marker, --live or\n"
		"                          --yes)\n"
		"  -o, --operations=LIST   comma list of operations: NAME, -NAME, defaults,\n"
		"                          all; repeatable, applied in order from nothing\n"
		"                          (default: defaults)\n"
		"      --list-operations   list operations: name, '*' when on by default,\n"
		"                          description\n"
		"  -n, --dry-run           print what would be removed or emptied, change\n"
		"                          nothing\n"
		"      --if-pending        do nothing unless ROOT/etc/sysclean-pending exists;\n"
		"                          remove it after success, rename it to\n"
		"                          sysclean-failed with the errors after a failure\n"
		"      --live              the target is running: stop DHCP clients and\n"
		"                          firewalld, take links down, and move log\n"
		"                          directories to a tmpfs copy first\n"
		"      --link-timeout=SEC  live: time for all links to go down (default 20)\n"
		"      --staging-limit=SIZE\n"
		"                          live: largest log directory copied to tmpfs, in\n"
		"                          bytes or with K, M, G (default 128M)\n"
		"  -y, --yes               seal the running system without the marker\n"
		"  -v, --verbose           print each path changed; twice: debug messages\n"
		"  -q, --quiet             print only warnings and errors\n"
		"  -h, --help              display this help and exit\n"
		"  -V, --version           display version information and exit\n"
		"\n"
		"Exit status: 0 success or nothing to do, 1 usage or setup error,\n"
		"2 one or more operations failed.\n"
		"\n"
		"See sysclean(8).\n");
}

Result<Options> parseOptions(int argc, char **argv, std::string &error)
{
	static const struct option longOptions[] = {
		{"root", required_argument, nullptr, 'r'},
		{"operations", required_argument, nullptr, 'o'},
		{"list-operations", no_argument, nullptr, OptionListOperations},
		{"dry-run", no_argument, nullptr, 'n'},
		{"if-pending", no_argument, nullptr, OptionIfPending},
		{"live", no_argument, nullptr, OptionLive},
		{"link-timeout", required_argument, nullptr, OptionLinkTimeout},
		{"staging-limit", required_argument, nullptr, OptionStagingLimit},
		{"yes", no_argument, nullptr, 'y'},
		{"verbose", no_argument, nullptr, 'v'},
		{"quiet", no_argument, nullptr, 'q'},
		{"help", no_argument, nullptr, 'h'},
		{"version", no_argument, nullptr, 'V'},
		{nullptr, 0, nullptr, 0},
	};

	Options options;
	int verbosity = 0;
	bool quiet = false;

	// getopt_long() prints its own message for unknown options; keep it,
	// as util-linux tools do, and add the hint below.
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "r:o:nyvqhV", longOptions, nullptr)) != -1) {
		switch (c) {
		case 'r':
			options.root = optarg;
			options.rootGiven = true;
			if (options.root.empty()) {
				error = "--root needs a directory";
				return errnoCode(EINVAL);
			}
			break;
		case 'o':
			options.operationLists.emplace_back(optarg);
			break;
		case OptionListOperations:
			options.listOperations = true;
			break;
		case 'n':
			options.dryRun = true;
			break;
		case OptionIfPending:
			options.ifPending = true;
			break;
		case OptionLive:
			options.live = true;
			break;
		case OptionLinkTimeout: {
			// Decimal digits and one point only: strtod() would also
			// take "nan", "inf" and hexadecimal numbers.
			std::string text(optarg);
			bool decimal = !text.empty() &&
				       text.find_first_not_of("0123456789.") == std::string::npos &&
				       std::count(text.begin(), text.end(), '.') <= 1 && text != ".";
			char *end = nullptr;
			errno = 0;
			double seconds = decimal ? std::strtod(optarg, &end) : -1;
			if (!decimal || errno != 0 || *end != '\0' || seconds > 3600) {
				error = std::string("invalid --link-timeout '") + optarg +
					"': expected seconds from 0 to 3600";
				return errnoCode(EINVAL);
			}
			options.liveSettings.linkTimeout =
				std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
			break;
		}
		case OptionStagingLimit:
			// tmpfs reads size=0 as "no limit": reject it.
			if (!parseSize(optarg, options.liveSettings.stagingLimit) ||
			    options.liveSettings.stagingLimit == 0) {
				error = std::string("invalid --staging-limit '") + optarg +
					"': expected a size above 0, in bytes or with K, M or G";
				return errnoCode(EINVAL);
			}
			break;
		case 'y':
			options.yes = true;
			break;
		case 'v':
			verbosity++;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			options.help = true;
			break;
		case 'V':
			options.version = true;
			break;
		default:
			error.clear();
			return errnoCode(EINVAL);
		}
	}

	if (optind < argc) {
		error = std::string("unexpected argument '") + argv[optind] + "'";
		return errnoCode(EINVAL);
	}
	if (quiet && verbosity > 0) {
		error = "--quiet and --verbose exclude each other";
		return errnoCode(EINVAL);
	}

	if (quiet)
		options.logLevel = LogLevel::Warning;
	else if (verbosity >= 2)
		options.logLevel = LogLevel::Debug;
	// -v once prints each changed path on stdout; the log stays at info.
	options.verbose = verbosity >= 1;

	return options;
}

Result<std::vector<const Operation *>> selectOperations(const std::vector<std::string> &lists,
							std::string &error)
{
	std::set<const Operation *> selected;

	auto addDefaults = [&]() {
		for (const Operation *operation : allOperations()) {
			if (operation->enabledByDefault)
				selected.insert(operation);
		}
	};

	if (lists.empty())
		addDefaults();

	for (const std::string &list : lists) {
		size_t start = 0;
		while (start <= list.size()) {
			size_t end = list.find(',', start);
			if (end == std::string::npos)
				end = list.size();
			std::string item = list.substr(start, end - start);
			start = end + 1;

			if (item.empty())
				continue;
			if (item == "defaults") {
				addDefaults();
				continue;
			}
			if (item == "all") {
				for (const Operation *operation : allOperations())
					selected.insert(operation);
				continue;
			}

			bool remove = item.front() == '-';
			std::string name = remove ? item.substr(1) : item;
			const Operation *operation = findOperation(name);
			if (!operation) {
				error = "unknown operation '" + name + "'; valid operations:";
				for (const Operation *known : allOperations())
					error += " " + std::string(known->name);
				error += ", defaults, all";
				return errnoCode(EINVAL);
			}
			if (remove)
				selected.erase(operation);
			else
				selected.insert(operation);
		}
	}

	std::vector<const Operation *> ordered;
	for (const Operation *operation : allOperations()) {
		if (selected.count(operation))
			ordered.push_back(operation);
	}
	return ordered;
}

} // namespace sysclean
