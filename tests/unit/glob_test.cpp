// SPDX-License-Identifier: LGPL-2.1-or-later
// Pattern expansion inside the root: dotglob and nullglob semantics, literal
// components, ".." rejected, symlinked directories resolved in the root.
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "base/glob.h"
#include "base/root.h"
#include "unit/fixture.h"

namespace sysclean::test {

namespace {

struct ResolutionMode {
	explicit ResolutionMode(bool componentWalk) { Root::setForceComponentWalk(componentWalk); }
	~ResolutionMode() { Root::setForceComponentWalk(false); }
};

struct Expansion {
	Status status;
	std::vector<std::string> matches;
	std::vector<std::string> skipped;
};

// Expands PATTERN in TREE's root and checks that each match is reported
// with a parent fd in which the name exists.
Expansion expand(const TempTree &tree, const std::string &pattern, bool literal = false)
{
	Result<Root> root = Root::open(tree.root());
	REQUIRE(root.ok());

	Expansion expansion;
	GlobHandler handler;
	handler.matched = [&](int parent, const std::string &name, const std::string &path) {
		struct stat st;
		INFO("match: " << path);
		CHECK(fstatat(parent, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0);
		expansion.matches.push_back(path);
	};
	handler.skipped = [&](const std::string &path, std::string_view) {
		expansion.skipped.push_back(path);
	};

	expansion.status = literal ? expandLiteral(*root, pattern, handler) : expandGlob(*root, pattern, handler);
	return expansion;
}

using Paths = std::vector<std::string>;

} // namespace

TEST_CASE("glob: hidden files match", "[glob]")
{
	TempTree tree;
	tree.add({file("a/.hidden"), file("a/visible"), file("a/..dots"), file("a/.b/.c")});

	Expansion all = expand(tree, "/a/*");
	CHECK(all.status.ok());
	CHECK(all.matches == Paths{"/a/..dots", "/a/.b", "/a/.hidden", "/a/visible"});

	Expansion nested = expand(tree, "/a/*/.*");
	CHECK(nested.status.ok());
	CHECK(nested.matches == Paths{"/a/.b/.c"});

	Expansion question = expand(tree, "/a/?hidden");
	CHECK(question.matches == Paths{"/a/.hidden"});
}

TEST_CASE("glob: no match is not an error", "[glob]")
{
	TempTree tree;
	tree.add({file("a/file"), directory("empty")});

	for (std::string pattern : {"/a/*.none", "/missing/*", "/missing/x", "/a/file/x", "/a/file/*", "/empty/*",
				    "/*/nothing", "/a/[xyz]"}) {
		INFO("pattern: " << pattern);
		Expansion expansion = expand(tree, pattern);
		CHECK(expansion.status.ok());
		CHECK(expansion.matches == Paths{});
	}
}

TEST_CASE("glob: literal components keep wildcards", "[glob]")
{
	TempTree tree;
	tree.add({
		file("srv/we*ird user/.bash_history"),
		file("srv/weXird user/.bash_history"),
		file("srv/[ab]/f"),
		file("srv/a/f"),
		file("srv/q?/f"),
		file("srv/qq/f"),
	});

	Expansion literal = expand(tree, "/srv/we*ird user/.bash_history", true);
	CHECK(literal.status.ok());
	CHECK(literal.matches == Paths{"/srv/we*ird user/.bash_history"});

	Expansion pattern = expand(tree, "/srv/we*ird user/.bash_history");
	CHECK(pattern.matches == Paths{"/srv/we*ird user/.bash_history", "/srv/weXird user/.bash_history"});

	CHECK(expand(tree, "/srv/[ab]/f", true).matches == Paths{"/srv/[ab]/f"});
	CHECK(expand(tree, "/srv/[ab]/f").matches == Paths{"/srv/a/f"});
	CHECK(expand(tree, "/srv/q?/f", true).matches == Paths{"/srv/q?/f"});

	Expansion missing = expand(tree, "/srv/w*/missing", true);
	CHECK(missing.status.ok());
	CHECK(missing.matches == Paths{});
}

TEST_CASE("glob: dot-dot in pattern rejected", "[glob]")
{
	TempTree tree;
	tree.add({file("etc/passwd"), file("a/b/c")});

	for (std::string pattern : {"/a/../etc/passwd", "/..", "../etc/passwd", "/a/b/../../etc/*", "/a/*/.."}) {
		INFO("pattern: " << pattern);
		Expansion expansion = expand(tree, pattern);
		CHECK(expansion.status.error() == std::make_error_code(std::errc::invalid_argument));
		CHECK(expansion.matches == Paths{});
	}

	bool literal = GENERATE(false, true);
	Expansion empty = expand(tree, "", literal);
	CHECK_FALSE(empty.status.ok());
}

TEST_CASE("glob: dot-dot in literal path stays in root", "[glob]")
{
	TempTree tree;
	tree.add({file("etc/passwd"), file("a/b/c"), file("a/c")});

	CHECK(expand(tree, "/a/../etc/passwd", true).matches == Paths{"/etc/passwd"});
	CHECK(expand(tree, "../../etc/passwd", true).matches == Paths{"/etc/passwd"});
	CHECK(expand(tree, "/a/b/../../../../etc/passwd", true).matches == Paths{"/etc/passwd"});
	CHECK(expand(tree, "/a/b/../c", true).matches == Paths{"/a/c"});
	CHECK(expand(tree, "/a/b/./c", true).matches == Paths{"/a/b/c"});

	Expansion onlyDots = expand(tree, "/..", true);
	CHECK(onlyDots.status.error() == std::make_error_code(std::errc::invalid_argument));
	CHECK(onlyDots.matches == Paths{});
}

TEST_CASE("glob: symlinked directories resolve in root", "[glob]")
{
	bool componentWalk = GENERATE(false, true);
	ResolutionMode mode(componentWalk);
	TempTree tree;
	tree.add({
		symlink("home", "var/home"),
		file("var/home/alice/.bash_history"),
		symlink("var/home/bob", "/srv/bob"),
		file("srv/bob/.bash_history"),
		symlink("var/home/out", tree.sentinel()),
		symlink("var/home/up", "../../../.."),
		file(tree.sentinel().substr(1) + "/.bash_history"),
		file(".bash_history"),
	});
	tree.addSentinel({file(".bash_history")});

	Expansion expansion = expand(tree, "/home/*/.bash_history");

	INFO((componentWalk ? "component walk" : "openat2"));
	if (geteuid() != 0) {
		CHECK(expansion.status.ok());
		// The fixture is owned by the unprivileged test user, and no
		// symlink below a directory of a user other than root is
		// followed.
		CHECK(expansion.matches == Paths{"/home/alice/.bash_history"});
		CHECK(expansion.skipped == Paths{"/home/bob", "/home/out", "/home/up"});
		return;
	}
	// "out" resolves to the sentinel's path inside the root: it does not
	// leave it. "up" leads to the root itself, a protected directory, and
	// is refused, which fails the expansion after everything else.
	CHECK(expansion.status.error() == std::make_error_code(std::errc::operation_not_permitted));
	CHECK(expansion.matches == Paths{
		"/home/alice/.bash_history",
		"/home/bob/.bash_history",
		"/home/out/.bash_history",
	});
	CHECK(expansion.skipped == Paths{});
}

TEST_CASE("glob: symlink loop reported", "[glob]")
{
	bool componentWalk = GENERATE(false, true);
	ResolutionMode mode(componentWalk);
	TempTree tree;
	tree.add({symlink("a", "b"), symlink("b", "a"), file("c/f")});

	Expansion expansion = expand(tree, "/a/f");

	INFO((componentWalk ? "component walk" : "openat2"));
	CHECK(expansion.status.error() == std::make_error_code(std::errc::too_many_symbolic_link_levels));
	CHECK(expansion.matches == Paths{});

	// The walk goes on past the loop and reports the first error.
	Expansion wildcard = expand(tree, "/*/f");
	CHECK(wildcard.status.error() == std::make_error_code(std::errc::too_many_symbolic_link_levels));
	CHECK(wildcard.matches == Paths{"/c/f"});
}

TEST_CASE("glob: final symlink not followed", "[glob]")
{
	TempTree tree;
	tree.add({symlink("a/link", tree.sentinel()), symlink("a/dangling", "/nowhere")});

	Expansion expansion = expand(tree, "/a/*");

	CHECK(expansion.status.ok());
	CHECK(expansion.matches == Paths{"/a/dangling", "/a/link"});
}

} // namespace sysclean::test
