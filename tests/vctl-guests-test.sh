#!/usr/bin/env bash
# tools/vctl-guests (what vctl-guests.service runs at host shutdown) against
# a system-mode vctld under --root with real TCG guests: two that power off
# on the ACPI button and one defined without ACPI, which ignores it. 'stop'
# asks all at once, waits SHUTDOWN_TIMEOUT seconds, then destroys the one
# still running; ON_BOOT=start starts them again at boot; ON_SHUTDOWN=destroy
# destroys at once; bad settings are refused with a message naming the
# setting.
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/vctld-lib.sh"

GUESTS="$top_builddir/tools/vctl-guests"
BOOT_TIMEOUT=150 # seconds until VCTL-GUEST-READY under TCG on a busy host
BOUND=20         # SHUTDOWN_TIMEOUT given to vctl-guests

[ -x "$VCTL" ] && [ -x "$VCTLD" ] && [ -x "$GUESTS" ] || { echo "Bail out! vctl, vctld or vctl-guests is not built"; exit 1; }
unset URIS ON_SHUTDOWN SHUTDOWN_TIMEOUT
export VCTL_GUESTS_DEFAULTS="$TEST_TMP/defaults" VCTL

# ---- settings (no daemon, no guests needed) ----
run_guests() { timeout 300 "$GUESTS" "$@" >"$TEST_TMP/g.out" 2>&1; }
echo 'ON_SHUTDOWN=suspend' >"$VCTL_GUESTS_DEFAULTS"
run_guests stop
tap_is "ON_SHUTDOWN=suspend is refused (exit 2)" 2 $?
tap_check "... naming the setting and the choices" \
        grep -q "ON_SHUTDOWN='suspend' in $VCTL_GUESTS_DEFAULTS: use 'shutdown' or 'destroy'" "$TEST_TMP/g.out"
echo 'SHUTDOWN_TIMEOUT=soon' >"$VCTL_GUESTS_DEFAULTS"
run_guests stop
tap_is "SHUTDOWN_TIMEOUT=soon is refused (exit 2)" 2 $?
tap_check "... naming the setting" grep -q "SHUTDOWN_TIMEOUT='soon'" "$TEST_TMP/g.out"
echo 'ON_BOOT=maybe' >"$VCTL_GUESTS_DEFAULTS"
run_guests start
tap_is "ON_BOOT=maybe is refused (exit 2)" 2 $?
echo 'SHUTDOWN_TIMEOUT=0' >"$VCTL_GUESTS_DEFAULTS"
run_guests stop
tap_is "SHUTDOWN_TIMEOUT=0 is refused: every wait has a bound" 2 $?
echo "URIS=qemu+unix:///system?socket=$TEST_TMP/nowhere" >"$VCTL_GUESTS_DEFAULTS"
run_guests stop
tap_is "an unreachable daemon is an error (exit 1)" 1 $?
tap_check "... that says so" grep -q "cannot list the running guests" "$TEST_TMP/g.out"
run_guests frobnicate
tap_is "an unknown action is refused" 2 $?

# ---- real guests ----
if [ "$(id -u)" != 0 ]; then
        tap_skip "real guests: needs root (Debian's kernel in /boot is readable by root only)"
        tap_done
fi
if ! command -v qemu-system-x86_64 >/dev/null || ! [ -x /bin/busybox ] || ! command -v cpio >/dev/null; then
        tap_skip "real guests: needs qemu-system-x86, busybox-static and cpio"
        tap_done
fi
skip_guests() {
        tap_skip "$*"
        tap_done
}
guest_build skip_guests

Q_TIMEOUT=30
state() { Q domstate --reason "$1" 2>&1 | sed '/^$/d'; }
start_vctld_or_bail

guest_xml() { # NAME ACPI(yes|no)
        cat <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>192</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$GUEST_OUT/vmlinuz</kernel>
    <initrd>$GUEST_OUT/initramfs.cpio.gz</initrd>
    <cmdline>console=ttyS0 quiet vctl.name=$1 vctl.shell=0</cmdline>
  </os>
  $([ "$2" = yes ] && echo "<features><acpi/></features>")
  <devices>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
  </devices>
</domain>
XML
}
# start_and_wait NAME...: starts all, then waits for each banner (from then
# on its power button is watched)
start_and_wait() {
        local n pids=() ok=0
        for n in "$@"; do
                Q start "$n" >/dev/null || { echo "# cannot start $n"; ok=1; }
        done
        for n in "$@"; do
                guest_banner "$n" &
                pids+=($!)
        done
        for n in "${pids[@]}"; do
                wait "$n" || ok=1
        done
        return $ok
}

