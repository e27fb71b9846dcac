#!/usr/bin/env bash
# Guests on a vctl NAT network (root, TCG): two test guests get their
# addresses from the network's dnsmasq and ping the bridge and each other;
# net-dhcp-leases, domifaddr and domiflist show them (vctl and virsh); after
# a vctld restart the network and its leases are still there; a guest whose
# QEMU is killed loses its tap; a MAC already on the network and a network
# that is not active are refused; type='bridge' onto an existing bridge;
# type='user' (QEMU's user networking, no tap).
# Afterwards the host's links, routes and firewall are exactly as before.
# The network forwards only to a device that does not exist (vctltnowhere):
# no guest packet can leave the machine.
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/network-lib.sh"

BOOT_TIMEOUT=240 # TCG on a busy machine

net_require_root
guest_require
guest_build

net_snapshot
start_vctld_or_bail

MAC1=52:54:00:76:74:01
MAC2=52:54:00:76:74:02
net_xml vctltgnet vctltbr9 198.51.100.1 25 198.51.100.10 198.51.100.60 nat "
      <host mac='$MAC1' name='vctltg1' ip='198.51.100.11'/>
      <host mac='$MAC2' name='vctltg2' ip='198.51.100.12'/>" " dev='vctltnowhere'" >"$TEST_TMP/net.xml"
# net_xml's 9th argument: attributes of <forward>
sed -i "s|<forward mode='nat'/>|<forward mode='nat' dev='vctltnowhere'/>|" "$TEST_TMP/net.xml"
Q net-define "$TEST_TMP/net.xml" >/dev/null && Q net-start vctltgnet >/dev/null ||
        tap_not_ok "the network starts"

