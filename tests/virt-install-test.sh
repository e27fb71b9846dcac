#!/usr/bin/env bash
# Debian's virt-install against vctld: a dry run, a --print-xml run that
# needs the domain capabilities (UEFI firmware and video), and a real
# install of the test guest (tests/guest, booted with TCG) that must run,
# show in `vctl list` and print its banner on `vctl console`. A system-mode
# vctld under --root.
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"

VCTLD="$top_builddir/daemon/vctld"
GUEST_OUT=${VCTL_GUEST_OUT:-$top_builddir/tests/guest-out}
BOOT_TIMEOUT=60 # seconds until VCTL-GUEST-READY under TCG

[ -x "$VCTL" ] && [ -x "$VCTLD" ] || { echo "Bail out! vctl or vctld is not built"; exit 1; }
command -v virt-install >/dev/null || tap_skip_all "virt-install is not installed (Debian: virtinst)"
[ "$(id -u)" = 0 ] || tap_skip_all "needs root (Debian's kernel in /boot, which the test guest boots, is readable by root only)"
command -v qemu-system-x86_64 >/dev/null || tap_skip_all "qemu-system-x86_64 is not installed (Debian: qemu-system-x86)"
command -v timeout >/dev/null || tap_skip_all "timeout (coreutils) is missing"
[ -x /bin/busybox ] || tap_skip_all "/bin/busybox is not installed (Debian: busybox-static)"
command -v cpio >/dev/null || tap_skip_all "cpio is not installed"

sh "$top_srcdir/tests/guest/build-guest.sh" "$GUEST_OUT" >"$TEST_TMP/build.log" 2>&1
rc=$?
[ $rc -eq 2 ] && tap_skip_all "$(tail -n 1 "$TEST_TMP/build.log" | sed 's/^build-guest: //')"
if [ $rc -ne 0 ]; then
        echo "Bail out! cannot build the test guest"
        sed 's/^/# /' "$TEST_TMP/build.log"
        exit 1
fi

ROOT="$TEST_TMP/root"
SOCK="$ROOT/run/vctl/vctld-sock"
URI="qemu+unix:///system?socket=$SOCK"
STATUS_DIR="$ROOT/run/vctl/qemu"
LOG="$TEST_TMP/vctld.log"
# keep virt-install (its log, its caches) away from the invoking user's files
export HOME="$TEST_TMP/home" XDG_CONFIG_HOME="$TEST_TMP/home/.config" XDG_CACHE_HOME="$TEST_TMP/home/.cache"
mkdir -p "$HOME"
unset VCTL_DEFAULT_URI LIBVIRT_DEFAULT_URI VIRSH_DEFAULT_CONNECT_URI

vctld_pid=
console_pid=
cleanup() {
        local f pid
        # only what this test started: vctld, the console, and the QEMUs whose
        # status files are under our --root
        [ -n "$console_pid" ] && kill "$console_pid" 2>/dev/null
        [ -n "$vctld_pid" ] && kill -KILL "$vctld_pid" 2>/dev/null
        for f in "$STATUS_DIR"/*.xml; do
                [ -f "$f" ] || continue
                pid=$(sed -n "s/^<domstatus .* pid='\([0-9]*\)'.*/\1/p" "$f")
                [ -n "$pid" ] && grep -q -- "$ROOT" "/proc/$pid/cmdline" 2>/dev/null &&
                        kill -KILL "$pid" 2>/dev/null
        done
        tap_kill_guests "$TEST_TMP"
        rm -rf "$TEST_TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

now_ms() { echo $(($(date +%s%N) / 1000000)); }
Q() { timeout 30 "$VCTL" -c "$URI" "$@"; }

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
"$VCTLD" --system --root "$ROOT" --verbose >>"$LOG" 2>&1 &
vctld_pid=$!
if ! wait_for 10 answers; then
        echo "Bail out! vctld did not start"
        sed 's/^/# /' "$LOG"
        exit 1
fi

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
