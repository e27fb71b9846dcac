#!/usr/bin/env bash
# vctl against test:///default, in process: every command, exact output of
# the listings, --json validity, errors with exit 1, help, bash completion.
# Each vctl run starts from the driver's fresh state, so chained steps run in
# one shell session fed on stdin.
. "$top_srcdir/tests/lib.sh"

[ -x "$VCTL" ] || { echo "Bail out! $VCTL was not built"; exit 1; }
unset VCTL_DEFAULT_URI
T="$VCTL -c test:///default"
UUID=6695eb01-f6a4-8304-79aa-97f2502e193f

cat >"$TEST_TMP/web1.xml" <<'XML'
<domain type='test'>
  <name>web1</name>
  <uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>
  <memory unit='MiB'>512</memory>
  <vcpu>2</vcpu>
  <os><type>hvm</type></os>
</domain>
XML
W="$TEST_TMP/web1.xml"

# ---- listings, exact ----
tap_run "list" 0 " Id   Name   State
----------------------
 1    test   running" $T list
tap_run "list --all" 0 " Id   Name   State
----------------------
 1    test   running" $T list --all
tap_run "list --inactive" 0 " Id   Name   State
--------------------" $T list --inactive
tap_run "list --name" 0 "test" $T list --all --name
tap_run "list --uuid" 0 "$UUID" $T list --uuid
tap_run "dominfo" 0 "Id:             1
Name:           test
UUID:           $UUID
OS Type:        hvm
State:          running
CPU(s):         2
CPU time:       $($T dominfo test | sed -n 's/^CPU time: *//p')
Max memory:     8388608 KiB
Used memory:    2097152 KiB
Persistent:     yes
Autostart:      disable" $T dominfo test
tap_run "domstate" 0 "running" $T domstate test
tap_run "domstate --reason" 0 "running (booted)" $T domstate --reason test
tap_run "domid" 0 "1" $T domid test
tap_run "domuuid" 0 "$UUID" $T domuuid test
tap_run "domname by id" 0 "test" $T domname 1
tap_run "domname by uuid" 0 "test" $T domname "$UUID"
tap_run "dominfo by id" 0 "Name:           test" sh -c "$T dominfo 1 | grep '^Name:'"
tap_run "uri" 0 "test:///default" $T uri
tap_run "hostname" 0 "$(hostname)" $T hostname
tap_run "version" 0 "Compiled against library: vctl 0.1.0
Using library: vctl 0.1.0
Using API: Test 0.1.0
Running hypervisor: Test 0.0.2" $T version
tap_run "-r works for reads" 0 "running" $T -r domstate test
tap_check "dumpxml" sh -c "$T dumpxml test | grep -q '<name>test</name>'"
tap_check "dumpxml --inactive has no id" sh -c "! $T dumpxml --inactive test | grep -q \"id='\""
tap_check "VCTL_DEFAULT_URI is the default" sh -c "VCTL_DEFAULT_URI=test:///default $VCTL uri | grep -qx test:///default"

# ---- capabilities ----
tap_check "capabilities" sh -c "$T capabilities | grep -q \"<domain type='test'/>\""
tap_run "domcapabilities" 0 "<domainCapabilities>
  <path>/usr/bin/test-hypervisor</path>
  <domain>test</domain>
  <arch>x86_64</arch>
  <vcpu max='32'/>
  <iothreads supported='no'/>
  <os supported='yes'>
    <enum name='firmware'/>
  </os>
</domainCapabilities>" $T domcapabilities
tap_run "domcapabilities --arch i686" 0 "  <arch>i686</arch>" sh -c "$T domcapabilities --arch=i686 --virttype test | grep '<arch>'"
tap_error "domcapabilities of another virttype" "virtualization type 'kvm' is not supported by the test driver" $T domcapabilities --virttype kvm
tap_error "domcapabilities --virttype needs a value" "option '--virttype' of command 'domcapabilities' needs a value" $T domcapabilities --virttype
for rng in capability domaincaps; do
        [ "$rng" = capability ] && cmd=capabilities || cmd=domcapabilities
        if [ -r "/usr/share/libvirt/schemas/$rng.rng" ] && command -v xmllint >/dev/null; then
                $T $cmd >"$TEST_TMP/$cmd.xml"
                tap_check "$cmd validates against libvirt's $rng.rng" \
                        xmllint --noout --relaxng "/usr/share/libvirt/schemas/$rng.rng" "$TEST_TMP/$cmd.xml"
        else
                tap_skip "$cmd not validated: libvirt's $rng.rng or xmllint is missing"
        fi
done

