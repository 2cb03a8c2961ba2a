// SPDX-License-Identifier: LGPL-2.1-or-later
// The command line: --list-operations, the --operations grammar, --help,
// usage errors, --if-pending and the man page, all through the real binary.
#include <cstdlib>
#include <regex>
#include <set>
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "ops/registry.h"
#include "unit/fixture.h"
#include "unit/scenarios.h"

namespace sysclean::test {

namespace {

// Names of the operations that logged a summary line, in log order.
std::vector<std::string> operationsRun(const std::string &err)
{
	static const std::regex summary("^([a-z-]+): (nothing to do|would .*|removed .*|emptied .*|[0-9]+ errors?)$");
	std::vector<std::string> names;
	for (const std::string &line : splitLines(err)) {
		std::smatch match;
		if (std::regex_match(line, match, summary))
			names.push_back(match[1]);
	}
	return names;
}

using Names = std::vector<std::string>;

const Names kDefaults{"bash-history", "cloud-init", "crash-data", "dhcp-client-state", "logfiles"};
const Names kAll{"bash-history", "cloud-init", "crash-data", "dhcp-client-state", "firewall-rules", "logfiles"};

} // namespace

TEST_CASE("cli: list operations format", "[cli]")
{
	ProcessResult result = runSysclean({"--list-operations"});

	CHECK(result.status == 0);
	CHECK(result.err == "");
	std::vector<std::string> lines = splitLines(result.out);
	REQUIRE(lines.size() == allOperations().size());

	static const std::regex format("^([a-z0-9-]+) ([* ]) ([^ ].*[^ ])$");
	for (size_t i = 0; i < lines.size(); i++) {
		const Operation *operation = allOperations()[i];
		INFO("line: '" << lines[i] << "'");
		std::smatch match;
		REQUIRE(std::regex_match(lines[i], match, format));
		CHECK(match[1] == std::string(operation->name));
		CHECK(match[2] == std::string(operation->enabledByDefault ? "*" : " "));
		CHECK(match[3] == std::string(operation->description));
		CHECK(lines[i].find("  ", match.position(3)) == std::string::npos);
	}
	CHECK(lines[4] == "firewall-rules   Remove custom firewall rules (iptables, firewalld)");
}

TEST_CASE("cli: registry holds the six operations", "[cli]")
{
	Names names;
	for (const Operation *operation : allOperations())
		names.emplace_back(operation->name);
	CHECK(names == operationNames());
	CHECK(names == kAll);
	for (const Operation *operation : allOperations()) {
		INFO("operation: " << operation->name);
		CHECK(operation->enabledByDefault == (operation->name != "firewall-rules"));
		CHECK(findOperation(operation->name) == operation);
	}
	CHECK(findOperation("machine-id-typo") == nullptr);
}

TEST_CASE("cli: operations grammar", "[cli]")
{
	using Case = std::pair<std::vector<std::string>, Names>;
	auto [args, expected] = GENERATE(
		Case{{}, kDefaults},
		Case{{"--operations=defaults"}, kDefaults},
		Case{{"--operations=all"}, kAll},
		Case{{"--operations=defaults,-logfiles"}, {"bash-history", "cloud-init", "crash-data", "dhcp-client-state"}},
		Case{{"--operations=bash-history", "--operations=logfiles"}, {"bash-history", "logfiles"}},
		Case{{"-o", "all", "-o", "-cloud-init,-crash-data"}, {"bash-history", "dhcp-client-state", "firewall-rules", "logfiles"}},
		Case{{"--operations=firewall-rules"}, {"firewall-rules"}},
		Case{{"--operations=defaults", "--operations=firewall-rules"}, kAll},
		Case{{"--operations=-logfiles"}, {}},
		Case{{"--operations=logfiles,-logfiles,logfiles"}, {"logfiles"}},
		Case{{"--operations=logfiles,bash-history"}, {"bash-history", "logfiles"}},
		Case{{"--operations=bash-history,,logfiles,"}, {"bash-history", "logfiles"}});
	TempTree tree;

	std::vector<std::string> command{"--root=" + tree.root(), "--dry-run"};
	command.insert(command.end(), args.begin(), args.end());
	ProcessResult result = runSysclean(command);

	std::string joined;
	for (const std::string &arg : args)
		joined += arg + " ";
	INFO("arguments: " << joined << "\nstderr:\n" << result.err);
	CHECK(result.status == 0);
	CHECK(operationsRun(result.err) == expected);
}

TEST_CASE("cli: unknown operation names the valid ones", "[cli]")
{
	std::string list = GENERATE("bash-history,nope", "nope", "-nope", "Logfiles", "default");
	TempTree tree;
	populate(tree, basicScenario("logfiles", tree));
	Snapshot before = tree.snapshotAll();

	ProcessResult result = runSysclean({"--root=" + tree.root(), "--operations=" + list});

	INFO("list: " << list << "\nstderr:\n" << result.err);
	CHECK(result.status == 1);
	CHECK(result.out == "");
	std::string name = list.substr(list.rfind(',') == std::string::npos ? 0 : list.rfind(',') + 1);
	if (name.front() == '-')
		name.erase(0, 1);
	CHECK(result.err.find("unknown operation '" + name + "'") != std::string::npos);
	for (const Operation *operation : allOperations()) {
		INFO("valid name: " << operation->name);
		CHECK(result.err.find(std::string(operation->name)) != std::string::npos);
	}
	CHECK(result.err.find("Try 'sysclean --help'") != std::string::npos);
	CHECK(describeDifferences(before, tree.snapshotAll()) == "");
}

TEST_CASE("cli: help goes to stdout", "[cli]")
{
	std::string option = GENERATE("--help", "-h");
	ProcessResult result = runSysclean({option});

	CHECK(result.status == 0);
	CHECK(result.err == "");
	CHECK(result.out.rfind("Usage: sysclean", 0) == 0);
	for (const char *documented : {"--root", "--operations", "--list-operations", "--dry-run", "--if-pending",
				       "--verbose", "--quiet", "--version"}) {
		INFO("option: " << documented);
		CHECK(result.out.find(documented) != std::string::npos);
	}
}

TEST_CASE("cli: version", "[cli]")
{
	ProcessResult result = runSysclean({"--version"});

	CHECK(result.status == 0);
	CHECK(std::regex_match(result.out, std::regex("sysclean [0-9]+\\.[0-9]+\\.[0-9]+\n")));
}

TEST_CASE("cli: usage errors exit 1", "[cli]")
{
	using Case = std::vector<std::string>;
	Case args = GENERATE(
		Case{"--bogus"},
		Case{"-Z"},
		Case{"--root"},
		Case{"--root="},
		Case{"extra-argument"},
		Case{"-v", "-q"},
		Case{"--operations"},
		Case{"--dry-run=yes"});
	TempTree tree;
	populate(tree, basicScenario("logfiles", tree));
	Snapshot before = tree.snapshotAll();

	// Every case but the ones without a root names the fixture, so a bug
	// that ran anyway could only touch it.
	std::vector<std::string> command = args;
	if (args.front() != "--root" && args.front() != "--root=")
		command.insert(command.begin(), "--root=" + tree.root());
	ProcessResult result = runSysclean(command);

	INFO("first argument: " << args.front() << "\nstderr:\n" << result.err);
	CHECK(result.status == 1);
	CHECK(result.out == "");
	CHECK(hasLine(result.err, "Try 'sysclean --help' for more information."));
	CHECK(describeDifferences(before, tree.snapshotAll()) == "");
}

TEST_CASE("cli: missing root directory", "[cli]")
{
	TempTree tree;

	ProcessResult result = runSysclean({"--root=" + tree.parent() + "/missing"});

	CHECK(result.status == 1);
	CHECK(result.err.find("failed to open root directory '" + tree.parent() + "/missing'") != std::string::npos);
}

TEST_CASE("cli: if-pending without marker", "[cli]")
{
	TempTree tree;
	populate(tree, basicScenario("logfiles", tree));
	Snapshot before = tree.snapshotAll();

	ProcessResult result = runSysclean({"--root=" + tree.root(), "--if-pending", "-v"});

	INFO("stderr:\n" << result.err);
	CHECK(result.status == 0);
	CHECK(result.out == "");
	CHECK(describeDifferences(before, tree.snapshotAll()) == "");
}

TEST_CASE("cli: if-pending success removes marker", "[cli]")
{
	TempTree tree;
	populate(tree, basicScenario("logfiles", tree));
	tree.add({file("etc/sysclean-pending", "")});

	ProcessResult result = runSysclean({"--root=" + tree.root(), "--if-pending"});

	INFO("stderr:\n" << result.err);
	CHECK(result.status == 0);
	CHECK_FALSE(tree.exists("etc/sysclean-pending"));
	CHECK_FALSE(tree.exists("etc/sysclean-failed"));
	CHECK_FALSE(tree.exists("var/log/syslog"));
	CHECK(tree.exists("var/log/wtmp"));
}

TEST_CASE("cli: if-pending failure writes report", "[cli]")
{
	TempTree tree;
	tree.add({
		file("etc/sysclean-pending", ""),
		file("etc/hostname", "template\n"),
		symlink("var/crash", "/etc"),
		file("var/log/syslog"),
	});

	ProcessResult result = runSysclean({"--root=" + tree.root(), "--if-pending"});

	INFO("stderr:\n" << result.err);
	CHECK(result.status == 2);
	CHECK_FALSE(tree.exists("etc/sysclean-pending"));
	REQUIRE(tree.exists("etc/sysclean-failed"));
	std::string report = readFile(tree.hostPath("etc/sysclean-failed"));
	INFO("report:\n" << report);
	CHECK(report.find("failed: crash-data\n") != std::string::npos);
	CHECK(report.find("crash-data: failed to empty '/var/crash': it is a symlink to '/etc'") != std::string::npos);
	CHECK(tree.exists("etc/hostname"));
	CHECK_FALSE(tree.exists("var/log/syslog"));
	CHECK(result.err.find("sysclean-failed") != std::string::npos);
}

TEST_CASE("cli: if-pending dry run keeps marker", "[cli]")
{
	TempTree tree;
	populate(tree, basicScenario("logfiles", tree));
	tree.add({file("etc/sysclean-pending", "")});
	Snapshot before = tree.snapshotAll();

	ProcessResult result = runSysclean({"--root=" + tree.root(), "--if-pending", "--dry-run"});

	INFO("stderr:\n" << result.err);
	CHECK(result.status == 0);
	CHECK(hasLine(result.out, "remove /var/log/syslog"));
	CHECK(describeDifferences(before, tree.snapshotAll()) == "");
}

TEST_CASE("cli: quiet run prints nothing", "[cli]")
{
	TempTree tree;
	populate(tree, basicScenario("logfiles", tree));

	ProcessResult result = runSysclean({"--root=" + tree.root(), "-q"});

	CHECK(result.status == 0);
	CHECK(result.out == "");
	CHECK(result.err == "");
	CHECK_FALSE(tree.exists("var/log/syslog"));
}

TEST_CASE("cli: man page names every operation", "[cli]")
{
	const char *source = std::getenv("SYSCLEAN_SOURCE_ROOT");
	REQUIRE(source != nullptr);
	std::string page = readFile(std::string(source) + "/man/sysclean.8.scd");

	for (const Operation *operation : allOperations()) {
		INFO("operation: " << operation->name);
		CHECK(page.find(std::string(operation->name)) != std::string::npos);
	}
}

} // namespace sysclean::test
