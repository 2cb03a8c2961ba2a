// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of the error categories of the system layer.
#include <catch2/catch.hpp>

#include "sys/errors.h"

using namespace sysclean;

TEST_CASE("netlinkError keeps libnl messages", "[errors]")
{
	// NLE_OBJ_NOTFOUND is 12, the same number as ENOMEM.
	std::error_code error = netlinkError(-12);
	CHECK(error.category() == netlinkCategory());
	CHECK(error.value() == 12);
	CHECK(error.message() == "Object not found");
	CHECK(std::string(error.category().name()) == "libnl");
}

TEST_CASE("SysError converts to error_code", "[errors]")
{
	std::error_code error = SysError::TreeTooLarge;
	CHECK(error == SysError::TreeTooLarge);
	CHECK(error.message() == "directory tree does not fit on the staging tmpfs");
	CHECK(std::error_code(SysError::UnitStopFailed).message() == "systemctl stop failed");
}
