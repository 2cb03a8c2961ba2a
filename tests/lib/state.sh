# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# Plant the per-instance state described by a state list (tests/lib/state.list
# documents the format) into a directory tree or an ext4 image, and check a
# tree or image against what the selected operations must leave behind.
# Source after common.sh. Images are read and written with debugfs, never
# mounted.

# Operations that run when --operations is not given.
STATE_DEFAULT_OPS=bash-history,cloud-init,crash-data,dhcp-client-state,logfiles
# shellcheck disable=SC2034 # read by the test scripts
STATE_ALL_OPS=$STATE_DEFAULT_OPS,firewall-rules

# Print the entries of the state lists as tab-separated fields:
# type, path, mode-or-target, uid, gid, operations, result.
state_entries() {
	local file type path mode owner ops result
	for file in "$@"; do
		while read -r type path mode owner ops result; do
			case $type in '' | '#'*) continue ;; esac
			[ -n "$result" ] || die "$file: incomplete entry for '$path'"
			printf '%s\t%b\t%s\t%s\t%s\t%s\t%s\n' "$type" "$path" "$mode" \
				"${owner%%:*}" "${owner##*:}" "$ops" "$result"
		done <"$file"
	done
}

# Print the text planted in the regular file PATH.
state_content() {
	printf 'sysclean test state in %s\n' "$1"
}

# Print how PATH looks right after planting, in the form observe_dir and
# observe_image print.
state_planted_form() {
	local type=$1 path=$2 mode=$3 uid=$4 gid=$5 size
	case $type in
	d) echo "d $mode $uid $gid" ;;
	l) echo "l $mode" ;;
	f)
		size=$(state_content "$path" | wc -c)
		echo "f $mode $uid $gid $size"
		;;
	*) die "unknown state entry type '$type' for '$path'" ;;
	esac
}

# Succeed if any of the comma-separated OPS is in the comma-separated SELECTED.
ops_selected() {
	local ops=$1 selected=$2 op
	[ "$ops" = - ] && return 1
	for op in ${ops//,/ }; do
		case ,$selected, in *,$op,*) return 0 ;; esac
	done
	return 1
}

# Print the expected form of each entry after the comma-separated operations
# in SELECTED ran, as "PATH<TAB>FORM". FORM is "absent" or the planted form,
# with size 0 for an emptied file. An empty SELECTED means nothing ran.
state_expected() {
	local selected=$1 type path mode uid gid ops result
	shift
	state_entries "$@" | while IFS=$'\t' read -r type path mode uid gid ops result; do
		if ops_selected "$ops" "$selected"; then
			case $result in
			gone) printf '%s\tabsent\n' "$path" ;;
			emptied) printf '%s\tf %s %s %s 0\n' "$path" "$mode" "$uid" "$gid" ;;
			kept) printf '%s\t%s\n' "$path" "$(state_planted_form "$type" "$path" "$mode" "$uid" "$gid")" ;;
			*) die "unknown result '$result' for '$path'" ;;
			esac
		else
			printf '%s\t%s\n' "$path" "$(state_planted_form "$type" "$path" "$mode" "$uid" "$gid")"
		fi
	done
}

# Create the entries of the state lists under the directory ROOT.
state_plant_dir() {
	local root=$1 type path mode uid gid ops result
	shift
	state_entries "$@" | while IFS=$'\t' read -r type path mode uid gid ops result; do
		mkdir -p "$root$(dirname "$path")"
		case $type in
		d)
			mkdir -p "$root$path"
			# The extra leading zero clears an inherited set-group-ID bit:
			# GNU chmod keeps it on directories for a plain 4-digit mode.
			chmod "0$mode" "$root$path"
			chown "$uid:$gid" "$root$path"
			;;
		f)
			rm -f "$root$path"
			state_content "$path" >"$root$path"
			chown "$uid:$gid" "$root$path"
			chmod "$mode" "$root$path"
			;;
		l)
			rm -f "$root$path"
			ln -s "$mode" "$root$path"
			chown -h "$uid:$gid" "$root$path"
			;;
		esac
	done
}

# Print how PATH under the directory ROOT looks: "absent", "d MODE UID GID",
# "f MODE UID GID SIZE", "l TARGET" or "other TYPE".
observe_dir() {
	local full=$1$2
	if [ ! -e "$full" ] && [ ! -L "$full" ]; then
		echo absent
	elif [ -L "$full" ]; then
		echo "l $(readlink "$full")"
	elif [ -d "$full" ]; then
		stat -c 'd %04a %u %g' "$full"
	elif [ -f "$full" ]; then
		stat -c 'f %04a %u %g %s' "$full"
	else
		stat -c 'other %F' "$full"
	fi
}

