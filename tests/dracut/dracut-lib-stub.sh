# SPDX-License-Identifier: LGPL-2.1-or-later
# Stand-ins for dracut-lib's getarg and getargbool, reading the kernel
# command line from $FAKE_CMDLINE instead of /proc/cmdline.  POSIX sh: it is
# sourced by the shell under test (dash, bash) before the hook.
#
# getarg KEY: prints the value of the last KEY=VALUE (nothing for a bare
# KEY) and succeeds if KEY is present at all.
# getargbool DEFAULT KEY: false for KEY=0, KEY=no, KEY=off; true for any other
# value or a bare KEY; DEFAULT (1 true, 0 false) when KEY is absent.

getarg() {
    _stub_found=1
    _stub_val=
    set -f
    for _stub_tok in $FAKE_CMDLINE; do
        case $_stub_tok in
            "$1"=*)
                _stub_val=${_stub_tok#"$1"=}
                _stub_found=0
                ;;
            "$1")
                _stub_val=
                _stub_found=0
                ;;
        esac
    done
    set +f
    [ "$_stub_found" -eq 0 ] || return 1
    printf '%s' "$_stub_val"
    return 0
}

getargbool() {
    if _stub_b=$(getarg "$2"); then
        case $_stub_b in
            0 | no | off) return 1 ;;
        esac
        return 0
    fi
    [ "$1" != 0 ]
}