guest_xml vg1 yes >"$TEST_TMP/vg1.xml"
guest_xml vg2 yes >"$TEST_TMP/vg2.xml"
guest_xml vgdeaf no >"$TEST_TMP/vgdeaf.xml"
for n in vg1 vg2 vgdeaf; do
        Q define "$TEST_TMP/$n.xml" >/dev/null || tap_not_ok "define $n"
done

# nothing running: nothing to do
printf 'URIS=%s\n' "$URI" >"$VCTL_GUESTS_DEFAULTS"
run_guests stop
tap_is "stop with no running guests succeeds" 0 $?
tap_check "... and says there are none" grep -q "no running guests" "$TEST_TMP/g.out"

if start_and_wait vg1 vg2 vgdeaf; then
        tap_ok "three guests booted"
else
        tap_not_ok "three guests booted within ${BOOT_TIMEOUT}s"
fi
tap_check "vgdeaf runs without ACPI (acpi=off)" grep -q 'acpi=off' "$ROOT/var/log/vctl/qemu/vgdeaf.log"

mkdir -p "$TEST_TMP/state"
printf 'URIS=%s\nON_SHUTDOWN=shutdown\nSHUTDOWN_TIMEOUT=%s\nON_BOOT=start\nSTATE_DIR=%s\n' \
        "$URI" "$BOUND" "$TEST_TMP/state" >"$VCTL_GUESTS_DEFAULTS"
t0=$(now_ms)
run_guests stop
rc=$?
elapsed=$(($(now_ms) - t0))
sed 's/^/# /' "$TEST_TMP/g.out"
tap_is "vctl-guests stop succeeds" 0 $rc
tap_is "vg1 powered off on the ACPI button" "shut off (shutdown)" "$(state vg1)"
tap_is "vg2 powered off on the ACPI button" "shut off (shutdown)" "$(state vg2)"
tap_is "vgdeaf, which ignores ACPI, was destroyed" "shut off (destroyed)" "$(state vgdeaf)"
tap_check "... after the bound of ${BOUND}s (took ${elapsed} ms)" test "$elapsed" -ge $((BOUND * 1000))
tap_check "... and not much later" test "$elapsed" -lt $(((BOUND + 60) * 1000))
tap_check "every guest was asked before any wait" \
        sh -c "awk '/shutting down/ { if (seen) exit 1 } /is shut off|still running/ { seen = 1 }' '$TEST_TMP/g.out' &&
               [ \$(grep -c 'shutting down' '$TEST_TMP/g.out') = 3 ]"
tap_check "the report names the guest it had to destroy" \
        grep -q "still running after ${BOUND} s: vgdeaf" "$TEST_TMP/g.out"

tap_is "ON_BOOT=start: the three guests that ran are noted for the next boot" 3 \
        "$(cat "$TEST_TMP"/state/vctl-guests.*.list 2>/dev/null | wc -l)"

# at boot: ON_BOOT=start starts them again
run_guests start
rc=$?
sed 's/^/# /' "$TEST_TMP/g.out"
tap_is "vctl-guests start succeeds" 0 $rc
for n in vg1 vg2 vgdeaf; do
        tap_is "ON_BOOT=start: $n runs again" "running (booted)" "$(state "$n")"
done
tap_check "... and the list is gone" sh -c "! ls '$TEST_TMP'/state/vctl-guests.*.list 2>/dev/null"
run_guests start
tap_is "a second start has nothing to do" "0 " "$? $(cat "$TEST_TMP/g.out")"

# ON_SHUTDOWN=destroy: no waiting at all
printf 'URIS=%s\nON_SHUTDOWN=destroy\n' "$URI" >"$VCTL_GUESTS_DEFAULTS"
t0=$(now_ms)
run_guests stop
rc=$?
elapsed=$(($(now_ms) - t0))
tap_is "ON_SHUTDOWN=destroy: stop succeeds" 0 $rc
for n in vg1 vg2 vgdeaf; do
        tap_is "ON_SHUTDOWN=destroy: $n destroyed" "shut off (destroyed)" "$(state "$n")"
done
tap_check "... at once (${elapsed} ms)" test "$elapsed" -lt 15000
tap_done
