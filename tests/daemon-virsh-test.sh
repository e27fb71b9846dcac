#!/bin/bash
# vctld with Debian's virsh: a complete system-mode daemon under --root in a
# temporary directory (no root needed), driven over its read-write and
# read-only sockets.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

VCTLD="$top_builddir/daemon/vctld"
DATA="$top_srcdir/tests/data/domain"
command -v virsh >/dev/null || tap_skip_all "virsh is not installed (Debian package libvirt-clients)"
command -v timeout >/dev/null || tap_skip_all "timeout (coreutils) is missing"

ROOT="$TEST_TMP/root"
SOCK="$ROOT/run/vctl/vctld-sock"
QEMU="qemu+unix:///system?socket=$SOCK"
TEST="test+unix:///default?socket=$SOCK"
TEST_RO="test+unix:///default?socket=$SOCK-ro"
LOG="$TEST_TMP/vctld.log"
# keep virsh away from the invoking user's files
export HOME="$TEST_TMP/home" XDG_CONFIG_HOME="$TEST_TMP/home/.config" XDG_CACHE_HOME="$TEST_TMP/home/.cache"
mkdir -p "$HOME"
unset LIBVIRT_DEFAULT_URI VIRSH_DEFAULT_CONNECT_URI

PIDS=""
cleanup() {
        local p
        for p in $PIDS; do
                kill -KILL "$p" 2>/dev/null
        done
        tap_kill_guests "$TEST_TMP"
        rm -rf "$TEST_TMP"
}
trap cleanup EXIT

# every virsh call is bounded
vsh() {
        timeout 30 virsh "$@"
}

# wait_for SECONDS COMMAND...: polls COMMAND every 0.1 s
wait_for() {
        local tries=$(($1 * 10))
        shift
        while [ "$tries" -gt 0 ]; do
                "$@" && return 0
                sleep 0.1
                tries=$((tries - 1))
        done
        return 1
}

sockets_up() {
        [ -S "$SOCK" ] && [ -S "$SOCK-ro" ]
}

not_running() {
        ! kill -0 "$1" 2>/dev/null
}

start_vctld() {
        "$VCTLD" --system --root "$ROOT" --verbose "$@" >>"$LOG" 2>&1 &
        VCTLD_PID=$!
        PIDS="$PIDS $VCTLD_PID"
        wait_for 10 sockets_up
}

# stop_vctld: SIGTERM, bounded wait; the exit status in STOP_RC
stop_vctld() {
        kill -TERM "$VCTLD_PID"
        if wait_for 10 not_running "$VCTLD_PID"; then
                wait "$VCTLD_PID"
                STOP_RC=$?
        else
                STOP_RC=timeout
        fi
}

log_has() {
        grep -q -- "$1" "$LOG"
}

if ! start_vctld; then
        tap_not_ok "vctld starts and listens"
        sed 's/^/# /' "$LOG"
        tap_done
fi
tap_ok "vctld starts and listens on $SOCK"
# open to all since polkit guards it (auth_unix_rw; tests/polkit-test.sh)
tap_is "read-write socket mode" 666 "$(stat -c %a "$SOCK")"
tap_is "read-only socket mode" 666 "$(stat -c %a "$SOCK-ro")"
tap_is "run directory mode" 755 "$(stat -c %a "$ROOT/run/vctl")"

# ---- one instance per runtime directory ----
"$VCTLD" --system --root "$ROOT" >"$TEST_TMP/second.out" 2>&1
rc=$?
tap_is "a second vctld on the same root exits 1" 1 "$rc"
tap_check "and says who runs already" \
        grep -q "another vctld is already running (pid $VCTLD_PID) on $ROOT/run/vctl" "$TEST_TMP/second.out"
tap_check "the first one still serves" vsh -c "$QEMU" list --all

