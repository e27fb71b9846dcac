#!/usr/bin/env bash
# Translations: the German catalogue holds every message of the sources,
# translated and not fuzzy, with matching printf formats; every source with
# messages is in po/POTFILES.in; no error or log call passes an unmarked
# sentence; and vctl, libvctl and vctld really speak German from a .mo built
# here (LANGUAGE=de with the C.UTF-8 locale, which every glibc has).
. "$top_srcdir/tests/lib.sh"

[ -x "$VCTL" ] || { echo "Bail out! $VCTL was not built"; exit 1; }
VCTLD="$top_builddir/daemon/vctld"
[ -x "$VCTLD" ] || { echo "Bail out! $VCTLD was not built"; exit 1; }
for tool in xgettext msgmerge msgattrib msgfmt python3; do
        command -v "$tool" >/dev/null ||
                { echo "Bail out! $tool is missing (Debian packages gettext, python3)"; exit 1; }
done
unset VCTL_DEFAULT_URI
PO="$top_srcdir/po"

# xgettext's options, as po/Makefile uses them
XOPTS=$(sed -n '/^XGETTEXT_OPTIONS/,/[^\\]$/p' "$PO/Makevars" |
        sed 's/^XGETTEXT_OPTIONS *= *//; s/\\$//' | tr '\n' ' ')

# potfiles LIST: the file names in a POTFILES.in
potfiles() { grep -v '^[[:space:]]*\(#\|$\)' "$1"; }

# catalogue_gaps SRCDIR POTFILES_IN PO NAME: prints "FILE:LINE: NAME: problem:
# msgid" for each message of the sources that PO lacks, leaves untranslated or
# has fuzzy; fails when there is one.
catalogue_gaps() {
        local srcdir=$1 list=$2 po=$3 name=$4 out=$TEST_TMP/gaps
        mkdir -p "$out"
        # shellcheck disable=SC2086 # XOPTS is a list of options
        (cd "$srcdir" && xgettext $XOPTS -o "$out/fresh.pot" $(potfiles "$list")) || return 2
        msgmerge --quiet --no-fuzzy-matching -o "$out/merged.po" "$po" "$out/fresh.pot" || return 2
        {
                msgattrib --untranslated --no-obsolete "$out/merged.po" | gaps_list "untranslated or missing"
                msgattrib --only-fuzzy --no-obsolete "$out/merged.po" | gaps_list "fuzzy"
        } >"$out/list"
        sed "s|^\([^:]*:[0-9]*\): |\1: $name: |" "$out/list"
        [ ! -s "$out/list" ]
}

# gaps_list WHAT: one "FILE:LINE: WHAT: msgid" line per entry of a PO on stdin
gaps_list() {
        awk -v what="$1" 'BEGIN { RS = ""; FS = "\n" }
        {
                ref = ""; id = ""; inid = 0
                for (i = 1; i <= NF; i++) {
                        if ($i ~ /^#: / && ref == "") { split(substr($i, 4), r, " "); ref = r[1] }
                        else if ($i ~ /^msgid /) { id = substr($i, 7); inid = 1 }
                        else if ($i ~ /^"/ && inid) { id = id " " $i }
                        else inid = 0
                }
                if (id != "\"\"") print ref ": " what ": " id
        }'
}

# ---- the catalogue covers the sources ----
tap_check "po/de.po: msgfmt -c --check-format accepts it" \
        msgfmt -c --check-format -o "$TEST_TMP/check.mo" "$PO/de.po"
if catalogue_gaps "$top_srcdir" "$PO/POTFILES.in" "$PO/de.po" po/de.po >"$TEST_TMP/gaps.out"; then
        tap_ok "po/de.po translates every message of the sources in POTFILES.in"
else
        tap_not_ok "po/de.po translates every message of the sources in POTFILES.in"
        sed 's/^/# /' "$TEST_TMP/gaps.out"
fi
tap_is "po/de.po has no fuzzy or untranslated entry of its own" "" \
        "$(msgattrib --untranslated --no-obsolete "$PO/de.po" | grep '^msgid' | grep -v '^msgid ""$'
           msgattrib --only-fuzzy --no-obsolete "$PO/de.po" | grep '^msgid' | grep -v '^msgid ""$')"

# every source with _(), N_() or vctl_ngettext() is listed, every listed file exists
(
        cd "$top_srcdir" || exit 1
        git_files=$(find lib daemon driver conf kmod tools -name '*.[ch]' | sort)
        for f in $git_files; do
                case $f in lib/util/i18n.[ch]) continue ;; esac
                grep -qE '(^|[^A-Za-z0-9_])(N?_|vctl_ngettext)\(' "$f" || continue
                potfiles po/POTFILES.in | grep -qxF "$f" ||
                        echo "$f: has translatable messages but is not in po/POTFILES.in"
        done
        for f in $(potfiles po/POTFILES.in); do
                [ -f "$f" ] || echo "po/POTFILES.in: $f does not exist"
        done
) >"$TEST_TMP/potfiles.out"
tap_is "po/POTFILES.in lists exactly the sources with messages" "" "$(cat "$TEST_TMP/potfiles.out")"

