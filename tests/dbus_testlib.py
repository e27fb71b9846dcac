"""Shared by the D-Bus tests: TAP output, a private dbus-daemon, a vctld
pointed at it, signal collection and bounded waits. Every process started
here is ended by pid; every wait has a deadline."""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

# python3-dbus and python3-gi live in Debian's python; a python3 of its own
# (pyenv, venv) first in PATH does not see them
try:
    import dbus
    import dbus.mainloop.glib
    from gi.repository import GLib
except ImportError:
    if os.path.exists("/usr/bin/python3") and \
            os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3") and \
            not os.environ.get("VCTL_DBUS_TEST_REEXEC"):
        os.environ["VCTL_DBUS_TEST_REEXEC"] = "1"
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    print("1..0 # SKIP python3-dbus and python3-gi are not installed "
          "(Debian: python3-dbus python3-gi)")
    sys.exit(0)

TIMEOUT = 30
BOOT_TIMEOUT = 180  # a TCG guest while other tests load the machine

SESSION_CONF = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=%(socket)s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""

# Debian's system.conf, less what touches the host (no servicehelper, no
# system.d of the host), with vctl's own policy file included.
SYSTEM_CONF = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=%(socket)s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus" />
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus.Properties"/>
    <deny send_destination="org.freedesktop.DBus"
          send_interface="org.freedesktop.DBus"
          send_member="UpdateActivationEnvironment"/>
    <deny send_destination="org.freedesktop.DBus"
          send_interface="org.freedesktop.systemd1.Activator"/>
  </policy>
  <policy user="root">
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.systemd1.Activator"/>
  </policy>
  %(extra)s
  <include>%(policy)s</include>
