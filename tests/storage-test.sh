#!/usr/bin/env bash
# Storage pools and volumes against a real vctld under --root: every vctl
# pool-*/vol-* command, the main ones again through Debian's virsh, path
# traversal and symlink escapes, out-of-space on a small tmpfs (root),
# concurrent creates of one name, files added and removed behind vctld's
# back, a restart of vctld, and test:///default's in-memory default-pool.
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"

VCTLD="$top_builddir/daemon/vctld"
[ -x "$VCTL" ] && [ -x "$VCTLD" ] || { echo "Bail out! vctl or vctld is not built"; exit 1; }
command -v qemu-img >/dev/null || tap_skip_all "qemu-img is not installed (Debian: qemu-utils)"
unset VCTL_DEFAULT_URI LIBVIRT_DEFAULT_URI VIRSH_DEFAULT_CONNECT_URI

ROOT="$TEST_TMP/root"
SOCK="$ROOT/run/vctl/vctld-sock"
URI="qemu+unix:///system?socket=$SOCK"
LOG="$TEST_TMP/vctld.log"
IMAGES="$ROOT/var/lib/vctl/images"
P1="$TEST_TMP/p1"
SMALL="$TEST_TMP/small"
export HOME="$TEST_TMP/home"
mkdir -p "$HOME"