# ---- no unmarked messages ----
(
        cd "$top_srcdir" || exit 1
        # shellcheck disable=SC2046 # one argument per file
        python3 tests/po-unmarked.py --allow po/unmarked.allow \
                $(find lib daemon driver conf kmod tools -name '*.c' | sort)
) >"$TEST_TMP/unmarked.out" 2>&1
tap_is "error, log and output calls pass their sentences through _()" "" \
        "$(cat "$TEST_TMP/unmarked.out")"

# ---- the checks themselves catch what they must ----
FIX="$TEST_TMP/fixture"
mkdir -p "$FIX/lib"
cat >"$FIX/lib/fake.c" <<'C'
int fake_a(void)
{
        return vctl_error_set(1, 0, _("fake message one"));
}
int fake_b(const char *x)
{
        /* "%s" carries no sentence: fine */
        vctl_error_set(1, 0, "%s", x);
        return vctl_error_set(1, 0,
                              "fake unmarked %s", x);
}
C
cat >"$FIX/lib/new.c" <<'C'
const char *fake_c(void)
{
        return _("fake message two");
}
const char *fake_d(void)
{
        return _("fake message three");
}
C
printf 'lib/fake.c\nlib/new.c\n' >"$FIX/POTFILES.in"
cat >"$FIX/de.po" <<'PO'
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"

msgid "fake message one"
msgstr "Testmeldung eins"

#, fuzzy
msgid "fake message three"
msgstr "Testmeldung drei"
PO
catalogue_gaps "$FIX" "$FIX/POTFILES.in" "$FIX/de.po" de.po >"$TEST_TMP/fix-gaps.out"
tap_is "a message missing from the catalogue is named with its file and line" \
        "lib/new.c:3: de.po: untranslated or missing: \"fake message two\"" \
        "$(grep 'two' "$TEST_TMP/fix-gaps.out")"
tap_is "a fuzzy translation is named too" \
        "lib/new.c:7: de.po: fuzzy: \"fake message three\"" \
        "$(grep 'three' "$TEST_TMP/fix-gaps.out")"
tap_is "the unmarked-message check names the call and its line" \
        'lib/fake.c:9: vctl_error_set: unmarked message "fake unmarked %s" (wrap it in _())' \
        "$(cd "$FIX" && python3 "$top_srcdir/tests/po-unmarked.py" lib/fake.c)"
printf 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n#, c-format\nmsgid "%%s has %%d disks"\nmsgstr "%%d Platten hat %%s"\n' \
        >"$FIX/bad-format.po"
tap_check "msgfmt -c refuses a translation whose formats differ" \
        sh -c '! msgfmt -c --check-format -o /dev/null "$1"' sh "$FIX/bad-format.po"

