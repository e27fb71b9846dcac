#!/usr/bin/env bash
# Virtual networks on the host (root): define/start/stop through vctl and
# Debian's virsh against a system-mode vctld under --root; the bridge, its
# address, the nftables table and dnsmasq checked with ip, nft and the
# process table; bad definitions and host clashes refused with clear errors;
# a restarted vctld finds running networks again; autostart; afterwards the
# host's links, routes, firewall and IP forwarding are exactly as before.
# Names start with vctlt, addresses are in 198.51.100.0/24 (checked unused).
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/network-lib.sh"

net_require_root
net_snapshot
start_vctld_or_bail

# ---- a NAT network ----
net_xml vctltnat vctltbr0 198.51.100.1 25 198.51.100.10 198.51.100.60 nat \
        "
      <host mac='52:54:00:12:34:56' name='fixed1' ip='198.51.100.5'/>" |
        sed "s|<name>vctltnat</name>|&<domain name='vctlt.test' localOnly='yes'/><dns><host ip='198.51.100.7'><hostname>vctltdb</hostname></host></dns>|" \
                >"$TEST_TMP/nat.xml"
tap_is "net-define" "Network vctltnat defined from $TEST_TMP/nat.xml" \
        "$(Q net-define "$TEST_TMP/nat.xml" | sed '/^$/d')"
tap_is "a defined network is inactive and persistent" " vctltnat   inactive   no          yes" \
        "$(Q net-list --all | sed -n 3p)"
tap_check "the definition is saved under config_dir/networks" test -f "$ROOT/etc/vctl/networks/vctltnat.xml"
tap_check "nothing exists on the host before net-start" eval '! ip link show vctltbr0 2>/dev/null'
tap_is "net-start" "Network vctltnat started" "$(Q net-start vctltnat | sed '/^$/d')"
tap_check "the bridge exists and is up" eval 'ip -o link show vctltbr0 | grep -q "<.*UP.*>"'
# with STP on the kernel raises a forward delay below 2 s to 2 s (200 ticks)
tap_is "it is a bridge with STP on" "forward_delay 200 stp_state 1" \
        "$(ip -d link show vctltbr0 | sed -n 's/.*bridge forward_delay \([0-9]*\) .*stp_state \([0-9]\).*/forward_delay \1 stp_state \2/p')"
tap_check "the bridge has the network's address" \
        eval 'ip -4 -o addr show dev vctltbr0 | grep -q "inet 198.51.100.1/25 brd 198.51.100.127"'
tap_check "a route to the subnet goes to the bridge" \
        eval 'ip route show 198.51.100.0/25 | grep -q "dev vctltbr0"'
tap_check "the bridge has the MAC the definition was given" \
        eval "ip link show vctltbr0 | grep -q \"link/ether \$(Q net-dumpxml vctltnat | sed -n \"s/.*<mac address='\\([^']*\\)'.*/\\1/p\")\""
nft list table ip vctl-vctltbr0 >"$TEST_TMP/nft" 2>&1
tap_check "vctl's nftables table exists" test -s "$TEST_TMP/nft"
tap_check "it masquerades the subnet" grep -q 'ip saddr 198.51.100.0/25 ip daddr != .* masquerade' "$TEST_TMP/nft"
tap_check "it lets the bridge forward out and replies in" \
        eval 'grep -q "iifname \"vctltbr0\" ip saddr 198.51.100.0/25 accept" "$TEST_TMP/nft" && grep -q "oifname \"vctltbr0\" ip daddr 198.51.100.0/25 ct state established,related accept" "$TEST_TMP/nft"'
tap_is "IP forwarding is on" 1 "$(cat /proc/sys/net/ipv4/ip_forward)"
tap_check "dnsmasq runs for the network" dnsmasq_runs vctltnat
tap_is "dnsmasq runs unprivileged" "$(getent passwd dnsmasq >/dev/null && echo dnsmasq || echo nobody)" \
        "$(ps -o user= -p "$(dnsmasq_pid vctltnat)" | tr -d ' ')"
