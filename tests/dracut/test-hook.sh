#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Unit test of the pre-pivot hook: test-hook.sh CASE
#
# Each shell under test (dash, bash, busybox sh if installed) sources the
# hook as dracut does.  Stub getarg/getargbool read a fake command line,
# NEWROOT is a tmpfs, and a fake sysclean records its arguments and exits
# with a chosen status.  Everything runs in a private mount namespace where
# temp files shadow /proc/sysrq-trigger and /dev/kmsg.  On top of that,
# SYSCLEAN_SYSRQ and SYSCLEAN_KMSG point the hook at other temp files.
set -u

# shellcheck source=tests/dracut/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CASE=${1:?usage: test-hook.sh CASE}
require_root
for tool in unshare timeout mount umount findmnt stat; do
    command -v "$tool" > /dev/null || fail "$tool is needed"
done

if [[ ${SYSCLEAN_TEST_IN_NS-} != 1 ]]; then
    SYSCLEAN_TEST_IN_NS=1 SOURCE_ROOT=$SOURCE_ROOT \
        exec unshare --mount --propagation private -- bash "$0" "$@"
fi

# ---- from here on: inside the private mount namespace ----------------------

[[ $(readlink /proc/self/ns/mnt) != "$(readlink /proc/1/ns/mnt)" ]] \
    || fail "not in a private mount namespace, refusing to run the hook"

T=$(mktemp -d /tmp/sysclean-dracut-hook.XXXXXX) || fail "mktemp"
cleanup() {
    local m
    for m in "$T"/*/sysroot; do
        umount -R "$m" 2> /dev/null
    done
    umount /proc/sysrq-trigger 2> /dev/null
    umount /dev/kmsg 2> /dev/null
    rm -rf "$T"
}
trap cleanup EXIT

# Second guard: shadow the real sysrq trigger and kmsg with temp files and
# make sure the shadowing took effect before any hook runs.
SYSRQ_ABSENT=0
: > "$T/guard-sysrq"
: > "$T/guard-kmsg"
if [[ -e /proc/sysrq-trigger ]]; then
    mount --bind "$T/guard-sysrq" /proc/sysrq-trigger \
        || fail "cannot bind a temp file over /proc/sysrq-trigger"
    [[ $(stat -Lc %d:%i /proc/sysrq-trigger) == "$(stat -Lc %d:%i "$T/guard-sysrq")" ]] \
        || fail "/proc/sysrq-trigger is not shadowed, refusing to run the hook"
    check "/proc/sysrq-trigger is shadowed by a temp file in this namespace"
else
    # A kernel without CONFIG_MAGIC_SYSRQ: procfs has no such file and no
    # write can create one, so there is nothing to shadow.
    SYSRQ_ABSENT=1
    check "/proc/sysrq-trigger does not exist on this kernel: nothing to shadow"
fi
if [[ -e /dev/kmsg ]]; then
    mount --bind "$T/guard-kmsg" /dev/kmsg \
        || fail "cannot bind a temp file over /dev/kmsg"
    [[ $(stat -Lc %d:%i /dev/kmsg) == "$(stat -Lc %d:%i "$T/guard-kmsg")" ]] \
        || fail "/dev/kmsg is not shadowed, refusing to run the hook"
    check "/dev/kmsg is shadowed by a temp file in this namespace"
fi

check_guards() {
    assert_empty "$T/guard-sysrq" "nothing reached the (shadowed) /proc/sysrq-trigger"
    assert_empty "$T/guard-kmsg" "nothing reached the (shadowed) /dev/kmsg"
    if [[ $SYSRQ_ABSENT == 1 && -e /proc/sysrq-trigger ]]; then
        fail "/proc/sysrq-trigger appeared"
    fi
}

# mount_state DIR: prints ro, rw or none for the topmost mount at DIR.
mount_state() {
    local opts
    opts=$(findmnt -n -o OPTIONS --mountpoint "$1" | tail -n 1)
    case ,$opts, in
        ,,) echo none ;;
        *,ro,*) echo ro ;;
        *) echo rw ;;
    esac
}

# ---- per-shell fixture -------------------------------------------------------
# Knobs (set by each case before run_hook):
CMDLINE=""       # fake kernel command line
FAKE_RC=0        # exit status of the fake sysclean
RO=0             # 1: NEWROOT is a read-only tmpfs
MARKER=1         # 1: create NEWROOT/etc/sysclean-pending
MOUNTED=1        # 0: NEWROOT is a plain directory, not a mount point
BIN_MISSING=0    # 1: SYSCLEAN_BIN points at nothing
REAL_LIB=0       # 1: dracut's own dracut-lib.sh instead of the stubs
DRACUT_LIB=${DRACUT_LIB:-/usr/lib/dracut/modules.d/99base/dracut-lib.sh}
DRACUT_UTIL=${DRACUT_UTIL:-/usr/lib/dracut/dracut-util}

# Results of run_hook: W (work dir), NR (NEWROOT), RC (status of the shell).
run_hook() {
    local shell=$1
    W=$T/${shell##*/}
    NR=$W/sysroot
    mkdir -p "$NR"
    if [[ $MOUNTED == 1 ]]; then
        mount -t tmpfs -o mode=0755,size=4m tmpfs "$NR" || fail "mount tmpfs on $NR"
    fi
    mkdir -p "$NR/etc"
    [[ $MARKER == 1 ]] && : > "$NR/etc/sysclean-pending"
    if [[ $RO == 1 ]]; then
        mount -o remount,ro "$NR" || fail "remount $NR read-only"
        [[ $(mount_state "$NR") == ro ]] || fail "fixture: $NR is not read-only"
    fi

    cat > "$W/fake-sysclean" << 'EOF'
