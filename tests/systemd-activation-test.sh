#!/usr/bin/env bash
# vctld started the way vctld.socket and vctld-ro.socket start it: by
# systemd-socket-activate, which listens, waits for the first connection and
# then runs vctld with the sockets (LISTEN_FDS, LISTEN_FDNAMES). vctld must
# tell the two apart by name (they are passed read-only first here), bind
# nothing itself, and report READY=1 / STOPPING=1 on $NOTIFY_SOCKET
# (Type=notify).
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"

VCTLD="$top_builddir/daemon/vctld"
[ -x "$VCTL" ] && [ -x "$VCTLD" ] || { echo "Bail out! vctl or vctld is not built"; exit 1; }
command -v systemd-socket-activate >/dev/null ||
        tap_skip_all "systemd-socket-activate is not installed (Debian: systemd)"
command -v python3 >/dev/null || tap_skip_all "python3 is not installed"
unset VCTL_DEFAULT_URI LIBVIRT_DEFAULT_URI

ROOT="$TEST_TMP/root"
RW="$TEST_TMP/sock/rw"
RO="$TEST_TMP/sock/ro"
NOTIFY="$TEST_TMP/notify"
mkdir -p "$ROOT" "$TEST_TMP/sock"
act_pid=
notify_pid=
cleanup() {
        [ -n "$act_pid" ] && kill -KILL "$act_pid" 2>/dev/null
        [ -n "$notify_pid" ] && kill "$notify_pid" 2>/dev/null
        rm -rf "$TEST_TMP"
}
trap cleanup EXIT

now_ms() { echo $(($(date +%s%N) / 1000000)); }
wait_for() { # SECONDS COMMAND...
        local deadline=$(($(now_ms) + $1 * 1000))
        shift
        while [ "$(now_ms)" -lt "$deadline" ]; do
                "$@" && return 0
                sleep 0.1
        done
        "$@"
}

# systemd's notification socket: a datagram socket; each message on a line
python3 - "$NOTIFY" >"$TEST_TMP/notify.log" 2>&1 <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(120)
try:
    while True:
        print(s.recv(4096).decode(), flush=True)
except socket.timeout:
    pass
PY
notify_pid=$!
wait_for 10 test -S "$NOTIFY"

# (systemd-socket-activate passes on only the environment given with -E)
systemd-socket-activate -E NOTIFY_SOCKET="$NOTIFY" -l "$RO" -l "$RW" \
        --fdname=vctld-ro.socket:vctld.socket -- \
        "$VCTLD" --system --root "$ROOT" --verbose >"$TEST_TMP/vctld.log" 2>&1 &
act_pid=$!
tap_check "systemd-socket-activate listens on both sockets" wait_for 10 sh -c "test -S '$RW' && test -S '$RO'"
tap_check "vctld is not started before the first connection" \
        sh -c "sleep 0.5; ! grep -q . '$TEST_TMP/notify.log'"

W() { timeout 60 "$VCTL" -c "qemu+unix:///system?socket=$RW" "$@"; }
R() { timeout 60 "$VCTL" -c "qemu+unix:///system?socket=$RO" "$@"; }

tap_is "the first connection starts vctld, which answers on the passed socket" \
        "qemu:///system" "$(W uri 2>&1)"
tap_check "vctld sent READY=1" wait_for 10 grep -qx "READY=1" "$TEST_TMP/notify.log"
tap_check "vctld took both sockets from systemd" \
        sh -c "grep -q 'listening on a socket from systemd (read-write)' '$TEST_TMP/vctld.log' &&
               grep -q 'listening on a socket from systemd (read-only)' '$TEST_TMP/vctld.log'"
tap_check "vctld bound no socket of its own" test ! -e "$ROOT/run/vctl/vctld-sock"

cat >"$TEST_TMP/a1.xml" <<'XML'
<domain type='qemu'>
  <name>a1</name>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64'>hvm</type></os>
</domain>
XML
tap_check "define through the socket named vctld.socket" W define "$TEST_TMP/a1.xml"
out=$(R define "$TEST_TMP/a1.xml" 2>&1)
rc=$?
if [ $rc -ne 0 ] && echo "$out" | grep -qi "read-only\|forbidden"; then
        tap_ok "the socket named vctld-ro.socket is read-only (passed first): $out"
else
        tap_not_ok "the socket named vctld-ro.socket is read-only"
        echo "$out" | sed 's/^/# /'
fi
tap_check "lists through the read-only socket" sh -c "R() { timeout 60 '$VCTL' -c 'qemu+unix:///system?socket=$RO' \"\$@\"; }; R list --all | grep -q ' a1 '"

kill -TERM "$act_pid" 2>/dev/null
# gone PID: exited (a zombie of ours counts)
gone() { ! [ -r "/proc/$1/stat" ] || sed 's/.*) //' "/proc/$1/stat" | grep -q '^Z'; }
tap_check "vctld stops on SIGTERM" wait_for 30 gone "$act_pid"
act_pid=
tap_check "vctld sent STOPPING=1" wait_for 5 grep -qx "STOPPING=1" "$TEST_TMP/notify.log"
tap_done
