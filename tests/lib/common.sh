# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# Shell helpers shared by the realroot, e2e and boot benchmark scripts:
# messages, locking and the Debian mirror taken from the host's apt sources.
# Source this file; it sets no shell options of its own.

# Directory of the shared test library, for scripts that source it.
SYSCLEAN_TEST_LIB=${SYSCLEAN_TEST_LIB:-$(cd "$(dirname "$0")/../lib" 2>/dev/null && pwd)}

# Print a progress message on stderr, prefixed with the script name and the
# seconds since the script started.
log() {
	printf '%s [%3ds]: %s\n' "${0##*/}" "$SECONDS" "$*" >&2
}

# Print an error message on stderr and exit with status 1.
die() {
	printf '%s: error: %s\n' "${0##*/}" "$*" >&2
	exit 1
}

# Exit with status 77 (skipped in meson) unless running as root.
require_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "${0##*/}: skipped: needs root (mounts, chroot, device nodes)" >&2
		exit 77
	fi
}

# Check that every named command exists, and name the installer if not.
require_commands() {
	local cmd missing=
	for cmd in "$@"; do
		command -v "$cmd" >/dev/null 2>&1 || missing="$missing $cmd"
	done
	if [ -n "$missing" ]; then
		die "missing commands:$missing (run tests/lib/install-guest-deps.sh)"
	fi
}

# Print the first Debian mirror URI that the host's apt sources list for
# SUITE with the main component. SYSCLEAN_TEST_MIRROR overrides it. Reads
# one-line sources.list files and deb822 *.sources files.
debian_mirror() {
	local suite=$1 file

	if [ -n "${SYSCLEAN_TEST_MIRROR:-}" ]; then
		echo "$SYSCLEAN_TEST_MIRROR"
		return 0
	fi

	for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$file" ] || continue
		# Fields: deb [options] URI SUITE COMPONENT...
		awk -v suite="$suite" '
			$1 != "deb" { next }
			{ i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } }
			$(i + 1) != suite { next }
			{ for (c = i + 2; c <= NF; c++) if ($c == "main") { print $i; exit } }
		' "$file"
	done | head -n 1 | grep . && return 0

	for file in /etc/apt/sources.list.d/*.sources; do
		[ -r "$file" ] || continue
		# deb822 stanzas are separated by blank lines.
		awk -v suite="$suite" '
			function flush() {
				if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") &&
				    (" " comps " ") ~ / main / && uris != "") {
					split(uris, u, " "); print u[1]; found = 1; exit
				}
				types = suites = comps = uris = ""
			}
			/^[[:space:]]*$/ { flush(); next }
			/^#/ { next }
			tolower($1) == "types:" { $1 = ""; types = $0 }
			tolower($1) == "uris:" { $1 = ""; uris = $0 }
			tolower($1) == "suites:" { $1 = ""; suites = $0 }
			tolower($1) == "components:" { $1 = ""; comps = $0 }
			END { if (!found) flush() }
		' "$file"
	done | head -n 1 | grep . && return 0

	return 1
}

# Run COMMAND... in TREE with chroot, inside a private mount namespace so that
# the proc, sysfs and /dev mounts it needs never appear on the host. /dev is
# a fresh tmpfs with the few character devices package scripts and dracut use,
# not a bind mount of the host's /dev, so nothing in the chroot can reach the
# host's disks.
chroot_run() {
	local tree=$1
	shift
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare --mount --propagation private -- /bin/sh -eu -c '
		tree=$1
		shift
		mount -t proc proc "$tree/proc"
		mount -t sysfs -o ro sysfs "$tree/sys"
		mount -t tmpfs -o mode=0755,size=16m chroot-dev "$tree/dev"
		mknod -m 666 "$tree/dev/null" c 1 3
		mknod -m 666 "$tree/dev/zero" c 1 5
		mknod -m 666 "$tree/dev/full" c 1 7
		mknod -m 666 "$tree/dev/random" c 1 8
		mknod -m 666 "$tree/dev/urandom" c 1 9
		mknod -m 666 "$tree/dev/tty" c 5 0
		ln -s /proc/self/fd "$tree/dev/fd"
		mkdir -m 1777 "$tree/dev/shm"
		rc=0
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
			DEBIAN_FRONTEND=noninteractive INITRD=No \
			chroot "$tree" "$@" || rc=$?
		umount "$tree/dev" "$tree/sys" "$tree/proc"
		exit $rc
	' chroot_run "$tree" "$@"
}
