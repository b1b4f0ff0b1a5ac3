# workdir.sh - sourced by the bench drivers: the default work directory.
#
#   nd_workdir NAME   when $work is empty, sets it to a new directory made
#                     by mktemp as ${TMPDIR:-/tmp}/nd-NAME.XXXXXX and names
#                     it on stderr; exits 1 when none can be made.
#
# A fixed default in /tmp would be shared with every other user of the
# machine (and what they left there); mktemp's directory is ours alone.

nd_workdir() {
    [ -z "$work" ] || return 0
    work=$(mktemp -d "${TMPDIR:-/tmp}/nd-$1.XXXXXX") || {
        echo "${0##*/}: cannot make a work directory in ${TMPDIR:-/tmp}" >&2
        exit 1
    }
    echo "${0##*/}: work directory $work" >&2
}