# guest_xml NAME MAC CMDLINE_EXTRA [INTERFACE_XML]
guest_xml() {
        local iface=${4:-"<interface type='network'>
      <source network='vctltgnet'/>
      <mac address='$2'/>
      <model type='virtio'/>
    </interface>"}
        cat <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$GUEST_OUT/vmlinuz</kernel>
    <initrd>$GUEST_OUT/initramfs.cpio.gz</initrd>
    <cmdline>console=ttyS0 quiet vctl.name=$1 vctl.shell=0 $3</cmdline>
  </os>
  <features><acpi/></features>
  <devices>
    $iface
    <serial type='file'><source path='$TEST_TMP/$1.console'/><target port='0'/></serial>
  </devices>
</domain>
XML
}
# QEMU may run as an unprivileged user: it must reach and write the consoles
chmod 0711 "$TEST_TMP"
for g in vctltg1 vctltg2 vctltg3 vctltg4 vctltg5 vctltg6 vctltg7; do
        : >"$TEST_TMP/$g.console"
        chmod 0666 "$TEST_TMP/$g.console"
done
console_has() { grep -a -q -- "$2" "$TEST_TMP/$1.console" 2>/dev/null; }
tap_of() { Q domiflist "$1" 2>/dev/null | awk 'NR == 3 { print $1 }'; }
qemu_pid() { sed -n "s/^<domstatus .* pid='\([0-9]*\)'.*/\1/p" "$STATUS_DIR/$1.xml" 2>/dev/null; }

guest_xml vctltg1 "$MAC1" "vctl.net=dhcp vctl.ping=198.51.100.1" >"$TEST_TMP/g1.xml"
guest_xml vctltg2 "$MAC2" "vctl.net=dhcp vctl.ping=198.51.100.1,198.51.100.11" >"$TEST_TMP/g2.xml"
tap_check "start guest 1 on the NAT network" Q create "$TEST_TMP/g1.xml"
tap1=$(tap_of vctltg1)
tap_check "guest 1 has a tap (vnetN) on the network's bridge" \
        eval '[ -n "$tap1" ] && ip -o link show "$tap1" | grep -q "master vctltbr9"'
tap_check "the tap carries the guest's MAC with 0xfe first" \
        eval 'ip link show "$tap1" | grep -q "link/ether fe:54:00:76:74:01"'
tap_is "domiflist" " $tap1 network vctltgnet virtio $MAC1" \
        "$(Q domiflist vctltg1 | sed -n 3p | tr -s ' ')"
tap_check "guest 1 gets its address by DHCP" wait_for "$BOOT_TIMEOUT" console_has vctltg1 "VCTL-GUEST-IP 198.51.100.11"
# guest 2 pings guest 1, so it starts once guest 1 has its address
tap_check "start guest 2" Q create "$TEST_TMP/g2.xml"
tap_check "guest 2 gets its address by DHCP" wait_for "$BOOT_TIMEOUT" console_has vctltg2 "VCTL-GUEST-IP 198.51.100.12"
tap_check "guest 1 pings the bridge" wait_for 60 console_has vctltg1 "VCTL-GUEST-PING 198.51.100.1 ok"
tap_check "guest 2 pings the bridge" wait_for 60 console_has vctltg2 "VCTL-GUEST-PING 198.51.100.1 ok"
tap_check "guest 2 pings guest 1 (and guest 1 answers)" wait_for 60 console_has vctltg2 "VCTL-GUEST-PING 198.51.100.11 ok"
tap_check "the host reaches both guests over the bridge" \
        eval '/bin/busybox ping -c 1 -W 5 -I vctltbr9 198.51.100.11 >/dev/null && /bin/busybox ping -c 1 -W 5 -I vctltbr9 198.51.100.12 >/dev/null'
leases=$(Q net-dhcp-leases vctltgnet)
tap_check "net-dhcp-leases shows both guests" \
        eval 'echo "$leases" | grep -q "$MAC1 *ipv4 *198.51.100.11/25 *vctltg1" && echo "$leases" | grep -q "$MAC2 *ipv4 *198.51.100.12/25 *vctltg2"'
tap_check "net-dhcp-leases --mac picks one" \
        eval '[ "$(Q net-dhcp-leases vctltgnet --mac $MAC2 | grep -c ipv4)" = 1 ]'
tap_check "net-dhcp-leases --json" eval 'Q net-dhcp-leases vctltgnet --json | python3 -c "import json,sys; d=json.load(sys.stdin); assert sorted(l[\"ip\"] for l in d)==[\"198.51.100.11\",\"198.51.100.12\"], d"'
tap_is "domifaddr" " $tap1 $MAC1 ipv4 198.51.100.11/25" "$(Q domifaddr vctltg1 | sed -n 3p | tr -s ' ')"
tap_check "domifaddr --json" eval 'Q domifaddr vctltg2 --json | python3 -c "import json,sys; d=json.load(sys.stdin); assert d[0][\"addresses\"][0][\"address\"]==\"198.51.100.12\", d"'
if command -v virsh >/dev/null; then
        tap_check "virsh domifaddr" eval 'timeout 60 virsh -c "$URI" domifaddr vctltg2 | grep -q "$MAC2 *ipv4 *198.51.100.12/25"'
        tap_check "virsh net-dhcp-leases" eval 'timeout 60 virsh -c "$URI" net-dhcp-leases vctltgnet | grep -q "198.51.100.11/25"'
else
        tap_skip "virsh is not installed"
        tap_skip "virsh is not installed"
fi

# ---- refused ----
guest_xml vctltg3 "$MAC1" "" >"$TEST_TMP/g3.xml"
fails "a MAC already on the network is refused" \
        "MAC address $MAC1 is already used on bridge 'vctltbr9'" Q create "$TEST_TMP/g3.xml"
net_xml vctltdown vctltbr7 198.51.100.129 25 198.51.100.140 198.51.100.150 nat >"$TEST_TMP/down.xml"
Q net-define "$TEST_TMP/down.xml" >/dev/null
guest_xml vctltg4 52:54:00:76:74:04 "" "<interface type='network'><source network='vctltdown'/><mac address='52:54:00:76:74:04'/></interface>" >"$TEST_TMP/g4.xml"
fails "a network that is not active is refused" "network 'vctltdown' is not active" Q create "$TEST_TMP/g4.xml"
Q net-undefine vctltdown >/dev/null

# ---- vctld restarts ----
stop_vctld
start_vctld
tap_is "after a vctld restart the network is active" "yes" "$(Q net-info vctltgnet | sed -n 's/^Active: *//p')"
tap_check "and its leases are still there" eval 'Q net-dhcp-leases vctltgnet | grep -q 198.51.100.12/25'
tap_is "domifaddr still answers" " $tap1 $MAC1 ipv4 198.51.100.11/25" "$(Q domifaddr vctltg1 | sed -n 3p | tr -s ' ')"

# ---- QEMU killed: its tap goes ----
tap2=$(tap_of vctltg2)
pid2=$(qemu_pid vctltg2)
tap_check "guest 2 has its own tap" eval '[ -n "$tap2" ] && [ "$tap2" != "$tap1" ] && ip link show "$tap2" >/dev/null'
kill -KILL "$pid2"
tap_check "guest 2's QEMU killed: its tap is gone" wait_for 30 eval '! ip link show "$tap2" 2>/dev/null'
# guest 2 was transient (create): once stopped it is gone
tap_check "guest 2 is gone" wait_for 30 eval '! Q list --all --name | grep -qx vctltg2'
tap_check "guest 1's tap is still on the bridge" eval 'ip -o link show "$tap1" | grep -q "master vctltbr9"'
tap_check "destroy guest 1" Q destroy vctltg1
tap_check "its tap is gone" wait_for 30 eval '! ip link show "$tap1" 2>/dev/null'

# ---- type='bridge' onto an existing host bridge ----
ip link add vctltbr8 type bridge
guest_xml vctltg5 52:54:00:76:74:05 "" "<interface type='bridge'><source bridge='vctltbr8'/><mac address='52:54:00:76:74:05'/></interface>" >"$TEST_TMP/g5.xml"
tap_check "type='bridge': the guest starts" Q create "$TEST_TMP/g5.xml"
tap5=$(tap_of vctltg5)
tap_check "its tap is a port of the host bridge" eval '[ -n "$tap5" ] && ip -o link show "$tap5" | grep -q "master vctltbr8"'
Q destroy vctltg5 >/dev/null
tap_check "destroyed: its tap is gone, the host bridge stays" \
        wait_for 30 eval '! ip link show "$tap5" 2>/dev/null && ip link show vctltbr8 >/dev/null'
ip link del vctltbr8
guest_xml vctltg6 52:54:00:76:74:06 "" "<interface type='bridge'><source bridge='vctltnobridge'/><mac address='52:54:00:76:74:06'/></interface>" >"$TEST_TMP/g6.xml"
fails "type='bridge' onto a missing bridge is refused" "host bridge 'vctltnobridge' does not exist" \
        Q create "$TEST_TMP/g6.xml"

# ---- type='user': QEMU's own user networking, no tap ----
guest_xml vctltg7 52:54:00:76:74:07 "" "<interface type='user'><mac address='52:54:00:76:74:07'/></interface>" >"$TEST_TMP/g7.xml"
links_before=$(ip -o link show | wc -l)
tap_check "type='user': the guest starts" Q create "$TEST_TMP/g7.xml"
tap_check "QEMU runs with user networking" \
        eval 'tr "\0" " " <"/proc/$(qemu_pid vctltg7)/cmdline" | grep -q -- "-netdev user,id=hostnet0"'
tap_is "no tap or other link was made for it" "$links_before" "$(ip -o link show | wc -l)"
Q destroy vctltg7 >/dev/null

# ---- everything stopped: the host is as before ----
Q net-destroy vctltgnet >/dev/null
Q net-undefine vctltgnet >/dev/null
stop_vctld
net_host_state >"$TEST_TMP/host-after"
tap_check "links, routes, nftables ruleset and IP forwarding are exactly as before" \
        diff -u "$TEST_TMP/host-before" "$TEST_TMP/host-after"
tap_done
