#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Creates the sample root described by sample-root.manifest in DIR, which
# must not exist yet. Needs root for the owners.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: make-sample-root.sh DIR" >&2
	exit 1
fi
root=$1
manifest=$(dirname "$0")/sample-root.manifest

if [ -e "$root" ]; then
	echo "make-sample-root.sh: '$root' exists already; give a new directory" >&2
	exit 1
fi
mkdir -p "$root"

# Text that looks like a log line, repeated to the requested size.
fill() {
	local path=$1 kib=$2
	yes "Dec  4 20:00:01 builder sshd[812]: Accepted publickey for builder from 192.0.2.10" |
		head -c "$((kib * 1024))" >"$path"
}

while read -r type mode owner argument path; do
	case "$type" in
	"" | "#"*) continue ;;
	esac
	target=$root$path
	mkdir -p "$(dirname "$target")"
	case "$type" in
	d) mkdir -p "$target" ;;
	f | k) fill "$target" "$([ "$argument" = - ] && echo 1 || echo "$argument")" ;;
	z) truncate -s "${argument}M" "$target" ;;
	l) ln -s "$argument" "$target" ;;
	*)
		echo "make-sample-root.sh: unknown type '$type' in $manifest" >&2
		exit 1
		;;
	esac
	if [ "$type" != l ]; then
		chown "$owner" "$target"
		chmod "$mode" "$target"
	fi
done <"$manifest"

# The account whose home contains the second history.
printf 'root:x:0:0:root:/root:/bin/bash\nbuilder:x:1000:1000:Builder:/home/builder:/bin/bash\n' \
	>"$root/etc/passwd"
