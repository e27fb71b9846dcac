#!/bin/sh
# build-guest.sh OUTDIR — build vctl's test guest.
#
# The test guest is what every integration test and the demo boot: the host's
# own Debian kernel (linux-image-amd64, the newest /boot/vmlinuz-*) and a tiny
# initramfs made of busybox-static, the virtio/ACPI-button/evdev modules of
# that kernel (Debian builds them as modules) and tests/guest/init. It needs no
# network and nothing but installed Debian packages: busybox-static,
# linux-image-amd64, cpio, gzip (plus xz-utils/zstd only if the kernel's
# modules are compressed). Outputs:
#     OUTDIR/vmlinuz            copy of the kernel
#     OUTDIR/initramfs.cpio.gz  the initramfs
#     OUTDIR/kernel-version     the kernel release the modules come from
# Boot it with: -kernel OUTDIR/vmlinuz -initrd OUTDIR/initramfs.cpio.gz
#     -append 'console=ttyS0 quiet vctl.name=NAME [vctl.net=dhcp]
#              [vctl.ping=IP,IP] [vctl.disk=write] [vctl.shell=0]'
# The guest prints VCTL-GUEST-* lines on the serial console (see init) and
# powers off on the ACPI power button (QMP system_powerdown, virsh shutdown).
# Running it again is cheap: nothing is rebuilt while OUTDIR is up to date
# (newer than this script, init, the helper scripts, busybox and the kernel).
# Environment: VCTL_GUEST_KERNEL=/boot/vmlinuz-X picks a kernel; BUSYBOX=path.
# Exit status: 0 built or up to date, 1 error, 2 kernel not readable (not root).
set -eu

die() {
        echo "build-guest: $*" >&2
        exit 1
}

