#!/usr/bin/env bash
# polkit guards vctld's sockets, with a real polkitd on a private system bus
# (tests/polkit-lib.sh) and real users this test creates: a member of group
# vctl defines, starts (a real QEMU) and destroys a guest with vctl and lists
# with virsh; another user is refused with a clear message by both, yet may
# use the read-only socket, where every mutating procedure of the dispatch
# table (vctld --list-procedures) is refused; nothing but the auth
# procedures is served before polkit said yes. Then access_drivers =
# ["polkit"]: a rule giving alice only the domains whose names start with
# 'a' is honoured by every call and by the listings, for vctl and virsh.
# Last, polkit gone: the refusal says polkit cannot be reached; and back.
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/vctld-lib.sh"
. "$top_srcdir/tests/polkit-lib.sh"

CLIENT="$top_srcdir/tests/polkit-client.py"

[ -x "$VCTL" ] && [ -x "$VCTLD" ] || { echo "Bail out! vctl or vctld is not built"; exit 1; }
[ "$(id -u)" = 0 ] || tap_skip_all "needs root (creates users, runs polkitd in a mount namespace)"
missing=$(pk_missing)
[ -z "$missing" ] || tap_skip_all "$missing"
command -v qemu-system-x86_64 >/dev/null || tap_skip_all "qemu-system-x86_64 is not installed (Debian: qemu-system-x86)"
command -v python3 >/dev/null || tap_skip_all "python3 is not installed"
unshare -m true 2>/dev/null || tap_skip_all "cannot make a mount namespace here (unshare -m)"

SOCK_RO="$ROOT/run/vctl/vctld-sock-ro"
URI_RO="qemu+unix:///system?socket=$SOCK_RO"
# per run, so two runs at once do not share accounts
ALICE=vctltalice$$ BOB=vctltbob$$ CAROL=vctltcarol$$

event_pid=
cleanup() {
        [ -n "$event_pid" ] && kill "$event_pid" 2>/dev/null
        # runuser does not pass the kill on to what timeout runs in its own
        # process group; the accounts are this run's own, so end all theirs
        for u in "$ALICE" "$BOB" "$CAROL"; do
                id -u "$u" >/dev/null 2>&1 && pkill -KILL -u "$u" 2>/dev/null
        done
        vctld_kill
        pk_cleanup
        rm -rf "$TEST_TMP"
}
trap cleanup EXIT

# the users reach the sockets through these
mkdir -p "$ROOT/etc/vctl"
chmod 755 "$TEST_TMP" "$ROOT"

cat >"$TEST_TMP/test.rules" <<EOF
// docs/polkit.md's example: group vctl manages guests
polkit.addRule(function(action, subject) {
    if (action.id == "org.vctl.unix.manage" && subject.isInGroup("vctl"))
        return polkit.Result.YES;
});
// docs/polkit.md's per-domain example: $ALICE has the connection and the
// domains whose names start with 'a', nothing else
polkit.addRule(function(action, subject) {
    if (subject.user != "$ALICE")
        return polkit.Result.NOT_HANDLED;
    if (action.id.indexOf("org.vctl.api.connect.") == 0)
        return polkit.Result.YES;
    if (action.id.indexOf("org.vctl.api.domain.") == 0) {
        var name = action.lookup("domain_name");
        return name && name.indexOf("a") == 0 ? polkit.Result.YES : polkit.Result.NO;
    }
    return polkit.Result.NOT_HANDLED;
});
EOF

pk_ensure_group || { echo "Bail out! systemd-sysusers cannot create group vctl"; exit 1; }
pk_add_user "$ALICE" vctl && pk_add_user "$BOB" vctl && pk_add_user "$CAROL" ||
        { echo "Bail out! cannot create the test users"; exit 1; }