# Print the image that contains PATH and the path inside it, as
# "IMAGE<TAB>PATH". Each of these variables, when set, names the image of a
# separate file system: STATE_VAR_LOG_AUDIT_IMAGE for /var/log/audit and
# below (/var/log/audit itself is that file system's root directory),
# STATE_VAR_IMAGE for the rest of /var. Every other path is in STATE_IMAGE.
image_for_path() {
	local path=$1 inner
	if [ -n "${STATE_VAR_LOG_AUDIT_IMAGE:-}" ]; then
		case $path in
		/var/log/audit | /var/log/audit/*)
			inner=${path#/var/log/audit}
			printf '%s\t%s\n' "$STATE_VAR_LOG_AUDIT_IMAGE" "${inner:-/}"
			return
			;;
		esac
	fi
	if [ -n "${STATE_VAR_IMAGE:-}" ]; then
		case $path in
		/var/*)
			printf '%s\t%s\n' "$STATE_VAR_IMAGE" "${path#/var}"
			return
			;;
		esac
	fi
	printf '%s\t%s\n' "$STATE_IMAGE" "$path"
}

# Print the debugfs "stat" output for PATH in IMAGE, or nothing if absent.
debugfs_stat() {
	debugfs -R "stat \"$2\"" "$1" 2>/dev/null
}

# Print how PATH looks in the image (see image_for_path), in the form of
# observe_dir.
observe_image() {
	local image path out
	IFS=$'\t' read -r image path < <(image_for_path "$1")
	out=$(debugfs_stat "$image" "$path")
	if [ -z "$out" ]; then
		echo absent
		return
	fi
	awk '
		/^Inode:/ { type = $4; mode = $6 }
		/^User:/ { uid = $2; gid = $4; size = $8 }
		/^Fast link dest:/ { sub(/^Fast link dest: "/, ""); sub(/"$/, ""); target = $0 }
		END {
			# debugfs prints 0640 and 03777; stat -c %04a prints 0640 and 3777.
			sub(/^0+/, "", mode)
			while (length(mode) < 4) mode = "0" mode
			if (type == "directory") print "d", mode, uid, gid
			else if (type == "regular") print "f", mode, uid, gid, size
			else if (type == "symlink") print "l", target
			else print "other", type
		}' <<<"$out"
}

# Write the debugfs commands that create the entries of the state lists, for
# the image IMAGE only (see image_for_path). Content files go to WORKDIR.
state_debugfs_commands() {
	local image=$1 workdir=$2 type path mode uid gid ops result img p dir parents n=0
	shift 2
	state_entries "$@" | while IFS=$'\t' read -r type path mode uid gid ops result; do
		IFS=$'\t' read -r img p < <(image_for_path "$path")
		[ "$img" = "$image" ] || continue

		# debugfs has no "mkdir -p": create each missing ancestor. An
		# existing one makes mkdir print an error and change nothing.
		parents=
		dir=$(dirname "$p")
		while [ "$dir" != / ]; do
			parents="$dir"$'\n'"$parents"
			dir=$(dirname "$dir")
		done
		while IFS= read -r dir; do
			[ -n "$dir" ] && printf 'mkdir "%s"\n' "$dir"
		done <<<"$parents"

		case $type in
		d)
			# The root directory of a separate file system exists already.
			# debugfs 1.47.0 accepts mkdir "/" and adds an entry with an
			# empty name to the root directory, which e2fsck reports as
			# corrupted.
			[ "$p" = / ] || printf 'mkdir "%s"\n' "$p"
			printf 'sif "%s" mode 04%s\n' "$p" "$mode"
			;;
		f)
			n=$((n + 1))
			state_content "$path" >"$workdir/content.$n"
			printf 'rm "%s"\n' "$p"
			printf 'write %s "%s"\n' "$workdir/content.$n" "$p"
			printf 'sif "%s" mode 010%s\n' "$p" "$mode"
			;;
		l)
			printf 'rm "%s"\n' "$p"
			printf 'symlink "%s" "%s"\n' "$p" "$mode"
			;;
		esac
		printf 'sif "%s" uid %s\nsif "%s" gid %s\n' "$p" "$uid" "$p" "$gid"
	done
}

# Plant the entries of the state lists into STATE_IMAGE, STATE_VAR_IMAGE and
# STATE_VAR_LOG_AUDIT_IMAGE (the last two when set) with debugfs, then check
# with debugfs stat that every entry is there: debugfs exits 0 even when a
# command fails.
state_plant_image() {
	local workdir image
	workdir=$(mktemp -d)
	for image in "$STATE_IMAGE" ${STATE_VAR_IMAGE:+"$STATE_VAR_IMAGE"} \
		${STATE_VAR_LOG_AUDIT_IMAGE:+"$STATE_VAR_LOG_AUDIT_IMAGE"}; do
		state_debugfs_commands "$image" "$workdir" "$@" >"$workdir/commands"
		debugfs -w -f "$workdir/commands" "$image" >"$workdir/debugfs.log" 2>&1 ||
			die "debugfs failed on $image: $(tail -n 3 "$workdir/debugfs.log")"
	done
	rm -rf "$workdir"
	state_check observe_image "" "$@" ||
		die "planting the state with debugfs left the entries above wrong"
}

# Compare each entry with what it must look like after the operations in
# SELECTED ran, observing paths with OBSERVER (observe_dir with a root bound
# by the caller, or observe_image). Print one line per mismatch and fail if
# there is any.
state_check() {
	local observer=$1 selected=$2 path want got failed=0
	shift 2
	while IFS=$'\t' read -r path want; do
		got=$($observer "$path")
		if [ "$got" != "$want" ]; then
			printf 'state mismatch: %s: expected "%s", found "%s"\n' "$path" "$want" "$got" >&2
			failed=1
		fi
	done < <(state_expected "$selected" "$@")
	return $failed
}

# Add the users the state list refers to (alice with a home under /home, svc
# with a home elsewhere) to the passwd, group and shadow files of TREE.
state_add_users() {
	local tree=$1
	grep -q '^alice:' "$tree/etc/passwd" && return 0
	cat >>"$tree/etc/passwd" <<-'PASSWD'
		alice:x:1000:1000:Test user:/home/alice:/bin/bash
		svc:x:998:998:Test service:/srv/svc:/usr/sbin/nologin
	PASSWD
	cat >>"$tree/etc/group" <<-'GROUP'
		alice:x:1000:
		svc:x:998:
	GROUP
	cat >>"$tree/etc/shadow" <<-'SHADOW'
		alice:!:19700::::::
		svc:!:19700::::::
	SHADOW
}