</busconfig>
"""


POLKITD = os.environ.get("POLKITD", "/usr/lib/polkit-1/polkitd")

# what Debian's org.freedesktop.PolicyKit1.conf lets polkitd do on a system bus
POLKIT_BUS_POLICY = """<policy user="polkitd">
    <allow own="org.freedesktop.PolicyKit1"/>
    <allow send_interface="org.freedesktop.PolicyKit1.AuthenticationAgent"/>
  </policy>
  <policy context="default">
    <allow send_destination="org.freedesktop.PolicyKit1"/>
  </policy>"""


def start_polkitd(procs, tmp, bus, address, actions, rules):
    """Debian's polkitd on our bus (DBUS_SYSTEM_BUS_ADDRESS in its
    environment), in a mount namespace where test-owned directories hide
    the host's actions and rules: it sees only the given policy file and
    rules text. Returns its Popen, or raises when it does not answer."""
    pk = os.path.join(tmp, "polkit")
    for d in ("actions", "rules", "empty"):
        os.makedirs(os.path.join(pk, d), exist_ok=True)
    shutil.copy(actions, os.path.join(pk, "actions"))
    with open(os.path.join(pk, "rules", "50-vctl-dbus-test.rules"), "w") as f:
        f.write(rules)
    # polkitd drops to its own user: it must read what we give it
    for root, dirnames, files in os.walk(pk):
        os.chmod(root, 0o755)
        for f in files:
            os.chmod(os.path.join(root, f), 0o644)
    script = ('mount --bind "$1/actions" /usr/share/polkit-1/actions && '
              'mount --bind "$1/empty" /usr/share/polkit-1/rules.d && '
              'mount --bind "$1/rules" /etc/polkit-1/rules.d && exec "$2" --no-debug')
    # unshare execs sh, which execs polkitd: the pid is polkitd's
    p = procs.start(["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", pk,
                     POLKITD], os.path.join(tmp, "polkitd.log"),
                    env=dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=address))
    if not wait_for(lambda: has_owner(bus, "org.freedesktop.PolicyKit1"), 20):
        raise RuntimeError("polkitd did not own org.freedesktop.PolicyKit1 within 20 s:\n%s"
                           % open(os.path.join(tmp, "polkitd.log")).read())
    return p


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = False

    def ok(self, cond, desc, diag=None):
        self.n += 1
        print("%s %d - %s" % ("ok" if cond else "not ok", self.n, desc), flush=True)
        if not cond:
            self.failed = True
            if diag is not None:
                for line in str(diag).splitlines():
                    print("# " + line, flush=True)
        return cond

    def eq(self, got, want, desc):
        return self.ok(got == want, desc, "expected: %r\n     got: %r" % (want, got))

    def skip(self, desc, why):
        self.n += 1
        print("ok %d # SKIP %s: %s" % (self.n, desc, why), flush=True)

    def diag(self, text):
        for line in str(text).splitlines():
            print("# " + line, flush=True)

    def done(self):
        print("1..%d" % self.n, flush=True)
        sys.exit(1 if self.failed else 0)


def dirs():
    here = os.path.dirname(os.path.abspath(__file__))
    src = os.environ.get("top_srcdir") or os.path.join(here, "..")
    build = os.environ.get("top_builddir") or os.path.join(src, "_build")
    return os.path.abspath(src), os.path.abspath(build)


class Procs:
    """Processes this test started, ended by pid at exit (or when asked)."""

    def __init__(self):
        self.procs = []

    def start(self, argv, log, **kw):
        f = open(log, "ab")
        p = subprocess.Popen(argv, stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             close_fds=True, **kw)
        f.close()
        self.procs.append(p)
        return p

    def stop(self, p, sig=signal.SIGTERM, timeout=TIMEOUT):
        if p.poll() is None:
            try:
                p.send_signal(sig)
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(5)
        if p in self.procs:
            self.procs.remove(p)
        return p.returncode

    def stop_all(self):
        for p in reversed(list(self.procs)):
            self.stop(p, timeout=10)


def start_bus(procs, tmp, name, conf_template, **subst):
    """A private dbus-daemon listening on tmp/name.sock; its address."""
    sock = os.path.join(tmp, name + ".sock")
    conf = os.path.join(tmp, name + ".conf")
    with open(conf, "w") as f:
        f.write(conf_template % dict(subst, socket=sock, extra=subst.get("extra", "")))
    procs.start(["dbus-daemon", "--nofork", "--nopidfile", "--config-file=" + conf],
                os.path.join(tmp, name + ".log"))
    if not wait_for(lambda: os.path.exists(sock), 10):
        raise RuntimeError("dbus-daemon did not create %s within 10 s:\n%s"
                           % (sock, open(os.path.join(tmp, name + ".log")).read()))
    return "unix:path=" + sock


def wait_for(fn, timeout, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(step)
    return fn()


def connect(address):
    """A dbus-python connection on a GLib main loop (for signals)."""
    return dbus.bus.BusConnection(address, mainloop=dbus.mainloop.glib.DBusGMainLoop())


def has_owner(bus, name):
    return bool(bus.name_has_owner(name))


def pump(timeout, until=None):
    """Runs the GLib main loop until until() is true or timeout passes."""
    ctx = GLib.MainContext.default()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        while ctx.pending():
            ctx.iteration(False)
        if until and until():
            return True
        time.sleep(0.02)
    while ctx.pending():
        ctx.iteration(False)
    return bool(until and until())


class Signals:
    """Records DomainEvent and PropertiesChanged of a vctld."""

    def __init__(self, bus, name):
        self.events = []  # (path, event, detail)
        self.changes = []  # (path, {prop: value})
        bus.add_signal_receiver(self._event, "DomainEvent", "org.vctl.Connect", name,
                                path_keyword="src")
        bus.add_signal_receiver(self._changed, "PropertiesChanged",
                                "org.freedesktop.DBus.Properties", name, path_keyword="src")

    def _event(self, dom, event, detail, src=None):
        self.events.append((str(dom), int(event), int(detail)))

    def _changed(self, iface, changed, invalidated, src=None):
        if iface.startswith("org.vctl."):
            self.changes.append((str(src), {str(k): v for k, v in changed.items()}))

    def wait_event(self, dom, event, timeout=TIMEOUT):
        return pump(timeout, lambda: any(e[0] == dom and e[1] == event for e in self.events))

    def wait_change(self, dom, prop, value, timeout=TIMEOUT):
        return pump(timeout, lambda: any(c[0] == dom and prop in c[1] and c[1][prop] == value
                                         for c in self.changes))

    def clear(self):
        self.events.clear()
        self.changes.clear()


def dbus_error(fn, *args, **kw):
    """(name, message) of the D-Bus error fn raises, or (None, result)."""
    try:
        return None, fn(*args, **kw)
    except dbus.exceptions.DBusException as e:
        return e.get_dbus_name(), e.get_dbus_message()


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


def make_tmp():
    return tempfile.mkdtemp(prefix="vctl-test.", dir=os.environ.get("TMPDIR", "/tmp"))


def rm_tmp(tmp):
    shutil.rmtree(tmp, ignore_errors=True)


def uuid_path(conn_path, uuid):
    return "%s/domain/_%s" % (conn_path, uuid.replace("-", "_"))
