#!/usr/bin/env bash
# A qcow2 overlay volume on a raw base volume, attached to a real TCG guest
# by pool and volume name (<disk type='volume'>): the guest boots, writes its
# pattern to /dev/vda (vctl.disk=write), and the host then finds the pattern
# in the overlay and the base untouched. Also: a second guest asking for the
# same volume read-write, and a missing volume, are refused.
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/vctld-lib.sh"

BOOT_TIMEOUT=180 # TCG on a loaded machine

[ -x "$VCTL" ] && [ -x "$VCTLD" ] || { echo "Bail out! vctl or vctld is not built"; exit 1; }
[ "$(id -u)" = 0 ] || tap_skip_all "needs root (Debian's kernel in /boot, which the test guest boots, is readable by root only)"
guest_require
command -v qemu-img >/dev/null || tap_skip_all "qemu-img is not installed (Debian: qemu-utils)"
guest_build

IMAGES="$ROOT/var/lib/vctl/images"

# vctld stops with SIGTERM at the end
cleanup() {
        [ -n "$vctld_pid" ] && kill "$vctld_pid" 2>/dev/null && wait "$vctld_pid" 2>/dev/null
        vctld_exit
}
trap cleanup EXIT
start_vctld_or_bail 10

guest_xml() { # NAME VOLUME
        cat <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$GUEST_OUT/vmlinuz</kernel>
    <initrd>$GUEST_OUT/initramfs.cpio.gz</initrd>
    <cmdline>console=ttyS0 quiet vctl.name=$1 vctl.disk=write vctl.shell=0</cmdline>
  </os>
  <devices>
    <disk type='volume' device='disk'>
      <source pool='default' volume='$2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
  </devices>
</domain>
XML
}

# the base: a pattern at 0 (the guest overwrites it in the overlay) and at 1 MiB
tap_check "base volume" Q vol-create-as default base.raw 8M
printf 'BASE-AT-0' | dd of="$IMAGES/base.raw" conv=notrunc status=none
printf 'BASE-AT-1M' | dd of="$IMAGES/base.raw" bs=1M seek=1 conv=notrunc status=none
tap_check "qcow2 overlay on it" Q vol-create-as default ov.qcow2 8M --format qcow2 \
        --backing-vol base.raw --backing-vol-format raw
guest_xml sg1 ov.qcow2 >"$TEST_TMP/sg1.xml"
guest_xml sg2 ov.qcow2 >"$TEST_TMP/sg2.xml"
guest_xml sg3 missing.qcow2 >"$TEST_TMP/sg3.xml"
for n in sg1 sg2 sg3; do Q define "$TEST_TMP/$n.xml" >/dev/null || tap_not_ok "define $n"; done

tap_check "a missing volume is refused at start, naming it" \
        sh -c "! timeout 60 '$VCTL' -c '$URI' start sg3 2>'$TEST_TMP/sg3.err' && grep -q \"volume 'missing.qcow2' of pool 'default'\" '$TEST_TMP/sg3.err'"
tap_check "start sg1 with the overlay volume" Q start sg1
pid=$(sed -n "s/^<domstatus .* pid='\([0-9]*\)'.*/\1/p" "$ROOT/run/vctl/qemu/sg1.xml" 2>/dev/null)
cmdline=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null)
tap_check "QEMU opens the overlay as qcow2" sh -c "echo '$cmdline' | grep -q '\"driver\":\"qcow2\",\"file\":\"libvirt-2-storage\"'"
tap_check "and the base with its explicit raw format" sh -c "echo '$cmdline' | grep -F '\"filename\":\"$IMAGES/base.raw\",\"node-name\":\"libvirt-1-storage\"' >/dev/null && echo '$cmdline' | grep -q '\"driver\":\"raw\",\"file\":\"libvirt-1-storage\"' && echo '$cmdline' | grep -q '\"backing\":\"libvirt-1-format\"'"
tap_check "a second guest asking for the volume read-write is refused" \
        sh -c "! timeout 60 '$VCTL' -c '$URI' start sg2 2>'$TEST_TMP/sg2.err' && grep -q \"in use read-write by running domain 'sg1'\" '$TEST_TMP/sg2.err'"

disk_line=$(guest_console_line sg1 "VCTL-GUEST-DISK")
tap_is "the guest wrote to its volume and read it back" "VCTL-GUEST-DISK ok" "$disk_line"
tap_check "destroy sg1" Q destroy sg1

qemu-img convert -f qcow2 -O raw "$IMAGES/ov.qcow2" "$TEST_TMP/ov.raw" 2>"$TEST_TMP/convert.err"
tap_is "the host reads the guest's pattern from the overlay" "VCTL-DISK-PATTERN sg1" \
        "$(head -c 21 "$TEST_TMP/ov.raw")"
tap_is "data the guest did not write comes from the base" "BASE-AT-1M" \
        "$(dd if="$TEST_TMP/ov.raw" bs=1M skip=1 count=1 status=none | head -c 10)"
tap_is "the base volume is untouched" "BASE-AT-0" "$(head -c 9 "$IMAGES/base.raw")"
tap_check "the overlay allocated clusters for the write" \
        test "$(qemu-img info -U --output=json -f qcow2 "$IMAGES/ov.qcow2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["actual-size"])')" -gt 196608
tap_check "with sg1 stopped, sg2 may use the volume" Q start sg2
Q destroy sg2 >/dev/null

# ---- virt-install allocates its disk in a pool through vctld ----
if command -v virt-install >/dev/null; then
        mkdir -p "$HOME/.cache" "$HOME/.config"
        timeout 180 virt-install --connect "$URI" --name vi1 --memory 256 --vcpus 1 \
                --osinfo linux2022 --network none --noautoconsole --virt-type qemu --import \
                --graphics none --disk pool=default,size=0.01,format=qcow2 \
                --boot "kernel=$GUEST_OUT/vmlinuz,initrd=$GUEST_OUT/initramfs.cpio.gz,kernel_args=console=ttyS0 vctl.name=vi1" \
                >"$TEST_TMP/vi1.out" 2>&1
        rc=$?
        tap_is "virt-install --disk pool=default,size=...,format=qcow2" 0 "$rc"
        [ $rc = 0 ] || sed 's/^/# /' "$TEST_TMP/vi1.out"
        tap_check "the volume it asked for is in the pool" sh -c "timeout 30 '$VCTL' -c '$URI' vol-list default | grep -q vi1.qcow2"
        Q destroy vi1 >/dev/null 2>&1
        tap_is "with virt-install's <compat> and lazy_refcounts" "1.1 true" \
                "$(qemu-img info -U --output=json -f qcow2 "$IMAGES/vi1.qcow2" | python3 -c 'import json,sys; d=json.load(sys.stdin)["format-specific"]["data"]; print(d["compat"], str(d["lazy-refcounts"]).lower())')"
else
        tap_skip "virt-install is not installed (Debian: virtinst)"
fi
tap_done