pk_start "$TEST_TMP/test.rules" || {
        echo "Bail out! the private dbus-daemon and polkitd did not start"
        sed 's/^/# /' "$PK_DIR"/*.log
        exit 1
}

stop_vctld() {
        kill "$vctld_pid" 2>/dev/null && wait "$vctld_pid" 2>/dev/null
        vctld_pid=
}

# guest_xml NAME: a QEMU guest that boots nothing (SeaBIOS waits), but runs
guest_xml() {
        cat <<EOF
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
</domain>
EOF
}
for n in bob1 alpha apple bravo charlie; do
        guest_xml $n >"$TEST_TMP/$n.xml"
done
chmod 644 "$TEST_TMP"/*.xml

# V USER ARGS...: vctl as USER against the read-write socket
V() {
        local user=$1
        shift
        pk_as "$user" timeout 60 "$VCTL" -c "$URI" "$@"
}
VIRSH() {
        local user=$1
        shift
        pk_as "$user" timeout 60 virsh -q -c "$URI" "$@"
}

# ---- the default configuration: polkit at the sockets ----
start_vctld_or_bail 10

tap_is "the read-write socket is open to everyone (0666): polkit guards it" \
        666 "$(stat -c %a "$SOCK")"

tap_check "$BOB (group vctl) defines a guest" V "$BOB" define "$TEST_TMP/bob1.xml"
tap_check "$BOB starts it" V "$BOB" start bob1
tap_is "a real QEMU runs it" running "$(V "$BOB" domstate bob1 2>&1)"
pid=$(sed -n "s/^<domstatus .* pid='\([0-9]*\)'.*/\1/p" "$STATUS_DIR/bob1.xml" 2>/dev/null)
tap_check "its QEMU process exists (pid ${pid:-none})" \
        sh -c "[ -n '$pid' ] && tr '\\0' ' ' </proc/$pid/cmdline | grep -q qemu-system"
tap_check "$BOB destroys it" V "$BOB" destroy bob1
tap_is "it is shut off" "shut off" "$(V "$BOB" domstate bob1 2>&1)"
tap_check "$BOB undefines it" V "$BOB" undefine bob1
tap_check "the log names $BOB as authorised by polkit" \
        grep -q "uid $(id -u "$BOB")).*authorised by polkit (org.vctl.unix.manage)" "$LOG"

V "$CAROL" list --all >"$TEST_TMP/carol.out" 2>&1
rc=$?
tap_check "$CAROL (not in group vctl) is refused (exit $rc)" test $rc -ne 0
tap_check "with a message naming her, the action and the fix" grep -q \
        "polkit: user '$CAROL' is not allowed org.vctl.unix.manage: the policy asks for a password, which vctld does not prompt for (an administrator can add the user to group 'vctl'" \
        "$TEST_TMP/carol.out"
sed 's/^/# /' "$TEST_TMP/carol.out"
V "$CAROL" define "$TEST_TMP/bravo.xml" >/dev/null 2>&1
tap_check "nor can she define" test ! -e "$ROOT/etc/vctl/qemu/bravo.xml"

pk_as "$CAROL" python3 "$CLIENT" preauth "$SOCK" >"$TEST_TMP/preauth.out" 2>&1
tap_check "before AUTH_POLKIT, CONNECT_OPEN is refused (VIR_ERR_AUTH_FAILED)" \
        grep -q "^45 authentication required before CONNECT_OPEN" "$TEST_TMP/preauth.out"
sed 's/^/# /' "$TEST_TMP/preauth.out"

# the read-only socket: anyone (org.vctl.unix.monitor defaults to yes)
timeout 30 "$VCTL" -c "$URI" define "$TEST_TMP/bravo.xml" >/dev/null 2>&1
tap_is "$CAROL lists on the read-only socket" "bravo" \
        "$(pk_as "$CAROL" timeout 60 "$VCTL" -c "$URI_RO" list --all --name 2>&1)"
pk_as "$CAROL" timeout 60 "$VCTL" -c "$URI_RO" start bravo >"$TEST_TMP/ro.out" 2>&1
tap_check "but cannot start a guest there" grep -q "read-only" "$TEST_TMP/ro.out"

"$VCTLD" --list-procedures >"$TEST_TMP/procs" 2>&1
nmut=$(grep -c ' mutating$' "$TEST_TMP/procs")
tap_check "vctld lists its procedures ($nmut mutating)" test "$nmut" -ge 15
pk_as "$CAROL" python3 "$CLIENT" refused "$SOCK_RO" <"$TEST_TMP/procs" >"$TEST_TMP/refused" 2>&1
tap_is "every mutating procedure was called on the read-only socket" \
        "$nmut" "$(grep -c '' "$TEST_TMP/refused")"
tap_is "and each was refused as read-only (VIR_ERR_OPERATION_DENIED)" "" \
        "$(grep -v '^[0-9]* [A-Z_]* 29 operation forbidden: read-only connection' "$TEST_TMP/refused")"
tap_is "the guest is still shut off" "shut off" \
        "$(timeout 30 "$VCTL" -c "$URI" domstate bravo 2>&1)"

if command -v virsh >/dev/null; then
        tap_is "virsh as $BOB lists" "bravo" "$(VIRSH "$BOB" list --all --name 2>&1 | sed '/^$/d')"
        VIRSH "$CAROL" list --all >"$TEST_TMP/virsh-carol.out" 2>&1
        rc=$?
        tap_check "virsh as $CAROL is refused (exit $rc), with vctld's reason" sh -c \
                "[ $rc -ne 0 ] && grep -q \"polkit: user '$CAROL' is not allowed org.vctl.unix.manage\" '$TEST_TMP/virsh-carol.out'"
        sed 's/^/# /' "$TEST_TMP/virsh-carol.out"
else
        tap_skip "virsh is not installed (Debian: libvirt-clients)"
        tap_skip "virsh is not installed (Debian: libvirt-clients)"
fi
stop_vctld

# ---- access_drivers = ["polkit"]: a check per call ----
# a group that does not exist is refused at start, by name
printf '[vctld]\nunix_sock_group = "vctltnosuchgroup"\n' >"$TEST_TMP/badgroup.conf"
timeout 30 "$VCTLD" --system --root "$TEST_TMP/root2" --config "$TEST_TMP/badgroup.conf" \
        >"$TEST_TMP/badgroup.out" 2>&1
rc=$?
tap_check "unix_sock_group naming no group stops vctld (exit $rc) with the reason" sh -c \
        "[ $rc -ne 0 ] && grep -q \"unix_sock_group: no group 'vctltnosuchgroup' on this host\" '$TEST_TMP/badgroup.out'"

cat >"$ROOT/etc/vctl/vctld.conf" <<EOF
[vctld]
access_drivers = [ "polkit" ]
# only group vctl reaches the read-write socket at all now
unix_sock_group = "vctl"
unix_sock_rw_perms = "0660"
EOF
start_vctld 10 || { echo "Bail out! vctld did not start again"; sed 's/^/# /' "$LOG"; exit 1; }
tap_is "the read-write socket belongs to group vctl, mode 0660" "660 vctl" \
        "$(stat -c '%a %G' "$SOCK")"
V "$CAROL" list >"$TEST_TMP/carol-perm.out" 2>&1
tap_check "$CAROL cannot even connect to it" grep -qi "permission denied" "$TEST_TMP/carol-perm.out"
sed 's/^/# /' "$TEST_TMP/carol-perm.out"
for n in alpha apple charlie; do
        timeout 30 "$VCTL" -c "$URI" define "$TEST_TMP/$n.xml" >/dev/null
done
tap_is "root sees every guest" "alpha apple bravo charlie" \
        "$(timeout 30 "$VCTL" -c "$URI" list --all --name | xargs)"
tap_is "$ALICE sees only the guests starting with 'a'" "alpha apple" \
        "$(V "$ALICE" list --all --name 2>&1 | xargs)"
# her event listener hears of her domains only
pk_as "$ALICE" timeout 200 "$VCTL" -c "$URI" event --loop --timeout 180 >"$TEST_TMP/events" 2>&1 &
event_pid=$!
tap_check "$ALICE listens for events" pk_wait 30 grep -q \
        "uid $(id -u "$ALICE")).*CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY" "$LOG"
tap_check "root starts bravo" timeout 60 "$VCTL" -c "$URI" start bravo
tap_check "and destroys it" timeout 60 "$VCTL" -c "$URI" destroy bravo
tap_check "$ALICE starts alpha (a real QEMU)" V "$ALICE" start alpha
tap_is "alpha runs" running "$(V "$ALICE" domstate alpha 2>&1)"
tap_is "her list of running guests has it" "alpha" "$(V "$ALICE" list --name 2>&1 | xargs)"
tap_check "$ALICE destroys alpha" V "$ALICE" destroy alpha
tap_check "her listener saw alpha stop" pk_wait 30 grep -q "domain 'alpha': Stopped" "$TEST_TMP/events"
kill "$event_pid" 2>/dev/null
wait "$event_pid" 2>/dev/null
pkill -u "$ALICE" -f "event --loop" 2>/dev/null
event_pid=
tap_check "and saw nothing of bravo" sh -c "! grep -q bravo '$TEST_TMP/events'"
sed 's/^/# /' "$TEST_TMP/events"
V "$ALICE" start bravo >"$TEST_TMP/alice-bravo.out" 2>&1
rc=$?
tap_check "$ALICE may not start bravo (exit $rc)" test $rc -ne 0
tap_check "the message names her, the permission and the domain" grep -q \
        "access denied: user '$ALICE' may not getattr domain 'bravo' (polkit action org.vctl.api.domain.getattr" \
        "$TEST_TMP/alice-bravo.out"
sed 's/^/# /' "$TEST_TMP/alice-bravo.out"
tap_is "bravo did not start" "shut off" "$(timeout 30 "$VCTL" -c "$URI" domstate bravo 2>&1)"
V "$ALICE" define "$TEST_TMP/charlie.xml" >"$TEST_TMP/alice-def.out" 2>&1
tap_check "$ALICE may not redefine charlie" grep -q \
        "user '$ALICE' may not write domain 'charlie'" "$TEST_TMP/alice-def.out"
V "$BOB" start apple >"$TEST_TMP/bob-apple.out" 2>&1
tap_check "$BOB, with no rule for the api actions, may not start apple (auth_admin_keep)" grep -q \
        "user '$BOB' may not start domain 'apple' (polkit action org.vctl.api.domain.start, which asks for a password" \
        "$TEST_TMP/bob-apple.out"
if command -v virsh >/dev/null; then
        tap_is "virsh as $ALICE lists only alpha and apple" "alpha apple" \
                "$(VIRSH "$ALICE" list --all --name 2>&1 | xargs)"
        # (virsh hides why a lookup failed: "failed to get domain"; a define shows it)
        VIRSH "$ALICE" define "$TEST_TMP/charlie.xml" >"$TEST_TMP/virsh-alice.out" 2>&1
        tap_check "virsh as $ALICE may not redefine charlie, and says why" grep -q \
                "user '$ALICE' may not write domain 'charlie'" "$TEST_TMP/virsh-alice.out"
        sed 's/^/# /' "$TEST_TMP/virsh-alice.out"
        tap_is "charlie stays" "alpha apple bravo charlie" \
                "$(timeout 30 "$VCTL" -c "$URI" list --all --name | xargs)"
else
        tap_skip "virsh is not installed (Debian: libvirt-clients)"
        tap_skip "virsh is not installed (Debian: libvirt-clients)"
        tap_skip "virsh is not installed (Debian: libvirt-clients)"
fi

# SIGHUP: access_drivers off again, at once
sed -i '/^access_drivers/d' "$ROOT/etc/vctl/vctld.conf"
kill -HUP "$vctld_pid"
alice_sees_all() {
        [ "$(V "$ALICE" list --all --name 2>&1 | xargs)" = "alpha apple bravo charlie" ]
}
tap_check "after SIGHUP without access_drivers, $ALICE sees every guest" pk_wait 10 alice_sees_all

# ---- polkit gone ----
pk_stop_polkitd
V "$BOB" list >"$TEST_TMP/nopolkit.out" 2>&1
tap_check "without polkitd, $BOB is refused: vctld cannot ask polkit" grep -q \
        "cannot ask polkit at the system bus about org.vctl.unix.manage" "$TEST_TMP/nopolkit.out"
sed 's/^/# /' "$TEST_TMP/nopolkit.out"
if command -v virsh >/dev/null; then
        VIRSH "$BOB" list >"$TEST_TMP/virsh-nopolkit.out" 2>&1
        tap_check "virsh says the same" grep -q \
                "cannot ask polkit at the system bus about org.vctl.unix.manage" \
                "$TEST_TMP/virsh-nopolkit.out"
        sed 's/^/# /' "$TEST_TMP/virsh-nopolkit.out"
else
        tap_skip "virsh is not installed (Debian: libvirt-clients)"
fi
tap_is "root still manages (never asks polkit)" "alpha apple bravo charlie" \
        "$(timeout 30 "$VCTL" -c "$URI" list --all --name | xargs)"
pk_start_polkitd
tap_check "polkitd back: $BOB is let in again, without restarting vctld" \
        V "$BOB" list --all
# a new bus: vctld's connection to the old one closed; it opens another
pk_stop
rm -f "$PK_DIR/bus/system_bus_socket"
pk_start "$TEST_TMP/test.rules" || echo "# the bus and polkitd did not start again"
tap_check "a restarted system bus: $BOB is let in too" V "$BOB" list --all
stop_vctld
tap_done
