#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Runs shellcheck over the module and the test scripts.  The hook is checked as
# POSIX sh (it runs under dash, bash or busybox ash), and also as dash.
# Dracut itself, a bash program, sources module-setup.sh.
set -u

# shellcheck source=tests/dracut/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v shellcheck > /dev/null || fail "shellcheck is not installed (Debian: apt-get install shellcheck)"

cd "$SOURCE_ROOT" || fail "cd $SOURCE_ROOT"
status=0
run() {
    check "shellcheck $*"
    shellcheck -x "$@" || status=1
}
run -s sh dracut/95sysclean/sysclean-pre-pivot.sh
run -s dash dracut/95sysclean/sysclean-pre-pivot.sh
run -s bash dracut/95sysclean/module-setup.sh
run -s sh tests/dracut/dracut-lib-stub.sh
run -s bash tests/dracut/lib.sh tests/dracut/test-hook.sh tests/dracut/test-module-setup.sh \
    tests/dracut/test-initramfs.sh tests/dracut/test-shellcheck.sh
[[ $status == 0 ]] || fail "shellcheck found problems"
say "PASS: shellcheck"