vctld_pid=
mounted=
cleanup() {
        [ -n "$vctld_pid" ] && kill "$vctld_pid" 2>/dev/null && wait "$vctld_pid" 2>/dev/null
        [ -n "$mounted" ] && umount "$SMALL" 2>/dev/null
        rm -rf "$TEST_TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

Q() { timeout 60 "$VCTL" -c "$URI" "$@"; }
V() { timeout 60 virsh -q -c "$URI" "$@"; }
answers() { kill -0 "$vctld_pid" 2>/dev/null && timeout 5 "$VCTL" -c "$URI" uri >/dev/null 2>&1; }
start_vctld() {
        "$VCTLD" --system --root "$ROOT" --verbose >>"$LOG" 2>&1 &
        vctld_pid=$!
        for _ in $(seq 100); do
                answers && return 0
                sleep 0.1
        done
        return 1
}
stop_vctld() {
        kill "$vctld_pid" && wait "$vctld_pid" 2>/dev/null
        vctld_pid=
}
# fails CMD...: the command fails and its stderr matches the last argument
fails() {
        local pat=${*: -1} out
        out=$("${@:1:$#-1}" 2>&1) && { echo "succeeded: $out"; return 1; }
        echo "$out" | grep -q -- "$pat" || { echo "no '$pat' in: $out"; return 1; }
}
no_temp_files() { ! ls -A "$1" | grep -q '^\.'; }

if ! start_vctld; then
        echo "Bail out! vctld did not start"
        sed 's/^/# /' "$LOG"
        exit 1
fi

# ---- the default pool, made on first use ----
tap_is "pool-list: the default pool, active, autostarted" " Name      State     Autostart
 default   running   yes" "$(Q pool-list | sed '/^---/d;/^$/d')"
tap_check "default's directory is the images directory" test -d "$IMAGES"
tap_is "default's target" "$IMAGES" "$(Q pool-dumpxml default | sed -n 's|.*<path>\(.*\)</path>|\1|p')"
tap_check "default is defined on disk, with an autostart link" \
        test -f "$ROOT/etc/vctl/storage/default.xml" -a -L "$ROOT/etc/vctl/storage/autostart/default.xml"

# ---- a pool of our own ----
tap_is "pool-define-as" "Pool p1 defined" "$(Q pool-define-as p1 dir --target "$P1" --mode 0750 | sed '/^$/d')"
tap_is "pool-list --all shows it inactive" " p1        inactive   no" "$(Q pool-list --all | grep ' p1 ')"
tap_check "pool-start before pool-build says to build" fails Q pool-start p1 "pool-build p1"
tap_is "pool-build" "Pool p1 built" "$(Q pool-build p1 | sed '/^$/d')"
tap_is "pool-build made the directory with the mode of the XML" "750" "$(stat -c %a "$P1")"
tap_is "pool-start" "Pool p1 started" "$(Q pool-start p1 | sed '/^$/d')"
tap_check "pool-info" sh -c "timeout 30 '$VCTL' -c '$URI' pool-info p1 | grep -q '^State:          running'"
tap_check "pool-info --json" sh -c "timeout 30 '$VCTL' -c '$URI' pool-info p1 --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"name\"]==\"p1\" and d[\"capacity\"]>0'"
tap_check "pool-list --details --json" sh -c "timeout 30 '$VCTL' -c '$URI' pool-list --all --json | python3 -c 'import json,sys; assert {p[\"name\"] for p in json.load(sys.stdin)}=={\"default\",\"p1\"}'"
tap_check "pool-list --details has the sizes" sh -c "timeout 30 '$VCTL' -c '$URI' pool-list --details | grep -q 'Capacity *Allocation *Available'"
tap_is "pool-autostart" "Pool p1 marked as autostarted" "$(Q pool-autostart p1 | sed '/^$/d')"
tap_check "the autostart link exists" test -L "$ROOT/etc/vctl/storage/autostart/p1.xml"

# ---- volumes ----
tap_is "vol-create-as raw" "Vol a.raw created" "$(Q vol-create-as p1 a.raw 10M | sed '/^$/d')"
tap_is "a raw volume is sparse at its capacity" "10485760 0" "$(stat -c '%s %b' "$P1/a.raw")"
tap_is "vol-path" "$P1/a.raw" "$(Q vol-path a.raw --pool p1)"
tap_is "vol-path by path" "$P1/a.raw" "$(Q vol-path "$P1/a.raw")"
tap_is "vol-info" "Name:           a.raw
Type:           file
Capacity:       10.00 MiB
Allocation:     0.00 B" "$(Q vol-info a.raw --pool p1 | sed '/^$/d')"
printf 'BASE-DATA' | dd of="$P1/a.raw" conv=notrunc status=none
tap_is "vol-create-as qcow2 with a backing volume" "Vol ov.qcow2 created" \
        "$(Q vol-create-as p1 ov.qcow2 20M --format qcow2 --backing-vol a.raw --backing-vol-format raw | sed '/^$/d')"
tap_is "the overlay's backing file and format are explicit" "$P1/a.raw raw" \
        "$(qemu-img info -U --output=json -f qcow2 "$P1/ov.qcow2" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["backing-filename"], d["backing-filename-format"])')"
tap_is "vol-dumpxml names the backing store" "$P1/a.raw" \
        "$(Q vol-dumpxml ov.qcow2 --pool p1 | sed -n '/<backingStore>/,/<\/backingStore>/s|.*<path>\(.*\)</path>|\1|p')"
tap_check "vol-dumpxml: qcow2, 20 MiB" sh -c "timeout 30 '$VCTL' -c '$URI' vol-dumpxml ov.qcow2 --pool p1 | grep -q \"<capacity unit='bytes'>20971520</capacity>\""
tap_check "a backing format that contradicts the volume is refused" \
        fails Q vol-create-as p1 bad.qcow2 20M --format qcow2 --backing-vol a.raw --backing-vol-format qcow2 "is raw, not qcow2"
tap_check "qcow2 without backing" Q vol-create-as p1 plain.qcow2 1G --format qcow2
tap_is "vol-list" "Name Path
a.raw $P1/a.raw
ov.qcow2 $P1/ov.qcow2
plain.qcow2 $P1/plain.qcow2" "$(Q vol-list p1 | sed '/^---/d;/^$/d' | awk '{print $1, $2}')"
tap_check "vol-list --details --json" sh -c "timeout 30 '$VCTL' -c '$URI' vol-list p1 --json | python3 -c 'import json,sys; v={x[\"name\"]:x for x in json.load(sys.stdin)}; assert v[\"plain.qcow2\"][\"capacity\"]==1<<30'"
tap_is "vol-clone" "Vol b.raw cloned from a.raw" "$(Q vol-clone a.raw b.raw --pool p1 | sed '/^$/d')"
tap_check "the clone has the same content" cmp "$P1/a.raw" "$P1/b.raw"
tap_check "the clone stays sparse" test "$(stat -c %b "$P1/b.raw")" -lt 64
tap_check "vol-clone of a qcow2 overlay" Q vol-clone ov.qcow2 flat.qcow2 --pool p1
tap_is "the qcow2 clone holds the base's data" "BASE-DATA" \
        "$(qemu-img convert -f qcow2 -O raw "$P1/flat.qcow2" "$TEST_TMP/flat.raw" && head -c 9 "$TEST_TMP/flat.raw")"
tap_is "vol-resize grows" "Size of volume 'b.raw' successfully changed to 20M" "$(Q vol-resize b.raw 20M --pool p1 | sed '/^$/d')"
tap_is "the file grew" "20971520" "$(stat -c %s "$P1/b.raw")"
tap_check "shrinking without --shrink is refused" fails Q vol-resize b.raw 5M --pool p1 "pass --shrink"
tap_check "vol-resize --shrink" Q vol-resize b.raw 5M --pool p1 --shrink
tap_is "the file shrank" "5242880" "$(stat -c %s "$P1/b.raw")"
tap_check "a qcow2 volume grows" Q vol-resize plain.qcow2 2G --pool p1
tap_is "qemu-img sees 2 GiB" "2147483648" "$(qemu-img info -U --output=json -f qcow2 "$P1/plain.qcow2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["virtual-size"])')"
tap_is "vol-wipe" "Vol b.raw wiped" "$(Q vol-wipe b.raw --pool p1 | sed '/^$/d')"
tap_is "the wiped volume reads as zeros" "0" "$(tr -d '\0' <"$P1/b.raw" | wc -c)"
tap_is "vol-delete" "Vol flat.qcow2 deleted" "$(Q vol-delete flat.qcow2 --pool p1 | sed '/^$/d')"
tap_check "the file is gone" test ! -e "$P1/flat.qcow2"
printf 'SECRET' | dd of="$P1/b.raw" conv=notrunc status=none
cp "$P1/b.raw" "$TEST_TMP/b.before"
ln "$P1/b.raw" "$TEST_TMP/b.link" # a second name sees what --wipe-storage left
tap_check "vol-delete --wipe-storage" Q vol-delete b.raw --pool p1 --wipe-storage
tap_is "its data was zeroed before the unlink" "0" "$(tr -d '\0' <"$TEST_TMP/b.link" | wc -c)"
tap_check "vol-create from an XML file" sh -c "printf '<volume><name>x.raw</name><capacity unit=\"MiB\">1</capacity></volume>' >'$TEST_TMP/x.xml' && timeout 30 '$VCTL' -c '$URI' vol-create p1 '$TEST_TMP/x.xml' | grep -q 'Vol x.raw created from'"
tap_check "creating an existing volume is refused" fails Q vol-create-as p1 x.raw 1M "already exists in pool 'p1'"
tap_check "an unknown volume is named in the error" fails Q vol-info nope --pool p1 "no volume 'nope' in pool 'p1'"
tap_check "an unknown pool is named in the error" fails Q vol-list nopool "failed to get pool 'nopool'"