tap_check "its config has the DHCP range" grep -qx 'dhcp-range=198.51.100.10,198.51.100.60,255.255.255.128' "$NETRUN/vctltnat.conf"
tap_check "its config has the static host" grep -qx 'dhcp-host=52:54:00:12:34:56,198.51.100.5,fixed1' "$NETRUN/vctltnat.conf"
tap_check "its config names the lease and pid files" \
        eval 'grep -qx "dhcp-leasefile=$NETRUN/vctltnat.leases" "$NETRUN/vctltnat.conf" && grep -qx "pid-file=$NETRUN/vctltnat.pid" "$NETRUN/vctltnat.conf"'
tap_check "dnsmasq listens for DHCP" eval 'ss -lunp 2>/dev/null | grep ":67 " | grep -q "pid=$(dnsmasq_pid vctltnat),"'
tap_check "its config has the DNS host entry" grep -qx 'host-record=vctltdb,vctltdb.vctlt.test,198.51.100.7' "$NETRUN/vctltnat.conf"
tap_check "dnsmasq answers for them on the bridge address" \
        eval '/bin/busybox nslookup vctltdb.vctlt.test 198.51.100.1 >"$TEST_TMP/dns" 2>&1; cat "$TEST_TMP/dns"; grep -q "Address: 198.51.100.7" "$TEST_TMP/dns"'
tap_is "net-info" "Name:           vctltnat
Active:         yes
Persistent:     yes
Autostart:      no
Bridge:         vctltbr0" "$(Q net-info vctltnat | grep -v '^UUID' | sed '/^$/d')"
tap_check "net-info --json" eval 'Q net-info vctltnat --json | python3 -c "import json,sys; d=json.load(sys.stdin); assert d[\"active\"] and d[\"bridge\"]==\"vctltbr0\""'
tap_check "net-dumpxml of the running network" eval 'Q net-dumpxml vctltnat | grep -q "<forward mode=.nat./>"'
tap_is "no leases yet" "" "$(Q net-dhcp-leases vctltnat | sed '1,2d;/^$/d')"

# ---- refused: clashes with the host and bad definitions ----
net_xml vctltover vctltbr1 198.51.100.65 26 198.51.100.70 198.51.100.80 nat >"$TEST_TMP/over.xml"
tap_check "an overlapping network can be defined" Q net-define "$TEST_TMP/over.xml"
fails "starting it is refused: its subnet is in use" \
        "network 'vctltover': subnet of 198.51.100.65/26 overlaps address 198.51.100.1/25 of vctltbr0" \
        Q net-start vctltover
tap_check "nothing of it was left on the host" eval '! ip link show vctltbr1 2>/dev/null && ! nft list table ip vctl-vctltbr1 2>/dev/null && [ ! -e "$NETRUN/vctltover.status" ]'
Q net-undefine vctltover >/dev/null
net_xml vctltrange vctltbr2 198.51.100.129 25 198.51.100.10 198.51.100.20 nat >"$TEST_TMP/range.xml"
fails "a DHCP range outside the subnet is refused" \
        "DHCP range 198.51.100.10 - 198.51.100.20 is not inside the subnet 198.51.100.128/25" \
        Q net-define "$TEST_TMP/range.xml"
net_xml vctltsame vctltbr0 198.51.100.129 25 198.51.100.140 198.51.100.150 nat >"$TEST_TMP/same.xml"
fails "a bridge name another network uses is refused" \
        "bridge 'vctltbr0' is already used by network 'vctltnat'" Q net-define "$TEST_TMP/same.xml"
ip link add vctltforeign type bridge
net_xml vctltsteal vctltforeign 198.51.100.129 25 198.51.100.140 198.51.100.150 nat >"$TEST_TMP/steal.xml"
Q net-define "$TEST_TMP/steal.xml" >/dev/null
fails "a bridge someone else owns is not taken over" \
        "bridge 'vctltforeign' already exists on the host; vctl does not take over" Q net-start vctltsteal
