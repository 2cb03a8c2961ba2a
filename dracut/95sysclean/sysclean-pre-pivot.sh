#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# sysclean pre-pivot hook, see dracut.sysclean(7).
#
# This file is SOURCED by dracut (by /init in a shell-only initramfs, by
# /bin/dracut-pre-pivot from dracut-pre-pivot.service in a systemd one), with
# dracut-lib loaded.  It must never `exit`: all the work is done in a function
# whose body is a subshell, so it can only `return`, and no variable or
# helper leaks into dracut's shell.  Plain POSIX sh (bash, dash, busybox ash);
# the only dracut-lib functions used are getarg and getargbool.
#
# Test-only seams, unset in a real boot (never set them on a kernel command
# line): SYSCLEAN_BIN (default /usr/sbin/sysclean), SYSCLEAN_SYSRQ (default
# /proc/sysrq-trigger), SYSCLEAN_KMSG (default /dev/kmsg).

sysclean_pre_pivot() (
    root=${NEWROOT:-/sysroot}
    bin=${SYSCLEAN_BIN:-/usr/sbin/sysclean}
    sysrq=${SYSCLEAN_SYSRQ:-/proc/sysrq-trigger}
    kmsg=${SYSCLEAN_KMSG:-/dev/kmsg}
    marker=$root/etc/sysclean-pending

    # log LEVEL MESSAGE...: one kmsg record "<LEVEL>sysclean: MESSAGE".
    # The file is opened anew for every record because the kernel rate-limits
    # writes per open file of /dev/kmsg (Linux 4.10 and later, with the
    # default printk.devkmsg=ratelimit).  Falls back to stderr.
    log() {
        _lvl=$1
        shift
        { printf '<%s>sysclean: %s\n' "$_lvl" "$*" >> "$kmsg"; } 2> /dev/null \
            || printf 'sysclean: %s\n' "$*" >&2
    }

    # Copies sysclean's output lines to kmsg.  A syslog priority prefix
    # ("<3>...", as sysclean writes when it believes stderr is the journal)
    # gives the level; otherwise "error"/"warning" lines get 3/4, others 5.
    relay() {
        while IFS= read -r _line || [ -n "$_line" ]; do
            _lvl=
            case $_line in
                '<'[0-7]'>'*)
                    _lvl=${_line#<}
                    _lvl=${_lvl%%>*}
                    _line=${_line#<?>}
                    ;;
            esac
            case $_line in
                sysclean:*)
                    _line=${_line#sysclean:}
                    _line=${_line# }
                    ;;
            esac
            if [ -z "$_lvl" ]; then
                case $_line in
                    error* | Error* | ERROR*) _lvl=3 ;;
                    warning* | Warning* | WARNING*) _lvl=4 ;;
                    *) _lvl=5 ;;
                esac
            fi
            log "$_lvl" "$_line"
        done
    }

    # Prints "ro" or "rw" for the topmost mount at $root, or fails when $root
    # is not a mount point.  It is "ro" when the mount or its superblock is.
    mount_state() {
        _state=
        while read -r _id _parent _dev _mroot _mp _opts _rest; do
            [ "$_mp" = "$root" ] || continue
            _super=${_rest##* }
            case ",$_opts,$_super," in
                *,ro,*) _state=ro ;;
                *) _state=rw ;;
            esac
        done < /proc/self/mountinfo
        [ -n "$_state" ] || return 1
        echo "$_state"
    }

    # Puts $root back read-only if it was read-only when we started.
    restore_state() {
        [ "$state" = ro ] || return 0
        sync
        if mount -o remount,ro "$root"; then
            log 5 "remounted $root read-only again"
        else
            log 4 "failed to remount $root read-only again, it stays read-write"
        fi
    }

    # Runs sysclean, its stdout and stderr going to kmsg line by line.
    # Returns sysclean's exit status, not the logging pipeline's: the status
    # travels to the command substitution through fd 3.
    run_sysclean() {
        _rc=$(
            {
                {
                    "$bin" --root="$root" --if-pending 2>&1 3>&-
                    echo "$?" >&3
                } | relay >&2 3>&-
            } 3>&1
        )
        case $_rc in
            '' | *[!0-9]*) return 1 ;;
        esac
        return "$_rc"
    }

    [ -e "$marker" ] || [ -L "$marker" ] || return 0

    if ! getargbool 1 rd.sysclean; then
        log 5 "$marker present, but rd.sysclean=0: not sealing"
        return 0
    fi

    action=$(getarg rd.sysclean.action) || action=
    case $action in
        '') action=poweroff ;;
        poweroff | reboot | continue) ;;
        *)
            log 4 "invalid rd.sysclean.action=$action, using poweroff"
            action=poweroff
            ;;
    esac

    if [ ! -x "$bin" ]; then
        log 3 "$bin not found, not sealing (marker kept). Rebuild the initramfs with sysclean installed: dracut -f"
        return 0
    fi

    if ! state=$(mount_state); then
        log 3 "$root is not a mount point, not sealing (marker kept)"
        return 0
    fi
    if [ "$state" = ro ]; then
        if ! mount -o remount,rw "$root"; then
            log 3 "failed to remount $root read-write, not sealing (marker kept)"
            return 0
        fi
        log 5 "remounted $root read-write"
    fi

    log 5 "sealing $root"
    run_sysclean
    rc=$?
    if [ "$rc" -ne 0 ]; then
        if [ -e "$root/etc/sysclean-failed" ]; then
            log 3 "sealing $root failed with exit status $rc, the boot continues. The report is in /etc/sysclean-failed"
        else
            log 3 "sealing $root failed with exit status $rc, the boot continues (marker kept)"
        fi
        restore_state
        return 0
    fi
    sync
    log 5 "sealed $root"

    if [ "$action" = continue ]; then
        restore_state
        log 5 "rd.sysclean.action=continue: continuing boot"
        return 0
    fi

    # Leave the file systems clean for the clones.  umount -R also takes
    # submounts (a separate /usr, x-initrd.mount units); busybox umount has
    # no -R, hence the plain umount.
    if umount -R "$root" 2> /dev/null || umount "$root" 2> /dev/null; then
        log 5 "unmounted $root"
    elif mount -o remount,ro "$root"; then
        log 4 "failed to unmount $root, remounted it read-only"
    else
        log 3 "failed to unmount $root or to remount it read-only (its data was synced)"
    fi
    sync

    if [ "$action" = reboot ]; then
        log 5 "done, rebooting"
        key=b
    else
        log 5 "done, powering off"
        key=o
    fi
    if ! echo "$key" > "$sysrq"; then
        log 3 "failed to write '$key' to $sysrq, $action the machine by hand"
    fi
    # Never fall through to switch_root: booting would dirty the sealed
    # image.  The power-off request is carried out asynchronously.
    while :; do
        sleep 1
    done
)

sysclean_pre_pivot
unset -f sysclean_pre_pivot
