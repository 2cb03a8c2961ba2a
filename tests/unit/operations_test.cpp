// SPDX-License-Identifier: LGPL-2.1-or-later
// The checks every operation must pass, run on each of them: targets removed
// and neighbours kept, idempotence, a dry run equal to the real run, escaping
// symlinks not followed, and missing paths accepted.
#include <algorithm>
#include <set>
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "base/remover.h"
#include "base/root.h"
#include "ops/registry.h"
#include "unit/fixture.h"
#include "unit/scenarios.h"

namespace sysclean::test {

namespace {

// Restores openat2() resolution when a test that forced the component
// walk ends, passed or not.
struct ResolutionMode {
	explicit ResolutionMode(bool componentWalk) { Root::setForceComponentWalk(componentWalk); }
	~ResolutionMode() { Root::setForceComponentWalk(false); }
};

std::vector<std::string> sorted(std::vector<std::string> lines)
{
	std::sort(lines.begin(), lines.end());
	return lines;
}

} // namespace

TEST_CASE("operations: targets removed, neighbours kept", "[operations]")
{
	std::string operation = GENERATE(from_range(operationNames()));
	TempTree tree;
	Scenario scenario = basicScenario(operation, tree);
	populate(tree, scenario);
	Snapshot before = tree.snapshotAll();

	ProcessResult result = runSysclean({"--root=" + tree.root(), "--operations=" + operation, "-v"});

	INFO("operation: " << operation << "\nstderr:\n" << result.err);
	CHECK(result.status == 0);
	CHECK(sortedLines(result.out) == expectedLines(scenario));
	CHECK(describeDifferences(expectedAfter(before, scenario), tree.snapshotAll()) == "");
}

TEST_CASE("operations: second run changes nothing", "[operations]")
{
	std::string operation = GENERATE(from_range(operationNames()));
	TempTree tree;
	Scenario scenario = basicScenario(operation, tree);
	populate(tree, scenario);

	ProcessResult first = runSysclean({"--root=" + tree.root(), "--operations=" + operation});
	REQUIRE(first.status == 0);
	Snapshot afterFirst = tree.snapshotAll();

	ProcessResult second = runSysclean({"--root=" + tree.root(), "--operations=" + operation, "-v"});

	INFO("operation: " << operation << "\nstderr:\n" << second.err);
	CHECK(second.status == 0);
	CHECK(second.out == "");
	CHECK(hasLine(second.err, operation + ": nothing to do"));
	CHECK(describeDifferences(afterFirst, tree.snapshotAll()) == "");
}

TEST_CASE("operations: dry run equals real run", "[operations]")
{
	std::string operation = GENERATE(from_range(operationNames()));
	bool escapes = GENERATE(false, true);
	TempTree dryTree;
	TempTree realTree;
	Scenario dryScenario = escapes ? escapeScenario(operation, dryTree) : basicScenario(operation, dryTree);
	Scenario realScenario = escapes ? escapeScenario(operation, realTree) : basicScenario(operation, realTree);
	populate(dryTree, dryScenario);
	populate(realTree, realScenario);
	Snapshot before = dryTree.snapshotAll();

	ProcessResult dry = runSysclean({"--root=" + dryTree.root(), "--operations=" + operation, "--dry-run"});
	ProcessResult real = runSysclean({"--root=" + realTree.root(), "--operations=" + operation, "-v"});

	INFO("operation: " << operation << (escapes ? " (escaping symlinks)" : "")
			   << "\ndry-run stderr:\n" << dry.err << "real stderr:\n" << real.err);
	CHECK(dry.status == 0);
	CHECK(real.status == 0);
	CHECK(describeDifferences(before, dryTree.snapshotAll()) == "");
	CHECK(sortedLines(dry.out) == sortedLines(real.out));
	CHECK(sortedLines(dry.out) == expectedLines(dryScenario));
}

TEST_CASE("operations: escaping symlinks not followed", "[operations]")
{
	std::string operation = GENERATE(from_range(operationNames()));
	TempTree tree;
	Scenario scenario = escapeScenario(operation, tree);
	populate(tree, scenario);
	Snapshot before = tree.snapshotAll();
	Snapshot sentinelBefore = snapshot(tree.sentinel());

	ProcessResult result = runSysclean({"--root=" + tree.root(), "--operations=" + operation, "-v"});

	INFO("operation: " << operation << "\nstderr:\n" << result.err);
	CHECK(result.status == 0);
	CHECK(describeDifferences(sentinelBefore, snapshot(tree.sentinel())) == "");
	CHECK(sortedLines(result.out) == expectedLines(scenario));
	CHECK(describeDifferences(expectedAfter(before, scenario), tree.snapshotAll()) == "");
}

TEST_CASE("operations: missing paths are fine", "[operations]")
{
	std::string operation = GENERATE(from_range(operationNames()));
	bool bareRoot = GENERATE(true, false);
	TempTree tree;
	// A root with the top-level directories but none of the operation's.
	if (!bareRoot)
		tree.add({directory("etc"), directory("var/lib"), directory("home"), directory("root", 0700)});
	Snapshot before = tree.snapshotAll();

	ProcessResult result = runSysclean({"--root=" + tree.root(), "--operations=" + operation, "-v"});

	INFO("operation: " << operation << (bareRoot ? " (empty root)" : "") << "\nstderr:\n" << result.err);
	CHECK(result.status == 0);
	CHECK(result.out == "");
	CHECK(hasLine(result.err, operation + ": nothing to do"));
	CHECK(describeDifferences(before, tree.snapshotAll()) == "");
}

TEST_CASE("operations: engine run in both resolution modes", "[operations]")
{
	std::string operation = GENERATE(from_range(operationNames()));
	bool escapes = GENERATE(false, true);
	bool componentWalk = GENERATE(false, true);
	ResolutionMode mode(componentWalk);
	TempTree tree;
	Scenario scenario = escapes ? escapeScenario(operation, tree) : basicScenario(operation, tree);
	populate(tree, scenario);
	Snapshot before = tree.snapshotAll();

	Result<Root> root = Root::open(tree.root());
	REQUIRE(root.ok());
	RecordingSink sink;
	Remover remover(*root, sink, nullptr);
	OperationContext context{*root, remover, false, {}};
	const Operation *found = findOperation(operation);
	REQUIRE(found != nullptr);

	Status status = found->run(context);

	INFO("operation: " << operation << (escapes ? " (escaping symlinks)" : "")
			   << (componentWalk ? ", component walk" : ", openat2"));
	CHECK(status.ok());
	CHECK(sink.failures == std::vector<std::string>{});
	CHECK(sorted(sink.changes) == expectedLines(scenario));
	CHECK(describeDifferences(expectedAfter(before, scenario), tree.snapshotAll()) == "");
}

TEST_CASE("operations: all at once on one tree", "[operations]")
{
	TempTree dryTree;
	TempTree realTree;
	for (const TempTree *tree : {&dryTree, &realTree}) {
		// Scenarios share a few neighbours (/var/log/syslog): each path
		// is created once.
		std::set<std::string> created;
		std::vector<Entry> entries;
		for (const std::string &operation : operationNames()) {
			for (const Entry &entry : basicScenario(operation, *tree).entries) {
				if (created.insert(entry.path).second)
					entries.push_back(entry);
			}
		}
		tree->add(entries);
	}
	Snapshot before = dryTree.snapshotAll();

	ProcessResult dry = runSysclean({"--root=" + dryTree.root(), "--operations=all", "--dry-run"});
	ProcessResult real = runSysclean({"--root=" + realTree.root(), "--operations=all", "-v"});

	INFO("dry-run stderr:\n" << dry.err << "real stderr:\n" << real.err);
	CHECK(dry.status == 0);
	CHECK(real.status == 0);
	CHECK(describeDifferences(before, dryTree.snapshotAll()) == "");
	CHECK(sortedLines(dry.out) == sortedLines(real.out));

	// cloud-init's logs lie in /var/log too: each is listed once, by
	// whichever operation reaches it first.
	std::vector<std::string> lines = sortedLines(dry.out);
	CHECK(std::adjacent_find(lines.begin(), lines.end()) == lines.end());
}

} // namespace sysclean::test
