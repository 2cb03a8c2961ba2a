// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of stopping a unit through a stand-in systemctl that records its
// arguments; no unit of this machine is ever asked about.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "helpers.h"
#include "sys/errors.h"
#include "sys/services.h"

using namespace sysclean;
using sysclean::test::TempDir;

namespace {

// Writes a systemctl stand-in into DIR: "is-active" exits with the status
// stored in DIR/active-status, "stop" with the one in DIR/stop-status,
// and every call is appended to DIR/calls.
std::string writeStandIn(const TempDir &dir, int activeStatus, int stopStatus)
{
	std::string script = dir / "systemctl";
	test::writeFile(script,
			"#!/bin/sh\n"
			"echo \"$*\" >> '" + dir.path() + "/calls'\n"
			"case \"$1\" in\n"
			"is-active) exit $(cat '" + dir.path() + "/active-status') ;;\n"
			"--no-ask-password) exit $(cat '" + dir.path() + "/stop-status') ;;\n"
			"esac\n"
			"exit 99\n");
	REQUIRE(::chmod(script.c_str(), 0755) == 0);
	test::writeFile(dir / "active-status", std::to_string(activeStatus));
	test::writeFile(dir / "stop-status", std::to_string(stopStatus));
	return script;
}

} // namespace

TEST_CASE("stopUnitIfActive active unit", "[services]")
{
	TempDir dir;
	std::string systemctl = writeStandIn(dir, 0, 0);

	Result<bool> stopped = stopUnitIfActive("firewalld.service", systemctl);
	REQUIRE(stopped);
	CHECK(*stopped);
	CHECK(test::readFile(dir / "calls") ==
	      "is-active --quiet firewalld.service\n"
	      "--no-ask-password stop firewalld.service\n");
}

TEST_CASE("stopUnitIfActive inactive or missing unit", "[services]")
{
	TempDir dir;
	int status = GENERATE(3, 4, 1);
	std::string systemctl = writeStandIn(dir, status, 0);

	Result<bool> stopped = stopUnitIfActive("firewalld.service", systemctl);
	REQUIRE(stopped);
	CHECK_FALSE(*stopped);
	CHECK(test::readFile(dir / "calls") == "is-active --quiet firewalld.service\n");
}

TEST_CASE("stopUnitIfActive stop failure", "[services]")
{
	TempDir dir;
	std::string systemctl = writeStandIn(dir, 0, 1);

	Result<bool> stopped = stopUnitIfActive("firewalld.service", systemctl);
	REQUIRE_FALSE(stopped);
	CHECK(stopped.error() == SysError::UnitStopFailed);
}

TEST_CASE("stopUnitIfActive without systemctl", "[services]")
{
	TempDir dir;
	Result<bool> none = stopUnitIfActive("firewalld.service", "");
	REQUIRE(none);
	CHECK_FALSE(*none);

	Result<bool> missing = stopUnitIfActive("firewalld.service", dir / "no-systemctl");
	REQUIRE_FALSE(missing);
	CHECK(missing.error() == std::errc::no_such_file_or_directory);
}
