# SPDX-License-Identifier: LGPL-2.1-or-later
# Helpers shared by the dracut module tests (sourced by bash scripts).
# shellcheck disable=SC2034 # the variables are for the sourcing scripts

if [[ -z ${SOURCE_ROOT-} ]]; then
    SOURCE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fi
MODULE_DIR=$SOURCE_ROOT/dracut/95sysclean
HOOK=$MODULE_DIR/sysclean-pre-pivot.sh
MODULE_SETUP=$MODULE_DIR/module-setup.sh
TESTS_DIR=$SOURCE_ROOT/tests/dracut

say() {
    printf '%s\n' "$*"
}

check() {
    printf 'CHECK: %s\n' "$*"
}

fail() {
    printf 'FAIL: %s\n' "$*" >&2
    exit 1
}

skip() {
    printf 'SKIP: %s\n' "$*"
    exit 77
}

require_root() {
    [[ $(id -u) -eq 0 ]] || skip "needs root (mount namespaces, tmpfs mounts)"
}

# assert_contains FILE STRING WHAT
assert_contains() {
    grep -qF -- "$2" "$1" 2> /dev/null || {
        printf -- '--- %s:\n' "$1" >&2
        cat "$1" >&2 2> /dev/null
        fail "$3: '$2' not found in $1"
    }
}

# assert_not_contains FILE STRING WHAT
assert_not_contains() {
    if grep -qF -- "$2" "$1" 2> /dev/null; then
        printf -- '--- %s:\n' "$1" >&2
        cat "$1" >&2
        fail "$3: '$2' unexpectedly found in $1"
    fi
}

# assert_empty FILE WHAT (a missing file counts as empty)
assert_empty() {
    if [[ -s $1 ]]; then
        printf -- '--- %s:\n' "$1" >&2
        cat "$1" >&2
        fail "$2: $1 is not empty"
    fi
}