# ---- names and paths that try to leave the pool ----
tap_check "a name with '/' is refused" fails Q vol-create-as p1 ../escape.raw 1M "must not"
tap_check "'..' is refused" fails Q vol-create-as p1 .. 1M "must not start with '.'"
tap_check "'.' is refused" fails Q vol-create-as p1 . 1M "must not start with '.'"
tap_check "a/b is refused" fails Q vol-create-as p1 a/b 1M "/"
cat >"$TEST_TMP/escape.xml" <<XML
<volume><name>esc.raw</name><capacity>1048576</capacity>
<target><path>$TEST_TMP/escaped.raw</path></target></volume>
XML
tap_check "a target path outside the pool is replaced by the pool's" Q vol-create p1 "$TEST_TMP/escape.xml"
tap_check "the volume is in the pool, nothing outside" test -f "$P1/esc.raw" -a ! -e "$TEST_TMP/escaped.raw"
Q vol-delete esc.raw --pool p1 >/dev/null
cat >"$TEST_TMP/backing.xml" <<XML
<volume><name>steal.qcow2</name><capacity>1048576</capacity>
<target><format type='qcow2'/></target>
<backingStore><path>/etc/passwd</path><format type='raw'/></backingStore></volume>
XML
tap_check "a backing image that is no volume is refused" fails Q vol-create p1 "$TEST_TMP/backing.xml" "is not a volume of an active pool"
echo outside >"$TEST_TMP/outside"
ln -s "$TEST_TMP/outside" "$P1/link.raw"
ln -s "$TEST_TMP/outside-new" "$P1/trap.raw"
tap_check "pool-refresh" Q pool-refresh p1
tap_check "a symlink out of the pool is not a volume" sh -c "! timeout 30 '$VCTL' -c '$URI' vol-list p1 | grep -q link.raw"
tap_check "its path does not name a volume" fails Q vol-info "$P1/link.raw" "failed to get vol"
tap_check "a create onto a planted symlink fails" fails Q vol-create-as p1 trap.raw 1M "already exists"
tap_check "and writes nothing through it" test ! -e "$TEST_TMP/outside-new"
tap_is "the symlink's target is untouched" "outside" "$(cat "$TEST_TMP/outside")"
tap_check "no temporary files are left in the pool" no_temp_files "$P1"