# ---- qemu:///system: definitions on disk ----
tap_check "list --all on an empty host" vsh -c "$QEMU" list --all
tap_check "define a qemu domain" vsh -c "$QEMU" define "$DATA/minimal.xml"
tap_check "the definition is on disk" test -f "$ROOT/etc/vctl/qemu/minimal.xml"
vsh -c "$QEMU" list --all >"$TEST_TMP/list" 2>&1
tap_check "list --all shows it shut off" grep -Eq -- '-[[:space:]]+minimal[[:space:]]+shut off' "$TEST_TMP/list"
vsh -c "$QEMU" dominfo minimal >"$TEST_TMP/dominfo" 2>&1
tap_check "dominfo: name" grep -Eq '^Name:[[:space:]]+minimal$' "$TEST_TMP/dominfo"
tap_check "dominfo: uuid" grep -Eq '^UUID:[[:space:]]+c7a5fdbd-cdaf-9455-926a-d65c16db1801$' "$TEST_TMP/dominfo"
tap_check "dominfo: state" grep -Eq '^State:[[:space:]]+shut off$' "$TEST_TMP/dominfo"
tap_check "dominfo: memory" grep -Eq '^Max memory:[[:space:]]+1048576 KiB$' "$TEST_TMP/dominfo"
tap_check "dominfo: persistent" grep -Eq '^Persistent:[[:space:]]+yes$' "$TEST_TMP/dominfo"
tap_is "domstate" "shut off" "$(vsh -c "$QEMU" domstate minimal | sed '/^$/d')"
vsh -c "$QEMU" dumpxml minimal >"$TEST_TMP/dump.xml" 2>&1
tap_check "dumpxml: domain type" grep -q "<domain type='qemu'" "$TEST_TMP/dump.xml"
tap_check "dumpxml: name" grep -q "<name>minimal</name>" "$TEST_TMP/dump.xml"
tap_check "dumpxml: uuid" grep -q "<uuid>c7a5fdbd-cdaf-9455-926a-d65c16db1801</uuid>" "$TEST_TMP/dump.xml"
tap_check "dumpxml: memory" grep -q "<memory unit='KiB'>1048576</memory>" "$TEST_TMP/dump.xml"
tap_check "dumpxml: os type" grep -q ">hvm</type>" "$TEST_TMP/dump.xml"
tap_check "domuuid" sh -c "timeout 30 virsh -c '$QEMU' domuuid minimal | grep -q c7a5fdbd-cdaf-9455-926a-d65c16db1801"

tap_check "autostart" vsh -c "$QEMU" autostart minimal
tap_check "the autostart link exists" test -L "$ROOT/etc/vctl/qemu/autostart/minimal.xml"
tap_check "dominfo shows autostart enabled" \
        sh -c "timeout 30 virsh -c '$QEMU' dominfo minimal | grep -Eq '^Autostart:[[:space:]]+enable'"
tap_check "autostart --disable" vsh -c "$QEMU" autostart --disable minimal
tap_check "the autostart link is gone" test ! -e "$ROOT/etc/vctl/qemu/autostart/minimal.xml"
tap_check "undefine" vsh -c "$QEMU" undefine minimal
tap_check "the definition is gone" test ! -e "$ROOT/etc/vctl/qemu/minimal.xml"
vsh -c "$QEMU" dominfo minimal >"$TEST_TMP/res" 2>&1
tap_is "dominfo of an undefined domain fails" 1 "$?"

# ---- domain capabilities over the wire (CONNECT_GET_DOMAIN_CAPABILITIES) ----
domcaps_valid() { # FILE
        [ ! -r /usr/share/libvirt/schemas/domaincaps.rng ] || ! command -v xmllint >/dev/null ||
                xmllint --noout --relaxng /usr/share/libvirt/schemas/domaincaps.rng "$1"
}
vsh -c "$TEST" domcapabilities >"$TEST_TMP/tdc.xml" 2>&1
tap_check "virsh domcapabilities on test:///default" grep -q "<domain>test</domain>" "$TEST_TMP/tdc.xml"
tap_check "and it is valid" domcaps_valid "$TEST_TMP/tdc.xml"
if command -v qemu-system-x86_64 >/dev/null; then
        vsh -c "$QEMU" domcapabilities --virttype qemu --machine q35 >"$TEST_TMP/qdc.xml" 2>&1
        tap_check "virsh domcapabilities --machine q35 on qemu:///system" \
                grep -q "<machine>pc-q35-" "$TEST_TMP/qdc.xml"
        tap_check "and it is valid" domcaps_valid "$TEST_TMP/qdc.xml"
        "$VCTL" -c "$QEMU" domcapabilities --machine nosuch >/dev/null 2>"$TEST_TMP/err"
        tap_check "an unknown machine type is refused by name" \
                grep -q "^error: .*machine type 'nosuch' is not supported" "$TEST_TMP/err"
