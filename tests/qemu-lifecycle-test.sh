#!/usr/bin/env bash
# The QEMU driver's lifecycle with real guests (tests/guest, booted with TCG):
# start and the serial console, suspend/resume, shutdown through the ACPI
# power button, destroy, QEMU killed behind vctld's back, vctld killed with
# SIGKILL and stopped with SIGTERM while guests run (they survive and are
# taken over), type='kvm' refused where the deep probe says KVM is unusable,
# and the same through Debian's virsh. A system-mode vctld under --root.
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/vctld-lib.sh"

BOOT_TIMEOUT=60 # seconds until VCTL-GUEST-READY under TCG
STATE_TIMEOUT=30

[ -x "$VCTL" ] && [ -x "$VCTLD" ] || { echo "Bail out! vctl or vctld is not built"; exit 1; }
[ "$(id -u)" = 0 ] || tap_skip_all "needs root (Debian's kernel in /boot, which the test guest boots, is readable by root only)"
guest_require
command -v timeout >/dev/null || tap_skip_all "timeout (coreutils) is missing"
guest_build

event_pid=
cleanup() {
        [ -n "$event_pid" ] && kill "$event_pid" 2>/dev/null
        vctld_exit
}
trap cleanup EXIT
Q_TIMEOUT=30

# alive PID: running and not a zombie (reparented guests may not be reaped here)
alive() {
        [ -r "/proc/$1/stat" ] && ! sed 's/.*) //' "/proc/$1/stat" | grep -q '^Z'
}
dead() { ! alive "$1"; }
state_is() { [ "$(Q domstate --reason "$1" 2>/dev/null | sed '/^$/d')" = "$2" ]; }
status_pid() { sed -n "s/^<domstatus .* pid='\([0-9]*\)'.*/\1/p" "$STATUS_DIR/$1.xml" 2>/dev/null; }

guest_xml() { # NAME TYPE
        cat <<EOF
<domain type='$2'>
  <name>$1</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$GUEST_OUT/vmlinuz</kernel>
    <initrd>$GUEST_OUT/initramfs.cpio.gz</initrd>
    <cmdline>console=ttyS0 quiet vctl.name=$1</cmdline>
  </os>
  <features><acpi/></features>
  <devices>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
  </devices>
</domain>
EOF
}

start_vctld_or_bail 10
for n in g1 g2 g3; do
        guest_xml "$n" qemu >"$TEST_TMP/$n.xml"
        Q define "$TEST_TMP/$n.xml" >/dev/null || tap_not_ok "define $n"
done

timeout 300 "$VCTL" -c "$URI" event --loop --timeout 240 >"$TEST_TMP/events" 2>&1 &
event_pid=$!
sleep 0.5

# ---- start, console, suspend, resume, shutdown ----
t0=$(now_ms)
tap_check "start g1" Q start g1
t1=$(now_ms)
tap_is "g1 runs" "running (booted)" "$(Q domstate --reason g1 | sed '/^$/d')"
tap_check "the status file records QEMU's pid" test -n "$(status_pid g1)"
tap_check "QEMU runs in its own session" \
        sh -c "[ \"\$(ps -o sid= -p $(status_pid g1) | tr -d ' ')\" = $(status_pid g1) ]"
tap_check "QEMU's environment is clean" \
        sh -c "tr '\0' '\n' </proc/$(status_pid g1)/environ | sort | tr '\n' ' ' | grep -qx 'HOME=/ LC_ALL=C PATH=/usr/bin:/bin '"
tap_check "QEMU holds no descriptor of vctld but its own" \
        sh -c "! ls -l /proc/$(status_pid g1)/fd | grep -q vctld-sock"
tap_check "the log is 0600 and starts with the command line" \
        sh -c "[ \$(stat -c %a '$ROOT/var/log/vctl/qemu/g1.log') = 600 ] && grep -q '^/usr/bin/qemu-system-x86_64 -name guest=g1' '$ROOT/var/log/vctl/qemu/g1.log'"
if guest_banner g1; then
        tap_ok "g1's banner on its serial pty (start $((t1 - t0)) ms, banner after $(($(now_ms) - t0)) ms)"
else
        tap_not_ok "g1's banner on its serial pty within ${BOOT_TIMEOUT}s"
        sed 's/^/# /' "$ROOT/var/log/vctl/qemu/g1.log"
fi

