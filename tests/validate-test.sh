#!/usr/bin/env bash
# `vctl validate`: offline, tells the kind of each file, lists every error with
# its line, exits 1 when any file is invalid.
. "$top_srcdir/tests/lib.sh"

[ -x "$VCTL" ] || { echo "Bail out! $VCTL was not built"; exit 1; }

# What virt-install --print-xml wrote on a Debian 12 host (q35 and pc guests,
# virtio disk and network, spice/vnc, qxl/virtio video, libosinfo metadata).
for f in "$top_srcdir"/tests/data/virt-install/*.xml; do
        out=$("$VCTL" validate "$f" 2>&1)
        rc=$?
        tap_is "virt-install $(basename "$f") is accepted" "0 $f: valid domain definition 'web1'" "$rc $out" 
done

# virt-install itself, now, when it is installed (its test driver needs no daemon).
if command -v virt-install >/dev/null; then
        virt-install --connect test:///default --print-xml --name vctltest --memory 1024 \
                --vcpus 2 --disk none --osinfo linux2022 --network network=default \
                --graphics vnc --import --noautoconsole >"$TEST_TMP/vi.xml" 2>"$TEST_TMP/vi.err"
        out=$("$VCTL" validate - <"$TEST_TMP/vi.xml" 2>&1)
        tap_is "live virt-install --print-xml is accepted" "-: valid domain definition 'vctltest'" "$out"
else
        tap_skip "virt-install is not installed (Debian package virtinst)"
fi

# Every golden output of every kind validates, and its kind is recognised.
for kind in domain network pool volume; do
        case $kind in
        pool) label="storage pool" ;;
        volume) label="storage volume" ;;
        *) label=$kind ;;
        esac
        n=0 bad=0
        for f in "$top_srcdir"/tests/data/$kind/*.out.xml; do
                [ -e "$f" ] || continue
                n=$((n + 1))
                "$VCTL" validate "$f" | grep -q ": valid $label definition '" || { bad=$((bad + 1)); echo "# $f"; }
        done
        tap_is "all $n $kind goldens validate as $label" "0" "$bad"
done

# A broken definition: every error, each with its exact line; exit 1.
cat >"$TEST_TMP/broken.xml" <<'XML'
<domain type='kvm'>
  <name>broken</name>
  <uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>
  <memory unit='MiB'>512</memory>
  <os>
    <type arch='x86_64'>hvm</type>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <source file='/var/lib/vctl/images/a.qcow2'/>
      <target dev='vda' bus='virtio'/>
      <bogus/>
    </disk>
    <sparkle/>
  </devices>
</domain>
XML
out=$("$VCTL" validate "$TEST_TMP/broken.xml")
rc=$?
tap_is "broken definition: exit 1" 1 $rc
tap_is "broken definition: kind, name and count" \
        "$TEST_TMP/broken.xml: invalid domain definition 'broken' (2 errors)" "$(echo "$out" | sed -n 1p)"
tap_is "broken definition: first error at line 12" \
        "$TEST_TMP/broken.xml:12: error: unsupported element <bogus> in <disk>" "$(echo "$out" | sed -n 2p)"
tap_is "broken definition: second error at line 14" \
        "$TEST_TMP/broken.xml:14: error: unsupported element <sparkle> in <devices>" "$(echo "$out" | sed -n 3p)"

# Malformed XML names the line the parser stopped at.
printf '<network>\n  <name>n1</name>\n  <bridge name="vctlt0">\n</network>\n' >"$TEST_TMP/malformed.xml"
out=$("$VCTL" validate "$TEST_TMP/malformed.xml")
case $out in
*"malformed.xml:4: error: malformed XML: "*) tap_ok "malformed XML points at line 4" ;;
*) tap_not_ok "malformed XML points at line 4"; echo "$out" | sed 's/^/# /' ;;
esac

# Several files: each reported, exit 1 when any is invalid.
"$VCTL" validate "$top_srcdir/tests/data/virt-install/pc.xml" "$TEST_TMP/broken.xml" >"$TEST_TMP/many" 2>&1
rc=$?
tap_is "mixed files: exit 1" 1 $rc
tap_is "mixed files: both reported" 2 "$(grep -c 'valid domain definition' "$TEST_TMP/many")"

# Not a definition at all.
echo '<html/>' >"$TEST_TMP/html.xml"
out=$("$VCTL" validate "$TEST_TMP/html.xml")
tap_is "unknown root element" "$TEST_TMP/html.xml: invalid: not a definition vctl can read (1 error)
$TEST_TMP/html.xml:1: error: the root element <html> is not a definition vctl knows (expected <domain>, <network>, <pool> or <volume>)" "$out"

# A 100 MB file is refused from its size, without being read.
truncate -s 100M "$TEST_TMP/huge.xml"
out=$(timeout 10 "$VCTL" validate "$TEST_TMP/huge.xml" 2>&1)
rc=$?
tap_is "100 MB file refused" "1 error: file '$TEST_TMP/huge.xml' is larger than the limit of 8388608 bytes" "$rc $out"

# Missing file and missing argument.
out=$("$VCTL" validate "$TEST_TMP/nope.xml" 2>&1)
rc=$?
tap_is "missing file" "1 error: cannot open '$TEST_TMP/nope.xml': No such file or directory" "$rc $out"
"$VCTL" validate >/dev/null 2>&1
tap_is "no file given: exit 1" 1 $?
out=$("$VCTL" frobnicate 2>&1)
rc=$?
tap_is "unknown command" "1 error: unknown command 'frobnicate' (see 'vctl help')" "$rc $out"

tap_done
