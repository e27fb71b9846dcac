# Shared by scripts/run-tests and scripts/run-demo (bash; source it):
# the Debian packages vctl's build, tests and demo need, and an idempotent,
# quiet installer of the missing ones.

# The build, the tests (xmllint, libvirt's schemas, virsh, virt-install,
# python3 for raw-protocol tests) and the guests they boot (QEMU, OVMF
# firmware, Debian's kernel and a busybox initramfs).
vctl_packages=(
        build-essential autoconf automake autoconf-archive libtool pkg-config gettext autopoint
        libglib2.0-dev libxml2-dev libxml2-utils libjson-glib-dev libgnutls28-dev
        libtirpc-dev rpcsvc-proto libkmod-dev libnl-3-dev libnl-route-3-dev libreadline-dev
        libvirt0 libvirt-clients virtinst python3
        qemu-system-x86 qemu-utils ovmf busybox-static linux-image-amd64 cpio
        dnsmasq-base nftables iproute2
)
# The D-Bus service's tests: a private dbus-daemon (and polkitd), python3-dbus
# on a GLib main loop, gdbus (libglib2.0-bin) and busctl (systemd).
vctl_packages+=(
        dbus-daemon python3-dbus python3-gi libglib2.0-bin systemd polkitd
)
# polkit: a private system bus and polkitd, real users and group vctl
# (tests/polkit-test.sh)
vctl_packages+=(polkitd dbus-daemon dbus-bin systemd passwd util-linux)
# The libFuzzer harnesses (make fuzz, scripts/run-fuzz).
vctl_packages+=(clang-14 libclang-rt-14-dev)
# The systemd units' tests (systemd-analyze, systemd-socket-activate,
# systemd-tmpfiles, systemd-sysusers, systemd.pc) and the manual pages' (man -l).
vctl_packages+=(systemd man-db groff-base)
# TLS tests: certtool and gnutls-cli
vctl_packages+=(gnutls-bin)
# confined QEMU tests: systemd-sysusers creates the vctl-qemu account
vctl_packages+=(systemd)

# vctl_install_packages WHO PACKAGE...: installs those not installed yet;
# WHO prefixes the messages ("run-tests"). 0, or 1 when some are missing and
# we are not root, or apt failed.
vctl_install_packages() {
        local who=$1 p
        local missing=()
        shift
        for p in "$@"; do
                dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
                        missing+=("$p")
        done
        [ ${#missing[@]} -eq 0 ] && return 0
        if [ "$(id -u)" -ne 0 ]; then
                echo "$who: missing Debian packages (${missing[*]}); run as root to install them" >&2
                return 1
        fi
        echo "$who: installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null &&
                apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
