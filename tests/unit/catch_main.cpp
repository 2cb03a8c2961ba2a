// SPDX-License-Identifier: LGPL-2.1-or-later
// Catch2's own main() for the unit test binaries, compiled once.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