# ---- JSON ----
for cmd in "list --json" "list --all --json" "list --inactive --json" "dominfo test --json"; do
        tap_check "$cmd is valid JSON" sh -c "$T $cmd | python3 -m json.tool >/dev/null"
done
tap_run "list --json content" 0 "1 test running True" python3 -c "
import json, subprocess
d = json.loads(subprocess.run('$T list --all --json'.split(), capture_output=True, text=True).stdout)
print(d[0]['id'], d[0]['name'], d[0]['state'], d[0]['persistent'])"
tap_run "dominfo --json content" 0 "hvm 8388608 False" python3 -c "
import json, subprocess
d = json.loads(subprocess.run('$T dominfo test --json'.split(), capture_output=True, text=True).stdout)
print(d['os_type'], d['max_memory_kib'], d['autostart'])"

# ---- single lifecycle commands ----
tap_run "define" 0 "Domain 'web1' defined from $W" $T define "$W"
tap_run "create" 0 "Domain 'web1' created from $W" $T create "$W"
tap_run "destroy" 0 "Domain 'test' destroyed" $T destroy test
tap_run "shutdown" 0 "Domain 'test' is being shutdown" $T shutdown test
tap_run "reboot" 0 "Domain 'test' is being rebooted" $T reboot test
tap_run "reset" 0 "Domain 'test' was reset" $T reset test
tap_run "suspend" 0 "Domain 'test' suspended" $T suspend test
tap_run "autostart" 0 "Domain 'test' marked as autostarted" $T autostart test
tap_run "autostart --disable" 0 "Domain 'test' unmarked as autostarted" $T autostart --disable test
tap_run "undefine" 0 "Domain 'test' has been undefined" $T undefine test
tap_run "define from stdin" 0 "Domain 'web1' defined from -" sh -c "$T define - <'$W'"

# ---- a whole life cycle in one shell session ----
out=$($T 2>&1 <<CMDS
define $W
list --all
start web1
suspend web1
domstate --reason web1
resume web1
domstate --reason web1
shutdown web1
domstate --reason web1
start web1
domid web1
destroy web1
domstate --reason web1
autostart web1
dominfo web1
undefine web1
list --all --name
quit
list
CMDS
)
expected="Domain 'web1' defined from $W

 Id   Name   State
-----------------------
 1    test   running
 -    web1   shut off

Domain 'web1' started

Domain 'web1' suspended

paused (user)

Domain 'web1' resumed

running (unpaused)

Domain 'web1' is being shutdown

shut off (shutdown)

Domain 'web1' started

3

Domain 'web1' destroyed

shut off (destroyed)

Domain 'web1' marked as autostarted

Id:             -
Name:           web1
UUID:           c7a5fdbd-edaf-9455-926a-d65c16db1809
OS Type:        hvm
State:          shut off
CPU(s):         2
Max memory:     524288 KiB
Used memory:    524288 KiB
Persistent:     yes
Autostart:      enable

Domain 'web1' has been undefined

test"
tap_is "shell session: define, start, suspend, resume, shutdown, destroy, undefine" \
        "$expected" "$out"

out=$(printf 'start test\nresume test\n' | $T 2>&1)
case $out in
*"error: cannot start domain 'test': "*"error: cannot resume domain 'test': "*)
        tap_ok "shell reports errors and goes on" ;;
*) tap_not_ok "shell reports errors and goes on"; echo "$out" | sed 's/^/# /' ;;
esac
printf 'destroy test\nstart test --console\n' | $T >"$TEST_TMP/out" 2>"$TEST_TMP/err"
if grep -q "Domain 'test' started" "$TEST_TMP/out" && grep -q "Connected to domain 'test'" "$TEST_TMP/out"; then
        tap_ok "start --console starts, then attaches to the console"
else
        tap_not_ok "start --console"; sed 's/^/# /' "$TEST_TMP/out" "$TEST_TMP/err"
fi
tap_run "event times out without events" 1 "event loop timed out
events received: 0" $T event --timeout 1
tap_run "event --loop --all times out cleanly" 0 "event loop timed out
events received: 0" $T event --loop --all --timeout 1