# ---- files added and removed behind vctld's back ----
qemu-img create -q -f qcow2 "$P1/dropped.qcow2" 3M
tap_check "a file dropped in appears after pool-refresh" sh -c "timeout 30 '$VCTL' -c '$URI' pool-refresh p1 >/dev/null && timeout 30 '$VCTL' -c '$URI' vol-list p1 | grep -q dropped.qcow2"
tap_check "its qcow2 format is found from its magic" sh -c "timeout 30 '$VCTL' -c '$URI' vol-dumpxml dropped.qcow2 --pool p1 | grep -q \"<format type='qcow2'/>\""
rm -f "$P1/x.raw"
tap_check "a file removed behind vctld's back is gone after pool-refresh" sh -c "timeout 30 '$VCTL' -c '$URI' pool-refresh p1 >/dev/null && ! timeout 30 '$VCTL' -c '$URI' vol-list p1 | grep -q x.raw"
# a raw volume whose guest wrote a qcow2 header stays raw
qemu-img create -q -f qcow2 "$TEST_TMP/hdr.qcow2" 1M
dd if="$TEST_TMP/hdr.qcow2" of="$P1/a.raw" bs=512 count=1 conv=notrunc status=none
tap_check "a raw volume with a qcow2 header written into it stays raw" sh -c "timeout 30 '$VCTL' -c '$URI' pool-refresh p1 >/dev/null && timeout 30 '$VCTL' -c '$URI' vol-dumpxml a.raw --pool p1 | grep -q \"<format type='raw'/>\""

# ---- concurrent creates of one name: exactly one wins ----
race_pids=
for i in 1 2 3 4 5 6 7 8; do
        (timeout 60 "$VCTL" -c "$URI" vol-create-as p1 race.raw 4M >"$TEST_TMP/race.$i" 2>&1; echo $? >"$TEST_TMP/race.$i.rc") &
        race_pids="$race_pids $!"
done
wait $race_pids
tap_is "one of 8 concurrent creates succeeded" "1" "$(cat "$TEST_TMP"/race.*.rc | grep -c '^0$')"
tap_is "the other 7 were told it exists" "7" "$(cat "$TEST_TMP"/race.[0-9] | grep -c 'already exists')"
tap_check "one file, no temporary leftovers" sh -c "test -f '$P1/race.raw' && ! ls -A '$P1' | grep -q '^\.'"

