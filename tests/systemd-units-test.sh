#!/usr/bin/env bash
# The built systemd units pass 'systemd-analyze verify' without a word (with
# their program paths pointed at the build tree, as nothing is installed, and
# the manual pages they name found in docs/); the tmpfiles.d and sysusers.d
# snippets create vctl's directories and accounts in a scratch root.
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"

units="vctld.service vctld.socket vctld-ro.socket vctld-tls.socket vctl-guests.service"
: "${sbindir:=/usr/local/sbin}" "${libexecdir:=/usr/local/libexec}"

for u in $units; do
        tap_check "systemd/$u is built" test -s "$top_builddir/systemd/$u"
done
tap_is "vctld.service runs the configured vctld" "ExecStart=$sbindir/vctld --system \$VCTLD_ARGS" \
        "$(grep '^ExecStart=' "$top_builddir/systemd/vctld.service")"
tap_is "vctl-guests.service runs the installed vctl-guests at shutdown" \
        "ExecStop=$libexecdir/vctl-guests stop" \
        "$(grep '^ExecStop=' "$top_builddir/systemd/vctl-guests.service")"
tap_is "vctld.socket: the read-write socket, mode 0666, named for vctld" \
        "ListenStream=/run/vctl/vctld-sock FileDescriptorName=vctld.socket SocketMode=0666" \
        "$(grep -E '^(ListenStream|SocketMode|FileDescriptorName)=' "$top_builddir/systemd/vctld.socket" | tr '\n' ' ' | sed 's/ $//')"
tap_is "vctld-ro.socket: the read-only socket, named for vctld" \
        "ListenStream=/run/vctl/vctld-sock-ro FileDescriptorName=vctld-ro.socket" \
        "$(grep -E '^(ListenStream|FileDescriptorName)=' "$top_builddir/systemd/vctld-ro.socket" | tr '\n' ' ' | sed 's/ $//')"
tap_is "vctld-tls.socket listens on libvirt's TLS port" "ListenStream=16514" \
        "$(grep '^ListenStream=' "$top_builddir/systemd/vctld-tls.socket")"
tap_check "guests survive a restart of vctld (KillMode=process, Type=notify)" \
        sh -c "grep -qx 'KillMode=process' '$top_builddir/systemd/vctld.service' &&
               grep -qx 'Type=notify' '$top_builddir/systemd/vctld.service'"

if ! command -v systemd-analyze >/dev/null; then
        tap_skip "systemd-analyze is not installed (Debian: systemd)"
else
        # the units as installed, but with programs from the build tree
        bin="$TEST_TMP/prog"
        mkdir -p "$TEST_TMP/units" "$bin" "$TEST_TMP/man/man1" "$TEST_TMP/man/man5" "$TEST_TMP/man/man8"
        ln -s "$top_builddir/daemon/vctld" "$bin/vctld"
        ln -s "$top_builddir/tools/vctl-guests" "$bin/vctl-guests"
        for u in $units; do
                sed -e "s|^\(Exec[A-Za-z]*=\)$sbindir/|\1$bin/|" \
                        -e "s|^\(Exec[A-Za-z]*=\)$libexecdir/|\1$bin/|" \
                        "$top_builddir/systemd/$u" >"$TEST_TMP/units/$u"
        done
        for p in vctl.1 vctld.conf.5 vctld.8; do
                ln -s "$top_srcdir/docs/$p" "$TEST_TMP/man/man${p##*.}/$p"
        done
        verify() {
                (cd "$TEST_TMP/units" && MANPATH="$TEST_TMP/man" SYSTEMD_LOG_COLOR=0 \
                        timeout 60 systemd-analyze verify --recursive-errors=no "$@") >"$TEST_TMP/verify.out" 2>&1
                local rc=$?
                [ $rc -eq 0 ] && [ ! -s "$TEST_TMP/verify.out" ]
        }
        if verify $(for u in $units; do echo "./$u"; done); then
                tap_ok "systemd-analyze verify: all units, no warnings"
        else
                tap_not_ok "systemd-analyze verify: all units, no warnings"
                sed 's/^/# /' "$TEST_TMP/verify.out"
        fi
        # the check sees mistakes: a misspelt type and a missing program
        sed -e 's/^Type=notify/Type=notfy/' "$TEST_TMP/units/vctld.service" >"$TEST_TMP/units/bad.service"
        verify ./bad.service
        tap_check "systemd-analyze verify flags a broken unit" grep -q "notfy" "$TEST_TMP/verify.out"
fi

root="$TEST_TMP/root"
if ! command -v systemd-tmpfiles >/dev/null; then
        tap_skip "systemd-tmpfiles is not installed (Debian: systemd)"
else
        mkdir -p "$root"
        tap_check "systemd-tmpfiles --create takes the snippet without a warning" \
                sh -c "systemd-tmpfiles --create --root='$root' '$top_srcdir/systemd/vctl.tmpfiles.conf' 2>&1 | tee /dev/stderr | grep -q . && exit 1 || exit 0"
        for d in run/vctl:755 run/vctl/qemu:700 etc/vctl/qemu:700 etc/vctl/networks:700 \
                etc/vctl/storage:700 var/lib/vctl/images:711 var/log/vctl/qemu:700; do
                tap_is "tmpfiles: /${d%%:*} mode ${d##*:}" "${d##*:}" "$(stat -c %a "$root/${d%%:*}" 2>&1)"
        done
fi
if ! command -v systemd-sysusers >/dev/null; then
        tap_skip "systemd-sysusers is not installed (Debian: systemd)"
elif [ "$(id -u)" != 0 ]; then
        tap_skip "systemd-sysusers --root needs root"
else
        mkdir -p "$root/etc"
        tap_check "systemd-sysusers takes the snippet" \
                systemd-sysusers --root="$root" "$top_srcdir/systemd/vctl.sysusers.conf"
        tap_check "sysusers: group vctl" grep -q '^vctl:' "$root/etc/group"
        tap_check "sysusers: user vctl-qemu, home /var/lib/vctl, no login" \
                grep -Eq '^vctl-qemu:x:[0-9]+:[0-9]+:vctl QEMU guests:/var/lib/vctl:/(usr/)?s?bin/nologin$' "$root/etc/passwd"
fi
tap_done
