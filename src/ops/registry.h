// SPDX-License-Identifier: LGPL-2.1-or-later
// The ordered table of all operations.
#pragma once

#include <span>
#include <string_view>

#include "ops/operation.h"

namespace sysclean {

// Returns every operation, in the order they run.
std::span<const Operation *const> allOperations();

// Returns the operation called NAME, or nullptr.
const Operation *findOperation(std::string_view name);

} // namespace sysclean
