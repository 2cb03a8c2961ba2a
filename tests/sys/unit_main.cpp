// SPDX-License-Identifier: LGPL-2.1-or-later
// Entry point of the system layer tests that need no privilege.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
