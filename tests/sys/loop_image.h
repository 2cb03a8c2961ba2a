// SPDX-License-Identifier: LGPL-2.1-or-later
// Loop-backed ext4 images for the tests that need a second real
// filesystem: a separate /var, or a UUID= entry in a target's fstab.
#pragma once

#include <catch2/catch.hpp>

#include <cerrno>
#include <fcntl.h>
#include <linux/loop.h>
#include <string>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base/unique_fd.h"
#include "helpers.h"

namespace sysclean::test {

// An ext4 image filled from a directory, attached to a loop device with
// LO_FLAGS_AUTOCLEAR: the kernel detaches it once the image is unmounted
// and the descriptor held here is closed, even if the test crashes.
class LoopImage
{
public:
	LoopImage(const std::string &image, const std::string &contents, const std::string &label)
	{
		REQUIRE(test::run({"truncate", "-s", "16M", image}) == 0);
		REQUIRE(test::run({"mkfs.ext4", "-q", "-F", "-L", label, "-d", contents, image}) == 0);

		sysclean::UniqueFd backing(::open(image.c_str(), O_RDWR | O_CLOEXEC));
		REQUIRE(backing.valid());
		sysclean::UniqueFd control(::open("/dev/loop-control", O_RDWR | O_CLOEXEC));
		REQUIRE(control.valid());

		// Another user of loop devices may take the free one first.
		for (int attempt = 0; attempt < 10 && !device_.valid(); attempt++) {
			int number = ::ioctl(control.get(), LOOP_CTL_GET_FREE);
			REQUIRE(number >= 0);
			path_ = "/dev/loop" + std::to_string(number);
			sysclean::UniqueFd device(::open(path_.c_str(), O_RDWR | O_CLOEXEC));
			REQUIRE(device.valid());

			struct loop_config config = {};
			config.fd = static_cast<unsigned>(backing.get());
			config.info.lo_flags = LO_FLAGS_AUTOCLEAR;
			if (::ioctl(device.get(), LOOP_CONFIGURE, &config) == 0)
				device_ = std::move(device);
			else
				REQUIRE(errno == EBUSY);
		}
		REQUIRE(device_.valid());

		std::string output;
		REQUIRE(test::run({"blkid", "-p", "-s", "UUID", "-o", "value", path_}, &output) == 0);
		uuid_ = output.substr(0, output.find('\n'));
		REQUIRE(uuid_.size() == 36);
	}

	const std::string &device() const { return path_; }
	const std::string &uuid() const { return uuid_; }

private:
	std::string path_;
	sysclean::UniqueFd device_;
	std::string uuid_;
};

} // namespace sysclean::test
