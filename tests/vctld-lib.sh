# Shared by the tests that run a system-mode vctld under --root in TEST_TMP
# and boot the test guest (tests/guest) on it; source after tests/lib.sh.
# It sets ROOT, SOCK, URI, STATUS_DIR, LOG, a HOME in TEST_TMP, and an exit
# trap (vctld_exit) that kills only what the test started: its vctld and the
# QEMUs whose status files and command lines are under TEST_TMP. A test with
# more to stop traps its own cleanup, which ends by calling vctld_exit.

VCTLD="$top_builddir/daemon/vctld"
GUEST_OUT=${VCTL_GUEST_OUT:-$top_builddir/tests/guest-out}
ROOT="$TEST_TMP/root"
SOCK="$ROOT/run/vctl/vctld-sock"
URI="qemu+unix:///system?socket=$SOCK"
STATUS_DIR="$ROOT/run/vctl/qemu"
LOG="$TEST_TMP/vctld.log"
# keep the clients (virt-install's log, caches) away from the invoking user's files
export HOME="$TEST_TMP/home" XDG_CONFIG_HOME="$TEST_TMP/home/.config" XDG_CACHE_HOME="$TEST_TMP/home/.cache"
mkdir -p "$HOME"
unset VCTL_DEFAULT_URI LIBVIRT_DEFAULT_URI VIRSH_DEFAULT_CONNECT_URI

vctld_pid=
# vctld_kill: kills this test's vctld and guests
vctld_kill() {
        # waited for, quietly: bash reports a job killed by a signal
        [ -n "$vctld_pid" ] && kill -KILL "$vctld_pid" 2>/dev/null && wait "$vctld_pid" 2>/dev/null
        tap_kill_guests "$TEST_TMP"
}
vctld_exit() {
        vctld_kill
        rm -rf "$TEST_TMP"
}
trap vctld_exit EXIT
trap 'exit 1' INT TERM HUP

Q_TIMEOUT=60
Q() { timeout "$Q_TIMEOUT" "$VCTL" -c "$URI" "$@"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# wait_for SECONDS COMMAND...: polls every 0.1 s
wait_for() {
        local deadline=$(($(now_ms) + $1 * 1000))
        shift
        while [ "$(now_ms)" -lt "$deadline" ]; do
                "$@" && return 0
                sleep 0.1
        done
        "$@"
}

answers() { kill -0 "$vctld_pid" 2>/dev/null && timeout 5 "$VCTL" -c "$URI" uri >/dev/null 2>&1; }
# start_vctld [SECONDS]: starts vctld (logging to LOG) and waits up to
# SECONDS (20) until it answers; a killed vctld leaves its socket behind
start_vctld() {
        "$VCTLD" --system --root "$ROOT" --verbose >>"$LOG" 2>&1 &
        vctld_pid=$!
        wait_for "${1:-20}" answers
}
# start_vctld_or_bail [SECONDS]: the same, and a bail-out with its log if not
start_vctld_or_bail() {
        start_vctld "$@" && return 0
        echo "Bail out! vctld did not start"
        sed 's/^/# /' "$LOG"
        exit 1
}

# guest_require [SKIP]: QEMU is needed to boot the test guest; SKIP
# (tap_skip_all) is called with the reason when it is missing
guest_require() {
        command -v qemu-system-x86_64 >/dev/null ||
                ${1:-tap_skip_all} "qemu-system-x86_64 is not installed (Debian: qemu-system-x86)"
}

# guest_build [SKIP]: builds the test guest into GUEST_OUT; SKIP
# (tap_skip_all) is called with the reason when this host cannot build it
# (no busybox, cpio or kernel), a failed build bails out with its log
guest_build() {
        local skip=${1:-tap_skip_all} rc
        [ -x /bin/busybox ] || $skip "/bin/busybox is not installed (Debian: busybox-static)"
        command -v cpio >/dev/null || $skip "cpio is not installed"
        sh "$top_srcdir/tests/guest/build-guest.sh" "$GUEST_OUT" >"$TEST_TMP/build.log" 2>&1
        rc=$?
        [ $rc -eq 2 ] && $skip "$(tail -n 1 "$TEST_TMP/build.log" | sed 's/^build-guest: //')"
        if [ $rc -ne 0 ]; then
                echo "Bail out! cannot build the test guest"
                sed 's/^/# /' "$TEST_TMP/build.log"
                exit 1
        fi
}

# guest_pty NAME: prints the guest's serial pty (from its live XML), set raw
# and without echo so that nothing read goes back into the guest
guest_pty() {
        local pty
        pty=$(Q dumpxml "$1" | sed -n "s|.*<source path='\(/dev/pts/[0-9]*\)'/>.*|\1|p" | head -n 1)
        [ -c "$pty" ] || return 1
        stty -F "$pty" raw -echo 2>/dev/null
        echo "$pty"
}

# guest_console_line NAME PATTERN: the first line of NAME's serial pty that
# matches PATTERN, waiting up to BOOT_TIMEOUT seconds (carriage returns cut)
guest_console_line() {
        local pty
        pty=$(guest_pty "$1") || { echo "# no pty in the live XML of $1" >&2; return 1; }
        timeout "$BOOT_TIMEOUT" grep -a -m 1 -- "$2" <"$pty" | tr -d '\r'
}

# guest_banner NAME: waits up to BOOT_TIMEOUT seconds for NAME's READY line
guest_banner() { guest_console_line "$1" "VCTL-GUEST-READY $1" | grep -q .; }