else
        tap_skip "virsh domcapabilities on qemu:///system: qemu-system-x86_64 is not installed"
        tap_skip "and it is valid: no QEMU"
        tap_skip "an unknown machine type is refused: no QEMU"
fi

# ---- test:///default: lifecycle and events ----
vsh -c "$TEST" list >"$TEST_TMP/list" 2>&1
tap_check "test:///default lists its running 'test' domain" \
        grep -Eq '^ *1 +test +running' "$TEST_TMP/list"

# test:///default forgets its domains when its last connection closes (as
# libvirt's does); the event listener's connection keeps them meanwhile
registered=$(grep -c CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY "$LOG")
timeout 60 virsh -c "$TEST" event --all --loop --timeout 40 >"$TEST_TMP/events" 2>&1 &
EVENT_PID=$!
PIDS="$PIDS $EVENT_PID"
events_registered() {
        [ "$(grep -c CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY "$LOG")" -gt "$registered" ]
}
tap_check "virsh event registers for events" wait_for 10 events_registered

domstate() {
        vsh -c "$TEST" domstate type-test 2>&1 | sed '/^$/d'
}
tap_check "define a test domain" vsh -c "$TEST" define "$DATA/type-test.xml"
tap_is "domstate after define" "shut off" "$(domstate)"
tap_check "start" vsh -c "$TEST" start type-test
tap_is "domstate after start" "running" "$(domstate)"
tap_check "suspend" vsh -c "$TEST" suspend type-test
tap_is "domstate after suspend" "paused" "$(domstate)"
tap_check "resume" vsh -c "$TEST" resume type-test
tap_is "domstate after resume" "running" "$(domstate)"
tap_check "destroy" vsh -c "$TEST" destroy type-test
tap_is "domstate after destroy" "shut off" "$(domstate)"
tap_check "undefine" vsh -c "$TEST" undefine type-test

event_done() {
        not_running "$EVENT_PID"
}
# virsh prints what it got when interrupted (timeout passes SIGINT on)
kill -INT "$EVENT_PID"
wait_for 50 event_done
sed -n "s/^event 'lifecycle' for domain 'type-test': //p" "$TEST_TMP/events" >"$TEST_TMP/lifecycle"
tap_is "lifecycle events in order" \
        "Defined Added|Started Booted|Suspended Paused|Resumed Unpaused|Stopped Destroyed|Undefined Removed" \
        "$(paste -sd '|' "$TEST_TMP/lifecycle")"

# ---- what vctld does not implement ----
vsh -c "$TEST" iface-list >"$TEST_TMP/res" 2>&1
rc=$?
tap_is "iface-list fails" 1 "$rc"
tap_check "with a 'not supported' error" grep -q "not supported" "$TEST_TMP/res"
tap_check "the next command works" vsh -c "$TEST" list --all

# ---- the read-only socket ----
vsh -r -c "$TEST_RO" list >"$TEST_TMP/list" 2>&1
tap_check "read-only socket: list" grep -Eq '^ *1 +test +running' "$TEST_TMP/list"
tap_check "read-only socket: dominfo" vsh -r -c "$TEST_RO" dominfo test
vsh -r -c "$TEST_RO" destroy test >"$TEST_TMP/res" 2>&1
tap_is "read-only socket with -r: destroy fails" 1 "$?"
# without -r the refusal is the daemon's own, not libvirt's client-side check
vsh -c "$TEST_RO" destroy test >"$TEST_TMP/res" 2>&1
tap_is "read-only socket without -r: destroy fails" 1 "$?"
tap_check "with the read-only message" \
        grep -q "operation forbidden: read-only connection cannot call DOMAIN_DESTROY" "$TEST_TMP/res"
