#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# dracut module "sysclean": seals the real root from the initramfs when the
# admin left /etc/sysclean-pending on it.  See dracut.sysclean(7).
#
# SYSCLEAN_BIN (test-only seam): host path of the sysclean binary to put into
# the image.  Default: /usr/sbin/sysclean (as installed by `meson install`
# with prefix=/usr), else the first `sysclean` found in dracut's PATH.
# Whatever the source, the binary lands at /usr/sbin/sysclean inside the
# initramfs, which is where the hook looks for it.

# Prints the host path of the sysclean binary, fails if there is none.
_sysclean_source() {
    if [[ -n ${SYSCLEAN_BIN-} ]]; then
        [[ -x $SYSCLEAN_BIN ]] && printf '%s\n' "$SYSCLEAN_BIN"
        return
    fi
    if [[ -x ${dracutsysrootdir-}/usr/sbin/sysclean ]]; then
        printf '%s\n' /usr/sbin/sysclean
        return 0
    fi
    find_binary sysclean
}

# called by dracut
check() {
    # Return 0, not 255: dracut's default module list ("all") then includes
    # this module in every image, hostonly or not, so installing the package
    # and running `dracut -f` is enough.  255 would mean "only when asked for
    # with --add/add_dracutmodules".  Without the binary the module cannot
    # work, so decline (1) rather than fail the whole image build.
    _sysclean_source > /dev/null 2>&1 || return 1
    return 0
}

# called by dracut
depends() {
    # The hook needs only dracut-lib (getarg, getargbool), which the base
    # module always provides; the binary mounts a separate /var itself.
    return 0
}

# called by dracut
install() {
    local _src
    _src=$(_sysclean_source) || {
        dfatal "sysclean binary not found (looked for /usr/sbin/sysclean and sysclean in PATH)"
        return 1
    }
    inst_binary "$_src" /usr/sbin/sysclean

    # What the hook runs besides shell builtins.
    inst_multiple mount umount sync sleep

    # Order 55 within pre-pivot (dracut 059 hook numbers):
    #  - After 00 (fstab-sys mounts /etc/fstab.sys) and 10 (overlay-root).
    #  - After 50: in a shell-only initramfs, usrmount mounts a separate /usr
    #    there.  selinux-loadpolicy.sh also runs at 50, so the files that
    #    sysclean creates get labels from the policy instead of none.
    #  - In a systemd initramfs, sysroot.mount and the x-initrd.mount units
    #    are done before dracut-pre-pivot.service starts.
    #  - Before 60-63 (masterkey, EVM, IMA policy, ecryptfs), 90 (plymouth)
    #    and 99 (convertfs), and before the cleanup hooks and switch_root.
    #    The power-off or reboot request is then made while the initramfs
    #    still runs the boot.
    # shellcheck disable=SC2154 # moddir is set by dracut
    inst_hook pre-pivot 55 "$moddir/sysclean-pre-pivot.sh"
}
