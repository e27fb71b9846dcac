#!/usr/bin/env bash
# Confined QEMU: a system-mode vctld (as root, under --root) runs its guests'
# QEMU as vctl-qemu with no supplementary groups, no capabilities,
# no_new_privs and QEMU's seccomp sandbox; the guest's disk image (root's,
# mode 0600) is handed to vctl-qemu while it runs, the guest writes it, and
# the owner and mode come back after destroy, and after a vctld killed while
# the guest ran finds its QEMU gone. A missing vctl-qemu account is refused
# with a message naming the fix.
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/vctld-lib.sh"

BOOT_TIMEOUT=180 # seconds until the guest wrote its disk, under TCG on a busy host
SYSUSERS="$top_srcdir/systemd/vctl.sysusers.conf"

[ -x "$VCTL" ] && [ -x "$VCTLD" ] || { echo "Bail out! vctl or vctld is not built"; exit 1; }
[ "$(id -u)" = 0 ] || tap_skip_all "needs root (QEMU is confined only by a root vctld in system mode)"
guest_require
command -v systemd-sysusers >/dev/null || tap_skip_all "systemd-sysusers is missing (Debian: systemd)"
command -v unshare >/dev/null || tap_skip_all "unshare (util-linux) is missing"
guest_build

IMG="$TEST_TMP/images/c1.img"

cat_pid=
cleanup() {
        [ -n "$cat_pid" ] && kill "$cat_pid" 2>/dev/null
        vctld_exit
}
trap cleanup EXIT

status_pid() { sed -n "s/^<domstatus .* pid='\([0-9]*\)'.*/\1/p" "$STATUS_DIR/$1.xml" 2>/dev/null; }
owner_mode() { stat -c '%U:%G %a' "$1"; }
proc_field() { # PID FIELD: the value of FIELD in /proc/PID/status
        sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s ' \t' ' ' | sed 's/ $//'
}

# ---- the account ----
id vctl-qemu >/dev/null 2>&1 || systemd-sysusers "$SYSUSERS"
tap_check "vctl-qemu exists (systemd-sysusers systemd/vctl.sysusers.conf)" id vctl-qemu
QUID=$(id -u vctl-qemu)
QGID=$(id -g vctl-qemu)
tap_is "vctl-qemu is in no other group" "vctl-qemu" "$(id -Gn vctl-qemu)"

# vctl-qemu must get through our temporary directory, as through /run and /var
chmod 0711 "$TEST_TMP"
mkdir -p "$TEST_TMP/images" "$TEST_TMP/logs"
truncate -s 16M "$IMG"
chmod 0600 "$IMG"
tap_is "the image is root's, mode 600" "root:root 600" "$(owner_mode "$IMG")"

guest_xml() { # NAME IMAGE
        cat <<EOF
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$GUEST_OUT/vmlinuz</kernel>
    <initrd>$GUEST_OUT/initramfs.cpio.gz</initrd>
    <cmdline>console=ttyS0 quiet vctl.name=$1 vctl.disk=write</cmdline>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='$2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <serial type='pty'><target port='0'/></serial>
    <serial type='file'><source path='$TEST_TMP/logs/$1-ttyS1.log'/><target port='1'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
  </devices>
</domain>
EOF
}

# ---- a missing account: vctld in a mount namespace without it in /etc/passwd ----
grep -v '^vctl-qemu:' /etc/passwd >"$TEST_TMP/passwd"
mkdir -p "$TEST_TMP/nouser"
guest_xml n1 "$IMG" >"$TEST_TMP/n1.xml"
unshare --mount --propagation private sh -c '
        mount --bind "$1" /etc/passwd || exit 3
        "$2" --system --root "$3" >"$3.log" 2>&1 &
        d=$!
        i=0
        while [ $i -lt 200 ] && ! timeout 5 "$4" -c "qemu+unix:///system?socket=$3/run/vctl/vctld-sock" uri >/dev/null 2>&1; do
                sleep 0.1; i=$((i + 1))
        done
        timeout 60 "$4" -c "qemu+unix:///system?socket=$3/run/vctl/vctld-sock" create "$5"
        rc=$?
        kill -TERM $d
        wait $d
        exit $rc' sh "$TEST_TMP/passwd" "$VCTLD" "$TEST_TMP/nouser" "$VCTL" "$TEST_TMP/n1.xml" \
        >"$TEST_TMP/nouser.out" 2>&1
tap_check "without vctl-qemu the start is refused, naming the fix" \
        grep -q "domain 'n1': QEMU of system-mode guests runs as the user 'vctl-qemu', which does not exist.*systemd-sysusers" "$TEST_TMP/nouser.out"
tap_is "... and the image was not touched" "root:root 600" "$(owner_mode "$IMG")"

# ---- a confined guest ----
start_vctld_or_bail
# an image vctl-qemu cannot reach: refused before anything changes
mkdir -m 0700 "$TEST_TMP/private"
truncate -s 1M "$TEST_TMP/private/p1.img"
guest_xml p1 "$TEST_TMP/private/p1.img" >"$TEST_TMP/p1.xml"
if Q create "$TEST_TMP/p1.xml" >"$TEST_TMP/p1.out" 2>&1; then
        tap_not_ok "an image in a directory vctl-qemu cannot search is refused (it started)"
        Q destroy p1 >/dev/null 2>&1
else
        tap_check "an image in a directory vctl-qemu cannot search is refused, naming it" \
                grep -q "domain 'p1': QEMU runs as the user 'vctl-qemu' and cannot reach '$TEST_TMP/private/p1.img': the directory '$TEST_TMP/private' (owner 0, mode 0700) denies it search permission" "$TEST_TMP/p1.out"