#!/bin/sh
# Fake sysclean: records its arguments and whether the root is writable.
printf '%s\n' "$@" > "$FAKE_DIR/args"
root=
for a in "$@"; do
    case $a in --root=*) root=${a#--root=} ;; esac
done
if (: > "$root/.fake-write-probe") 2> /dev/null; then
    rm -f "$root/.fake-write-probe"
    echo writable
else
    echo read-only
fi > "$FAKE_DIR/root-state"
echo "removing 3 files (fake)" >&2
echo "sysclean: warning: already prefixed (fake)" >&2
echo "summary on stdout (fake)"
echo "<6>logfiles: removed 2 files (fake, journal prefix)" >&2
if [ "$FAKE_RC" -ne 0 ]; then
    mv "$root/etc/sysclean-pending" "$root/etc/sysclean-failed"
    echo "error: simulated failure (fake)" >&2
fi
exit "$FAKE_RC"
EOF
    chmod +x "$W/fake-sysclean"
    local bin=$W/fake-sysclean
    [[ $BIN_MISSING == 1 ]] && bin=$W/no-such-sysclean

    local lib=$TESTS_DIR/dracut-lib-stub.sh path=$PATH
    if [[ $REAL_LIB == 1 ]]; then
        # dracut's getarg reads /etc/cmdline{,.d} and /proc/cmdline and
        # calls dracut-getarg; shadow /proc/cmdline with the fake one.
        printf '%s\n' "$CMDLINE" > "$W/cmdline"
        mount --bind "$W/cmdline" /proc/cmdline || fail "cannot bind over /proc/cmdline"
        mkdir -p "$W/bin"
        ln -sf "$DRACUT_UTIL" "$W/bin/dracut-getarg"
        ln -sf "$DRACUT_UTIL" "$W/bin/dracut-getargs"
        path=$W/bin:$PATH
        # PREFIX keeps dracut-lib from creating /run/initramfs and linking
        # /var/log when loaded; it needs wait_for_dev or loads dev-lib.
        cat > "$W/real-lib.sh" << EOF
PREFIX=$W/prefix
wait_for_dev() { :; }
. "$DRACUT_LIB"
EOF
        lib=$W/real-lib.sh
    fi

    say "running the hook under $shell, cmdline '$CMDLINE', fake exit $FAKE_RC, ro=$RO"
    # shellcheck disable=SC2016 # expanded by the shell under test
    env NEWROOT="$NR" SYSCLEAN_BIN="$bin" SYSCLEAN_SYSRQ="$W/sysrq" SYSCLEAN_KMSG="$W/kmsg" \
        FAKE_CMDLINE="$CMDLINE" FAKE_RC="$FAKE_RC" FAKE_DIR="$W" PATH="$path" \
        timeout 3 "$shell" -c '. "$1"; . "$2"; echo "after-source rc=$?"' \
        sh "$lib" "$HOOK" > "$W/out" 2> "$W/err"
    RC=$?
    [[ $REAL_LIB == 1 ]] && umount /proc/cmdline
    check_guards
}

# ---- expectations --------------------------------------------------------------
expect_returned() {
    check "the hook returned to the sourcing shell with status 0"
    [[ $RC == 0 ]] || { cat "$W/err" >&2; fail "shell exited with $RC (124 = hook looped)"; }
    assert_contains "$W/out" "after-source rc=0" "the line after '. hook' ran"
}

