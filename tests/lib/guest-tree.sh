#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Build and cache the Debian trees the realroot and e2e tests start from, and
# print the path of the one requested:
#
#   guest-tree.sh base    debootstrap minbase with openssh-server and
#                         isc-dhcp-client: a target root for offline runs
#   guest-tree.sh guest   base plus a kernel, dracut, systemd as init and
#                         the libraries sysclean links: a bootable guest
#
# Trees live in $SYSCLEAN_TEST_CACHE (default /var/cache/sysclean-tests),
# one directory per key. A key names the suite, a hash of the package lists
# and the UTC date, so a tree is rebuilt once a day and whenever the lists
# change. Each tree is built in a temporary directory and renamed into place,
# so an interrupted build is never reused. Callers copy a tree before
# changing it.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/common.sh"

SUITE=${SYSCLEAN_TEST_SUITE:-bookworm}
CACHE=${SYSCLEAN_TEST_CACHE:-/var/cache/sysclean-tests}
BASE_INCLUDE=openssh-server,isc-dhcp-client
# libnl, libcap-ng and libmount are sysclean's run-time libraries.
GUEST_PACKAGES="linux-image-amd64 dracut systemd-sysv libnl-3-200 libnl-route-3-200 libcap-ng0 libmount1"

short_hash() {
	printf '%s' "$*" | sha256sum | cut -c1-12
}

today=$(date -u +%Y%m%d)
base_key=base-$SUITE-$(short_hash "minbase $BASE_INCLUDE")-$today
guest_key=guest-$SUITE-$(short_hash "$base_key $GUEST_PACKAGES")-$today

# Remove every cached tree of LAYER (base or guest) except KEEP, and any
# temporary directory an interrupted build left. Runs under the cache lock,
# so no other build is in progress.
# NOTE: a test in another process that copies yesterday's tree while the key
# changes can see it removed. Its copy then fails with an error.
remove_stale() {
	local layer=$1 keep=$2 dir
	for dir in "$CACHE/$layer"-* "$CACHE"/.build-"$layer"-*; do
		[ -e "$dir" ] || continue
		[ "$dir" = "$CACHE/$keep" ] && continue
		log "removing stale cache entry $dir"
		rm -rf --one-file-system "$dir"
	done
}

build_base() {
	local mirror tmp
	mirror=$(debian_mirror "$SUITE") ||
		die "no apt source for suite '$SUITE' with component main in /etc/apt; set SYSCLEAN_TEST_MIRROR"
	tmp=$CACHE/.build-$base_key
	rm -rf --one-file-system "$tmp"

	log "debootstrap $SUITE from $mirror into $tmp"
	debootstrap --variant=minbase --include="$BASE_INCLUDE" \
		"$SUITE" "$tmp" "$mirror" >"$CACHE/.build-$base_key.log" 2>&1 ||
		die "debootstrap failed, see $CACHE/.build-$base_key.log"
	rm -f "$CACHE/.build-$base_key.log"
	rm -rf "$tmp"/var/cache/apt/archives/*.deb

	mv -T "$tmp" "$CACHE/$base_key"
	log "base tree ready: $CACHE/$base_key"
}

build_guest() {
	local tmp=$CACHE/.build-$guest_key
	rm -rf --one-file-system "$tmp"

	log "copying base tree for the guest layer"
	cp -a --reflink=auto "$CACHE/$base_key" "$tmp"

	# No daemon may start inside the chroot.
	printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"
	chmod 0755 "$tmp/usr/sbin/policy-rc.d"

	# INITRD=No stops the kernel package from building a generic
	# initramfs: the tests build small ones with dracut themselves.
	log "installing $GUEST_PACKAGES in the chroot"
	# shellcheck disable=SC2086
	chroot_run "$tmp" apt-get install -y -q --no-install-recommends $GUEST_PACKAGES \
		>"$tmp.log" 2>&1 || die "apt-get install in the guest tree failed, see $tmp.log"
	chroot_run "$tmp" apt-get clean
	rm -f "$tmp.log" "$tmp/usr/sbin/policy-rc.d"

	ls "$tmp"/boot/vmlinuz-* >/dev/null 2>&1 || die "no kernel in $tmp/boot"
	mv -T "$tmp" "$CACHE/$guest_key"
	log "guest tree ready: $CACHE/$guest_key"
}

# Build what LAYER needs and print its path. Runs under the cache lock.
ensure_layer() {
	local layer=$1
	mkdir -p "$CACHE"

	remove_stale base "$base_key"
	[ -d "$CACHE/$base_key" ] || build_base
	if [ "$layer" = guest ]; then
		remove_stale guest "$guest_key"
		[ -d "$CACHE/$guest_key" ] || build_guest
		echo "$CACHE/$guest_key"
	else
		echo "$CACHE/$base_key"
	fi
}

main() {
	local layer=${1:-}
	case $layer in
	base | guest) ;;
	*)
		echo "usage: ${0##*/} base|guest" >&2
		exit 1
		;;
	esac

	if [ "$(id -u)" -ne 0 ]; then
		die "building the guest trees needs root (debootstrap, chroot)"
	fi
	require_commands debootstrap unshare flock chroot

	mkdir -p "$CACHE"
	exec 9>"$CACHE/.lock"
	flock 9
	ensure_layer "$layer"
}

# Run only when executed, so the key variables can be reused by sourcing.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	main "$@"
fi
