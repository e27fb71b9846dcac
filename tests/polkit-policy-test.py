#!/usr/bin/env python3
"""org.vctl.policy names every polkit action vctld can ask about (TAP).

polkitd refuses to answer about an action its policy files do not declare,
so a permission a handler checks (daemon/dispatch_*.c: dispatch_access(ctx,
"object", "perm", ...), and the domain helpers and DOMAIN_OP entries of
dispatch_domain.c) without an org.vctl.api.<object>.<perm> action would
fail every call of a user other than root. Also: the file is valid against
polkit's DTD where polkitd installed it, and each action has defaults.
"""

import glob
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

top = os.environ.get("top_srcdir") or os.path.join(os.path.dirname(__file__), "..")
policy = os.path.join(top, "daemon", "org.vctl.policy")
n = 0
failed = False


def check(ok, desc, detail=""):
    global n, failed
    n += 1
    print(("ok %d - %s" if ok else "not ok %d - %s") % (n, desc))
    if not ok:
        failed = True
        for line in detail.splitlines():
            print("# " + line)


def action(obj, perm):
    return "org.vctl.api.%s.%s" % (obj.replace("_", "-"), perm.replace("_", "-"))


root = ET.parse(policy).getroot()
declared = {a.get("id"): a for a in root.findall("action")}
check("org.vctl.unix.manage" in declared and "org.vctl.unix.monitor" in declared,
      "the socket actions are declared")
nodefaults = [i for i, a in declared.items()
              if a.find("defaults") is None or a.find("defaults/allow_any") is None]
check(not nodefaults, "every action has defaults", "\n".join(nodefaults))
check(declared.get("org.vctl.unix.monitor") is not None and
      declared["org.vctl.unix.monitor"].findtext("defaults/allow_any") == "yes",
      "anyone may monitor (the read-only socket)")
check(declared.get("org.vctl.unix.manage") is not None and
      declared["org.vctl.unix.manage"].findtext("defaults/allow_any") == "auth_admin_keep",
      "managing needs an administrator unless a rule grants it")

used = set()
word = re.compile(r'"([a-z_]+)"')
for path in sorted(glob.glob(os.path.join(top, "daemon", "dispatch*.c"))):
    text = open(path).read()
    for obj, perm in re.findall(r'dispatch_access\(\s*ctx,\s*"([a-z_]+)",\s*"([a-z_]+)"', text):
        used.add(action(obj, perm))
    # domain helpers: every bare word among their arguments is a permission
    for args in re.findall(r'dispatch_(?:dom_access|def_access|dom_check)\(ctx,([^;]*?)\)\s*<',
                           text, re.S):
        used.update(action("domain", p) for p in word.findall(args))
    for args in re.findall(r'^DOMAIN_OP\((.*?)\)$', text, re.S | re.M):
        used.update(action("domain", p) for p in word.findall(args))
    if "dispatch_lookup_out" in text or "dispatch_filter_visible" in text:
        used.add(action("domain", "getattr"))
check(len(used) >= 15, "found the permissions the handlers check (%d)" % len(used),
      "\n".join(sorted(used)))
missing = sorted(u for u in used if u not in declared)
check(not missing, "each is an action of org.vctl.policy", "\n".join(missing))

dtd = "/usr/share/polkit-1/policyconfig-1.dtd"
if os.path.exists(dtd) and subprocess.call(["sh", "-c", "command -v xmllint >/dev/null"]) == 0:
    r = subprocess.run(["xmllint", "--noout", "--dtdvalid", dtd, policy],
                       capture_output=True, text=True)
    check(r.returncode == 0, "valid against polkit's DTD", r.stderr)
else:
    n += 1
    print("ok %d # SKIP polkit's DTD (Debian: polkitd) or xmllint is not installed" % n)

print("1..%d" % n)
sys.exit(1 if failed else 0)