tap_check "the foreign bridge is untouched" eval 'ip link show vctltforeign >/dev/null && [ -z "$(ip -4 addr show dev vctltforeign)" ]'
ip link del vctltforeign
Q net-undefine vctltsteal >/dev/null
fails "starting an active network is refused" "network 'vctltnat' is already active" Q net-start vctltnat
fails "an unknown network is named" "no network with matching name 'vctltnope'" Q net-start vctltnope
echo '<network><name>vctltbad</name><bogus/></network>' >"$TEST_TMP/bad.xml"
fails "an unknown element is refused with its name" "bogus" Q net-define "$TEST_TMP/bad.xml"

# ---- isolated and routed networks, a transient one ----
net_xml vctltiso vctltbr3 198.51.100.129 26 198.51.100.140 198.51.100.150 none |
        sed "s/stp='on' delay='0'/stp='off' delay='7'/" >"$TEST_TMP/iso.xml"
tap_check "net-create starts a transient isolated network" Q net-create "$TEST_TMP/iso.xml"
tap_is "it is active and transient" " vctltiso   active   no          no" "$(Q net-list | grep vctltiso)"
tap_is "its bridge has STP off and the forward delay of the definition" \
        "forward_delay 700 stp_state 0" \
        "$(ip -d link show vctltbr3 | sed -n 's/.*bridge forward_delay \([0-9]*\) .*stp_state \([0-9]\).*/forward_delay \1 stp_state \2/p')"
nft list table ip vctl-vctltbr3 >"$TEST_TMP/nft-iso" 2>&1
tap_check "isolated: no masquerade, the bridge's traffic is refused beyond it" \
        eval '! grep -q masquerade "$TEST_TMP/nft-iso" && grep -q "iifname \"vctltbr3\" reject" "$TEST_TMP/nft-iso" && grep -q "oifname \"vctltbr3\" reject" "$TEST_TMP/nft-iso"'
net_xml vctltroute vctltbr4 198.51.100.193 26 198.51.100.200 198.51.100.210 route >"$TEST_TMP/route.xml"
tap_check "a routed network starts" Q net-create "$TEST_TMP/route.xml"
nft list table ip vctl-vctltbr4 >"$TEST_TMP/nft-route" 2>&1
tap_check "route: forwarding both ways, no masquerade" \
        eval '! grep -q masquerade "$TEST_TMP/nft-route" && grep -q "oifname \"vctltbr4\" ip daddr 198.51.100.192/26 accept" "$TEST_TMP/nft-route"'
tap_check "net-destroy removes a transient network" Q net-destroy vctltroute
tap_check "it is gone from the list and the host" eval '! Q net-list --all | grep -q vctltroute && ! ip link show vctltbr4 2>/dev/null && ! nft list table ip vctl-vctltbr4 2>/dev/null'
tap_is "IP forwarding stays on while the NAT network runs" 1 "$(cat /proc/sys/net/ipv4/ip_forward)"

net_xml vctltopen vctltbr4 198.51.100.193 26 198.51.100.200 198.51.100.210 open >"$TEST_TMP/open.xml"
tap_check "an open network starts" Q net-create "$TEST_TMP/open.xml"
tap_check "open: no firewall table of its own" eval '! nft list table ip vctl-vctltbr4 2>/dev/null'
tap_check "open: dnsmasq serves it" dnsmasq_runs vctltopen
Q net-destroy vctltopen >/dev/null
RO="qemu+unix:///system?socket=$SOCK-ro"
fails "the read-only socket refuses net-destroy" "read-only" timeout 30 "$VCTL" -c "$RO" net-destroy vctltnat
tap_check "the read-only socket lists networks" eval 'timeout 30 "$VCTL" -c "$RO" net-list | grep -q vctltnat'

