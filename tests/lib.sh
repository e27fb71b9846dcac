# Shared helpers for shell tests: TAP output, temp dirs cleaned up on exit.
# Source it, call tap_check/tap_ok/..., end with tap_done.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir/_build}"
VCTL="$top_builddir/tools/vctl/vctl"

tap_n=0
tap_failed=0
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/vctl-test.XXXXXX")
# a root vctld in system mode runs QEMU as vctl-qemu, which must get through
# here to the guests' directories and images (as through /run and /var/lib)
chmod 0711 "$TEST_TMP"
trap 'tap_kill_guests "$TEST_TMP"; rm -rf "$TEST_TMP"' EXIT

tap_ok() {
        tap_n=$((tap_n + 1))
        echo "ok $tap_n - $*"
}

tap_not_ok() {
        tap_n=$((tap_n + 1))
        tap_failed=1
        echo "not ok $tap_n - $*"
}

tap_skip() {
        tap_n=$((tap_n + 1))
        echo "ok $tap_n # SKIP $*"
}

tap_skip_all() {
        echo "1..0 # SKIP $*"
        exit 0
}

# tap_check DESCRIPTION COMMAND...: one test point; the output of a failing
# command is shown as TAP comments.
tap_check() {
        local desc=$1
        shift
        if "$@" >"$TEST_TMP/out" 2>&1; then
                tap_ok "$desc"
        else
                tap_not_ok "$desc"
                sed 's/^/# /' "$TEST_TMP/out"
        fi
}

# tap_is DESCRIPTION EXPECTED ACTUAL
tap_is() {
        if [ "$2" = "$3" ]; then
                tap_ok "$1"
        else
                tap_not_ok "$1"
                printf '# expected: %s\n#      got: %s\n' "$2" "$3" | sed 's/^\([^#]\)/# \1/'
        fi
}

# tap_run DESCRIPTION EXPECTED_RC EXPECTED_STDOUT COMMAND...: one test point
# on the exit status and the exact stdout
tap_run() {
        local desc=$1 want_rc=$2 want_out=$3 out rc
        shift 3
        out=$("$@" 2>"$TEST_TMP/err")
        rc=$?
        if [ "$rc" = "$want_rc" ] && [ "$out" = "$want_out" ]; then
                tap_ok "$desc"
        else
                tap_not_ok "$desc"
                printf '%s\n' "rc $rc (wanted $want_rc); stdout:" "$out" "stderr:" \
                        "$(cat "$TEST_TMP/err")" "wanted stdout:" "$want_out" | sed 's/^/# /'
        fi
}

# tap_error DESCRIPTION FRAGMENT COMMAND...: exit status 1 and
# "error: ...FRAGMENT..." on stderr (vctl's and virsh's way to fail)
tap_error() {
        local desc=$1 frag=$2 rc
        shift 2
        "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
        rc=$?
        if [ "$rc" = 1 ] && grep -q "^error: .*$frag" "$TEST_TMP/err"; then
                tap_ok "$desc"
        else
                tap_not_ok "$desc"
                printf '%s\n' "rc $rc; stderr:" "$(cat "$TEST_TMP/err")" | sed 's/^/# /'
        fi
}

tap_done() {
        echo "1..$tap_n"
        exit $tap_failed
}

# tap_kill_guests DIR: kills the QEMU of every guest whose status file lies
# under DIR (a vctld --root or XDG tree of this test). vctld leaves guests
# running when it stops, by design, so a test must end them itself; only
# processes whose command line names DIR are touched.
tap_kill_guests() {
        local f pid
        for f in $(find "$1" -path '*/vctl/qemu/*.xml' 2>/dev/null); do
                pid=$(sed -n "s/^<domstatus .* pid='\([0-9]*\)'.*/\1/p" "$f" 2>/dev/null)
                [ -n "$pid" ] || continue
                tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$1" &&
                        kill -KILL "$pid" 2>/dev/null
        done
}