expect_looped() {
    check "the hook did not return after the sysrq request (killed by timeout)"
    [[ $RC == 124 ]] || { cat "$W/err" >&2; fail "expected timeout status 124, got $RC"; }
    assert_not_contains "$W/out" "after-source" "the hook fell through"
}

expect_not_run() {
    check "sysclean was not run"
    [[ ! -e $W/args ]] || fail "sysclean ran with: $(cat "$W/args")"
}

expect_ran() {
    check "sysclean ran exactly with --root=$NR --if-pending"
    [[ -e $W/args ]] || fail "sysclean did not run"
    local want
    want=$(printf '%s\n' "--root=$NR" --if-pending)
    [[ $(cat "$W/args") == "$want" ]] || fail "sysclean arguments: $(cat "$W/args")"
    check "the root was writable while sysclean ran"
    [[ $(cat "$W/root-state") == writable ]] || fail "root was $(cat "$W/root-state") during the run"
    check "sysclean's output reached kmsg with the sysclean: prefix"
    assert_contains "$W/kmsg" "<5>sysclean: sealing $NR" "start message"
    assert_contains "$W/kmsg" "sysclean: removing 3 files (fake)" "stderr line"
    assert_contains "$W/kmsg" "sysclean: summary on stdout (fake)" "stdout line"
    assert_contains "$W/kmsg" "<4>sysclean: warning: already prefixed (fake)" "prefixed warning line"
    assert_contains "$W/kmsg" "<6>sysclean: logfiles: removed 2 files (fake, journal prefix)" "line with priority prefix"
    assert_not_contains "$W/kmsg" "sysclean: sysclean:" "doubled prefix"
    assert_not_contains "$W/kmsg" "sysclean: <" "priority prefix left in the text"
}

expect_no_trigger() {
    check "nothing was written to the sysrq trigger"
    assert_empty "$W/sysrq" "sysrq trigger"
}

expect_trigger() {
    check "the sysrq trigger got '$1'"
    [[ -e $W/sysrq && $(cat "$W/sysrq") == "$1" ]] \
        || fail "sysrq trigger contains '$(cat "$W/sysrq" 2> /dev/null)', want '$1'"
}

expect_mount() {
    check "NEWROOT is $1 afterwards"
    local s
    s=$(mount_state "$NR")
    [[ $s == "$1" ]] || fail "NEWROOT is $s, want $1"
}

expect_marker() {
    check "the marker is still there"
    [[ -e $NR/etc/sysclean-pending ]] || fail "marker is gone"
}

# ---- cases ---------------------------------------------------------------------
case_no_marker() {
    MARKER=0
    run_hook "$1"
    expect_returned
    expect_not_run
    expect_no_trigger
    check "nothing was logged"
    assert_empty "$W/kmsg" "kmsg"
    expect_mount rw
}

case_disabled() {
    local v
    for v in 0 no off; do
        CMDLINE="quiet rd.sysclean=$v"
        run_hook "$1"
        expect_returned
        expect_not_run
        expect_no_trigger
        expect_marker
        assert_contains "$W/kmsg" "rd.sysclean=0: not sealing" "disabled message"
        umount "$NR"
        rm -rf "$W"
    done
}

case_poweroff() {
    CMDLINE="quiet rd.sysclean"
    run_hook "$1"
    expect_looped
    expect_ran
    expect_trigger o
    expect_mount none
    assert_contains "$W/kmsg" "<5>sysclean: done, powering off" "final message"
}

case_poweroff_explicit() {
    CMDLINE="rd.sysclean=1 rd.sysclean.action=poweroff"
    run_hook "$1"
    expect_looped
    expect_ran
    expect_trigger o
    expect_mount none
}

case_invalid_action() {
    CMDLINE="rd.sysclean.action=halt"
    run_hook "$1"
    expect_looped
    expect_ran
    expect_trigger o
    check "the invalid action was logged"
    assert_contains "$W/kmsg" "<4>sysclean: invalid rd.sysclean.action=halt, using poweroff" "warning"
}

case_reboot() {
    CMDLINE="rd.sysclean.action=poweroff rd.sysclean.action=reboot"
    run_hook "$1"
    expect_looped
    expect_ran
    expect_trigger b
    expect_mount none
    assert_contains "$W/kmsg" "<5>sysclean: done, rebooting" "final message"
}

case_continue() {
    CMDLINE="rd.sysclean.action=continue"
    run_hook "$1"
    expect_returned
    expect_ran
    expect_no_trigger
    expect_mount rw
}

case_failure() {
    FAKE_RC=3
    run_hook "$1"
    expect_returned
    expect_ran
    expect_no_trigger
    expect_mount rw
    check "the failure and sysclean's own exit status were logged at error level"
    assert_contains "$W/kmsg" "<3>sysclean: sealing $NR failed with exit status 3" "failure message"
    assert_contains "$W/kmsg" "<3>sysclean: error: simulated failure (fake)" "error line"
}

