#!/bin/sh
# The test guest (tests/guest/): build it, boot it under plain QEMU (TCG), and
# check what every later test relies on: the READY banner on the serial
# console, power-off on the ACPI power button (QMP system_powerdown) through
# busybox acpid and through the fallback evdev loop, DHCP on user networking,
# and writes to a virtio disk.
. "${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"

GUEST_SRC=$top_srcdir/tests/guest
GUEST_OUT=${VCTL_GUEST_OUT:-$top_builddir/tests/guest-out}
QEMU=${QEMU:-qemu-system-x86_64}
BOOT_TIMEOUT=60         # seconds until VCTL-GUEST-READY / VCTL-GUEST-DONE
POWEROFF_TIMEOUT=30     # seconds from system_powerdown until QEMU exits

command -v "$QEMU" >/dev/null 2>&1 || tap_skip_all "$QEMU not installed (Debian: qemu-system-x86)"
command -v python3 >/dev/null 2>&1 || tap_skip_all "python3 not installed"
command -v cpio >/dev/null 2>&1 || tap_skip_all "cpio not installed"
[ -x /bin/busybox ] || tap_skip_all "/bin/busybox not installed (Debian: busybox-static)"
kernel=$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
[ -n "$kernel" ] || tap_skip_all "no /boot/vmlinuz-* (Debian: linux-image-amd64)"

sh "$GUEST_SRC/build-guest.sh" "$GUEST_OUT" >"$TEST_TMP/build.log" 2>&1
rc=$?
if [ $rc -eq 2 ]; then
        tap_skip_all "$(tail -n 1 "$TEST_TMP/build.log" | sed 's/^build-guest: //')"
fi
if [ $rc -eq 0 ]; then
        tap_ok "build-guest.sh builds $GUEST_OUT"
else
        tap_not_ok "build-guest.sh builds $GUEST_OUT"
        sed 's/^/# /' "$TEST_TMP/build.log"
        tap_done
fi
tap_check "build-guest.sh is a no-op when up to date" \
        sh -c 'before=$(stat -c %Y.%i "$1/initramfs.cpio.gz") &&
                sh "$2/build-guest.sh" "$1" &&
                [ "$(stat -c %Y.%i "$1/initramfs.cpio.gz")" = "$before" ]' \
        sh "$GUEST_OUT" "$GUEST_SRC"

