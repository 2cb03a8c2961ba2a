// SPDX-License-Identifier: LGPL-2.1-or-later
// The marker file ETC/sysclean-pending, which requests sealing at the next
// boot, and its replacement ETC/sysclean-failed, which contains a failed run's
// report.
#pragma once

#include <string_view>

#include "base/result.h"
#include "base/root.h"

namespace sysclean {

// Returns whether ROOT/etc/sysclean-pending exists (as any file type).
Result<bool> markerExists(const Root &root);

// Removes the marker after a successful run and fsyncs /etc, so that a power
// cut right after sealing cannot bring the marker back.
Status completeMarker(const Root &root);

// Replaces the marker by ROOT/etc/sysclean-failed holding REPORT, and fsyncs.
Status failMarker(const Root &root, std::string_view report);

} // namespace sysclean
