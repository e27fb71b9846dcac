#!/usr/bin/env bash
# vctl's network commands without root: in process on test:///default
# (libvirt's seeded 'default' network and the 'test' domain on it), and
# through a vctld under --root on test+unix:// (its in-memory networks keep
# their state between calls): exact tables, --json, virsh's messages,
# errors naming the network, the read-only socket.
. "$top_srcdir/tests/lib.sh"

VCTLD="$top_builddir/daemon/vctld"
[ -x "$VCTL" ] && [ -x "$VCTLD" ] || { echo "Bail out! vctl or vctld is not built"; exit 1; }
unset VCTL_DEFAULT_URI
export HOME="$TEST_TMP/home"
mkdir -p "$HOME"
T="$VCTL -c test:///default"

json_ok() { python3 -c 'import json, sys; json.load(sys.stdin)'; }

# ---- in process ----
tap_run "net-list" 0 " Name      State    Autostart   Persistent
--------------------------------------------
 default   active   no          yes" $T net-list
tap_run "net-list --all --name" 0 "default" $T net-list --all --name
tap_run "net-list --inactive is empty" 0 " Name   State   Autostart   Persistent
----------------------------------------" $T net-list --inactive
tap_run "net-info" 0 "Name:           default
UUID:           dd8fe884-6c02-601e-7551-cca97df1c5df
Active:         yes
Persistent:     yes
Autostart:      no
Bridge:         virbr0" $T net-info default
tap_run "net-info by UUID" 0 "default" sh -c "$T net-info dd8fe884-6c02-601e-7551-cca97df1c5df | sed -n 's/^Name: *//p'"
tap_run "net-dumpxml" 0 "<network>
  <name>default</name>
  <uuid>dd8fe884-6c02-601e-7551-cca97df1c5df</uuid>
  <forward mode='nat'/>
  <bridge name='virbr0' stp='on' delay='0'/>
  <ip address='192.168.122.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.122.2' end='192.168.122.254'/>
    </dhcp>
  </ip>
</network>" $T net-dumpxml default
tap_run "domiflist" 0 " Interface   Type      Source    Model   MAC
------------------------------------------------------------
 testnet0    network   default   -       aa:bb:cc:dd:ee:ff" $T domiflist test
tap_run "domifaddr: no leases in the test driver" 0 " Name   MAC address   Protocol   Address
------------------------------------------" $T domifaddr test
tap_run "net-dhcp-leases: none" 0 " Expiry Time   MAC address   Protocol   IP address   Hostname   Client ID or DUID
-----------------------------------------------------------------------------------" \
        $T net-dhcp-leases default
for c in "net-list --all" "net-info default" "net-dhcp-leases default" "domiflist test" "domifaddr test"; do
        tap_check "$c --json is JSON" eval "$T $c --json | json_ok"
done
tap_error "an unknown network is named" "failed to get network 'nope'" $T net-info nope
tap_error "domifaddr --source agent is refused" "--source 'agent' is not supported" $T domifaddr test --source agent
tap_error "net-define of a missing file" "nope.xml" $T net-define "$TEST_TMP/nope.xml"

# ---- through a vctld (test+unix://), state kept between calls ----
ROOT="$TEST_TMP/root"
SOCK="$ROOT/run/vctl/vctld-sock"
D="$VCTL -c test+unix:///default?socket=$SOCK"
"$VCTLD" --system --root "$ROOT" >"$TEST_TMP/vctld.log" 2>&1 &
vctld_pid=$!
disown "$vctld_pid"
trap 'kill -KILL $vctld_pid 2>/dev/null; rm -rf "$TEST_TMP"' EXIT
for _ in $(seq 100); do [ -S "$SOCK" ] && [ -S "$SOCK-ro" ] && break; sleep 0.1; done

cat >"$TEST_TMP/n1.xml" <<'XML'
<network>
  <name>vctltn1</name>
  <uuid>11111111-2222-3333-4444-555555555555</uuid>
  <forward mode='route'/>
  <ip address='198.51.100.1' prefix='25'/>
</network>
XML
tap_run "net-define" 0 "Network vctltn1 defined from $TEST_TMP/n1.xml" $D net-define "$TEST_TMP/n1.xml"
tap_run "it picked a bridge name" 0 "virbr1" sh -c "$D net-info vctltn1 | sed -n 's/^Bridge: *//p'"
tap_run "net-list --all" 0 " Name      State      Autostart   Persistent
----------------------------------------------
 default   active     no          yes
 vctltn1   inactive   no          yes" $D net-list --all
tap_run "net-autostart" 0 "Network vctltn1 marked as autostarted" $D net-autostart vctltn1
tap_run "net-start" 0 "Network vctltn1 started" $D net-start vctltn1
tap_error "net-start again" "network 'vctltn1' is already active" $D net-start vctltn1
tap_error "the read-only socket refuses net-destroy" "read-only" \
        $VCTL -c "test+unix:///default?socket=$SOCK-ro" net-destroy vctltn1
tap_run "the read-only socket lists" 0 "default
vctltn1" $VCTL -c "test+unix:///default?socket=$SOCK-ro" net-list --name
tap_run "net-destroy" 0 "Network vctltn1 destroyed" $D net-destroy vctltn1
tap_run "net-autostart --disable" 0 "Network vctltn1 unmarked as autostarted" $D net-autostart vctltn1 --disable
tap_run "net-undefine" 0 "Network vctltn1 has been undefined" $D net-undefine vctltn1
tap_run "net-create: a transient network" 0 "Network vctltn1 created from $TEST_TMP/n1.xml" $D net-create "$TEST_TMP/n1.xml"
tap_error "net-undefine of a transient network" "transient" $D net-undefine vctltn1
tap_run "net-destroy removes it" 0 "default" sh -c "$D net-destroy vctltn1 >/dev/null && $D net-list --all --name"
sed 's/198.51.100.1/198.51.100.300/' "$TEST_TMP/n1.xml" >"$TEST_TMP/bad.xml"
tap_error "a bad address is refused with its line" "line 5: invalid IPv4 address '198.51.100.300'" \
        $D net-define "$TEST_TMP/bad.xml"
tap_done
