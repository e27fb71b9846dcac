#!/usr/bin/env bash
# vctl against a real vctld: a complete system-mode daemon under a temporary
# --root, reached with qemu+unix:///system?socket=... (definitions on disk)
# and test+unix:///default?socket=... (life cycle and events over the wire).
. "$top_srcdir/tests/lib.sh"

[ -x "$VCTL" ] || { echo "Bail out! $VCTL was not built"; exit 1; }
VCTLD="$top_builddir/daemon/vctld"
[ -x "$VCTLD" ] || tap_skip_all "the daemon $VCTLD is not built yet"
unset VCTL_DEFAULT_URI

ROOT="$TEST_TMP/root"
SOCK="$ROOT/run/vctl/vctld-sock"
mkdir -p "$ROOT"
daemon_pid=
event_pid=
session_pidfile=
cleanup() {
        # only what this test started, by pid
        [ -n "$event_pid" ] && kill "$event_pid" 2>/dev/null
        [ -n "$session_pidfile" ] && [ -s "$session_pidfile" ] && kill "$(cat "$session_pidfile")" 2>/dev/null
        [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
        tap_kill_guests "$TEST_TMP"
        rm -rf "$TEST_TMP"
}
trap cleanup EXIT

"$VCTLD" --system --root "$ROOT" >"$TEST_TMP/vctld.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 100); do
        [ -S "$SOCK" ] && break
        kill -0 "$daemon_pid" 2>/dev/null || break
        sleep 0.1
done
if [ ! -S "$SOCK" ]; then
        echo "Bail out! vctld did not create $SOCK within 10 seconds"
        sed 's/^/# /' "$TEST_TMP/vctld.log"
        exit 1
fi

# Every vctl call is bounded, so a hung daemon fails the test instead of hanging it.
Q() { timeout 30 "$VCTL" -c "qemu+unix:///system?socket=$SOCK" "$@"; }
T() { timeout 30 "$VCTL" -c "test+unix:///default?socket=$SOCK" "$@"; }

cat >"$TEST_TMP/web1.xml" <<'XML'
<domain type='kvm'>
  <name>web1</name>
  <uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
</domain>
XML

# ---- qemu:///system: definitions ----
tap_is "uri names the daemon's driver" "qemu:///system" "$(Q uri)"
tap_is "an empty daemon lists nothing" " Id   Name   State
--------------------" "$(Q list --all)"
tap_is "define" "Domain 'web1' defined from $TEST_TMP/web1.xml" "$(Q define "$TEST_TMP/web1.xml" 2>&1)"
tap_is "list --all shows it" " Id   Name   State
-----------------------
 -    web1   shut off" "$(Q list --all)"
tap_is "list --all --name" "web1" "$(Q list --all --name)"
tap_check "list --all --json is valid JSON" sh -c "timeout 30 '$VCTL' -c 'qemu+unix:///system?socket=$SOCK' list --all --json | python3 -m json.tool"
out=$(Q dominfo web1)
tap_is "dominfo" "Id:             -
Name:           web1
UUID:           c7a5fdbd-edaf-9455-926a-d65c16db1809
OS Type:        hvm
State:          shut off
CPU(s):         1
Max memory:     262144 KiB
Used memory:    262144 KiB
Persistent:     yes
Autostart:      disable" "$out"
tap_check "dumpxml" sh -c "timeout 30 '$VCTL' -c 'qemu+unix:///system?socket=$SOCK' dumpxml web1 | grep -q '<name>web1</name>'"
tap_is "autostart" "Domain 'web1' marked as autostarted" "$(Q autostart web1 2>&1)"
tap_is "dominfo shows autostart" "Autostart:      enable" "$(Q dominfo web1 | grep '^Autostart:')"
tap_is "domstate" "shut off" "$(Q domstate web1)"
tap_is "the definition is on disk under --root" "yes" \
        "$([ -e "$ROOT/etc/vctl/qemu/web1.xml" ] && echo yes || echo no)"
tap_is "autostart --disable" "Domain 'web1' unmarked as autostarted" "$(Q autostart --disable web1 2>&1)"
tap_is "undefine" "Domain 'web1' has been undefined" "$(Q undefine web1 2>&1)"
out=$(Q dominfo web1 2>&1)
rc=$?
tap_is "an undefined domain is gone, with the daemon's error" "1 error: domain 'web1' not found" "$rc $out"
out=$(timeout 30 "$VCTL" -r -c "qemu+unix:///system?socket=$SOCK" list --all --name 2>&1)
tap_is "the read-only socket (-r) serves reads" "0 " "$? $out"

# ---- test:///default over the wire: life cycle and events ----
T event --loop --all --timeout 10 >"$TEST_TMP/events" 2>&1 &
event_pid=$!
sleep 1 # let the listener register before anything happens
out=$(T 2>&1 <<'CMDS'
uri
suspend test
domstate --reason test
resume test
destroy test
domstate --reason test
start test
list --all
CMDS
)
tap_is "life cycle over the wire" "test:///default

Domain 'test' suspended

paused (user)

Domain 'test' resumed

Domain 'test' destroyed

shut off (destroyed)

Domain 'test' started

 Id   Name   State
----------------------
 2    test   running" "$out"
wait "$event_pid"
rc=$?
event_pid=
tap_is "vctl event --loop saw every change, in order" "0 event 'lifecycle' for domain 'test': Suspended Paused
event 'lifecycle' for domain 'test': Resumed Unpaused
event 'lifecycle' for domain 'test': Stopped Destroyed
event 'lifecycle' for domain 'test': Started Booted
event loop timed out
events received: 4" "$rc $(cat "$TEST_TMP/events")"

# ---- the daemon going away ----
out=$(T domstate nosuch 2>&1)
tap_is "daemon errors keep their message" "error: domain 'nosuch' not found" "$out"
if command -v virsh >/dev/null; then
        out=$(timeout 30 virsh -c "test+unix:///default?socket=$SOCK" domstate test 2>&1)
        tap_is "virsh talks to the same daemon" "running" "$(echo "$out" | head -1)"
else
        tap_skip "virsh is not installed (Debian package libvirt-clients)"
fi
kill "$daemon_pid"
wait "$daemon_pid" 2>/dev/null
daemon_pid=
out=$(Q list 2>&1)
rc=$?
case $out in
"error: cannot connect to vctld at '$SOCK'"*) tap_ok "a stopped daemon is reported clearly (rc $rc)" ;;
*) tap_not_ok "a stopped daemon is reported clearly"; echo "$out" | sed 's/^/# /' ;;
esac

# ---- qemu:///session starts its own daemon ----
# a private XDG world, and $VCTLD pointing at the build tree's daemon
home="$TEST_TMP/home"
mkdir -p "$home/run" && chmod 700 "$home/run"
session_pidfile="$home/run/vctl/vctld.pid"
out=$(env HOME="$home" XDG_RUNTIME_DIR="$home/run" XDG_CONFIG_HOME="$home/config" \
        XDG_DATA_HOME="$home/data" XDG_CACHE_HOME="$home/cache" VCTLD="$VCTLD" \
        timeout 30 "$VCTL" -c qemu:///session uri 2>&1)
tap_is "qemu:///session spawns vctld --session on demand" "0 qemu:///session" "$? $out"
tap_is "the session daemon listens in \$XDG_RUNTIME_DIR/vctl" "yes" \
        "$([ -S "$home/run/vctl/vctld-sock" ] && echo yes || echo no)"
if [ -s "$session_pidfile" ]; then
        kill "$(cat "$session_pidfile")" 2>/dev/null
fi
session_pidfile=

tap_done
