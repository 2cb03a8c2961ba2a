#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Runs module-setup.sh's check, depends and install with stand-ins for the
# dracut functions they call, and checks what they return and request.
set -u

# shellcheck source=tests/dracut/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

T=$(mktemp -d /tmp/sysclean-dracut-setup.XXXXXX) || fail "mktemp"
trap 'rm -rf "$T"' EXIT

printf '#!/bin/sh\nexit 0\n' > "$T/sysclean"
chmod +x "$T/sysclean"

# run_setup FUNCTION: calls FUNCTION from module-setup.sh in a subshell with
# dracut stand-ins; the calls they receive go to $T/calls, stdout to
# $T/stdout; sets RC.
# shellcheck disable=SC2317 # the stand-ins are called by module-setup.sh
run_setup() {
    : > "$T/calls"
    (
        moddir=$MODULE_DIR
        dracutsysrootdir=$T/sysroot-without-sysclean
        find_binary() { echo "find_binary $*" >> "$T/calls"; return 1; }
        inst_binary() { echo "inst_binary $*" >> "$T/calls"; }
        inst_multiple() { echo "inst_multiple $*" >> "$T/calls"; }
        inst_hook() { echo "inst_hook $*" >> "$T/calls"; }
        inst_simple() { echo "inst_simple $*" >> "$T/calls"; }
        dfatal() { echo "dfatal $*" >> "$T/calls"; }
        # shellcheck source=dracut/95sysclean/module-setup.sh
        . "$MODULE_SETUP"
        "$1"
    ) > "$T/stdout"
    RC=$?
}

check "check() returns 0 (include by default, not 255 'only on request') when the binary exists"
SYSCLEAN_BIN=$T/sysclean run_setup check
[[ $RC == 0 ]] || fail "check returned $RC"

check "check() returns 1 when there is no sysclean binary"
SYSCLEAN_BIN=$T/missing run_setup check
[[ $RC == 1 ]] || fail "check returned $RC"
unset SYSCLEAN_BIN
run_setup check
[[ $RC == 1 ]] || fail "check returned $RC without SYSCLEAN_BIN and no sysclean in PATH"
assert_contains "$T/calls" "find_binary sysclean" "check() falls back to PATH lookup"

check "depends() succeeds and names no other module"
run_setup depends
[[ $RC == 0 ]] || fail "depends returned $RC"
assert_empty "$T/stdout" "depends output"

check "install() puts the binary at /usr/sbin/sysclean, the tools and the pre-pivot hook"
SYSCLEAN_BIN=$T/sysclean run_setup install
[[ $RC == 0 ]] || fail "install returned $RC"
assert_contains "$T/calls" "inst_binary $T/sysclean /usr/sbin/sysclean" "binary"
assert_contains "$T/calls" "inst_hook pre-pivot 55 $MODULE_DIR/sysclean-pre-pivot.sh" "hook"
for tool in mount umount sync sleep; do
    grep -Eq "^inst_multiple( .*)? $tool( |\$)" "$T/calls" || fail "install does not install $tool"
done
assert_not_contains "$T/calls" "dfatal" "install complained"

check "install() fails loudly without the binary"
SYSCLEAN_BIN=$T/missing run_setup install
[[ $RC != 0 ]] || fail "install succeeded without a binary"
assert_contains "$T/calls" "dfatal sysclean binary not found" "error message"

check "the hook that install() names exists and is executable"
[[ -x $HOOK ]] || fail "$HOOK missing or not executable"

say "PASS: module-setup"
