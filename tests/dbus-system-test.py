#!/usr/bin/env python3
"""vctld's D-Bus service on a private system bus, as root (TAP).

A dbus-daemon with a system configuration (Debian's default-deny policy
plus vctl's daemon/dbus/org.vctl.conf), Debian's polkitd on it seeing only
vctl's policy and this test's rule, a vctld --system --root with
access_drivers = ["polkit"], and two users the test creates: one a rule
allows org.vctl.unix.manage and the domains whose names start with "dbusa"
(listings show only those; others are refused), one with no rule (reads,
but every change is refused: org.vctl.unix.manage asks for a password).
The bus's policy keeps users from owning org.vctl. A real QEMU guest
(tests/guest, TCG) is defined, started, watched to boot, shut down through
ACPI and undefined over D-Bus, with DomainEvent and PropertiesChanged for
each step.
"""

import os
import re
import subprocess
import time

import dbus_testlib as L
from dbus_testlib import dbus

NAME = "org.vctl"
QEMU = "/org/vctl/QEMU"
TEST = "/org/vctl/Test"
EV_DEFINED, EV_UNDEFINED, EV_STARTED, EV_STOPPED = 0, 1, 2, 5
RUNNING, SHUTOFF = 1, 5
LOCK = "/run/lock/vctlt-accounts.lock"

GUEST_XML = """<domain type='qemu'>
  <name>dbusg</name>
  <uuid>%(uuid)s</uuid>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>%(out)s/vmlinuz</kernel>
    <initrd>%(out)s/initramfs.cpio.gz</initrd>
    <cmdline>console=ttyS0 quiet vctl.name=dbusg</cmdline>
  </os>
  <features><acpi/></features>
  <devices>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
  </devices>
</domain>
"""
GUEST_UUID = "d0b0e5a1-7c2e-4f4b-9a53-2f6d1e0c9b11"

TEST_XML = """<domain type='test'>
  <name>%s</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
</domain>
"""

RULES = """polkit.addRule(function(action, subject) {
    if (subject.user != "%(allowed)s")
        return polkit.Result.NOT_HANDLED;
    if (action.id == "org.vctl.unix.manage" || action.id == "org.vctl.unix.monitor" ||
        action.id.indexOf("org.vctl.api.connect.") == 0)
        return polkit.Result.YES;
    if (action.id.indexOf("org.vctl.api.domain.") == 0) {
        var name = action.lookup("domain_name");
        return name && name.indexOf("dbusa") == 0 ? polkit.Result.YES : polkit.Result.NO;
    }
    return polkit.Result.NOT_HANDLED;
});
"""


def iface(bus, path, name):
    return dbus.Interface(bus.get_object(NAME, path), name)


def accounts(*argv):
    """useradd/userdel under the lock every test creating users takes."""
    return subprocess.run(["flock", "-w", "60", LOCK] + list(argv), capture_output=True,
                          text=True, timeout=90)


def as_user(user, argv):
    return subprocess.run(["runuser", "-u", user, "--"] + argv, capture_output=True, text=True,
                          timeout=L.TIMEOUT, cwd="/")


