// SPDX-License-Identifier: LGPL-2.1-or-later
// Path resolution confined to the root, with openat2() and with the
// O_NOFOLLOW component walk: every case runs in both modes.
#include <cerrno>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "base/root.h"
#include "unit/fixture.h"

namespace sysclean::test {

namespace {

struct ResolutionMode {
	explicit ResolutionMode(bool componentWalk) { Root::setForceComponentWalk(componentWalk); }
	~ResolutionMode() { Root::setForceComponentWalk(false); }
};

struct Inode {
	dev_t device;
	ino_t inode;
	bool operator==(const Inode &) const = default;
};

Inode inodeOf(int fd)
{
	struct stat st;
	REQUIRE(fstat(fd, &st) == 0);
	return {st.st_dev, st.st_ino};
}

Inode inodeOf(const std::string &hostPath)
{
	struct stat st;
	REQUIRE(lstat(hostPath.c_str(), &st) == 0);
	return {st.st_dev, st.st_ino};
}

std::error_code errorOf(int error)
{
	return std::error_code(error, std::generic_category());
}

// Every kind of link the resolution tests need.
void addLinks(const TempTree &tree)
{
	tree.add({
		file("b/marker"),
		symlink("absolute", "/b"),
		symlink("x/relative", "../b"),
		symlink("x/up", "../../../../.."),
		symlink("x/host", tree.sentinel()),
		symlink("x/chain", "/x/relative"),
		symlink("x/self", "self"),
		symlink("loop1", "loop2"),
		symlink("loop2", "loop1"),
		symlink("dangling", "/nowhere"),
		symlink("tofile", "b/marker"),
		file("c/plain/f"),
	});
}

} // namespace

TEST_CASE("root: symlinks resolve inside root", "[root]")
{
	bool componentWalk = GENERATE(false, true);
	ResolutionMode mode(componentWalk);
	TempTree tree;
	addLinks(tree);
	Result<Root> root = Root::open(tree.root());
	REQUIRE(root.ok());
	INFO((componentWalk ? "component walk" : "openat2"));

	Inode b = inodeOf(tree.hostPath("b"));
	Inode rootInode = inodeOf(tree.root());

	for (std::string path : {"/absolute", "/x/relative", "/x/chain", "/x/up/b", "/../../b", "b", "/x/../b",
				 "/x/up/x/up/absolute", "//b/", "/./b/."}) {
		INFO("path: " << path);
		Result<UniqueFd> dir = root->openDirectory(path);
		REQUIRE(dir.ok());
		CHECK(inodeOf(dir->get()) == b);
	}

	for (std::string path : {"/", "", "/x/up", "/..", "/x/up/..", "../../../.."}) {
		INFO("path: " << path);
		Result<UniqueFd> dir = root->openDirectory(path);
		REQUIRE(dir.ok());
		CHECK(inodeOf(dir->get()) == rootInode);
	}
}

TEST_CASE("root: host path inside root stays inside", "[root]")
{
	bool componentWalk = GENERATE(false, true);
	ResolutionMode mode(componentWalk);
	TempTree tree;
	addLinks(tree);
	Result<Root> root = Root::open(tree.root());
	REQUIRE(root.ok());
	INFO((componentWalk ? "component walk" : "openat2"));

	// The sentinel's host path does not exist inside the root yet.
	CHECK(root->openDirectory("/x/host").error() == errorOf(ENOENT));
	CHECK(root->openDirectory(tree.sentinel()).error() == errorOf(ENOENT));

	// Once it does, the link leads there, never to the host's sentinel.
	tree.add({directory(tree.sentinel().substr(1))});
	Result<UniqueFd> dir = root->openDirectory("/x/host");
	REQUIRE(dir.ok());
	CHECK(inodeOf(dir->get()) == inodeOf(tree.hostPath(tree.sentinel())));
	CHECK_FALSE(inodeOf(dir->get()) == inodeOf(tree.sentinel()));
}

TEST_CASE("root: resolution errors", "[root]")
{
	bool componentWalk = GENERATE(false, true);
	ResolutionMode mode(componentWalk);
	TempTree tree;
	addLinks(tree);
	Result<Root> root = Root::open(tree.root());
	REQUIRE(root.ok());
	INFO((componentWalk ? "component walk" : "openat2"));

	CHECK(root->openDirectory("/loop1").error() == errorOf(ELOOP));
	CHECK(root->openDirectory("/loop1/x").error() == errorOf(ELOOP));
	CHECK(root->openDirectory("/x/self").error() == errorOf(ELOOP));
	CHECK(root->openDirectory("/dangling").error() == errorOf(ENOENT));
	CHECK(root->openDirectory("/missing/dir").error() == errorOf(ENOENT));
	CHECK(root->openDirectory("/tofile").error() == errorOf(ENOTDIR));
	CHECK(root->openDirectory("/b/marker").error() == errorOf(ENOTDIR));
	CHECK(root->openDirectory("/b/marker/x").error() == errorOf(ENOTDIR));
}

TEST_CASE("root: reject mode follows no symlink", "[root]")
{
	bool componentWalk = GENERATE(false, true);
	ResolutionMode mode(componentWalk);
	TempTree tree;
	addLinks(tree);
	Result<Root> root = Root::open(tree.root());
	REQUIRE(root.ok());
	INFO((componentWalk ? "component walk" : "openat2"));

	CHECK(root->openDirectory("/absolute", Symlinks::Reject).error() == errorOf(ELOOP));
	CHECK(root->openDirectory("/x/relative", Symlinks::Reject).error() == errorOf(ELOOP));
	CHECK(root->openDirectory("/x/up/b", Symlinks::Reject).error() == errorOf(ELOOP));
	CHECK(root->openParent("/absolute/marker", Symlinks::Reject).error() == errorOf(ELOOP));

	Result<UniqueFd> plain = root->openDirectory("/c/plain", Symlinks::Reject);
	REQUIRE(plain.ok());
	CHECK(inodeOf(plain->get()) == inodeOf(tree.hostPath("c/plain")));

	// The last component of openParent() is never followed, so a link
	// there is fine even when rejecting.
	Result<Location> location = root->openParent("/x/relative", Symlinks::Reject);
	REQUIRE(location.ok());
	CHECK(location->name == "relative");
}

TEST_CASE("root: open parent of a path", "[root]")
{
	bool componentWalk = GENERATE(false, true);
	ResolutionMode mode(componentWalk);
	TempTree tree;
	addLinks(tree);
	Result<Root> root = Root::open(tree.root());
	REQUIRE(root.ok());
	INFO((componentWalk ? "component walk" : "openat2"));

	Result<Location> location = root->openParent("/absolute/marker");
	REQUIRE(location.ok());
	CHECK(location->name == "marker");
	CHECK(inodeOf(location->parent.get()) == inodeOf(tree.hostPath("b")));

	Result<Location> top = root->openParent("/b");
	REQUIRE(top.ok());
	CHECK(top->name == "b");
	CHECK(inodeOf(top->parent.get()) == inodeOf(tree.root()));

	CHECK(root->openParent("/").error() == errorOf(EINVAL));
	CHECK(root->openParent("").error() == errorOf(EINVAL));
	CHECK(root->openParent("/b/..").error() == errorOf(EINVAL));
	CHECK(root->openParent("/missing/x").error() == errorOf(ENOENT));
}

TEST_CASE("root: resolved path names the target", "[root]")
{
	bool componentWalk = GENERATE(false, true);
	ResolutionMode mode(componentWalk);
	TempTree tree;
	addLinks(tree);
	tree.add({symlink("var/crash", "/etc"), directory("etc"), directory("srv/crash"), symlink("var/dump", "../srv/crash")});
	Result<Root> root = Root::open(tree.root());
	REQUIRE(root.ok());
	INFO((componentWalk ? "component walk" : "openat2"));

	CHECK(root->resolvedPath("/absolute").value() == "/b");
	CHECK(root->resolvedPath("/x/chain").value() == "/b");
	CHECK(root->resolvedPath("/x/up").value() == "/");
	CHECK(root->resolvedPath("/var/crash").value() == "/etc");
	CHECK(root->resolvedPath("/var/dump").value() == "/srv/crash");
	CHECK(root->resolvedPath("/c/plain").value() == "/c/plain");
	CHECK(root->resolvedPath("/loop1").error() == errorOf(ELOOP));
}

TEST_CASE("root: protected directories", "[root]")
{
	bool componentWalk = GENERATE(false, true);
	ResolutionMode mode(componentWalk);
	TempTree tree;
	tree.add({
		directory("etc"),
		directory("usr/bin"),
		directory("usr/lib"),
		directory("usr/lib64"),
		symlink("bin", "usr/bin"),
		symlink("lib", "usr/lib"),
		directory("lib64"),
		directory("libexec-local"),
		directory("var/log"),
		directory("var/crash"),
		directory("home/alice"),
		directory("srv/crash"),
		directory("tmp"),
		directory("var/lib/cloud"),
		directory("var/cache/man"),
		directory("usr/share/doc"),
	});
	Result<Root> root = Root::open(tree.root());
	REQUIRE(root.ok());
	INFO((componentWalk ? "component walk" : "openat2"));

	auto isProtected = [&](const std::string &path) {
		Result<UniqueFd> dir = root->openDirectory(path);
		REQUIRE(dir.ok());
		Result<bool> result = root->isProtected(dir->get());
		REQUIRE(result.ok());
		return *result;
	};

	for (std::string path : {"/", "/etc", "/lib64", "/bin", "/usr/bin", "/lib", "/usr/lib", "/usr", "/var",
				 "/home", "/srv", "/libexec-local", "/etc/..", "/var/log/../..", "/usr/lib64",
				 "/var/lib", "/var/cache", "/usr/share"}) {
		INFO("path: " << path);
		CHECK(isProtected(path));
	}
	for (std::string path : {"/var/log", "/var/crash", "/home/alice", "/srv/crash", "/tmp", "/var/lib/cloud",
				 "/var/cache/man", "/usr/share/doc"}) {
		INFO("path: " << path);
		CHECK_FALSE(isProtected(path));
	}
}

} // namespace sysclean::test
