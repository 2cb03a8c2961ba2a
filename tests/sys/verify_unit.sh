#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Checks a unit file with systemd-analyze verify, which (systemd 252) exits 0
# even on an unknown setting or value, so any message at all fails the test.
# Exits 77 (skipped) where systemd-analyze is missing.
set -u
unit=$1
if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "systemd-analyze not found, skipping"
    exit 77
fi
output=$(systemd-analyze verify --man=no "$unit" 2>&1)
status=$?
if [ "$status" -ne 0 ] || [ -n "$output" ]; then
    printf 'systemd-analyze verify %s failed (status %s):\n%s\n' "$unit" "$status" "$output"
    exit 1
fi
echo "ok: $unit"
