#!/usr/bin/env bash
# The manual pages: each renders with man -l without a warning; vctl(1)
# documents every command 'vctl help' lists, with every option its usage
# line names; vctld(8) every option of 'vctld --help'; vctld.conf(5) every
# key of daemon/config.c and docs/vctld.conf.
. "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"

VCTLD="$top_builddir/daemon/vctld"
[ -x "$VCTL" ] && [ -x "$VCTLD" ] || { echo "Bail out! vctl or vctld is not built"; exit 1; }
command -v python3 >/dev/null || tap_skip_all "python3 is not installed"
pages="vctl.1 vctld.8 vctld.conf.5"

# man --warnings prints groff's warnings; the page itself goes to /dev/null
render_warnings() {
        LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 timeout 60 man --warnings -l "$1" 2>&1 >/dev/null
}
if ! command -v man >/dev/null || ! command -v groff >/dev/null; then
        tap_skip "man or groff is not installed (Debian: man-db, groff-base)"
else
        for p in $pages; do
                w=$(render_warnings "$top_srcdir/docs/$p")
                tap_is "man -l docs/$p renders without warnings" "" "$w"
        done
        printf '.TH BAD 1\n.SH NAME\nbad\n.XX undefined macro\n' >"$TEST_TMP/bad.1"
        tap_check "a page with a mistake does get a warning" \
                sh -c "LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -l '$TEST_TMP/bad.1' 2>&1 >/dev/null | grep -q warning"
fi

# The sections of a page as "heading<TAB>text" records, roff escapes for
# dashes and fonts removed; the checks below run in python on them.
cat >"$TEST_TMP/check.py" <<'PY'
import os, re, subprocess, sys

# vctl's own words in English, whatever the locale of the test run
os.environ["LC_ALL"] = "C"
os.environ.pop("LANGUAGE", None)

def plain(s):
    s = s.replace("\\-", "-").replace("\\(lq", '"').replace("\\(rq", '"')
    return re.sub(r"\\f[BIRP]", "", s)

def sections(path, macro):
    """{first word of each `macro` heading: text up to the next .SS/.SH}"""
    out, cur = {}, None
    for line in open(path, encoding="utf-8"):
        line = plain(line.rstrip("\n"))
        if line.startswith(".SS ") or line.startswith(".SH "):
            cur = None
        if line.startswith(macro + " "):
            head = line[len(macro) + 1:].strip().strip('"')
            cur = head.split()[0] if head else None
            if cur:
                out.setdefault(cur, "")
                out[cur] += head + "\n"
            continue
        if cur:
            out[cur] += line + "\n"
    return out

kind, page = sys.argv[1], sys.argv[2]
ok = True
n = 0
def check(cond, what):
    global ok, n
    n += 1
    print(("ok" if cond else "not ok") + " - " + what)
    ok = ok and cond

if kind == "commands":
    vctl = sys.argv[3]
    helptext = subprocess.run([vctl, "help"], capture_output=True, text=True, timeout=30).stdout
    cmds = []
    on = False
    for line in helptext.splitlines():
        if line.startswith("Commands:"):
            on = True
            continue
        if on and not line.strip():
            break
        if on:
            cmds.append(line.split()[0])
    check(len(cmds) >= 20, "vctl help lists commands (%d)" % len(cmds))
    doc = sections(page, ".SS")
    for c in cmds:
        if c not in doc:
            check(False, "vctl(1) documents '%s'" % c)
            continue
        usage = subprocess.run([vctl, "help", c], capture_output=True, text=True,
                               timeout=30).stdout.splitlines()[0]
        opts = sorted(set(re.findall(r"--[a-z][a-z-]*", usage)))
        missing = [o for o in opts if o not in doc[c]]
        check(not missing, "vctl(1) documents '%s' and its options %s%s"
              % (c, " ".join(opts) or "(none)",
                 "; missing: " + " ".join(missing) if missing else ""))
    extra = sorted(set(doc) - set(cmds))
    print("# documented, not in this vctl's help yet: " + (" ".join(extra) or "none"))
elif kind == "options":
    vctld = sys.argv[3]
    helptext = subprocess.run([vctld, "--help"], capture_output=True, text=True, timeout=30).stdout
    opts = sorted(set(re.findall(r"^\s+(?:-\w, )?(--[a-z][a-z-]*)", helptext, re.M)))
    text = plain(open(page, encoding="utf-8").read())
    check(len(opts) >= 5, "vctld --help lists options (%d)" % len(opts))
    for o in opts:
        check(re.search(r"^\.(B|BI|BR) .*" + re.escape(o) + r"\b", text, re.M) is not None,
              "vctld(8) documents %s" % o)
elif kind == "keys":
    config_c, example = sys.argv[3], sys.argv[4]
    src = open(config_c, encoding="utf-8").read()
    keys = set(re.findall(r"\bKEY\(([a-z_]+), KEY_", src)) | set(re.findall(r'\{"([a-z_]+)", KEY_', src))
    keys |= set(re.findall(r"^#?([a-z_]+) = ", open(example, encoding="utf-8").read(), re.M))
    check(len(keys) >= 9, "keys found in daemon/config.c and docs/vctld.conf (%d)" % len(keys))
    text = plain(open(page, encoding="utf-8").read())
    for k in sorted(keys):
        check(re.search(r"^\.B " + re.escape(k) + r"$", text, re.M) is not None,
              "vctld.conf(5) documents the key %s" % k)
sys.exit(0)  # the results are in the lines printed
PY

# each python line "ok - ..." / "not ok - ..." becomes one TAP point here
run_checks() {
        local line
        while IFS= read -r line; do
                case $line in
                "ok - "*) tap_ok "${line#ok - }" ;;
                "not ok - "*) tap_not_ok "${line#not ok - }" ;;
                "# "*) echo "$line" ;;
                esac
        done < <(python3 "$TEST_TMP/check.py" "$@" 2>&1 || echo "not ok - python check $1 crashed")
}
run_checks commands "$top_srcdir/docs/vctl.1" "$VCTL"
run_checks options "$top_srcdir/docs/vctld.8" "$VCTLD"
run_checks keys "$top_srcdir/docs/vctld.conf.5" "$top_srcdir/daemon/config.c" "$top_srcdir/docs/vctld.conf"

# the checks see a gap: a page without 'destroy' fails
grep -v '^\.SS "destroy' "$top_srcdir/docs/vctl.1" >"$TEST_TMP/vctl.1"
if python3 "$TEST_TMP/check.py" commands "$TEST_TMP/vctl.1" "$VCTL" 2>&1 | grep -q "^not ok - vctl(1) documents 'destroy'"; then
        tap_ok "an undocumented command is caught"
else
        tap_not_ok "an undocumented command is caught"
fi
tap_done
