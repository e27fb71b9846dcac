#!/usr/bin/env bash
# Every golden output validates against vctl's schemas and against libvirt's
# own (Debian's libvirt0 ships them in /usr/share/libvirt/schemas).
. "$top_srcdir/tests/lib.sh"

command -v xmllint >/dev/null || tap_skip_all "xmllint is not installed (Debian package libxml2-utils)"

libvirt_schemas=/usr/share/libvirt/schemas
schema_for() {
        case $1 in
        domain) echo domain.rng ;;
        network) echo network.rng ;;
        pool) echo storagepool.rng ;;
        volume) echo storagevol.rng ;;
        esac
}

for kind in domain network pool volume; do
        rng=$(schema_for $kind)
        count=0
        for f in "$top_srcdir"/tests/data/$kind/*.out.xml; do
                [ -e "$f" ] || continue
                count=$((count + 1))
                name=$kind/$(basename "$f")
                tap_check "$name: vctl schema" xmllint --noout --relaxng "$top_srcdir/conf/schemas/$rng" "$f"
                if [ -f "$libvirt_schemas/$rng" ]; then
                        tap_check "$name: libvirt schema" xmllint --noout --relaxng "$libvirt_schemas/$rng" "$f"
                else
                        tap_skip "$name: libvirt's schemas are not installed (Debian package libvirt0)"
                fi
        done
        if [ $count -gt 0 ]; then tap_ok "$kind: $count golden outputs found"; else tap_not_ok "$kind: no golden outputs found"; fi
done

# The schemas must also refuse what the parser refuses: an unknown element.
cat >"$TEST_TMP/bad.xml" <<'XML'
<domain type='kvm'><name>x</name><memory unit='KiB'>1024</memory><bogus/><os><type>hvm</type></os></domain>
XML
if xmllint --noout --relaxng "$top_srcdir/conf/schemas/domain.rng" "$TEST_TMP/bad.xml" >/dev/null 2>&1; then
        tap_not_ok "vctl's domain schema refuses an unknown element"
else
        tap_ok "vctl's domain schema refuses an unknown element"
fi
tap_done
