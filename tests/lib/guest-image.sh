#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Build the bootable guest that the e2e scenarios and the boot benchmark
# share, once per change of its inputs:
#
#   guest-image.sh BUILDDIR OUTDIR
#
# OUTDIR receives these files:
#   tree/               the cached guest tree plus `meson install` of BUILDDIR,
#                       the test users, and a test-only unit that powers off
#                       once the real root is reached
#   vmlinuz             the guest's kernel
#   initrd-systemd.img  systemd initramfs with the sysclean module
#   initrd-shell.img    the same without systemd
#   initrd-no-sysclean.img  systemd initramfs without the sysclean module,
#                       which leaves the marker to the late-boot
#                       sysclean.service
#   root.img            ext4 image made from tree/ with mkfs.ext4 -d
# Scenarios copy root.img
# and never change the others. OUTDIR/key records a hash of every input; a
# matching key means the artefacts are reused. A lock serialises concurrent
# callers.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/common.sh"
. "$SYSCLEAN_TEST_LIB/state.sh"

# Drivers for an ext4 virtio disk. ext4 checksums need crc32c.
GUEST_DRIVERS="virtio_pci virtio_blk ext4 crc32c_generic"
GUEST_MODULES_SYSTEMD="systemd systemd-initrd dracut-systemd base fs-lib rootfs-block udev-rules kernel-modules sysclean"
GUEST_MODULES_SHELL="base fs-lib rootfs-block udev-rules kernel-modules sysclean"
GUEST_MODULES_NO_SYSCLEAN="systemd systemd-initrd dracut-systemd base fs-lib rootfs-block udev-rules kernel-modules"
ROOT_IMAGE_SIZE=1536M

# Print a hash of the files below DIR: names, modes and contents.
hash_tree() {
	(cd "$1" && find . \( -type f -o -type l \) -printf '%p %m %l\n' | sort &&
		find . -type f -print0 | sort -z | xargs -0r sha256sum) | sha256sum | cut -c1-16
}

# Build a dracut initramfs in the chroot TREE with the given modules.
build_initramfs() {
	local tree=$1 kver=$2 modules=$3 output=$4
	chroot_run "$tree" dracut --quiet --force --no-hostonly --no-early-microcode \
		-m "$modules" --drivers "$GUEST_DRIVERS" \
		/boot/initrd-test.img "$kver" >"$output.log" 2>&1 ||
		die "dracut failed for modules '$modules', see $output.log"
	mv "$tree/boot/initrd-test.img" "$output"
	rm -f "$output.log"
}

build() {
	local builddir=$1 out=$2 guest stage key kver installed
	guest=$("$SYSCLEAN_TEST_LIB/guest-tree.sh" guest)

	stage=$out/stage
	rm -rf "$stage"
	meson install -C "$builddir" --no-rebuild --quiet --destdir "$stage" >"$out/install.log" 2>&1 ||
		die "meson install from $builddir failed, see $out/install.log"
	installed=$(find "$stage" -name sysclean -type f -perm -u+x -printf '/%P\n' | head -n 1)
	[ -n "$installed" ] || die "meson install from $builddir installed no sysclean binary"
	# NOTE: the dracut module looks for the binary in /usr/sbin and in
	# dracut's PATH, which lacks /usr/local/sbin (meson's default prefix).
	if [ "$installed" != /usr/sbin/sysclean ]; then
		die "$builddir installs sysclean as $installed, where the dracut module does not find it; configure it with --prefix=/usr"
	fi

	key=$(printf '%s\n' "$guest" "$(hash_tree "$stage")" \
		"$(cat "$SYSCLEAN_TEST_LIB/common.sh" "$SYSCLEAN_TEST_LIB/guest-image.sh" | sha256sum)" \
		"$(hash_tree "$SYSCLEAN_TEST_LIB/guest")" | sha256sum | cut -c1-16)
	if [ -f "$out/key" ] && [ "$(cat "$out/key")" = "$key" ] &&
		[ -f "$out/root.img" ] && [ -f "$out/initrd-shell.img" ] &&
		[ -f "$out/initrd-no-sysclean.img" ]; then
		log "reusing guest artefacts in $out (key $key)"
		rm -rf "$stage"
		return 0
	fi

	rm -f "$out/key"
	rm -rf --one-file-system "$out/tree"
	log "copying the guest tree $guest"
	cp -a --reflink=auto "$guest" "$out/tree"
	# The guest's /lib, /bin and /sbin are symlinks into /usr. Where the
	# host's systemd.pc names /lib/systemd/system (Debian 12), the install
	# has a /lib directory, which cp -a cannot copy over the symlink.
	tar -C "$stage" -cf - . | tar -C "$out/tree" --keep-directory-symlink -xf - ||
		die "copying the meson install from $stage into $out/tree failed"
	rm -rf "$stage"

	state_add_users "$out/tree"
	install -D -m 0755 "$SYSCLEAN_TEST_LIB/guest/sysclean-test-reached-root" \
		"$out/tree/usr/local/libexec/sysclean-test-reached-root"
	install -D -m 0644 "$SYSCLEAN_TEST_LIB/guest/sysclean-test-reached-root.service" \
		"$out/tree/etc/systemd/system/sysclean-test-reached-root.service"
	ln -sf ../sysclean-test-reached-root.service \
		"$out/tree/etc/systemd/system/sysinit.target.wants/sysclean-test-reached-root.service"
	# The root comes from root= on the kernel command line; scenarios that
	# need more (a separate /var) write their own fstab into their image.
	printf '# sysclean e2e guest: / comes from root= on the kernel command line\n' \
		>"$out/tree/etc/fstab"
	echo sysclean-e2e >"$out/tree/etc/hostname"

	kver=$(basename "$(ls -d "$out"/tree/lib/modules/* | sort -V | tail -n 1)")
	cp "$out/tree/boot/vmlinuz-$kver" "$out/vmlinuz"
	log "building the systemd initramfs for $kver"
	build_initramfs "$out/tree" "$kver" "$GUEST_MODULES_SYSTEMD" "$out/initrd-systemd.img"
	log "building the shell-only initramfs"
	build_initramfs "$out/tree" "$kver" "$GUEST_MODULES_SHELL" "$out/initrd-shell.img"
	log "building the systemd initramfs without the sysclean module"
	build_initramfs "$out/tree" "$kver" "$GUEST_MODULES_NO_SYSCLEAN" "$out/initrd-no-sysclean.img"
	echo "$kver" >"$out/kernel-version"

	log "making root.img ($ROOT_IMAGE_SIZE) from the tree"
	rm -f "$out/root.img"
	mkfs.ext4 -q -F -L sysclean-root -d "$out/tree" "$out/root.img" "$ROOT_IMAGE_SIZE" >/dev/null ||
		die "mkfs.ext4 -d failed for $out/root.img"

	echo "$key" >"$out/key"
	log "guest artefacts ready in $out (key $key)"
}

main() {
	[ $# -eq 2 ] || {
		echo "usage: ${0##*/} BUILDDIR OUTDIR" >&2
		exit 1
	}
	local builddir out
	builddir=$(realpath "$1")
	out=$2
	require_commands meson mkfs.ext4 debugfs unshare flock chroot tar
	mkdir -p "$out"
	out=$(realpath "$out")

	exec 8>"$out.lock"
	flock 8
	build "$builddir" "$out"
}

main "$@"