# ---- restart: pools and volumes survive ----
stop_vctld
if start_vctld; then
        tap_is "after a restart p1 is active and autostarted" " p1        running   yes" "$(Q pool-list | grep ' p1 ')"
        tap_check "its volumes are back" sh -c "timeout 30 '$VCTL' -c '$URI' vol-list p1 | grep -q ov.qcow2"
        tap_check "recorded formats survive" sh -c "timeout 30 '$VCTL' -c '$URI' vol-dumpxml a.raw --pool p1 | grep -q \"<format type='raw'/>\""
else
        tap_not_ok "vctld restarts"
fi

# ---- the read-only socket ----
tap_check "the read-only socket refuses vol-create-as" \
        fails timeout 30 "$VCTL" -c "qemu+unix:///system?socket=$SOCK-ro" vol-create-as p1 ro.raw 1M "read-only"
tap_check "the read-only socket lists volumes" timeout 30 "$VCTL" -c "qemu+unix:///system?socket=$SOCK-ro" vol-list p1

# ---- out of space ----
if [ "$(id -u)" = 0 ] && mkdir -p "$SMALL" && mount -t tmpfs -o size=16m vctlt-small "$SMALL" 2>/dev/null; then
        mounted=1
        Q pool-define-as small dir --target "$SMALL" >/dev/null
        Q pool-start small >/dev/null
        tap_check "a volume larger than the free space is refused" \
                fails Q vol-create-as small big.raw 100M "not enough space in pool 'small'"
        tap_check "a qcow2 volume too" fails Q vol-create-as small big.qcow2 1G --format qcow2 "not enough space"
        tap_check "a volume that fits" Q vol-create-as small fits.raw 8M --allocation 8M
        tap_check "growing past the free space is refused" fails Q vol-resize fits.raw 64M --pool small "not enough space"
        tap_check "a failed create leaves no file" sh -c "test \"\$(ls -A '$SMALL')\" = fits.raw"
        Q vol-delete fits.raw --pool small >/dev/null
        Q pool-destroy small >/dev/null
        Q pool-undefine small >/dev/null
else
        tap_skip "out of space: needs root to mount a small tmpfs"
fi

