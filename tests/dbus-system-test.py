#!/usr/bin/env python3
"""vctld's D-Bus service on a private system bus, as root (TAP).

A dbus-daemon with a system configuration (Debian's default-deny policy
plus vctl's daemon/dbus/org.vctl.conf), a vctld --system --root pointed at
it, and a real QEMU guest (tests/guest, TCG) defined, started, watched to
boot, shut down through ACPI and undefined over D-Bus, with DomainEvent and
PropertiesChanged for each step. A non-root user the test creates may read
but is refused what would change something (org.vctl.Error.AccessDenied),
and the bus's policy keeps it from owning org.vctl.
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
    for tool in ("dbus-daemon", "gdbus", "runuser", "useradd", "flock"):
        if not L.shutil.which(tool):
            print("1..0 # SKIP %s is not installed" % tool)
            return 0
    t = L.Tap()
    tmp = L.make_tmp()
    procs = L.Procs()
    user = "vctltdbus%d" % os.getpid()
    created = False
    try:
        os.chmod(tmp, 0o711)
        r = accounts("useradd", "--no-create-home", "--shell", "/usr/sbin/nologin",
                     "--user-group", user)
        created = r.returncode == 0
        if not created:
            print("Bail out! cannot create the user %s: %s" % (user, r.stderr))
            return 1
        run(t, src, build, vctld, tmp, procs, user)
    finally:
        procs.stop_all()
        kill_guests(tmp)
        if created:
            accounts("userdel", user)
        L.rm_tmp(tmp)
    t.done()


def kill_guests(tmp):
    """QEMUs whose status file lies under tmp and whose command line names
    it: vctld leaves guests running by design."""
    for root, _, files in os.walk(tmp):
        for f in files:
            if not (f.endswith(".xml") and root.endswith("/run/vctl/qemu")):
                continue
            try:
                m = re.search(r"<domstatus .* pid='(\d+)'", open(os.path.join(root, f)).read())
                pid = int(m.group(1)) if m else 0
                if pid and tmp in open("/proc/%d/cmdline" % pid).read().replace("\0", " "):
                    os.kill(pid, 9)
            except (OSError, ValueError):
                pass


def run(t, src, build, vctld, tmp, procs, user):
    pub = os.path.join(tmp, "bus")
    os.mkdir(pub, 0o755)
    address = L.start_bus(procs, pub, "system-bus", L.SYSTEM_CONF,
                          policy=os.path.join(src, "daemon", "dbus", "org.vctl.conf"))
    root = os.path.join(tmp, "root")
    os.mkdir(root)
    env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=address)
    for k in ("VCTL_DEFAULT_URI", "LIBVIRT_DEFAULT_URI", "DBUS_SESSION_BUS_ADDRESS"):
        env.pop(k, None)
    log = os.path.join(tmp, "vctld.log")
    procs.start([vctld, "--system", "--root", root, "--verbose"], log, env=env)
    bus = L.connect(address)
    if not L.wait_for(lambda: L.has_owner(bus, NAME), L.TIMEOUT):
        print("Bail out! vctld did not own %s on the system bus within %d s" % (NAME, L.TIMEOUT))
        t.diag(open(log).read())
        return
    t.ok(True, "vctld --system (root) owns org.vctl on a system bus with vctl's policy")
    sig = L.Signals(bus, NAME)
    conn = iface(bus, QEMU, "org.vctl.Connect")
    t.eq([str(p) for p in conn.ListDomains(0)], [], "/org/vctl/QEMU serves qemu:///system: empty")

    # ---- a user that is not root: reads, is refused changes, cannot own the name ----
    test_path = L.uuid_path(TEST, "6695eb01-f6a4-8304-79aa-97f2502e193f")

    def gd(path, method, *args):
        return as_user(user, ["gdbus", "call", "--address", address, "--dest", NAME,
                              "--object-path", path, "--method", method] + list(args))

    r = gd(TEST, "org.vctl.Connect.ListDomains", "0")
    t.ok(r.returncode == 0 and test_path.split("/")[-1] in r.stdout,
         "user %s may list domains (as on the read-only socket)" % user, r.stdout + r.stderr)
    r = gd(test_path, "org.vctl.Domain.GetState", "0")
    t.eq(r.stdout.strip(), "((1, 1),)", "... and read a domain's state")
    r = gd(test_path, "org.vctl.Domain.Destroy", "0")
    t.ok(r.returncode != 0 and "org.vctl.Error.AccessDenied" in r.stderr and "Destroy" in r.stderr,
         "... but Destroy is refused with org.vctl.Error.AccessDenied", r.stdout + r.stderr)
    r = gd(test_path, "org.freedesktop.DBus.Properties.Set", "org.vctl.Domain", "Autostart",
           "<true>")
    t.ok(r.returncode != 0 and "org.vctl.Error.AccessDenied" in r.stderr,
         "... and so is setting Autostart", r.stdout + r.stderr)
    r = gd(QEMU, "org.vctl.Connect.DomainDefineXML", "<domain/>")
    t.ok(r.returncode != 0 and "org.vctl.Error.AccessDenied" in r.stderr,
         "... and DomainDefineXML", r.stdout + r.stderr)
    state = iface(bus, test_path, "org.vctl.Domain").GetState(0)
    t.eq(int(state[0]), RUNNING, "the domain still runs")
    r = as_user(user, ["gdbus", "call", "--address", address, "--dest", "org.freedesktop.DBus",
                       "--object-path", "/org/freedesktop/DBus", "--method",
                       "org.freedesktop.DBus.RequestName", NAME, "4"])
    t.ok(r.returncode != 0 and "AccessDenied" in r.stderr,
         "the bus's policy (org.vctl.conf) keeps a user from owning org.vctl",
         r.stdout + r.stderr)

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
