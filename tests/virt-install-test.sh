#!/usr/bin/env bash
# Debian's virt-install against vctld: a dry run, a --print-xml run that
# needs the domain capabilities (UEFI firmware and video), and a real
# install of the test guest (tests/guest, booted with TCG) that must run,
# show in `vctl list` and print its banner on `vctl console`. A system-mode
# vctld under --root.
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/vctld-lib.sh"

BOOT_TIMEOUT=60 # seconds until VCTL-GUEST-READY under TCG

[ -x "$VCTL" ] && [ -x "$VCTLD" ] || { echo "Bail out! vctl or vctld is not built"; exit 1; }
command -v virt-install >/dev/null || tap_skip_all "virt-install is not installed (Debian: virtinst)"
[ "$(id -u)" = 0 ] || tap_skip_all "needs root (Debian's kernel in /boot, which the test guest boots, is readable by root only)"
guest_require
command -v timeout >/dev/null || tap_skip_all "timeout (coreutils) is missing"
guest_build

console_pid=
cleanup() {
        [ -n "$console_pid" ] && kill "$console_pid" 2>/dev/null
        vctld_exit
}
trap cleanup EXIT
Q_TIMEOUT=30
start_vctld_or_bail 10

# vi NAME [ARGS...]: virt-install of the test guest, bounded
vi() {
        local name=$1
        shift
        timeout 180 virt-install --connect "$URI" --name "$name" --memory 256 --vcpus 1 \
                --osinfo linux2022 --network none --noautoconsole --virt-type qemu --import "$@"
}
BOOT="kernel=$GUEST_OUT/vmlinuz,initrd=$GUEST_OUT/initramfs.cpio.gz"

# procedures vctld refused since the last look (virt-install copes with some)
unsupported_since() { # LINE
        tail -n +"$1" "$LOG" | sed -n 's/.*unsupported procedure \([0-9]*\).*/\1/p' | sort -u | tr '\n' ' '
}

# ---- dry runs: nothing is defined ----
mark=$(($(wc -l <"$LOG") + 1))
tap_check "virt-install --dry-run" vi vi0 --disk none --graphics none --dry-run \
        --boot "$BOOT,kernel_args=console=ttyS0 vctl.name=vi0"
tap_is "the dry run defined nothing" "" "$(Q list --all --name | sed '/^$/d')"

# UEFI and VNC make virt-install read the domain capabilities: firmware
# paths (there is no firmware autoselection yet) and the video models
vi vi0 --disk none --graphics vnc --boot uefi --print-xml >"$TEST_TMP/uefi.xml" 2>"$TEST_TMP/uefi.err"
rc=$?
tap_is "virt-install --boot uefi --graphics vnc --print-xml" 0 "$rc"
[ $rc = 0 ] || sed 's/^/# /' "$TEST_TMP/uefi.err"
tap_check "it asked vctld for the domain capabilities" \
        sh -c "tail -n +$mark '$LOG' | grep -q 'CONNECT_GET_DOMAIN_CAPABILITIES'"
tap_check "the loader is one of the advertised OVMF files" \
        grep -q '<loader readonly="yes" type="pflash">/usr/share/OVMF/OVMF_CODE' "$TEST_TMP/uefi.xml"
tap_check "vctl accepts what virt-install wrote" Q define "$TEST_TMP/uefi.xml"
tap_check "and undefines it" Q undefine vi0
tap_is "no procedure was refused" "" "$(unsupported_since "$mark")"

# ---- the real install ----
mark=$(($(wc -l <"$LOG") + 1))
t0=$(now_ms)
vi vi1 --disk none --graphics none --boot "$BOOT,kernel_args=console=ttyS0 vctl.name=vi1" \
        >"$TEST_TMP/vi1.out" 2>&1
rc=$?
tap_is "virt-install --import of vi1" 0 "$rc"
[ $rc = 0 ] || sed 's/^/# /' "$TEST_TMP/vi1.out"
# the console from the moment virt-install returns, its input a FIFO held open
mkfifo "$TEST_TMP/console.in"
exec 3<>"$TEST_TMP/console.in"
"$VCTL" -c "$URI" console vi1 <"$TEST_TMP/console.in" >"$TEST_TMP/console.out" 2>&1 &
console_pid=$!
tap_is "vctl list shows vi1 running" "running" \
        "$(Q list --all | awk '$2 == "vi1" { print $3 }')"
tap_is "vi1 is persistent" "yes" "$(Q dominfo vi1 | sed -n 's/^Persistent: *//p')"
banner() { grep -a -q "VCTL-GUEST-READY vi1" "$TEST_TMP/console.out"; }
if wait_for "$BOOT_TIMEOUT" banner; then
        tap_ok "vctl console vi1 shows the banner ($(($(now_ms) - t0)) ms after virt-install began)"
else
        tap_not_ok "vctl console vi1 shows the banner within ${BOOT_TIMEOUT}s"
        tr -d '\r' <"$TEST_TMP/console.out" | tail -n 20 | sed 's/^/# /'
fi
kill "$console_pid" 2>/dev/null
wait "$console_pid" 2>/dev/null
console_pid=
exec 3>&-
tap_is "no procedure was refused during the install" "" "$(unsupported_since "$mark")"
tap_check "destroy vi1" Q destroy vi1
tap_check "undefine vi1" Q undefine vi1
tap_is "nothing is left" "" "$(Q list --all --name | sed '/^$/d')"
kill -TERM "$vctld_pid"
wait "$vctld_pid"
tap_is "vctld stops cleanly" 0 "$?"
vctld_pid=

tap_done