[ $# -eq 1 ] && [ -n "$1" ] || { echo "usage: $0 OUTDIR" >&2; exit 1; }
srcdir=$(cd "$(dirname "$0")" && pwd)
self=$srcdir/$(basename "$0")
busybox=${BUSYBOX:-/bin/busybox}

# Modules the guest loads (in this order after dependency resolution).
# Missing or built-in ones are skipped.
WANT_MODULES="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev
virtio_pci failover net_failover virtio_net virtio_blk virtio_console
virtio-rng button evdev"

# --- pick the kernel -------------------------------------------------------
if [ -n "${VCTL_GUEST_KERNEL:-}" ]; then
        kernel=$VCTL_GUEST_KERNEL
else
        kernel=$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
fi
[ -n "$kernel" ] && [ -e "$kernel" ] ||
        die "no kernel in /boot/vmlinuz-*: install linux-image-amd64"
if ! [ -r "$kernel" ] || ! head -c 1 "$kernel" >/dev/null 2>&1; then
        echo "build-guest: cannot read $kernel: run as root (Debian installs kernels 0600)" >&2
        exit 2
fi
kver=${kernel##*/vmlinuz-}
moddir=/lib/modules/$kver
[ -f "$moddir/modules.dep" ] ||
        die "no $moddir/modules.dep for kernel $kernel: reinstall its linux-image package"
[ -x "$busybox" ] || die "no $busybox: install busybox-static"
"$busybox" --list | grep -qx sh || die "$busybox has no sh applet"

# --- up to date? -------------------------------------------------------------
mkdir -p "$1" || die "cannot create $1"
out=$(cd "$1" && pwd)
# tests run in parallel and share OUTDIR: one builds, the others wait for it
exec 9>"$out/.lock"
flock -w 300 9 || die "another build of $out is still running after 300 s"
uptodate() {
        [ -f "$out/initramfs.cpio.gz" ] && [ -f "$out/vmlinuz" ] &&
                [ -f "$out/kernel-version" ] || return 1
        [ "$(cat "$out/kernel-version")" = "$kver" ] || return 1
        for f in "$self" "$srcdir/init" "$srcdir/udhcpc.script" \
                "$srcdir/power-button" "$busybox" "$kernel"; do
                [ "$out/initramfs.cpio.gz" -nt "$f" ] || return 1
        done
        cmp -s "$kernel" "$out/vmlinuz"
}
if uptodate; then
        exit 0
fi

# --- stage the tree ----------------------------------------------------------
stage=$(mktemp -d "$out/.stage.XXXXXX")
trap 'rm -rf "$stage" "$out/.initramfs.tmp" "$out/.vmlinuz.tmp"' EXIT
root=$stage/root
mkdir -p "$root"
cd "$root"
mkdir -p bin sbin usr/bin usr/sbin dev proc sys tmp run root etc/acpi/PWRF \
        usr/share/udhcpc "lib/modules/$kver"
chmod 1777 tmp

cp "$busybox" bin/busybox
# Applet links, each where Debian's busybox would install it.
"$busybox" --list-full | while read -r applet; do
        case $applet in
        bin/busybox | "") continue ;;
        esac
        [ -e "$applet" ] || ln -s /bin/busybox "$applet"
done
[ -e bin/sh ] || ln -s busybox bin/sh

install -m 0755 "$srcdir/init" init
install -m 0755 "$srcdir/udhcpc.script" usr/share/udhcpc/default.script
# busybox acpid runs /etc/acpi/<ACTION>/<PARAM> for a known event:
# the power button is PWRF/00000080.
install -m 0755 "$srcdir/power-button" etc/acpi/PWRF/00000080
install -m 0755 "$srcdir/power-button" sbin/vctl-power-button

cat >etc/passwd <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >etc/group <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
echo guest >etc/hostname
: >etc/resolv.conf
cat >etc/profile <<'EOF'
export PATH=/sbin:/usr/sbin:/bin:/usr/bin
PS1='\h:\w\$ '
EOF

# /dev/console and /dev/null for the moments before devtmpfs is mounted
# (the kernel's built-in initramfs has /dev/console too; init copes either way).
if [ "$(id -u)" = 0 ]; then
        mknod -m 600 dev/console c 5 1
        mknod -m 666 dev/null c 1 3
fi

# --- modules -----------------------------------------------------------------
# modules.dep: "kernel/x/a.ko: kernel/y/b.ko kernel/z/c.ko" (all transitive deps).
order=$stage/order
: >"$order"
modpath() { # NAME -> path in modules.dep, or nothing
        grep -E "(^|/)$1\\.ko(\\.(xz|zst|gz))?:" "$moddir/modules.dep" | head -n 1 | cut -d: -f1
}
addmod() { # PATH: append PATH after its dependencies
        grep -qxF "$1" "$order" && return 0
        for dep in $(awk -F: -v p="$1" '$1 == p { print $2 }' "$moddir/modules.dep"); do
                addmod "$dep"
        done
        echo "$1" >>"$order"
}
for m in $WANT_MODULES; do
        p=$(modpath "$m")
        if [ -n "$p" ]; then
                addmod "$p"
        elif grep -qE "(^|/)$m\\.ko$" "$moddir/modules.builtin" 2>/dev/null; then
                : # built into the kernel
        else
                echo "build-guest: warning: module $m not found for $kver, skipped" >&2
        fi
done
: >"lib/modules/$kver/load-order"
while read -r p; do
        base=${p##*/}
        case $base in
        *.ko.xz) xz -dc "$moddir/$p" >"lib/modules/$kver/${base%.xz}" ;;
        *.ko.zst) zstd -qdc "$moddir/$p" >"lib/modules/$kver/${base%.zst}" ;;
        *.ko.gz) gzip -dc "$moddir/$p" >"lib/modules/$kver/${base%.gz}" ;;
        *.ko) cp "$moddir/$p" "lib/modules/$kver/$base" ;;
        *) die "unexpected module file $p" ;;
        esac || die "cannot unpack module $moddir/$p"
        echo "${base%.ko*}.ko" >>"lib/modules/$kver/load-order"
done <"$order"

# --- archive -----------------------------------------------------------------
command -v cpio >/dev/null || die "cpio not found: install cpio"
find . -mindepth 1 | LC_ALL=C sort |
        cpio --quiet -o -H newc -R 0:0 | gzip -6n >"$out/.initramfs.tmp"
if ! cmp -s "$kernel" "$out/vmlinuz"; then
        cp "$kernel" "$out/.vmlinuz.tmp"
        chmod 0644 "$out/.vmlinuz.tmp"
        mv -f "$out/.vmlinuz.tmp" "$out/vmlinuz"
fi
echo "$kver" >"$out/kernel-version"
mv -f "$out/.initramfs.tmp" "$out/initramfs.cpio.gz"
echo "build-guest: built $out/initramfs.cpio.gz for $kver ($(wc -l <"lib/modules/$kver/load-order") modules)"
