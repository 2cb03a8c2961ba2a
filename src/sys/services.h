// SPDX-License-Identifier: LGPL-2.1-or-later
// Stopping a systemd unit, such as firewalld.service, that would write its
// state back while the live stage removes it.
#pragma once

#include <string>

#include "base/result.h"

namespace sysclean {

// Returns the systemctl to run: /usr/bin/systemctl, else /bin/systemctl
// (distributions without merged /usr), else an empty string.
std::string defaultSystemctl();

// Stops UNIT if systemd reports it active, by running SYSTEMCTL
// ("is-active --quiet", then "stop"); returns whether it stopped it.
// Without a systemctl (no systemd, or an empty SYSTEMCTL) no unit can be
// active and nothing happens. Fails when "stop" fails.
Result<bool> stopUnitIfActive(const std::string &unit,
			      const std::string &systemctl = defaultSystemctl());

} // namespace sysclean