# ---- vctld restarts: running networks are found again ----
Q net-autostart vctltnat >/dev/null
pid_before=$(dnsmasq_pid vctltnat)
stop_vctld
tap_check "networks keep running while vctld is away" eval 'ip link show vctltbr0 >/dev/null && dnsmasq_runs vctltnat'
start_vctld
tap_is "after the restart the networks are listed active" \
        " vctltiso   active   no          no
 vctltnat   active   yes         yes" "$(Q net-list --all | sed -n '3,$p' | sed '/^$/d')"
tap_is "the same dnsmasq serves it" "$pid_before" "$(dnsmasq_pid vctltnat)"
kill -KILL "$vctld_pid"
wait "$vctld_pid" 2>/dev/null
kill -TERM "$(dnsmasq_pid vctltnat)"
sleep 0.5
start_vctld
tap_check "after a crash with dnsmasq gone, vctld starts it again" wait_for 10 dnsmasq_runs vctltnat
tap_check "the bridge was not recreated (same address still)" \
        eval 'ip -4 -o addr show dev vctltbr0 | grep -c inet | grep -qx 1'
Q net-destroy vctltnat >/dev/null
stop_vctld
start_vctld
tap_check "autostart brings the network up when vctld starts" wait_for 10 dnsmasq_runs vctltnat
tap_check "net-autostart --disable" eval 'Q net-autostart --disable vctltnat | grep -q "unmarked as autostarted" && [ ! -e "$ROOT/etc/vctl/networks/autostart/vctltnat.xml" ]'

# ---- Debian's virsh ----
if command -v virsh >/dev/null; then
        V() { timeout 60 virsh -c "$URI" "$@"; }
        tap_check "virsh net-destroy" V net-destroy vctltnat
        tap_check "virsh net-list --all" eval 'V net-list --all | grep -q " vctltnat   inactive   no          yes"'
        net_xml vctltvirsh vctltbr5 198.51.100.193 26 198.51.100.200 198.51.100.210 nat >"$TEST_TMP/virsh.xml"
        tap_check "virsh net-define" V net-define "$TEST_TMP/virsh.xml"
        timeout 60 virsh -c "$URI" net-event --event lifecycle --loop --timeout 20 >"$TEST_TMP/events" 2>&1 &
        ev_pid=$!
        sleep 1
        tap_check "virsh net-start" V net-start vctltvirsh
        tap_check "virsh net-list shows it active" eval 'V net-list | grep -q " vctltvirsh   active"'
        tap_check "the bridge of a network started by virsh" ip link show vctltbr5
        tap_check "virsh net-dhcp-leases" V net-dhcp-leases vctltvirsh
        tap_check "virsh net-destroy" V net-destroy vctltvirsh
        tap_check "virsh net-undefine" V net-undefine vctltvirsh
        wait_for 10 eval 'grep -q "Undefined" "$TEST_TMP/events"'
        kill "$ev_pid" 2>/dev/null
        tap_check "virsh net-event saw the network's life" \
                eval 'grep -q "vctltvirsh: Started" "$TEST_TMP/events" && grep -q "vctltvirsh: Stopped" "$TEST_TMP/events"'
else
        tap_skip "virsh is not installed (Debian: libvirt-clients)"
        Q net-destroy vctltnat >/dev/null
fi

# ---- everything stopped: the host is as before ----
Q net-destroy vctltiso >/dev/null
Q net-undefine vctltnat >/dev/null
tap_is "no network is left" "" "$(Q net-list --all --name | sed '/^$/d')"
stop_vctld
tap_is "no dnsmasq of ours is left" "" "$(pgrep -f -- "--conf-file=$NETRUN/" || true)"
tap_is "nothing is left in run_dir/network" "" "$(ls "$NETRUN" 2>/dev/null)"
net_host_state >"$TEST_TMP/host-after"
tap_check "links, routes, nftables ruleset and IP forwarding are exactly as before" \
        diff -u "$TEST_TMP/host-before" "$TEST_TMP/host-after"
tap_done