# vctl console on the real guest: its shell on ttyS0 runs what we type.
# The input stays open a few seconds so the answer can come back.
(sleep 1; printf 'echo console-$((6 * 7))-ok\r'; sleep 4) |
        timeout 20 "$VCTL" -c "$URI" console g1 >"$TEST_TMP/console.out" 2>&1
tap_check "vctl console reaches the guest's shell" grep -a -q "console-42-ok" "$TEST_TMP/console.out"
if command -v virsh >/dev/null; then
        # virsh console needs a terminal: ptyrun.py gives it one and types for us
        PTYRUN_GREETING="Escape character" PTYRUN_TYPE="$(printf 'echo virsh-$((6 * 7))-ok\r')" \
                PTYRUN_EXPECT="virsh-42-ok" timeout 60 python3 "$top_srcdir/tests/ptyrun.py" \
                virsh -c "$URI" console g1 >"$TEST_TMP/virsh-console.out" 2>&1
        if grep -qx echo "$TEST_TMP/virsh-console.out" && grep -qx "exit 0" "$TEST_TMP/virsh-console.out"; then
                tap_ok "virsh console reaches the guest's shell; Ctrl-] leaves it"
        else
                tap_not_ok "virsh console reaches the guest's shell"
                sed 's/^/# /' "$TEST_TMP/virsh-console.out"
        fi
else
        tap_skip "virsh is not installed (Debian: libvirt-clients)"
fi
tap_check "suspend" Q suspend g1
tap_is "paused" "paused (user)" "$(Q domstate --reason g1 | sed '/^$/d')"
tap_check "resume" Q resume g1
tap_is "running again" "running (unpaused)" "$(Q domstate --reason g1 | sed '/^$/d')"
t0=$(now_ms)
tap_check "shutdown" Q shutdown g1
if wait_for "$STATE_TIMEOUT" state_is g1 "shut off (shutdown)"; then
        tap_ok "the guest powers off on the power button: shut off (shutdown) in $(($(now_ms) - t0)) ms"
else
        tap_not_ok "shut off (shutdown) within ${STATE_TIMEOUT}s"
        Q domstate --reason g1 | sed 's/^/# /'
fi
tap_check "its status file is gone" test ! -e "$STATUS_DIR/g1.xml"
tap_check "its run directory is gone" test ! -e "$STATUS_DIR/g1"
for ev in "Started Booted" "Suspended Paused" "Resumed Unpaused" "Shutdown Finished" "Stopped Shutdown"; do
        tap_check "event: $ev" wait_for 5 grep -q "domain 'g1': $ev" "$TEST_TMP/events"
done

# ---- destroy ----
Q start g1 >/dev/null
pid=$(status_pid g1)
tap_check "destroy" Q destroy g1
tap_is "shut off (destroyed)" "shut off (destroyed)" "$(Q domstate --reason g1 | sed '/^$/d')"
tap_check "QEMU is gone" dead "$pid"
tap_check "event: Stopped Destroyed" wait_for 5 grep -q "domain 'g1': Stopped Destroyed" "$TEST_TMP/events"

# ---- QEMU killed behind vctld's back ----
Q start g1 >/dev/null
pid=$(status_pid g1)
kill -KILL "$pid"
t0=$(now_ms)
if wait_for 10 state_is g1 "shut off (crashed)"; then
        tap_ok "QEMU killed: shut off (crashed) after $(($(now_ms) - t0)) ms"
else
        tap_not_ok "QEMU killed: shut off (crashed)"
fi
tap_check "event: Stopped Crashed" wait_for 5 grep -q "domain 'g1': Stopped Crashed" "$TEST_TMP/events"
tap_check "vctld logged it" grep -q "domain 'g1': QEMU (pid $pid) exited unexpectedly" "$LOG"
tap_check "no status file left" test ! -e "$STATUS_DIR/g1.xml"

# ---- vctld killed with SIGKILL while three guests run ----
for n in g1 g2 g3; do Q start "$n" >/dev/null || tap_not_ok "start $n"; done
Q suspend g2 >/dev/null
pids="$(status_pid g1) $(status_pid g2) $(status_pid g3)"
kill -KILL "$vctld_pid"
wait "$vctld_pid" 2>/dev/null
kill "$event_pid" 2>/dev/null
event_pid=
tap_check "the guests outlive a killed vctld" sh -c "for p in $pids; do [ -d /proc/\$p ] || exit 1; done"
if start_vctld 10; then
        tap_ok "vctld starts again"
else
        tap_not_ok "vctld starts again"
        sed 's/^/# /' "$LOG"
