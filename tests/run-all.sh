#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Installs what the build and the tests need, builds sysclean with warnings
# as errors, runs every test suite and ends with one line
# "N passed, N failed, N skipped". Exits non-zero when anything failed.
#
# Usage: tests/run-all.sh [SUITE]...   (default: every suite; see README.md)
# Environment: BUILDDIR (default: build-tests in the source tree),
# SKIP_INSTALL=1 to skip the apt-get step.
set -u

source_root=$(cd "$(dirname "$0")/.." && pwd)
builddir=${BUILDDIR:-$source_root/build-tests}
suites=("$@")
if [ ${#suites[@]} -eq 0 ]; then
	suites=(unit root dracut realroot e2e)
fi

fail_setup() {
	echo "run-all: $1" >&2
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
}

if [ "${SKIP_INSTALL:-0}" != 1 ]; then
	"$source_root/tests/install-deps.sh" --tests || fail_setup "installing packages failed"
fi

# --prefix=/usr: the e2e suite installs the build into a guest, whose
# initramfs takes the binary from /usr/sbin.
setup_args=(--prefix=/usr -Dwerror=true)
if [ -f "$builddir/build.ninja" ]; then
	setup_args+=(--reconfigure)
fi
setup_log=$(mktemp)
if ! meson setup "${setup_args[@]}" "$builddir" "$source_root" >"$setup_log" 2>&1; then
	cat "$setup_log" >&2
	rm -f "$setup_log"
	fail_setup "meson setup failed (its output is above)"
fi
rm -f "$setup_log"
ninja -C "$builddir" || fail_setup "the build failed"

suite_args=()
for suite in "${suites[@]}"; do
	suite_args+=(--suite "$suite")
done

started=$(date +%s)
meson test -C "$builddir" --no-rebuild --print-errorlogs "${suite_args[@]}"
meson_status=$?
echo "run-all: suites ${suites[*]} took $(($(date +%s) - started)) s"

# meson's own summary is not read by CI: count its per-test results.
python3 - "$builddir/meson-logs/testlog.json" "$meson_status" <<'PYTHON'
import json
import sys

log_path, meson_status = sys.argv[1], int(sys.argv[2])
passed = failed = skipped = 0
try:
    with open(log_path, encoding="utf-8") as log:
        for line in log:
            result = json.loads(line).get("result")
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:
                failed += 1
except OSError as error:
    print(f"run-all: cannot read {log_path}: {error}", file=sys.stderr)
    failed += 1

# A meson failure with no failed test (a crash of the runner itself) still
# fails the run.
if meson_status != 0 and failed == 0:
    failed = 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PYTHON