# ---- errors ----
tap_error "unknown domain" "domain 'nosuch' not found" $T dominfo nosuch
tap_error "unknown domain id" "domain '42' not found" $T domstate 42
tap_error "start of a running domain" "cannot start domain 'test': .*already" $T start test
tap_error "define of a missing file" "$TEST_TMP/missing.xml" $T define "$TEST_TMP/missing.xml"
echo '<domain type=' >"$TEST_TMP/bad.xml"
tap_error "define of a broken file" "cannot define a domain from '$TEST_TMP/bad.xml'" $T define "$TEST_TMP/bad.xml"
tap_error "unknown option" "command 'list' has no option '--xyz'" $T list --xyz
tap_error "unknown global option" "unknown option '--xyz'" $VCTL --xyz list
tap_error "unknown command" "unknown command 'frobnicate'" $T frobnicate
tap_error "missing argument" "command 'start' needs more arguments" $T start
tap_error "too many arguments" "command 'domid' got too many arguments" $T domid a b
tap_error "bad URI" "invalid URI 'bogus'" $VCTL -c bogus list
tap_error "unknown driver" "no driver for URI 'xen:///system'" $VCTL -c xen:///system list
tap_error "TLS without client files" "cannot read the CA certificate '$TEST_TMP/nopki/cacert.pem'" $VCTL -c "qemu+tls://host/system?pkipath=$TEST_TMP/nopki" list
tap_error "no daemon" "cannot connect to vctld at '$TEST_TMP/none'" $VCTL -c "qemu+unix:///system?socket=$TEST_TMP/none" list
tap_error "read-only refuses changes" "read-only" $T -r destroy test
tap_error "event --timeout checks its value" "--timeout 'x'" $T event --timeout x

# ---- help ----
help=$($VCTL help)
missing=
for c in list define undefine start create destroy shutdown reboot reset suspend resume \
        dumpxml dominfo domstate domid domuuid domname autostart event uri version hostname \
        capabilities domcapabilities validate host-check help; do
        echo "$help" | grep -q "^  $c " || missing="$missing $c"
        $VCTL help "$c" | grep -q "^usage: vctl $c" || missing="$missing help:$c"
        $VCTL "$c" --help | grep -q "^usage: vctl $c" || missing="$missing --help:$c"
done
tap_is "vctl help lists every command; help CMD and CMD --help work for each" "" "$missing"
tap_error "help of an unknown command" "unknown command 'nope'" $VCTL help nope
tap_check "validate still works" $VCTL validate "$W"

# ---- bash completion ----
comp="$top_srcdir/tools/vctl/vctl.bash-completion"
tap_check "bash completion parses" bash -n "$comp"
out=$(PATH="$(dirname "$VCTL"):$PATH" bash -c "
. '$comp'
COMP_WORDS=(vctl -c test:///default dom); COMP_CWORD=3; _vctl; echo \"\${COMPREPLY[*]}\"
COMP_WORDS=(vctl -c test:///default start ''); COMP_CWORD=4; _vctl; echo \"\${COMPREPLY[*]}\"
COMP_WORDS=(vctl list --a); COMP_CWORD=2; _vctl; echo \"\${COMPREPLY[*]}\"
COMP_WORDS=(vctl domcapabilities --v); COMP_CWORD=2; _vctl; echo \"\${COMPREPLY[*]}\"
COMP_WORDS=(vctl domcapabilities --virttype ''); COMP_CWORD=3; _vctl; echo \"\${COMPREPLY[*]}\"
COMP_WORDS=(vctl cap); COMP_CWORD=1; _vctl; echo \"\${COMPREPLY[*]}\"
COMP_WORDS=(vctl -c test:///default net-start ''); COMP_CWORD=4; _vctl; echo \"\${COMPREPLY[*]}\"" 2>&1)
tap_is "bash completion: commands, domain and network names, options" "dominfo domstate domid domuuid domname domcapabilities domiflist domifaddr
test
--all
--virttype
kvm qemu
capabilities
default" "$out"

# ---- host-check ----
$VCTL host-check --quick --json >"$TEST_TMP/hc.json" 2>&1
rc=$?
summary=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
names = {c["name"] for c in d["checks"]}
assert {"kvm-device", "qemu-binary", "tun-device"} <= names, names
assert all(c["status"] in ("PASS", "INFO", "WARN", "FAIL") for c in d["checks"])
assert all(c["hint"] for c in d["checks"] if c["status"] in ("WARN", "FAIL"))
print(d["summary"]["fail"])' "$TEST_TMP/hc.json" 2>&1)
# exit 1 exactly when a check failed, like virt-host-validate
tap_is "host-check --json: well-formed, every warning has a hint, exit follows failures" \
        "$([ "$summary" = 0 ] && echo 0 || echo 1)" "$rc"
out=$($VCTL host-check --quick 2>&1 | grep -c ': \(PASS\|INFO\|WARN\|FAIL\)')
[ "$out" -ge 10 ] && tap_ok "host-check table lists every check ($out)" || tap_not_ok "host-check table lists every check ($out)"

tap_done