case_ro_failure() {
    RO=1
    FAKE_RC=1
    run_hook "$1"
    expect_returned
    expect_ran
    expect_no_trigger
    expect_mount ro
}

case_ro_continue() {
    RO=1
    CMDLINE="rd.sysclean.action=continue"
    run_hook "$1"
    expect_returned
    expect_ran
    expect_no_trigger
    expect_mount ro
}

case_ro_poweroff() {
    RO=1
    run_hook "$1"
    expect_looped
    expect_ran
    expect_trigger o
    expect_mount none
}

case_missing_binary() {
    BIN_MISSING=1
    run_hook "$1"
    expect_returned
    expect_no_trigger
    expect_marker
    expect_mount rw
    assert_contains "$W/kmsg" "<3>sysclean: $W/no-such-sysclean not found" "error message"
}

case_not_mounted() {
    MOUNTED=0
    run_hook "$1"
    expect_returned
    expect_not_run
    expect_no_trigger
    expect_marker
    assert_contains "$W/kmsg" "<3>sysclean: $NR is not a mount point" "error message"
}

case_returns() {
    # Continue and failure paths must return (not exit) into the sourcing
    # shell, so the lines after the '.' run; checked for both explicitly.
    CMDLINE="rd.sysclean.action=continue"
    run_hook "$1"
    expect_returned
    umount "$NR"
    rm -rf "$W"
    CMDLINE=""
    FAKE_RC=2
    run_hook "$1"
    expect_returned
    check "no helper or variable leaked into the sourcing shell"
    # shellcheck disable=SC2016 # expanded by the shell under test
    env NEWROOT="$NR" SYSCLEAN_BIN="$W/fake-sysclean" SYSCLEAN_SYSRQ="$W/sysrq2" \
        SYSCLEAN_KMSG="$W/kmsg2" FAKE_CMDLINE="rd.sysclean=0" FAKE_DIR="$W" FAKE_RC=0 \
        "$1" -c '. "$1"; . "$2"; for f in sysclean_pre_pivot log relay mount_state run_sysclean; do
                command -v "$f" >/dev/null && echo "leaked function $f"; done
            [ -z "${action-}${state-}${bin-}${root-}${marker-}" ] || echo "leaked variable"' \
        sh "$TESTS_DIR/dracut-lib-stub.sh" "$HOOK" > "$W/leak" 2>&1
    assert_empty "$W/leak" "leaks"
}

case_real_dracut_lib() {
    # The same hook with dracut's own getarg/getargbool.
    [[ -r $DRACUT_LIB && -x $DRACUT_UTIL ]] \
        || fail "dracut is not installed (Debian: apt-get install dracut-core)"
    # Extra shield: dracut-lib must not touch the host's /run or /var/log.
    mount -t tmpfs tmpfs /run || fail "mount tmpfs on /run"
    mount -t tmpfs tmpfs /var/log || fail "mount tmpfs on /var/log"
    REAL_LIB=1
    CMDLINE="quiet rd.sysclean=0 rd.sysclean.action=reboot"
    run_hook "$1"
    expect_returned
    expect_not_run
    expect_marker
    expect_no_trigger
    umount "$NR"
    rm -rf "$W"
    CMDLINE="quiet rd.sysclean rd.sysclean.action=reboot"
    run_hook "$1"
    expect_looped
    expect_ran
    expect_trigger b
    umount /var/log /run
}

fn=case_${CASE//-/_}
declare -F "$fn" > /dev/null || fail "unknown case $CASE"

shells=()
for s in dash bash busybox-sh; do
    if [[ $s == busybox-sh ]]; then
        command -v busybox > /dev/null || continue
        mkdir -p "$T/bin"
        printf '#!/bin/sh\nexec busybox sh "$@"\n' > "$T/bin/busybox-sh"
        chmod +x "$T/bin/busybox-sh"
        s=$T/bin/busybox-sh
    else
        command -v "$s" > /dev/null || continue
    fi
    shells+=("$s")
done
[[ ${#shells[@]} -gt 0 ]] || fail "no shell to test with"

for sh in "${shells[@]}"; do
    # reset the knobs for every shell
    CMDLINE="" FAKE_RC=0 RO=0 MARKER=1 MOUNTED=1 BIN_MISSING=0 REAL_LIB=0
    say "=== case $CASE under ${sh##*/}"
    "$fn" "$(command -v "$sh")"
done
say "PASS: $CASE"