def read_banner(pty, want, timeout):
    """Reads the guest's serial pty until want (bounded); no echo back."""
    subprocess.run(["stty", "-F", pty, "raw", "-echo"], capture_output=True)
    fd = os.open(pty, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    data = b""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and want not in data:
            try:
                chunk = os.read(fd, 4096)
                data += chunk[-65536:]
                data = data[-131072:]
            except BlockingIOError:
                time.sleep(0.1)
    finally:
        os.close(fd)
    return want in data


def main():
    src, build = L.dirs()
    vctld = os.path.join(build, "daemon", "vctld")
    if not os.access(vctld, os.X_OK):
        print("Bail out! %s is not built" % vctld)
        return 1
    if os.geteuid() != 0:
        print("1..0 # SKIP needs root (a system bus, users of its own, and Debian's kernel in "
              "/boot for the test guest)")
        return 0
    for tool in ("dbus-daemon", "gdbus", "runuser", "useradd", "userdel", "flock", "unshare"):
        if not L.shutil.which(tool):
            print("1..0 # SKIP %s is not installed" % tool)
            return 0
    if not os.access(L.POLKITD, os.X_OK):
        print("1..0 # SKIP %s is not installed (Debian: polkitd)" % L.POLKITD)
        return 0
    t = L.Tap()
    tmp = L.make_tmp()
    procs = L.Procs()
    users = ["vctltdbusa%d" % os.getpid(), "vctltdbusd%d" % os.getpid()]
    created = []
    try:
        os.chmod(tmp, 0o711)
        for user in users:
            r = accounts("useradd", "--no-create-home", "--shell", "/usr/sbin/nologin",
                         "--user-group", user)
            if r.returncode != 0:
                print("Bail out! cannot create the user %s: %s" % (user, r.stderr))
                return 1
            created.append(user)
        run(t, src, build, vctld, tmp, procs, users[0], users[1])
    finally:
        procs.stop_all()
        L.kill_guests(tmp)
        for user in created:
            accounts("userdel", user)
        L.rm_tmp(tmp)
    t.done()


def run(t, src, build, vctld, tmp, procs, allowed, denied):
    pub = os.path.join(tmp, "bus")
    os.mkdir(pub, 0o755)
    address = L.start_bus(procs, pub, "system-bus", L.SYSTEM_CONF, extra=L.POLKIT_BUS_POLICY,
                          policy=os.path.join(src, "daemon", "dbus", "org.vctl.conf"))
    bus = L.connect(address)
    env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=address)
    for k in ("VCTL_DEFAULT_URI", "LIBVIRT_DEFAULT_URI", "DBUS_SESSION_BUS_ADDRESS"):
        env.pop(k, None)
    L.start_polkitd(procs, tmp, bus, address, os.path.join(src, "daemon", "org.vctl.policy"),
                    RULES % {"allowed": allowed})
    t.ok(True, "polkitd runs on the private system bus with vctl's policy and the test's rule")
    root = os.path.join(tmp, "root")
    os.mkdir(root)
    conf = os.path.join(tmp, "vctld.conf")
    with open(conf, "w") as f:
        f.write('[vctld]\naccess_drivers = [ "polkit" ]\n')
    log = os.path.join(tmp, "vctld.log")
    procs.start([vctld, "--system", "--root", root, "--config", conf, "--verbose"], log, env=env)
    if not L.wait_for(lambda: L.has_owner(bus, NAME), L.TIMEOUT):
        print("Bail out! vctld did not own %s on the system bus within %d s" % (NAME, L.TIMEOUT))
        t.diag(open(log).read())
        return
    t.ok(True, "vctld --system (root) owns org.vctl on a system bus with vctl's policy")
    sig = L.Signals(bus, NAME)
    conn = iface(bus, QEMU, "org.vctl.Connect")
    t.eq([str(p) for p in conn.ListDomains(0)], [], "/org/vctl/QEMU serves qemu:///system: empty")

    # ---- root defines test:///default domains for the users ----
    tconn = iface(bus, TEST, "org.vctl.Connect")
    mine = str(tconn.DomainDefineXML(TEST_XML % "dbusa1"))
    other = str(tconn.DomainDefineXML(TEST_XML % "other1"))
    test_path = L.uuid_path(TEST, "6695eb01-f6a4-8304-79aa-97f2502e193f")

    def gd(user, path, method, *args):
        return as_user(user, ["gdbus", "call", "--address", address, "--dest", NAME,
                              "--object-path", path, "--method", method] + list(args))

    def refused(r, *words):
        return r.returncode != 0 and "org.vctl.Error.AccessDenied" in r.stderr and \
            all(w in r.stderr for w in words)

    # ---- a user polkit allows the domains named dbusa* ----
    r = gd(allowed, TEST, "org.vctl.Connect.ListDomains", "0")
    t.eq(re.findall(r"'(/[^']+)'", r.stdout), [mine],
         "%s lists only the domain polkit lets it see" % allowed)
    r = gd(allowed, mine, "org.vctl.Domain.GetState", "0")
    t.eq(r.stdout.strip(), "((5, 0),)", "... reads its state")
    sig.clear()
    r = gd(allowed, mine, "org.vctl.Domain.Create", "0")
    t.ok(r.returncode == 0 and sig.wait_event(mine, EV_STARTED),
         "... starts it (DomainEvent STARTED)", r.stderr + repr(sig.events))
    r = gd(allowed, mine, "org.freedesktop.DBus.Properties.Set", "org.vctl.Domain", "Autostart",
           "<true>")
    t.ok(r.returncode == 0 and sig.wait_change(mine, "Autostart", True),
         "... sets its Autostart", r.stderr)
    r = gd(allowed, mine, "org.vctl.Domain.Destroy", "0")
    t.ok(r.returncode == 0 and sig.wait_event(mine, EV_STOPPED), "... destroys it", r.stderr)
    r = gd(allowed, test_path, "org.vctl.Domain.Destroy", "0")
    t.ok(refused(r, "'test'", "org.vctl.api.domain.stop"),
         "... but Destroy of 'test' is refused, naming the domain and the action",
         r.stdout + r.stderr)
    r = gd(allowed, TEST, "org.vctl.Connect.DomainDefineXML", TEST_XML % "other2")
    t.ok(refused(r, "other2"), "... and so is defining 'other2'", r.stdout + r.stderr)
    r = gd(allowed, other, "org.vctl.Domain.GetXMLDesc", "0")
    t.ok(refused(r, "other1"), "... and reading 'other1'", r.stdout + r.stderr)

    # ---- a user without a rule: reads, changes nothing ----
    r = gd(denied, test_path, "org.vctl.Domain.GetState", "0")
    t.eq(r.stdout.strip(), "((1, 1),)", "%s may read a domain's state" % denied)
    r = gd(denied, test_path, "org.vctl.Domain.Destroy", "0")
    t.ok(refused(r, "org.vctl.unix.manage", denied),
         "... but Destroy is refused: org.vctl.Error.AccessDenied naming the user and "
         "org.vctl.unix.manage", r.stdout + r.stderr)
    r = gd(denied, mine, "org.freedesktop.DBus.Properties.Set", "org.vctl.Domain", "Autostart",
           "<false>")
    t.ok(refused(r), "... and so is setting Autostart", r.stdout + r.stderr)
    r = gd(denied, QEMU, "org.vctl.Connect.DomainDefineXML", "<domain/>")
    t.ok(refused(r), "... and DomainDefineXML", r.stdout + r.stderr)
    state = iface(bus, test_path, "org.vctl.Domain").GetState(0)
    t.eq(int(state[0]), RUNNING, "the domain still runs")
    r = as_user(denied, ["gdbus", "call", "--address", address, "--dest", "org.freedesktop.DBus",
                         "--object-path", "/org/freedesktop/DBus", "--method",
                         "org.freedesktop.DBus.RequestName", NAME, "4"])
    t.ok(r.returncode != 0 and "AccessDenied" in r.stderr,
         "the bus's policy (org.vctl.conf) keeps a user from owning org.vctl",
         r.stdout + r.stderr)
    for p in (mine, other):
        iface(bus, p, "org.vctl.Domain").Undefine(0)

    # ---- a real guest through D-Bus ----
    guest_out = os.environ.get("VCTL_GUEST_OUT") or os.path.join(build, "tests", "guest-out")
    if not L.shutil.which("qemu-system-x86_64"):
        t.skip("a QEMU guest over D-Bus", "qemu-system-x86_64 is not installed")
        return
    b = subprocess.run(["sh", os.path.join(src, "tests", "guest", "build-guest.sh"), guest_out],
                       capture_output=True, text=True, timeout=900)
    if b.returncode == 2:
        t.skip("a QEMU guest over D-Bus", (b.stdout + b.stderr).strip().splitlines()[-1])
        return
    if not t.ok(b.returncode == 0, "the test guest is built", (b.stdout + b.stderr)[-3000:]):
        return
    path = L.uuid_path(QEMU, GUEST_UUID)
    t.eq(str(conn.DomainDefineXML(GUEST_XML % {"uuid": GUEST_UUID, "out": guest_out})), path,
         "DomainDefineXML of a TCG guest on /org/vctl/QEMU")
    t.ok(sig.wait_event(path, EV_DEFINED), "DomainEvent DEFINED", repr(sig.events))
    t.ok(os.path.exists(os.path.join(root, "etc", "vctl", "qemu", "dbusg.xml")),
         "the definition is under --root's /etc/vctl/qemu")
    dom = iface(bus, path, "org.vctl.Domain")
    sig.clear()
    dom.Create(0)
    t.ok(sig.wait_event(path, EV_STARTED, L.BOOT_TIMEOUT), "Create: DomainEvent STARTED",
         repr(sig.events))
    t.ok(sig.wait_change(path, "Active", True) and sig.wait_change(path, "State", RUNNING),
         "Create: PropertiesChanged Active true, State running", repr(sig.changes))
    xml = dom.GetXMLDesc(0)
    m = re.search(r"<source path='(/dev/pts/\d+)'/>", xml)
    booted = bool(m) and read_banner(m.group(1), b"VCTL-GUEST-READY dbusg", L.BOOT_TIMEOUT)
    t.ok(booted, "the guest boots (VCTL-GUEST-READY on its serial console)", xml if not m else "")
    dom_id = int(props_get(bus, path, "Id"))
    t.ok(0 < dom_id < 4294967295, "Id is set while it runs (%d)" % dom_id)
    sig.clear()
    if booted:
        dom.Shutdown(0)
        stopped = sig.wait_event(path, EV_STOPPED, L.BOOT_TIMEOUT)
        t.ok(stopped, "Shutdown (ACPI): the guest powers off, DomainEvent STOPPED",
             repr(sig.events))
    if not sig.wait_event(path, EV_STOPPED, 1):
        dom.Destroy(0)
        t.ok(sig.wait_event(path, EV_STOPPED), "Destroy: DomainEvent STOPPED", repr(sig.events))
    t.ok(sig.wait_change(path, "Active", False) and sig.wait_change(path, "State", SHUTOFF),
         "PropertiesChanged Active false, State shut off", repr(sig.changes))
    dom.Undefine(0)
    t.ok(sig.wait_event(path, EV_UNDEFINED), "Undefine: DomainEvent UNDEFINED", repr(sig.events))
    t.eq([str(p) for p in conn.ListDomains(0)], [], "nothing is left")


def props_get(bus, path, name):
    return iface(bus, path, "org.freedesktop.DBus.Properties").Get("org.vctl.Domain", name)


if __name__ == "__main__":
    raise SystemExit(main())
