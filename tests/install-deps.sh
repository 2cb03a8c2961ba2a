#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Installs the Debian 12 packages that building sysclean needs and, with
# --tests, those its test suites need (QEMU, debootstrap and the rest come
# from tests/lib/install-guest-deps.sh).
set -eu

with_tests=no
case "${1:-}" in
--tests) with_tests=yes ;;
"") ;;
*)
	echo "usage: install-deps.sh [--tests]" >&2
	exit 1
	;;
esac

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps.sh: must run as root to install packages" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q

# Build: compiler, meson, the three libraries, scdoc for the man pages.
# dracut-core and systemd provide the pkg-config files that name the
# directories for the dracut module and the unit.
apt-get install -y -q --no-install-recommends \
	g++ meson ninja-build pkg-config \
	libmount-dev libblkid-dev libnl-3-dev libnl-route-3-dev libcap-ng-dev \
	scdoc dracut-core systemd python3

if [ "$with_tests" = yes ]; then
	# Catch2 runs the C++ tests and shellcheck checks the dracut hook.
	# iproute2 makes veth pairs in network namespaces, e2fsprogs provides
	# chattr and loop ext4 images, and attr and acl check extended
	# attributes.
	apt-get install -y -q --no-install-recommends \
		catch2 shellcheck iproute2 e2fsprogs attr acl util-linux kmod
	sh "$(dirname "$0")/lib/install-guest-deps.sh"
fi