# ---- pool teardown ----
tap_is "pool-destroy" "Pool p1 destroyed" "$(Q pool-destroy p1 | sed '/^$/d')"
tap_check "volumes of an inactive pool are refused" fails Q vol-list p1 "is not active"
tap_check "pool-delete of a non-empty directory is refused" fails Q pool-delete p1 "is not empty"
rm -f "$P1"/* 
tap_is "pool-delete" "Pool p1 deleted" "$(Q pool-delete p1 | sed '/^$/d')"
tap_check "the directory is gone" test ! -e "$P1"
tap_is "pool-undefine" "Pool p1 has been undefined" "$(Q pool-undefine p1 | sed '/^$/d')"
tap_check "its definition and autostart link are gone" \
        test ! -e "$ROOT/etc/vctl/storage/p1.xml" -a ! -e "$ROOT/etc/vctl/storage/autostart/p1.xml"
cat >"$TEST_TMP/t.xml" <<XML
<pool type='dir'><name>t1</name><target><path>$TEST_TMP/t1</path></target></pool>
XML
tap_check "pool-create --build (transient)" Q pool-create "$TEST_TMP/t.xml" --build
tap_is "a transient pool is not persistent" "Persistent:     no" "$(Q pool-info t1 | grep Persistent)"
tap_check "pool-autostart of a transient pool is refused" fails Q pool-autostart t1 "transient"
tap_check "pool-destroy removes a transient pool" sh -c "timeout 30 '$VCTL' -c '$URI' pool-destroy t1 >/dev/null && ! timeout 30 '$VCTL' -c '$URI' pool-list --all | grep -q t1"
cat >"$TEST_TMP/d.xml" <<XML
<pool type='dir'><name>d1</name><target><path>$TEST_TMP/d1</path><permissions><mode>0700</mode></permissions></target></pool>
XML
tap_is "pool-define from a file" "Pool d1 defined from $TEST_TMP/d.xml" "$(Q pool-define "$TEST_TMP/d.xml" | sed '/^$/d')"
tap_check "pool-start --build" Q pool-start d1 --build
tap_is "built with mode 0700" "700" "$(stat -c %a "$TEST_TMP/d1")"

# ---- through Debian's virsh ----
if command -v virsh >/dev/null; then
        tap_check "virsh pool-list --all --details" sh -c "timeout 30 virsh -q -c '$URI' pool-list --all --details | grep -q '^ default *running *yes *yes'"
        tap_check "virsh pool-info" sh -c "timeout 30 virsh -c '$URI' pool-info d1 | grep -q 'State: *running'"
        tap_check "virsh vol-create-as raw" V vol-create-as d1 vb.raw 4M
        tap_check "virsh vol-create-as qcow2 with backing" V vol-create-as d1 vo.qcow2 8M --format qcow2 --backing-vol vb.raw --backing-vol-format raw
        tap_is "virsh vol-list" "vb.raw $TEST_TMP/d1/vb.raw
vo.qcow2 $TEST_TMP/d1/vo.qcow2" "$(V vol-list d1 | awk '{print $1, $2}')"
        tap_check "virsh vol-info" sh -c "timeout 30 virsh -c '$URI' vol-info vo.qcow2 --pool d1 | grep -q 'Capacity: *8.00 MiB'"
        tap_check "virsh vol-dumpxml shows the backing store" sh -c "timeout 30 virsh -c '$URI' vol-dumpxml vo.qcow2 --pool d1 | grep -q '$TEST_TMP/d1/vb.raw'"
        tap_check "virsh vol-clone" V vol-clone vb.raw vc.raw --pool d1
        tap_check "virsh vol-resize" V vol-resize vc.raw 8M --pool d1
        tap_is "virsh vol-path" "$TEST_TMP/d1/vc.raw" "$(V vol-path vc.raw --pool d1)"
        tap_check "virsh vol-wipe" V vol-wipe vc.raw --pool d1
        tap_check "virsh vol-delete" V vol-delete vc.raw --pool d1
        tap_check "virsh refuses a traversal name with vctld's reason" fails V vol-create-as d1 ../x 1M "must not"
        tap_check "virsh pool-define-as / build / start / destroy / undefine" sh -c "
                timeout 30 virsh -q -c '$URI' pool-define-as vp dir --target '$TEST_TMP/vp' &&
                timeout 30 virsh -q -c '$URI' pool-build vp &&
                timeout 30 virsh -q -c '$URI' pool-start vp &&
                timeout 30 virsh -q -c '$URI' pool-autostart vp &&
                timeout 30 virsh -q -c '$URI' pool-destroy vp &&
                timeout 30 virsh -q -c '$URI' pool-delete vp &&
                timeout 30 virsh -q -c '$URI' pool-undefine vp && test ! -e '$TEST_TMP/vp'"
else
        tap_skip "virsh is not installed (Debian: libvirt-clients)"
fi

# ---- test:///default: libvirt's in-memory default-pool ----
TU="test:///default"
tap_is "test:///default has default-pool" " default-pool   running   no" \
        "$(timeout 30 "$VCTL" -c "$TU" pool-list | grep default-pool)"
tap_check "test:///default over the daemon too" sh -c "timeout 30 '$VCTL' -c 'test+unix:///default?socket=$SOCK' pool-list | grep -q default-pool"
tap_check "test driver: create, list and delete a volume in one process" sh -c "
        printf 'vol-create-as default-pool t.img 1G\nvol-list default-pool\nvol-delete t.img --pool default-pool\n' |
        timeout 30 '$VCTL' -c '$TU' | grep -q '/default-pool/t.img'"
tap_done
