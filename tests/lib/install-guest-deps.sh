#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Install the host packages that the realroot, e2e and boot benchmark tests
# need: debootstrap builds the Debian tree, e2fsprogs turns it into an ext4
# image and edits it without mounting (mkfs.ext4 -d, debugfs, e2fsck), QEMU
# boots it, and util-linux provides unshare and flock. ca-certificates lets
# debootstrap use an https mirror from the host's apt sources.
set -eu

if [ "$(id -u)" -ne 0 ]; then
	echo "install-guest-deps.sh: must run as root to install packages" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends \
	ca-certificates \
	coreutils \
	debootstrap \
	e2fsprogs \
	qemu-system-x86 \
	qemu-utils \
	util-linux