qpid=
cleanup() {
        if [ -n "$qpid" ]; then
                kill "$qpid" 2>/dev/null
                wait "$qpid" 2>/dev/null
        fi
        rm -rf "$TEST_TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

now_ms() {
        echo $(($(date +%s%N) / 1000000))
}

# boot NAME APPEND [QEMU ARGS...]: start QEMU in the background; sets qpid,
# LOG (serial console), SOCK (QMP) and t0.
boot() {
        name=$1 append=$2
        shift 2
        LOG=$TEST_TMP/$name.log SOCK=$TEST_TMP/$name.qmp
        : >"$LOG"
        t0=$(now_ms)
        "$QEMU" -accel tcg -m 256 -nodefaults -no-user-config -display none \
                -serial "file:$LOG" -kernel "$GUEST_OUT/vmlinuz" \
                -initrd "$GUEST_OUT/initramfs.cpio.gz" \
                -append "console=ttyS0 quiet vctl.name=$name $append" \
                -qmp "unix:$SOCK,server=on,wait=off" "$@" \
                >"$TEST_TMP/$name.qemu" 2>&1 &
        qpid=$!
}

# wait_line PATTERN SECONDS: wait until the serial log has a line matching
# PATTERN (grep -E) or QEMU died or time ran out. Console lines end in CR LF.
wait_line() {
        local deadline=$(($(now_ms) + $2 * 1000))
        while [ "$(now_ms)" -lt "$deadline" ]; do
                grep -qE "$1" "$LOG" && return 0
                kill -0 "$qpid" 2>/dev/null || break
                sleep 0.2
        done
        grep -qE "$1" "$LOG"
}

# wait_exit SECONDS: wait for QEMU to exit by itself; 1 if it did not.
wait_exit() {
        local deadline=$(($(now_ms) + $1 * 1000))
        while kill -0 "$qpid" 2>/dev/null; do
                [ "$(now_ms)" -lt "$deadline" ] || return 1
                sleep 0.2
        done
        wait "$qpid" 2>/dev/null
        qpid=
        return 0
}

show_log() {
        echo "# --- serial console of $name:"
        tr -d '\r\033' <"$LOG" | awk '{ print "#   " $0 }'
        if [ -s "$TEST_TMP/$name.qemu" ]; then
                echo "# --- qemu:"
                awk '{ print "#   " $0 }' "$TEST_TMP/$name.qemu"
        fi
}

# powerdown DESC: press the power button, expect QEMU to exit on its own.
powerdown() {
        local t1
        t1=$(now_ms)
        if ! python3 "$GUEST_SRC/qmp.py" --timeout 10 "$SOCK" system_powerdown \
                >"$TEST_TMP/$name.qmpout" 2>&1; then
                tap_not_ok "$1: system_powerdown over QMP"
                sed 's/^/# /' "$TEST_TMP/$name.qmpout"
        fi
        if wait_exit "$POWEROFF_TIMEOUT" && grep -q '^VCTL-GUEST-POWERDOWN' "$LOG"; then
                tap_ok "$1: guest powers off on the ACPI power button ($(($(now_ms) - t1)) ms)"
        else
                tap_not_ok "$1: guest powers off on the ACPI power button within ${POWEROFF_TIMEOUT}s"
                show_log
                kill "$qpid" 2>/dev/null
                wait "$qpid" 2>/dev/null
                qpid=
        fi
}

# expect_ready DESC: READY banner within the bound; prints the boot time.
expect_ready() {
        if wait_line "^VCTL-GUEST-READY ${name}[[:space:]]*\$" "$BOOT_TIMEOUT"; then
                tap_ok "$1: VCTL-GUEST-READY $name"
                echo "# $name: booted to VCTL-GUEST-READY in $(($(now_ms) - t0)) ms (TCG)"
                return 0
        fi
        tap_not_ok "$1: VCTL-GUEST-READY $name within ${BOOT_TIMEOUT}s"
        show_log
        return 1
}

# --- 1. plain boot, power button through busybox acpid ---------------------
boot t1 ""
if expect_ready "plain boot"; then
        powerdown "plain boot (acpid)"
else
        tap_skip "plain boot: power button (guest did not boot)"
        kill "$qpid" 2>/dev/null
        wait "$qpid" 2>/dev/null
        qpid=
fi

# --- 2. user networking: DHCP and ping; power button via the evdev loop ----
boot t2 "vctl.net=dhcp vctl.ping=10.0.2.2 vctl.acpi=loop" \
        -netdev user,id=n0 -device virtio-net-pci,netdev=n0
if expect_ready "user networking"; then
        wait_line '^VCTL-GUEST-DONE ' "$BOOT_TIMEOUT"
        tap_is "user networking: DHCP lease on eth0" "10.0.2.15" \
                "$(sed -n 's/^VCTL-GUEST-IP \([^[:space:]]*\).*/\1/p' "$LOG")"
        tap_is "user networking: ping the gateway" "ok" \
                "$(sed -n 's/^VCTL-GUEST-PING 10\.0\.2\.2 \([a-z]*\).*/\1/p' "$LOG")"
        powerdown "user networking (evdev loop)"
else
        for t in "DHCP lease" "ping" "power button"; do
                tap_skip "user networking: $t (guest did not boot)"
        done
        kill "$qpid" 2>/dev/null
        wait "$qpid" 2>/dev/null
        qpid=
fi

# --- 3. virtio-blk disk ------------------------------------------------------
img=$TEST_TMP/disk.img
truncate -s 16M "$img"
boot t3 "vctl.disk=write" \
        -drive "file=$img,format=raw,if=none,id=d0,cache=none,aio=threads" \
        -device virtio-blk-pci,drive=d0
if expect_ready "virtio disk"; then
        wait_line '^VCTL-GUEST-DONE ' "$BOOT_TIMEOUT"
        tap_is "virtio disk: guest writes and reads back /dev/vda" "ok" \
                "$(sed -n 's/^VCTL-GUEST-DISK \([a-z]*\).*/\1/p' "$LOG")"
        powerdown "virtio disk"
        tap_is "virtio disk: host sees the pattern in the image" \
                "VCTL-DISK-PATTERN t3" "$(head -c 64 "$img" | tr -d '\0' | head -n 1)"
else
        for t in "guest write" "power button" "host sees the pattern"; do
                tap_skip "virtio disk: $t (guest did not boot)"
        done
fi

tap_done
