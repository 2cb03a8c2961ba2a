#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Builds a small initramfs with the real dracut from a private module tree
# (bash, base, udev-rules and this module), without naming any module on the
# command line: the sysclean module must come in by default (check() returns
# 0).  Then checks that the image contains the binary, the tools and the hook.  A
# second build without the binary checks the module then steps aside.
set -u

# shellcheck source=tests/dracut/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_root
DRACUT_DIR=${DRACUT_DIR:-/usr/lib/dracut}
if ! command -v dracut > /dev/null || ! command -v lsinitrd > /dev/null \
    || [[ ! -d $DRACUT_DIR/modules.d/99base ]]; then
    fail "dracut is not installed (Debian: apt-get install dracut-core)"
fi

T=$(mktemp -d /tmp/sysclean-dracut-image.XXXXXX) || fail "mktemp"
trap 'rm -rf "$T"' EXIT

mkdir -p "$T/base/modules.d" "$T/conf.d" "$T/tmp"
for f in "$DRACUT_DIR"/*; do
    [[ ${f##*/} == modules.d ]] || ln -s "$f" "$T/base/"
done
for m in 00bash 99base 95udev-rules; do
    ln -s "$DRACUT_DIR/modules.d/$m" "$T/base/modules.d/"
done
cp -r "$MODULE_DIR" "$T/base/modules.d/95sysclean"
# Any ELF will do as the binary.
cp "$(type -P true)" "$T/sysclean"

build() { # IMAGE
    dracutbasedir=$T/base dracut --no-kernel --no-hostonly --no-compress \
        --conf /dev/null --confdir "$T/conf.d" --tmpdir "$T/tmp" \
        -f "$1" > "$T/log" 2>&1 || {
        cat "$T/log" >&2
        fail "dracut failed"
    }
}

check "dracut includes the module without being asked for it"
SYSCLEAN_BIN=$T/sysclean build "$T/with.img"
assert_contains "$T/log" "Including module: sysclean" "dracut log"
lsinitrd "$T/with.img" > "$T/list" 2> /dev/null || fail "lsinitrd failed"

check "the image contains /usr/sbin/sysclean and the pre-pivot hook at order 55"
assert_contains "$T/list" " usr/sbin/sysclean" "binary"
hook_path=$(grep -Eo '(usr/)?lib/dracut/hooks/pre-pivot/55-sysclean-pre-pivot\.sh$' "$T/list" | head -n 1)
[[ -n $hook_path ]] || fail "hook not in the image"

check "the image contains the tools the hook runs"
for tool in mount umount sync sleep; do
    grep -Eq " (usr/)?s?bin/$tool( |\$)" "$T/list" || fail "$tool not in the image"
done

check "the hook in the image is the one from the source tree"
lsinitrd -f "$hook_path" "$T/with.img" > "$T/hook" 2> /dev/null
cmp -s "$T/hook" "$HOOK" || fail "hook in the image differs from $HOOK"

check "without the binary the module is left out and the build still succeeds"
SYSCLEAN_BIN=$T/missing build "$T/without.img"
assert_not_contains "$T/log" "Including module: sysclean" "dracut log"
lsinitrd "$T/without.img" > "$T/list" 2> /dev/null || fail "lsinitrd failed"
assert_not_contains "$T/list" " usr/sbin/sysclean" "image without binary"
assert_not_contains "$T/list" "pre-pivot/55-sysclean" "image without binary"

say "PASS: initramfs"
