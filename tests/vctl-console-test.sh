#!/usr/bin/env bash
# vctl console (and virsh console) against a vctld under a temporary --root,
# on test+unix:///default, whose running domain 'test' has a console that
# greets and echoes; and in process on test:///default. Standard input is a
# pipe or, through tests/ptyrun.py, a pseudo-terminal.
. "$top_srcdir/tests/lib.sh"

[ -x "$VCTL" ] || { echo "Bail out! $VCTL was not built"; exit 1; }
VCTLD="$top_builddir/daemon/vctld"
[ -x "$VCTLD" ] || tap_skip_all "the daemon $VCTLD is not built yet"
command -v python3 >/dev/null || tap_skip_all "python3 is not installed"
unset VCTL_DEFAULT_URI
PTYRUN="$top_srcdir/tests/ptyrun.py"

ROOT="$TEST_TMP/root"
SOCK="$ROOT/run/vctl/vctld-sock"
URI="test+unix:///default?socket=$SOCK"
mkdir -p "$ROOT"
daemon_pid=
keeper_pid=
holder_pid=
cleanup() {
        # only what this test started, by pid
        [ -n "$holder_pid" ] && kill "$holder_pid" 2>/dev/null
        [ -n "$keeper_pid" ] && kill "$keeper_pid" 2>/dev/null
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
[ -S "$SOCK" ] || { echo "Bail out! vctld did not create $SOCK"; sed 's/^/# /' "$TEST_TMP/vctld.log"; exit 1; }

# The test driver's state lives while a connection does: keep one open.
timeout 120 "$VCTL" -c "$URI" event --loop --timeout 110 >/dev/null 2>&1 &
keeper_pid=$!
sleep 0.3

T() { timeout 30 "$VCTL" -c "$URI" "$@"; }

# show OUTPUT-FILE: as TAP comments
show() { sed 's/^/# /' "$@"; }

# ---- a pipe on standard input: type a line, then Ctrl-] ----
{ sleep 0.5; printf 'echo-me-42\n'; sleep 0.5; printf '\035'; } | T console test >"$TEST_TMP/out" 2>"$TEST_TMP/err"
rc=$?
if [ $rc = 0 ] && grep -q "^Connected to domain 'test'" "$TEST_TMP/out" &&
        grep -q "Escape character is ^] (Ctrl + ])" "$TEST_TMP/out"; then
        tap_ok "console: virsh's banner, exit 0 on Ctrl-]"
else
        tap_not_ok "console: banner and exit status ($rc)"; show "$TEST_TMP/out" "$TEST_TMP/err"
fi
if grep -q "test console of domain 'test'" "$TEST_TMP/out"; then
        tap_ok "console: the greeting is shown"
else
        tap_not_ok "console: the greeting"; show "$TEST_TMP/out"
fi
if grep -q "^echo-me-42" "$TEST_TMP/out"; then
        tap_ok "console: what is typed comes back"
else
        tap_not_ok "console: the echo"; show "$TEST_TMP/out"
fi

# ---- standard input ending: the echo still arrives, then exit 0 ----
out=$(printf 'last-words\n' | T console test 2>&1)
rc=$?
if [ $rc = 0 ] && printf '%s\n' "$out" | grep -q "^last-words"; then
        tap_ok "console: stdin EOF sends, shows the echo and exits 0"
else
        tap_not_ok "console: stdin EOF ($rc)"; printf '%s\n' "$out" | sed 's/^/# /'
fi

# ---- busy, --force ----
sleep 20 | T console test >"$TEST_TMP/holder.out" 2>&1 &
holder_pid=$!
for _ in $(seq 50); do
        grep -q "test console" "$TEST_TMP/holder.out" 2>/dev/null && break
        sleep 0.1
done
out=$(printf '\035' | T console test 2>&1)
rc=$?
if [ $rc = 1 ] && printf '%s\n' "$out" | grep -q "error: cannot open the console of domain 'test': console 'serial0' of domain 'test' is in use by another client (use --force to take it over)"; then
        tap_ok "console: a second client is refused while one holds it"
else
        tap_not_ok "console: busy ($rc)"; printf '%s\n' "$out" | sed 's/^/# /'
fi
out=$(printf 'forced\n' | T console test --force 2>&1)
rc=$?
if [ $rc = 0 ] && printf '%s\n' "$out" | grep -q "^forced"; then
        tap_ok "console --force takes it over"
else
        tap_not_ok "console --force ($rc)"; printf '%s\n' "$out" | sed 's/^/# /'
fi
# the old holder sees the end of its stream and leaves (its stdin is still open)
for _ in $(seq 100); do
        kill -0 "$holder_pid" 2>/dev/null || break
        sleep 0.1
done
if ! kill -0 "$holder_pid" 2>/dev/null; then
        wait "$holder_pid"
        tap_is "the client it was taken from exits 0" 0 $?
else
        tap_not_ok "the client it was taken from is still attached"
        kill "$holder_pid" 2>/dev/null
fi
holder_pid=

# ---- errors ----
out=$(T console test --devname serial1 2>&1 </dev/null)
rc=$?
if [ $rc = 1 ] && printf '%s\n' "$out" | grep -q "domain 'test' has no console 'serial1'"; then
        tap_ok "console --devname serial1: no such console"
else
        tap_not_ok "console --devname serial1 ($rc)"; printf '%s\n' "$out" | sed 's/^/# /'
fi
out=$(timeout 30 "$VCTL" -r -c "$URI" console test 2>&1 </dev/null)
if [ $? = 1 ] && printf '%s\n' "$out" | grep -q "read-only"; then
        tap_ok "console on a read-only connection is refused"
else
        tap_not_ok "console read-only"; printf '%s\n' "$out" | sed 's/^/# /'
fi

# ---- virsh console, on a pseudo-terminal ----
if command -v virsh >/dev/null; then
        timeout 60 python3 "$PTYRUN" virsh -c "$URI" console test >"$TEST_TMP/virsh.out" 2>&1
        if grep -qx greeting "$TEST_TMP/virsh.out" && grep -qx echo "$TEST_TMP/virsh.out" &&
                grep -qx "exit 0" "$TEST_TMP/virsh.out"; then
                tap_ok "virsh console: greeting, echo, Ctrl-] exits 0"
        else
                tap_not_ok "virsh console"; show "$TEST_TMP/virsh.out"
        fi
else
        tap_skip "virsh is not installed"
fi

# ---- vctl console on a pseudo-terminal (raw mode, restored) ----
timeout 60 python3 "$PTYRUN" "$VCTL" -c "$URI" console test >"$TEST_TMP/pty.out" 2>&1
if grep -qx greeting "$TEST_TMP/pty.out" && grep -qx echo "$TEST_TMP/pty.out" &&
        grep -qx "exit 0" "$TEST_TMP/pty.out"; then
        tap_ok "vctl console on a terminal: greeting, echo, Ctrl-] exits 0"
else
        tap_not_ok "vctl console on a terminal"; show "$TEST_TMP/pty.out"
fi

# ---- a shut-off domain; start --console ----
T destroy test >/dev/null 2>&1
out=$(T console test 2>&1 </dev/null)
rc=$?
if [ $rc = 1 ] && printf '%s\n' "$out" | grep -q "domain 'test' is not running"; then
        tap_ok "console of a shut-off domain: a clear error"
else
        tap_not_ok "console of a shut-off domain ($rc)"; printf '%s\n' "$out" | sed 's/^/# /'
fi
out=$(printf 'after-start\n' | T start test --console 2>&1)
rc=$?
if [ $rc = 0 ] && printf '%s\n' "$out" | grep -q "Domain 'test' started" &&
        printf '%s\n' "$out" | grep -q "^after-start"; then
        tap_ok "start --console starts, then attaches"
else
        tap_not_ok "start --console ($rc)"; printf '%s\n' "$out" | sed 's/^/# /'
fi

# ---- in process: test:///default ----
out=$({ sleep 0.3; printf 'in-process\n'; sleep 0.5; printf '\035'; } |
        timeout 30 "$VCTL" -c test:///default console test 2>&1)
rc=$?
if [ $rc = 0 ] && printf '%s\n' "$out" | grep -q "test console of domain 'test'" &&
        printf '%s\n' "$out" | grep -q "^in-process"; then
        tap_ok "console in process (test:///default): greeting, echo, Ctrl-]"
else
        tap_not_ok "console in process ($rc)"; printf '%s\n' "$out" | sed 's/^/# /'
fi

tap_check "vctl help lists console" sh -c "'$VCTL' help | grep -q '^  console '"
tap_is "the daemon is still up" yes "$(kill -0 "$daemon_pid" 2>/dev/null && echo yes)"
tap_done