vsh -c "$TEST_RO" define "$DATA/type-test.xml" >"$TEST_TMP/res" 2>&1
tap_check "read-only socket: define is refused too" grep -q "read-only connection cannot call DOMAIN_DEFINE_XML" "$TEST_TMP/res"
tap_is "'test' still runs" running "$(vsh -c "$TEST" domstate test | sed '/^$/d')"

# ---- SIGHUP reloads the configuration ----
mkdir -p "$ROOT/etc/vctl"
printf '[vctld]\nmax_workers = 2\nmax_clients = 50\n' >"$ROOT/etc/vctl/vctld.conf"
kill -HUP "$VCTLD_PID"
tap_check "SIGHUP: the configuration is reloaded" wait_for 10 log_has "configuration reloaded"
tap_check "and what changed is logged" grep -q "max_clients 120 -> 50, max_workers 4 -> 2" "$LOG"
printf '[vctld]\nmax_wrokers = 2\n' >"$ROOT/etc/vctl/vctld.conf"
kill -HUP "$VCTLD_PID"
tap_check "SIGHUP with a bad file: refused with the key named" wait_for 10 log_has "not reloading the configuration.*vctld.conf:2: unknown key 'max_wrokers'"
tap_check "and the daemon keeps serving" vsh -c "$QEMU" list --all
rm -f "$ROOT/etc/vctl/vctld.conf"

# ---- SIGTERM keeps what must survive ----
vsh -c "$QEMU" define "$DATA/minimal.xml" >/dev/null 2>&1
vsh -c "$QEMU" autostart minimal >/dev/null 2>&1
stop_vctld
tap_is "SIGTERM: vctld exits 0" 0 "$STOP_RC"
tap_check "the definition is kept" test -f "$ROOT/etc/vctl/qemu/minimal.xml"
tap_check "the autostart link is kept" test -L "$ROOT/etc/vctl/qemu/autostart/minimal.xml"
tap_check "the sockets and the pid file are removed" \
        test ! -e "$SOCK" -a ! -e "$SOCK-ro" -a ! -e "$ROOT/run/vctl/vctld.pid"
tap_check "the run directory stays" test -d "$ROOT/run/vctl"

# ---- a restart finds everything again; a stale socket is no obstacle ----
python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])" "$SOCK" 2>/dev/null
tap_check "a new vctld starts (over a stale socket file)" start_vctld
vsh -c "$QEMU" dominfo minimal >"$TEST_TMP/dominfo" 2>&1
tap_check "the domain is still defined" grep -Eq '^Name:[[:space:]]+minimal$' "$TEST_TMP/dominfo"
tap_check "and still autostarted" grep -Eq '^Autostart:[[:space:]]+enable' "$TEST_TMP/dominfo"
stop_vctld
tap_is "SIGTERM again: exit 0" 0 "$STOP_RC"

# ---- start-up refusals and the idle timeout ----
"$VCTLD" --system --root "$ROOT" --config "$TEST_TMP/none.conf" >"$TEST_TMP/res" 2>&1
tap_is "a missing --config file: exit 1" 1 "$?"
tap_check "naming the file" grep -q "none.conf" "$TEST_TMP/res"
printf '[vctld]\nmax_clients = 10\nmax_client_requests = 0\n' >"$TEST_TMP/bad.conf"
"$VCTLD" --system --root "$ROOT" --config "$TEST_TMP/bad.conf" >"$TEST_TMP/res" 2>&1
tap_is "a bad value: exit 1" 1 "$?"
tap_check "naming file, line and key" grep -q "bad.conf:3: max_client_requests" "$TEST_TMP/res"
"$VCTLD" --session --root "$TEST_TMP/idle" --timeout 1 >"$TEST_TMP/idle.log" 2>&1 &
IDLE_PID=$!
PIDS="$PIDS $IDLE_PID"
if wait_for 15 not_running "$IDLE_PID"; then
        wait "$IDLE_PID"
        tap_is "--session --timeout 1: an idle vctld exits 0 by itself" 0 "$?"
else
        tap_not_ok "--timeout 1: an idle vctld exits by itself"
fi

tap_done