fi
tap_is "... and that image is untouched" "root:root 644" "$(owner_mode "$TEST_TMP/private/p1.img")"

guest_xml c1 "$IMG" >"$TEST_TMP/c1.xml"
tap_check "define c1" Q define "$TEST_TMP/c1.xml"
if ! Q start c1 >"$TEST_TMP/out" 2>&1; then
        tap_not_ok "start c1"
        sed 's/^/# /' "$TEST_TMP/out" "$LOG" | tail -n 20
        tap_done
fi
tap_ok "start c1"
pty=$(guest_pty c1)
cat "$pty" >"$TEST_TMP/console" 2>/dev/null &
cat_pid=$!
pid=$(status_pid c1)
tap_check "QEMU runs (pid $pid)" test -n "$pid" -a -d "/proc/$pid"
tap_is "its uids are vctl-qemu's (real, effective, saved, fs)" "$QUID $QUID $QUID $QUID" "$(proc_field "$pid" Uid)"
tap_is "its gids are vctl-qemu's" "$QGID $QGID $QGID $QGID" "$(proc_field "$pid" Gid)"
tap_is "it has no supplementary groups" "" "$(proc_field "$pid" Groups)"
for cap in CapEff CapPrm CapInh CapAmb CapBnd; do
        tap_is "$cap is empty" "0000000000000000" "$(proc_field "$pid" $cap)"
done
tap_is "no_new_privs is set" "1" "$(proc_field "$pid" NoNewPrivs)"
tap_is "QEMU's seccomp sandbox is on (Seccomp: 2, filter)" "2" "$(proc_field "$pid" Seccomp)"
tap_check "its command line has -sandbox on with every deny" sh -c \
        "tr '\0' ' ' </proc/$pid/cmdline | grep -q -- '-sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny'"
tap_is "while it runs the image is vctl-qemu's" "vctl-qemu:vctl-qemu 600" "$(owner_mode "$IMG")"
tap_check "the status file remembers the image's owner and mode" \
        grep -q "<owner path='$IMG' uid='0' gid='0' mode='0600' as-uid='$QUID' as-gid='$QGID'" "$STATUS_DIR/c1.xml"
tap_is "its runtime directory is vctl-qemu's" "vctl-qemu:vctl-qemu 700" "$(owner_mode "$STATUS_DIR/c1")"
tap_is "the file of its second serial port was created for vctl-qemu" "vctl-qemu:vctl-qemu 600" \
        "$(owner_mode "$TEST_TMP/logs/c1-ttyS1.log")"
tap_is "the status file stays root's" "root:root 600" "$(owner_mode "$STATUS_DIR/c1.xml")"

console_has() { grep -a -q "$1" "$TEST_TMP/console"; }
tap_check "the guest boots (VCTL-GUEST-READY on its console)" wait_for "$BOOT_TIMEOUT" console_has "VCTL-GUEST-READY c1"
tap_check "the guest wrote its disk (VCTL-GUEST-DISK ok)" wait_for "$BOOT_TIMEOUT" console_has "VCTL-GUEST-DISK ok"
tap_is "the pattern is in the image" "VCTL-DISK-PATTERN c1" "$(head -c 64 "$IMG" | tr -d '\0' | head -n 1)"
tap_check "vctl can still talk to its monitor (suspend, resume)" sh -c \
        "timeout 60 '$VCTL' -c '$URI' suspend c1 && timeout 60 '$VCTL' -c '$URI' resume c1"

tap_check "destroy c1" Q destroy c1
kill "$cat_pid" 2>/dev/null
cat_pid=
tap_check "QEMU is gone" wait_for 10 test ! -d "/proc/$pid"
tap_is "after destroy the image is root's again, mode 600" "root:root 600" "$(owner_mode "$IMG")"
tap_is "and the serial port's file is root's" "root:root 600" "$(owner_mode "$TEST_TMP/logs/c1-ttyS1.log")"

# ---- vctld killed while the guest runs, QEMU gone before it comes back ----
chmod 0440 "$IMG"
tap_check "start c1 again" Q start c1
pid=$(status_pid c1)
tap_is "the image is vctl-qemu's (mode 0440 widened to 640 for writing)" "vctl-qemu:vctl-qemu 640" "$(owner_mode "$IMG")"
kill -KILL "$vctld_pid"
wait "$vctld_pid" 2>/dev/null
start_vctld || tap_not_ok "vctld starts again"
tap_is "a restarted vctld takes the running c1 over" "running" "$(Q domstate c1 2>&1)"
tap_check "its status file still remembers the image's owner and mode" \
        grep -q "<owner path='$IMG' uid='0' gid='0' mode='0440'" "$STATUS_DIR/c1.xml"
kill -KILL "$vctld_pid"
wait "$vctld_pid" 2>/dev/null
vctld_pid=
kill -KILL "$pid"
wait_for 10 test ! -d "/proc/$pid"
tap_is "with vctld dead the image stays vctl-qemu's" "vctl-qemu:vctl-qemu 640" "$(owner_mode "$IMG")"
if start_vctld; then
        tap_ok "vctld starts again"
else
        tap_not_ok "vctld starts again"
fi
tap_is "the restarted vctld marks c1 shut off" "shut off" "$(Q domstate c1 2>&1)"
tap_is "and gives the image back: root's, mode 440" "root:root 440" "$(owner_mode "$IMG")"

# ---- done ----
tap_check "vctld stops" sh -c "kill -TERM $vctld_pid; for i in \$(seq 100); do kill -0 $vctld_pid 2>/dev/null || exit 0; sleep 0.1; done; exit 1"
vctld_pid=
tap_done