fi
took_over() {
        Q list --all >"$TEST_TMP/list"
        grep -Eq '^ *[0-9]+ +g1 +running$' "$TEST_TMP/list" &&
                grep -Eq '^ *[0-9]+ +g2 +paused$' "$TEST_TMP/list" &&
                grep -Eq '^ *[0-9]+ +g3 +running$' "$TEST_TMP/list"
}
if took_over; then
        tap_ok "it took over all three"
else
        tap_not_ok "it took over all three"
        sed 's/^/# /' "$TEST_TMP/list"
        grep -E "took over|cannot|status file" "$LOG" | sed 's/^/# /'
fi
for n in g1 g2 g3; do
        tap_check "$n: suspend or resume after the takeover" \
                sh -c "if [ $n = g2 ]; then timeout 30 '$VCTL' -c '$URI' resume $n; else timeout 30 '$VCTL' -c '$URI' suspend $n && timeout 30 '$VCTL' -c '$URI' resume $n; fi"
        tap_check "$n: destroy after the takeover" Q destroy "$n"
        tap_is "$n: shut off (destroyed)" "shut off (destroyed)" "$(Q domstate --reason "$n" | sed '/^$/d')"
done
tap_check "no QEMU left" sh -c "for p in $pids; do ! [ -r /proc/\$p/stat ] || sed 's/.*) //' /proc/\$p/stat | grep -q '^Z' || exit 1; done"

# ---- vctld stopped with SIGTERM: guests keep running ----
Q start g1 >/dev/null
pid=$(status_pid g1)
kill -TERM "$vctld_pid"
wait_for 10 dead "$vctld_pid"
wait "$vctld_pid" 2>/dev/null
tap_check "SIGTERM to vctld leaves the guest running" alive "$pid"
start_vctld 10 >/dev/null
tap_is "the new vctld shows it running" "running (booted)" "$(Q domstate --reason g1 | sed '/^$/d')"
tap_check "and destroys it" Q destroy g1

# ---- a QEMU that fails while starting ----
guest_xml bad qemu | sed "s|$GUEST_OUT/vmlinuz|$TEST_TMP/no-such-kernel|" >"$TEST_TMP/bad.xml"
Q create "$TEST_TMP/bad.xml" >"$TEST_TMP/bad.out" 2>&1
tap_check "a failing QEMU: the error has its log lines" \
        grep -q "domain 'bad': QEMU exited while starting: .*no-such-kernel" "$TEST_TMP/bad.out"
tap_check "and the transient domain is gone" sh -c "! timeout 30 '$VCTL' -c '$URI' domstate bad"
tap_check "with nothing left behind" sh -c "! ls '$STATUS_DIR' | grep -q bad"

# ---- type='kvm' where KVM is not usable ----
if timeout 30 virsh -c "$URI" capabilities 2>/dev/null | grep -q "<domain type='kvm'/>"; then
        tap_skip "KVM is usable here: type='kvm' is not refused"
else
        guest_xml k1 kvm >"$TEST_TMP/k1.xml"
        t0=$(now_ms)
        Q create "$TEST_TMP/k1.xml" >"$TEST_TMP/k1.out" 2>&1
        t1=$(now_ms)
        tap_check "type='kvm' is refused with the probe's reason" \
                grep -q "domain 'k1': type 'kvm' needs a working KVM, but KVM" "$TEST_TMP/k1.out"
        tap_check "quickly ($((t1 - t0)) ms)" test $((t1 - t0)) -lt 5000
fi

# ---- Debian's virsh ----
if command -v virsh >/dev/null; then
        tap_check "virsh start" timeout 30 virsh -c "$URI" start g2
        tap_is "virsh domstate" "running" "$(timeout 30 virsh -c "$URI" domstate g2 | sed '/^$/d')"
        tap_check "virsh dumpxml shows the pty" \
                sh -c "timeout 30 virsh -c '$URI' dumpxml g2 | grep -q \"<source path='/dev/pts/\""
        tap_check "virsh destroy" timeout 30 virsh -c "$URI" destroy g2
        tap_is "virsh domstate --reason" "shut off (destroyed)" \
                "$(timeout 30 virsh -c "$URI" domstate --reason g2 | sed '/^$/d')"
else
        tap_skip "virsh is not installed (Debian: libvirt-clients)"
fi

kill -TERM "$vctld_pid"
wait_for 10 dead "$vctld_pid"
tap_done