# ---- vctl, libvctl and vctld speak German ----
LOC="$TEST_TMP/locale"
mkdir -p "$LOC/de/LC_MESSAGES"
msgfmt -c -o "$LOC/de/LC_MESSAGES/vctl.mo" "$PO/de.po"
de() { VCTL_LOCALEDIR="$LOC" LANGUAGE=de LC_ALL=C.UTF-8 "$@"; }
en() { VCTL_LOCALEDIR="$LOC" LANGUAGE= LC_ALL=C.UTF-8 "$@"; }
T="-c test:///default"

# shellcheck disable=SC2086
tap_is "English without LANGUAGE (the control)" "error: domain 'nosuch' not found" \
        "$(en "$VCTL" $T dominfo nosuch 2>&1)"
# the message comes from libvctl's test driver: libvctl binds its catalogue itself
# shellcheck disable=SC2086
tap_is "libvctl's error and vctl's prefix in German" "Fehler: Domain 'nosuch' nicht gefunden" \
        "$(de "$VCTL" $T dominfo nosuch 2>&1)"
CLIENT="$top_builddir/tests/po-client"
if [ -x "$CLIENT" ]; then
        tap_is "a third-party program linking libvctl gets English by default" \
                "domain 'nosuch' not found" "$(en "$CLIENT" nosuch 2>&1)"
        tap_is "... and German from libvctl, which binds its catalogue itself" \
                "Domain 'nosuch' nicht gefunden" "$(de "$CLIENT" nosuch 2>&1)"
else
        tap_not_ok "$CLIENT was not built (make check builds it)"
fi
# shellcheck disable=SC2086
tap_is "table headers and state names in German" " Id   Name   Status
----------------------
 1    test   laufend" "$(de "$VCTL" $T list)"
# shellcheck disable=SC2086
tap_is "a whole-sentence CLI message in German" "Domain 'test' zerstört" \
        "$(de "$VCTL" $T destroy test)"
# shellcheck disable=SC2086
tap_is "--json stays untranslated" '"state" : "running"' \
        "$(de "$VCTL" $T list --json | grep -o '"state" : "[a-z]*"')"
tap_is "host-check's table in German" "  QEMU: Prüfe auf Hardware-Virtualisierung" \
        "$(de "$VCTL" host-check --quick | grep -o '^  QEMU: Prüfe auf Hardware-Virtualisierung')"
tap_is "host-check --json stays English" '"check" : "Checking for hardware virtualization"' \
        "$(de "$VCTL" host-check --quick --json | grep -o '"check" : "Checking for hardware virtualization"')"
tap_is "vctl help in German" "Befehle:" "$(de "$VCTL" help | grep -x 'Befehle:')"
tap_is "vctld --help in German" "- der vctl-Daemon" \
        "$(de "$VCTLD" --help | sed -n 's/^  vctld .* \(- der vctl-Daemon\)$/\1/p')"

# vctld translates in its own locale: its log, and the errors it sends
ROOT="$TEST_TMP/root"
SOCK="$ROOT/run/vctl/vctld-sock"
mkdir -p "$ROOT"
# --verbose: info messages are below the default log level
# not through de(): $! must be vctld's own pid, not a subshell's
VCTL_LOCALEDIR="$LOC" LANGUAGE=de LC_ALL=C.UTF-8 \
        "$VCTLD" --verbose --system --root "$ROOT" >"$TEST_TMP/vctld.log" 2>&1 &
daemon_pid=$!
trap 'kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null; rm -rf "$TEST_TMP"' EXIT
for _ in $(seq 100); do
        [ -S "$SOCK" ] && break
        kill -0 "$daemon_pid" 2>/dev/null || break
        sleep 0.1
done
if [ -S "$SOCK" ]; then
        tap_is "vctld's error reaches an English client in vctld's German" \
                "error: Domain 'nosuch' nicht gefunden" \
                "$(en timeout 30 "$VCTL" -c "test+unix:///default?socket=$SOCK" dominfo nosuch 2>&1)"
        tap_check "vctld logs in German" grep -q "vctld .* bereit (Modus system, " "$TEST_TMP/vctld.log"
else
        tap_not_ok "vctld did not create $SOCK within 10 seconds"
        sed 's/^/# /' "$TEST_TMP/vctld.log"
fi

tap_done
