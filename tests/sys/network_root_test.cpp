// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of reading the server addresses of a network root filesystem from
// its mount source and options.
#include <catch2/catch.hpp>

#include "sys/links.h"

using namespace sysclean;

namespace {

std::vector<std::string> addresses(const std::string &fsType, const std::string &source,
				   const std::string &options)
{
	MountInfo mount;
	mount.target = "/";
	mount.fsType = fsType;
	mount.source = source;
	mount.options = options;
	return networkServerAddresses(mount);
}

using List = std::vector<std::string>;

} // namespace

TEST_CASE("networkServerAddresses sources", "[links]")
{
	CHECK(addresses("nfs4", "nfs.example.org:/export", "rw,vers=4.2,addr=192.0.2.7") ==
	      List{"192.0.2.7"});
	CHECK(addresses("nfs", "192.0.2.8:/export", "rw,vers=3") == List{"192.0.2.8"});
	CHECK(addresses("nfs", "[2001:db8::8]:/export", "rw") == List{"2001:db8::8"});
	CHECK(addresses("nfs4", "2001:db8::9:/export", "rw") == List{"2001:db8::9"});
	CHECK(addresses("cifs", "//192.0.2.9/share", "rw,vers=3.1.1") == List{"192.0.2.9"});
	CHECK(addresses("cifs", "//files/share", "rw,addr=192.0.2.10") == List{"192.0.2.10"});
	CHECK(addresses("ceph", "192.0.2.1:6789,192.0.2.2:6789:/", "rw,name=admin") ==
	      List{"192.0.2.1", "192.0.2.2"});
	CHECK(addresses("ceph", "admin@fsid.cephfs=/", "rw,mon_addr=192.0.2.3:3300/192.0.2.4") ==
	      List{"192.0.2.3", "192.0.2.4"});
	CHECK(addresses("9p", "192.0.2.11", "rw,trans=tcp,port=564") == List{"192.0.2.11"});
}

TEST_CASE("networkServerAddresses local or unnamed", "[links]")
{
	CHECK(addresses("ext4", "/dev/vda1", "rw,relatime").empty());
	CHECK(addresses("9p", "hostshare", "rw,trans=virtio").empty());
	CHECK(addresses("nfs4", "nfs.example.org:/export", "rw,vers=4.2").empty());
	CHECK(addresses("glusterfs", "gluster1:/volume", "rw").empty());
}

TEST_CASE("isNetworkFilesystem types", "[links]")
{
	MountInfo mount;
	for (const char *type : {"nfs", "nfs4", "cifs", "smb3", "ceph", "glusterfs",
				 "fuse.glusterfs"}) {
		mount.fsType = type;
		INFO(type);
		CHECK(isNetworkFilesystem(mount));
	}
	for (const char *type : {"ext4", "xfs", "btrfs", "tmpfs", "overlay", "virtiofs"}) {
		mount.fsType = type;
		INFO(type);
		CHECK_FALSE(isNetworkFilesystem(mount));
	}
	mount.fsType = "9p";
	mount.options = "rw,trans=virtio";
	CHECK_FALSE(isNetworkFilesystem(mount));
	mount.options = "rw,trans=tcp";
	CHECK(isNetworkFilesystem(mount));
}
