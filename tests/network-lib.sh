# Shared by the network tests (source after tests/lib.sh; it sources
# tests/vctld-lib.sh): a system-mode vctld under --root in TEST_TMP, a snapshot of the host's links, routes,
# firewall and IP forwarding to compare at the end, and a cleanup that
# removes only what the test made: its vctld and QEMUs (by pid, their
# command line naming TEST_TMP), the dnsmasqs of its networks, links named
# vctlt*, nftables tables vctl-vctlt*, and IP forwarding as it was.

. "$top_srcdir/tests/vctld-lib.sh"
NETRUN="$ROOT/run/vctl/network"

net_require_root() {
        [ "$(id -u)" = 0 ] || tap_skip_all "needs root (bridges, taps, nftables, dnsmasq)"
        [ -x "$VCTL" ] && [ -x "$VCTLD" ] || { echo "Bail out! vctl or vctld is not built"; exit 1; }
        local c
        for c in ip nft dnsmasq timeout; do
                command -v "$c" >/dev/null || PATH=$PATH:/usr/sbin:/sbin
                command -v "$c" >/dev/null ||
                        tap_skip_all "$c is missing (Debian: iproute2, nftables, dnsmasq-base, coreutils)"
        done
        [ -c /dev/net/tun ] || tap_skip_all "/dev/net/tun is missing"
        # the network tests share names, subnets and the host snapshot: one
        # at a time, even under make -j (the lock goes with this shell)
        command -v flock >/dev/null || tap_skip_all "flock (util-linux) is missing"
        exec 9>>"$top_builddir/tests/network-tests.lock"
        flock -w 1200 9 || tap_skip_all "another network test held the lock for 20 minutes"
        ip link add vctltprobe type bridge 2>/dev/null ||
                tap_skip_all "cannot create bridges here (no CAP_NET_ADMIN in this namespace?)"
        ip link del vctltprobe
        nft list tables >/dev/null 2>&1 || tap_skip_all "nftables is not usable here"
        # the documentation subnet the tests use must be free on this host
        if ip -4 addr | grep -q ' 198\.51\.100\.' || ip -4 route | grep -q '^198\.51\.100\.'; then
                tap_skip_all "198.51.100.0/24 is in use on this host; the network tests need it free"
        fi
        if ip link | grep -q ': vctlt'; then
                tap_skip_all "links named vctlt* exist already (another test running?)"
        fi
}

# the host as the tests must leave it
net_host_state() {
        ip -o link show | sed 's/^[0-9]*: //' | grep -v '^vnet' | sort
        ip route show table all | grep -v '^local \|^broadcast \|^multicast '
        nft list ruleset
        cat /proc/sys/net/ipv4/ip_forward
}

net_snapshot() {
        IP_FORWARD_BEFORE=$(cat /proc/sys/net/ipv4/ip_forward)
        net_host_state >"$TEST_TMP/host-before"
}

net_cleanup() {
        local f pid t l
        vctld_kill
        for f in "$NETRUN"/*.pid; do
                [ -f "$f" ] || continue
                pid=$(cat "$f")
                [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$ROOT" &&
                        kill -KILL "$pid" 2>/dev/null
        done
        for t in $(nft list tables 2>/dev/null | sed -n 's/^table ip \(vctl-vctlt[A-Za-z0-9_.-]*\)$/\1/p'); do
                nft delete table ip "$t"
        done
        for l in $(ip -o link show | sed -n 's/^[0-9]*: \(vctlt[^:@]*\).*/\1/p'); do
                ip link del "$l" 2>/dev/null
        done
        [ -n "$IP_FORWARD_BEFORE" ] && echo "$IP_FORWARD_BEFORE" >/proc/sys/net/ipv4/ip_forward
        rm -rf "$TEST_TMP"
}
trap net_cleanup EXIT

stop_vctld() {
        kill -TERM "$vctld_pid"
        wait_for 20 eval '! kill -0 '"$vctld_pid"' 2>/dev/null'
        wait "$vctld_pid" 2>/dev/null
        vctld_pid=
}

# fails DESCRIPTION NEEDLE COMMAND...: exit status 1 and NEEDLE on stderr
fails() {
        local desc=$1 needle=$2 rc
        shift 2
        "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
        rc=$?
        if [ $rc -ne 0 ] && grep -q -- "$needle" "$TEST_TMP/err"; then
                tap_ok "$desc"
        else
                tap_not_ok "$desc"
                echo "# rc $rc, stderr:"
                sed 's/^/#   /' "$TEST_TMP/err"
        fi
}

# net_xml NAME BRIDGE ADDR PREFIX RANGE_START RANGE_END [MODE] [EXTRA_IP_XML]
net_xml() {
        local fwd=
        [ -n "$7" ] && [ "$7" != none ] && fwd="<forward mode='$7'$9/>"
        cat <<XML
<network>
  <name>$1</name>
  $fwd
  <bridge name='$2' stp='on' delay='0'/>
  <ip address='$3' prefix='$4'>
    <dhcp>
      <range start='$5' end='$6'/>$8
    </dhcp>
  </ip>
</network>
XML
}

dnsmasq_pid() { cat "$NETRUN/$1.pid" 2>/dev/null; }
# the process of PID runs and is a dnsmasq of this test's network NAME
dnsmasq_runs() {
        local pid
        pid=$(dnsmasq_pid "$1")
        [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null |
                grep -q -- "--conf-file=$NETRUN/$1.conf"
}
