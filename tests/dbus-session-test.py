#!/usr/bin/env python3
"""vctld's D-Bus service on a private session bus (TAP).

A dbus-daemon with a session configuration and a vctld --session in a
private XDG world, reached with python3-dbus, gdbus and busctl: the name is
owned, introspection matches the installed interface files, test:///default
and qemu:///session domains are listed, defined, looked up, started,
suspended, resumed, destroyed and undefined; DomainEvent and
PropertiesChanged arrive for each step; Autostart is set through the
property (and vctl sees it over the socket); errors carry org.vctl.Error.*
names and messages naming the object. test:///default's networks and
storage pools likewise (NetworkEvent; the pools' PropertiesChanged). vctld keeps serving its socket when
the bus is unreachable or dbus = no, and releases the name when it stops.
The bus starts a session vctld from the installed activation file, and
D-Bus calls keep it from its idle exit.
"""

import os
import subprocess
import xml.etree.ElementTree as ET

import dbus_testlib as L
from dbus_testlib import dbus

NAME = "org.vctl"
TEST = "/org/vctl/Test"
QEMU = "/org/vctl/QEMU"
EV_DEFINED, EV_UNDEFINED, EV_STARTED, EV_SUSPENDED, EV_RESUMED, EV_STOPPED = 0, 1, 2, 3, 4, 5
RUNNING, PAUSED, SHUTOFF = 1, 3, 5
NO_ID = 4294967295

DOM_XML = """<domain type='test'>
  <name>dbus1</name>
  <uuid>4dea22b3-1d52-d8f3-2516-782e98ab3fa0</uuid>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
</domain>
"""
DOM_UUID = "4dea22b3-1d52-d8f3-2516-782e98ab3fa0"

QEMU_XML = """<domain type='qemu'>
  <name>dbusq</name>
  <uuid>8f1c2f0e-5a3b-4c1d-9e2f-0a1b2c3d4e5f</uuid>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
</domain>
"""
QEMU_UUID = "8f1c2f0e-5a3b-4c1d-9e2f-0a1b2c3d4e5f"

IDLE_XML = """<domain type='qemu'>
  <name>dbusidle</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
</domain>
"""

NET_XML = """<network>
  <name>dbusnet</name>
  <uuid>0b7c3a52-4f6e-4d1a-8c2b-9e0f1a2b3c4d</uuid>
  <bridge name='vctltdbus0'/>
  <ip address='192.0.2.1' netmask='255.255.255.0'/>
</network>
"""
NET_UUID = "0b7c3a52-4f6e-4d1a-8c2b-9e0f1a2b3c4d"

POOL_XML = """<pool type='dir'>
  <name>dbuspool</name>
  <uuid>5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9</uuid>
  <target><path>%s</path></target>
</pool>
"""
POOL_UUID = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"

VOL_XML = """<volume>
  <name>dbusvol.img</name>
  <capacity unit='MiB'>10</capacity>
  <target><format type='raw'/></target>
</volume>
"""


def iface(bus, path, name):
    return dbus.Interface(bus.get_object(NAME, path), name)


def props(bus, path):
    return iface(bus, path, "org.freedesktop.DBus.Properties")


def interface_shape(xml_text, name):
    """{member: signature} of an interface in introspection XML."""
    root = ET.fromstring(xml_text)
    for i in root.iter("interface"):
        if i.get("name") != name:
            continue
        shape = {}
        for m in i:
            if m.tag in ("method", "signal"):
                shape[m.tag + " " + m.get("name")] = tuple(
                    (a.get("direction", "out" if m.tag == "signal" else "in"), a.get("type"))
                    for a in m.findall("arg"))
            elif m.tag == "property":
                shape["property " + m.get("name")] = (m.get("type"), m.get("access"))
        return shape
    return None


def main():
    src, build = L.dirs()
    vctld = os.path.join(build, "daemon", "vctld")
    vctl = os.path.join(build, "tools", "vctl", "vctl")
    if not os.access(vctld, os.X_OK):
        print("Bail out! %s is not built" % vctld)
        return 1
    for tool in ("dbus-daemon", "gdbus"):
        if not L.shutil.which(tool):
            print("1..0 # SKIP %s is not installed (Debian: dbus-daemon, libglib2.0-bin)" % tool)
            return 0
    t = L.Tap()
    tmp = L.make_tmp()
    procs = L.Procs()
    activated = []
    try:
        run(t, src, vctld, vctl, tmp, procs)
        activation(t, src, vctld, tmp, procs, activated)
    finally:
        for pid in activated:
            try:
                os.kill(pid, L.signal.SIGTERM)
            except OSError:
                pass
        procs.stop_all()
        L.kill_guests(tmp)
        L.rm_tmp(tmp)
    t.done()


def activation(t, src, vctld, tmp, procs, activated):
    """daemon/dbus/org.vctl.session.service.in, with the build's vctld and a
    2 s idle timeout, in the servicedir of a bus of our own."""
    with open(os.path.join(src, "daemon", "dbus", "org.vctl.session.service.in")) as f:
        template = f.read()
    ok = "Exec=@sbindir@/vctld --session --timeout 120" in template
    if not t.ok(ok, "the session activation file starts vctld --session with an idle timeout",
                template):
        return
    services = os.path.join(tmp, "services")
    os.makedirs(services)
    with open(os.path.join(services, "org.vctl.service"), "w") as f:
        f.write(template.replace("@sbindir@/vctld", vctld).replace("--timeout 120",
                                                                     "--timeout 2"))
    env = session_env(os.path.join(tmp, "act"), "")
    env.pop("DBUS_SESSION_BUS_ADDRESS")
    conf = L.SESSION_CONF.replace("<auth>EXTERNAL</auth>",
                                  "<auth>EXTERNAL</auth>\n  <servicedir>%s</servicedir>" % services)
    os.makedirs(os.path.join(tmp, "act"), exist_ok=True)
    procs_env = dict(env)
    address = start_bus_env(procs, tmp, "act-bus", conf, procs_env)
    bus = L.connect(address)
    t.ok(not L.has_owner(bus, NAME), "nobody owns org.vctl on the new bus")
    conn = dbus.Interface(bus.get_object(NAME, TEST), "org.vctl.Connect")
    name, doms = L.dbus_error(conn.ListDomains, 0, timeout=60)
    t.ok(name is None and len(doms) == 1, "a call to org.vctl starts vctld through the bus",
         "%s: %s" % (name, doms))
    if name is not None:
        return
    pid = int(bus.get_object("org.freedesktop.DBus", "/org/freedesktop/DBus").
              GetConnectionUnixProcessID(NAME, dbus_interface="org.freedesktop.DBus"))
    activated.append(pid)
    for _ in range(6):  # 6 s: three idle periods
        conn.ListDomains(0)
        L.time.sleep(1)
    t.ok(L.has_owner(bus, NAME), "calls every second keep it past its 2 s idle timeout")
    # a running guest keeps it too: QEMU with no boot device idles in its BIOS
    if L.shutil.which("qemu-system-x86_64"):
        qconn = dbus.Interface(bus.get_object(NAME, QEMU), "org.vctl.Connect")
        gpath = qconn.DomainCreateXML(IDLE_XML, 0, timeout=120)
        L.time.sleep(7)
        t.ok(L.has_owner(bus, NAME), "a running guest keeps it past its idle timeout")
        dbus.Interface(bus.get_object(NAME, gpath), "org.vctl.Domain").Destroy(0, timeout=60)
    else:
        t.skip("a running guest keeps vctld", "qemu-system-x86_64 is not installed")
    t.ok(L.wait_for(lambda: not L.has_owner(bus, NAME), 15),
         "without calls and guests it exits when idle")


def start_bus_env(procs, tmp, name, conf_text, env):
    """A private dbus-daemon with conf_text (its %(socket)s filled in) and
    env for the services it starts; its address."""
    sock = os.path.join(tmp, name + ".sock")
    conf = os.path.join(tmp, name + ".conf")
    with open(conf, "w") as f:
        f.write(conf_text % {"socket": sock})
    procs.start(["dbus-daemon", "--nofork", "--nopidfile", "--config-file=" + conf],
                os.path.join(tmp, name + ".log"), env=env)
    if not L.wait_for(lambda: os.path.exists(sock), 10):
        raise RuntimeError("dbus-daemon did not create %s within 10 s" % sock)
    return "unix:path=" + sock


def session_env(tmp, address):
    home = os.path.join(tmp, "home")
    run_dir = os.path.join(home, "run")
    os.makedirs(run_dir, mode=0o700, exist_ok=True)
    env = dict(os.environ)
    for k in ("VCTL_DEFAULT_URI", "LIBVIRT_DEFAULT_URI", "DBUS_SYSTEM_BUS_ADDRESS"):
        env.pop(k, None)
    env.update(HOME=home, XDG_RUNTIME_DIR=run_dir, XDG_CONFIG_HOME=os.path.join(home, "config"),
               XDG_DATA_HOME=os.path.join(home, "data"), XDG_CACHE_HOME=os.path.join(home, "cache"),
               DBUS_SESSION_BUS_ADDRESS=address)
    return env


def run(t, src, vctld, vctl, tmp, procs):
    address = L.start_bus(procs, tmp, "session-bus", L.SESSION_CONF)
    env = session_env(tmp, address)
    sock = os.path.join(env["XDG_RUNTIME_DIR"], "vctl", "vctld-sock")
    log = os.path.join(tmp, "vctld.log")
    daemon = procs.start([vctld, "--session", "--verbose"], log, env=env)
    bus = L.connect(address)
    if not L.wait_for(lambda: L.has_owner(bus, NAME), L.TIMEOUT):
        print("Bail out! vctld did not own %s within %d s" % (NAME, L.TIMEOUT))
        t.diag(open(log).read())
        return
    t.ok(True, "vctld --session owns org.vctl on the session bus")
    sig = L.Signals(bus, NAME)

    def V(*args):
        return subprocess.run([vctl, "-c", "test+unix:///default?socket=" + sock] + list(args),
                              env=env, capture_output=True, text=True, timeout=L.TIMEOUT)

    def VQ(*args):
        return subprocess.run([vctl, "-c", "qemu+unix:///session?socket=" + sock] + list(args),
                              env=env, capture_output=True, text=True, timeout=L.TIMEOUT)

    # ---- introspection is the installed interface files ----
    for name, path in (("org.vctl.Connect", TEST),
                       ("org.vctl.Domain", L.uuid_path(TEST, "6695eb01-f6a4-8304-79aa-97f2502e193f"))):
        live = iface(bus, path, "org.freedesktop.DBus.Introspectable").Introspect()
        with open(os.path.join(src, "daemon", "dbus", name + ".xml")) as f:
            installed = f.read()
        t.ok(interface_shape(live, name) == interface_shape(installed, name)
             and interface_shape(live, name),
             "%s served at %s is daemon/dbus/%s.xml" % (name, path, name),
             "live: %r\nfile: %r" % (interface_shape(live, name), interface_shape(installed, name)))

    # ---- Connect: properties, listing, lookups ----
    conn = iface(bus, TEST, "org.vctl.Connect")
    allp = props(bus, TEST).GetAll("org.vctl.Connect")
    t.ok(str(allp["Hostname"]) == os.uname().nodename and int(allp["LibVersion"]) > 0
         and int(allp["Version"]) > 0, "Connect properties Hostname, LibVersion, Version",
         repr(allp))
    qemu_ver = int(props(bus, QEMU).Get("org.vctl.Connect", "Version"))
    t.ok(qemu_ver >= 6000000, "/org/vctl/QEMU's Version is QEMU's (%d)" % qemu_ver)
    test_path = L.uuid_path(TEST, "6695eb01-f6a4-8304-79aa-97f2502e193f")
    t.eq([str(p) for p in conn.ListDomains(0)], [test_path],
         "ListDomains lists test:///default's domain 'test' by UUID path")
    t.eq(str(conn.DomainLookupByName("test")), test_path, "DomainLookupByName")
    t.eq(str(conn.DomainLookupByUUID("6695eb01-f6a4-8304-79aa-97f2502e193f")), test_path,
         "DomainLookupByUUID")
    t.eq(str(conn.DomainLookupByID(1)), test_path, "DomainLookupByID")
    t.eq([str(p) for p in conn.ListDomains(2)], [], "ListDomains(INACTIVE) lists nothing")
    d = props(bus, test_path).GetAll("org.vctl.Domain")
    t.eq({k: (str(v) if isinstance(v, dbus.String) else int(v)) for k, v in d.items()},
         {"Active": 1, "Autostart": 0, "Id": 1, "Name": "test", "Persistent": 1, "State": RUNNING,
          "UUID": "6695eb01-f6a4-8304-79aa-97f2502e193f"}, "GetAll of domain 'test'")

    # ---- busctl and gdbus see the same ----
    if L.shutil.which("busctl"):
        out = subprocess.run(["busctl", "--address=" + address, "tree", NAME],
                             capture_output=True, text=True, timeout=L.TIMEOUT)
        t.ok(test_path in out.stdout, "busctl tree shows the domain object", out.stdout + out.stderr)
        out = subprocess.run(["busctl", "--address=" + address, "get-property", NAME, test_path,
                              "org.vctl.Domain", "Name"],
                             capture_output=True, text=True, timeout=L.TIMEOUT)
        t.eq(out.stdout.strip(), 's "test"', "busctl get-property Name")
    else:
        t.skip("busctl tree", "busctl (Debian: systemd) is not installed")
        t.skip("busctl get-property", "busctl (Debian: systemd) is not installed")
    out = subprocess.run(["gdbus", "call", "--address", address, "--dest", NAME, "--object-path",
                          test_path, "--method", "org.vctl.Domain.GetState", "0"],
                         capture_output=True, text=True, timeout=L.TIMEOUT)
    t.eq(out.stdout.strip(), "((1, 1),)", "gdbus call GetState: running, booted")

    # ---- define, start, suspend, resume, destroy, undefine; events ----
    path = L.uuid_path(TEST, DOM_UUID)
    t.eq(str(conn.DomainDefineXML(DOM_XML)), path, "DomainDefineXML returns the UUID path")
    t.ok(sig.wait_event(path, EV_DEFINED), "DomainEvent DEFINED", repr(sig.events))
    t.ok("dbus1" in V("list", "--all", "--name").stdout,
         "the socket's clients see the domain defined over D-Bus")
    dom = iface(bus, path, "org.vctl.Domain")
    t.eq(tuple(int(x) for x in dom.GetState(0)), (SHUTOFF, 0), "GetState of the new domain")
    t.ok("<name>dbus1</name>" in dom.GetXMLDesc(0), "GetXMLDesc")
    sig.clear()
    dom.Create(0)
    t.ok(sig.wait_event(path, EV_STARTED), "Create: DomainEvent STARTED", repr(sig.events))
    t.ok(sig.wait_change(path, "Active", True) and sig.wait_change(path, "State", RUNNING),
         "Create: PropertiesChanged Active true, State running", repr(sig.changes))
    dom_id = int(props(bus, path).Get("org.vctl.Domain", "Id"))
    t.ok(0 < dom_id < NO_ID and sig.wait_change(path, "Id", dom_id),
         "Id property and PropertiesChanged agree (%d)" % dom_id, repr(sig.changes))
    dom.Suspend()
    t.ok(sig.wait_event(path, EV_SUSPENDED) and sig.wait_change(path, "State", PAUSED),
         "Suspend: SUSPENDED event, State paused", repr(sig.events))
    dom.Resume()
    t.ok(sig.wait_event(path, EV_RESUMED) and
         L.pump(5, lambda: sig.changes and sig.changes[-1][1].get("State") == RUNNING),
         "Resume: RESUMED event, State running", repr(sig.events))
    sig.clear()
    dom.Destroy(0)
    t.ok(sig.wait_event(path, EV_STOPPED), "Destroy: DomainEvent STOPPED", repr(sig.events))
    t.ok(sig.wait_change(path, "Active", False) and sig.wait_change(path, "Id", NO_ID),
         "Destroy: PropertiesChanged Active false, Id none", repr(sig.changes))
    t.eq(V("domstate", "dbus1").stdout.strip(), "shut off", "vctl agrees: shut off")

    # ---- Autostart through the property ----
    sig.clear()
    props(bus, path).Set("org.vctl.Domain", "Autostart", dbus.Boolean(True))
    t.ok(sig.wait_change(path, "Autostart", True), "Set Autostart: PropertiesChanged",
         repr(sig.changes))
    t.eq(bool(props(bus, path).Get("org.vctl.Domain", "Autostart")), True,
         "Autostart reads back true")
    t.ok("enable" in V("dominfo", "dbus1").stdout, "vctl dominfo shows autostart enabled")

    # ---- errors: org.vctl.Error.<Kind> and a message naming the object ----
    name, msg = L.dbus_error(conn.DomainLookupByName, "nosuchdom")
    t.ok(name == "org.vctl.Error.NoDomain" and "nosuchdom" in msg,
         "lookup of a missing domain: NoDomain naming it", "%s: %s" % (name, msg))
    name, msg = L.dbus_error(conn.DomainLookupByUUID, "not-a-uuid")
    t.ok(name == "org.vctl.Error.InvalidArg" and "not-a-uuid" in msg,
         "a bad UUID: InvalidArg naming it", "%s: %s" % (name, msg))
    name, msg = L.dbus_error(conn.DomainDefineXML, "<domain type='test'><name>x</name>")
    t.ok(name is not None and name.startswith("org.vctl.Error.XML") and msg,
         "broken XML: org.vctl.Error.XML*", "%s: %s" % (name, msg))
    name, msg = L.dbus_error(conn.DomainDefineXML,
                             DOM_XML.replace("<vcpu>", "<bogus/><vcpu>"))
    t.ok(name is not None and name.startswith("org.vctl.Error.") and "bogus" in msg,
         "an unknown element: the error names it", "%s: %s" % (name, msg))
    name, msg = L.dbus_error(iface(bus, test_path, "org.vctl.Domain").Create, 0)
    t.ok(name == "org.vctl.Error.OperationInvalid" and "test" in msg,
         "starting a running domain: OperationInvalid", "%s: %s" % (name, msg))
    gone = L.uuid_path(TEST, "00000000-0000-0000-0000-00000000abcd")
    name, msg = L.dbus_error(iface(bus, gone, "org.vctl.Domain").GetState, 0)
    t.ok(name == "org.vctl.Error.NoDomain" and "00000000-0000-0000-0000-00000000abcd" in msg,
         "a domain path without a domain: NoDomain naming the UUID", "%s: %s" % (name, msg))
    name, msg = L.dbus_error(props(bus, path).Set, "org.vctl.Domain", "Name", "other")
    t.ok(name is not None and "Name" in msg, "Name cannot be set", "%s: %s" % (name, msg))
    name, msg = L.dbus_error(props(bus, path).Set, "org.vctl.Domain", "Autostart", "yes")
    t.ok(name is not None, "Autostart must be a boolean", "%s: %s" % (name, msg))
    name, msg = L.dbus_error(dom.GetState, 7)
    t.ok(name == "org.vctl.Error.InvalidArg" and "dbus1" in msg,
         "GetState with unknown flags: InvalidArg", "%s: %s" % (name, msg))
    name, msg = L.dbus_error(conn.DomainDefineXML, "<" + "a" * (17 * 1024 * 1024) + "/>")
    t.ok(name is not None and ("too large" in msg or "LimitsExceeded" in name),
         "17 MiB of XML is refused", "%s: %s" % (name, msg[:200]))
    t.ok(daemon.poll() is None, "vctld still runs after the bad calls")

    sig.clear()
    dom.Undefine(0)
    t.ok(sig.wait_event(path, EV_UNDEFINED), "Undefine: DomainEvent UNDEFINED", repr(sig.events))
    t.eq([str(p) for p in conn.ListDomains(0)], [test_path], "only 'test' is left")

    # ---- transient domains: DomainCreateXML ----
    sig.clear()
    tpath = conn.DomainCreateXML(DOM_XML.replace("dbus1", "dbust"), 0)
    t.ok(sig.wait_event(str(tpath), EV_STARTED), "DomainCreateXML starts a transient domain")
    t.eq(bool(props(bus, tpath).Get("org.vctl.Domain", "Persistent")), False,
         "it is not persistent")
    iface(bus, tpath, "org.vctl.Domain").Destroy(0)
    t.ok(sig.wait_change(str(tpath), "Active", False), "destroyed, it is gone: Active false")
    name, _ = L.dbus_error(props(bus, tpath).Get, "org.vctl.Domain", "Name")
    t.eq(name, "org.vctl.Error.NoDomain", "its object answers NoDomain")

    # ---- networks (test:///default, in memory) ----
    net_default = L.uuid_path(TEST, "dd8fe884-6c02-601e-7551-cca97df1c5df").replace(
        "/domain/", "/network/")
    t.eq([str(p) for p in conn.ListNetworks(0)], [net_default],
         "ListNetworks lists the test driver's 'default' network")
    t.eq(str(conn.NetworkLookupByName("default")), net_default, "NetworkLookupByName")
    t.eq(str(conn.NetworkLookupByUUID("dd8fe884-6c02-601e-7551-cca97df1c5df")), net_default,
         "NetworkLookupByUUID")
    n = props(bus, net_default).GetAll("org.vctl.Network")
    t.eq({k: (str(v) if isinstance(v, dbus.String) else int(v)) for k, v in n.items()},
         {"Active": 1, "Autostart": 0, "BridgeName": "virbr0", "Name": "default",
          "Persistent": 1, "UUID": "dd8fe884-6c02-601e-7551-cca97df1c5df"},
         "GetAll of network 'default'")
    sig.nets = []
    bus.add_signal_receiver(lambda o, e: sig.nets.append((str(o), int(e))), "NetworkEvent",
                            "org.vctl.Connect", NAME)
    npath = str(conn.NetworkDefineXML(NET_XML))
    t.eq(npath, L.uuid_path(TEST, NET_UUID).replace("/domain/", "/network/"),
         "NetworkDefineXML returns the UUID path")
    t.ok(L.pump(L.TIMEOUT, lambda: (npath, 0) in sig.nets), "NetworkEvent DEFINED",
         repr(sig.nets))
    net = iface(bus, npath, "org.vctl.Network")
    sig.clear()
    net.Create()
    t.ok(L.pump(L.TIMEOUT, lambda: (npath, 2) in sig.nets) and
         sig.wait_change(npath, "Active", True),
         "Create: NetworkEvent STARTED and PropertiesChanged Active true",
         repr(sig.nets) + repr(sig.changes))
    t.ok("<name>dbusnet</name>" in net.GetXMLDesc(0), "Network GetXMLDesc")
    props(bus, npath).Set("org.vctl.Network", "Autostart", dbus.Boolean(True))
    t.ok(sig.wait_change(npath, "Autostart", True) and
         bool(props(bus, npath).Get("org.vctl.Network", "Autostart")),
         "Network Autostart set through the property")
    net.Destroy()
    t.ok(L.pump(L.TIMEOUT, lambda: (npath, 3) in sig.nets) and
         sig.wait_change(npath, "Active", False),
         "Destroy: NetworkEvent STOPPED and PropertiesChanged Active false", repr(sig.nets))
    net.Undefine()
    t.ok(L.pump(L.TIMEOUT, lambda: (npath, 1) in sig.nets), "Undefine: NetworkEvent UNDEFINED")
    name, msg = L.dbus_error(conn.NetworkLookupByName, "nosuchnet")
    t.ok(name == "org.vctl.Error.NoNetwork" and "nosuchnet" in msg,
         "lookup of a missing network: NoNetwork naming it", "%s: %s" % (name, msg))
    name, msg = L.dbus_error(props(bus, net_default).Set, "org.vctl.Network", "BridgeName", "x")
    t.ok(name is not None and "BridgeName" in msg, "BridgeName cannot be set",
         "%s: %s" % (name, msg))

    # ---- storage pools (test:///default, in memory) ----
    pool_default = L.uuid_path(TEST, "dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566").replace(
        "/domain/", "/storagepool/")
    t.eq([str(p) for p in conn.ListStoragePools(0)], [pool_default],
         "ListStoragePools lists 'default-pool'")
    t.eq(str(conn.StoragePoolLookupByName("default-pool")), pool_default,
         "StoragePoolLookupByName")
    t.eq(str(conn.StoragePoolLookupByUUID("dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566")), pool_default,
         "StoragePoolLookupByUUID")
    info = iface(bus, pool_default, "org.vctl.StoragePool").GetInfo()
    t.ok(int(info[0]) == 2 and int(info[1]) == 100 << 30, "GetInfo: running, 100 GiB",
         repr(info))
    ppath = str(conn.StoragePoolDefineXML(POOL_XML % os.path.join(tmp, "dbuspool"), 0))
    t.eq(ppath, L.uuid_path(TEST, POOL_UUID).replace("/domain/", "/storagepool/"),
         "StoragePoolDefineXML returns the UUID path")
    pool = iface(bus, ppath, "org.vctl.StoragePool")
    t.eq(bool(props(bus, ppath).Get("org.vctl.StoragePool", "Active")), False,
         "the new pool is not active")
    sig.clear()
    pool.Create(0)
    t.ok(sig.wait_change(ppath, "Active", True) and
         bool(props(bus, ppath).Get("org.vctl.StoragePool", "Active")),
         "Create: Active true, and PropertiesChanged says so", repr(sig.changes))
    t.ok("<name>dbuspool</name>" in pool.GetXMLDesc(0), "StoragePool GetXMLDesc")
    pool.Refresh(0)
    props(bus, ppath).Set("org.vctl.StoragePool", "Autostart", dbus.Boolean(True))
    t.ok(sig.wait_change(ppath, "Autostart", True), "Pool Autostart set through the property")
    pool.Destroy()
    t.ok(sig.wait_change(ppath, "Active", False), "Destroy: PropertiesChanged Active false")
    pool.Undefine()
    t.eq([str(p) for p in conn.ListStoragePools(0)], [pool_default], "Undefine: it is gone")
    # volumes of the in-memory default-pool
    dpool = iface(bus, pool_default, "org.vctl.StoragePool")
    vpath = str(dpool.StorageVolCreateXML(VOL_XML, 0))
    key = str(props(bus, vpath).Get("org.vctl.StorageVol", "Key"))
    t.ok(vpath.startswith(TEST + "/storagevol/") and
         vpath == TEST + "/storagevol/" + "".join(
             c if c.isalnum() else "_%02x" % ord(c) for c in key),
         "StorageVolCreateXML: the path is the key, _XX-encoded", "%s for %s" % (vpath, key))
    t.ok(vpath in [str(p) for p in dpool.ListStorageVolumes(0)], "ListStorageVolumes lists it")
    t.eq(str(dpool.StorageVolLookupByName("dbusvol.img")), vpath, "StorageVolLookupByName")
    t.eq(str(conn.StorageVolLookupByKey(key)), vpath, "StorageVolLookupByKey")
    path_prop = str(props(bus, vpath).Get("org.vctl.StorageVol", "Path"))
    t.eq(str(conn.StorageVolLookupByPath(path_prop)), vpath, "StorageVolLookupByPath")
    vol = iface(bus, vpath, "org.vctl.StorageVol")
    t.eq(int(vol.GetInfo()[1]), 10 << 20, "GetInfo: 10 MiB")
    vol.Resize(dbus.UInt64(20 << 20), 0)
    t.eq(int(vol.GetInfo()[1]), 20 << 20, "Resize to 20 MiB")
    t.ok("<name>dbusvol.img</name>" in vol.GetXMLDesc(0), "StorageVol GetXMLDesc")
    vol.Delete(0)
    name, msg = L.dbus_error(vol.GetInfo)
    t.ok(name == "org.vctl.Error.NoStorageVol", "Delete: its object answers NoStorageVol",
         "%s: %s" % (name, msg))
    name, msg = L.dbus_error(iface(bus, TEST + "/storagevol/_zz", "org.vctl.StorageVol").GetInfo)
    t.ok(name is not None, "a node that is no encoding is refused", "%s: %s" % (name, msg))

    name, msg = L.dbus_error(conn.StoragePoolLookupByName, "nosuchpool")
    t.ok(name == "org.vctl.Error.NoStoragePool" and "nosuchpool" in msg,
         "lookup of a missing pool: NoStoragePool naming it", "%s: %s" % (name, msg))

    # ---- qemu:///session: definitions on disk ----
    qconn = iface(bus, QEMU, "org.vctl.Connect")
    qpath = L.uuid_path(QEMU, QEMU_UUID)
    t.eq(str(qconn.DomainDefineXML(QEMU_XML)), qpath, "qemu:///session: DomainDefineXML")
    cfg = os.path.join(env["XDG_CONFIG_HOME"], "vctl", "qemu", "dbusq.xml")
    t.ok(os.path.exists(cfg), "the definition is written to %s" % cfg.replace(tmp, "TMP"))
    props(bus, qpath).Set("org.vctl.Domain", "Autostart", dbus.Boolean(True))
    t.ok("enable" in VQ("dominfo", "dbusq").stdout,
         "Autostart set over D-Bus: vctl dominfo says enable")
    iface(bus, qpath, "org.vctl.Domain").Undefine(0)
    t.ok(not os.path.exists(cfg), "Undefine removes the definition")

    # ---- the bus goes, the name goes ----
    rc = procs.stop(daemon)
    t.eq(rc, 0, "vctld stops cleanly on SIGTERM")
    t.ok(L.wait_for(lambda: not L.has_owner(bus, NAME), 10), "org.vctl is released")

    # a configured name, and dbus = no
    conf = os.path.join(tmp, "named.conf")
    with open(conf, "w") as f:
        f.write('[vctld]\ndbus_name = "org.example.VirtTest"\n')
    daemon = procs.start([vctld, "--session", "--verbose", "--config", conf], log, env=env)
    t.ok(L.wait_for(lambda: L.has_owner(bus, "org.example.VirtTest"), L.TIMEOUT),
         "dbus_name = org.example.VirtTest is owned instead")
    # SIGHUP applies a new max_message_size to D-Bus calls too
    big = "<domain type='test'><name>big</name><description>%s</description></domain>" % (
        "x" * 70000)
    vconn = dbus.Interface(bus.get_object("org.example.VirtTest", TEST), "org.vctl.Connect")
    name, msg = L.dbus_error(vconn.DomainDefineXML, big)
    t.ok(name is not None and "too large" not in msg, "70 kB of XML passes the size limit",
         "%s: %s" % (name, msg[:300]))
    with open(conf, "a") as f:
        f.write("max_message_size = 65536\n")
    daemon.send_signal(L.signal.SIGHUP)
    t.ok(L.wait_for(lambda: "configuration reloaded" in open(log).read(), 10),
         "vctld reloads its configuration on SIGHUP")
    name, msg = L.dbus_error(vconn.DomainDefineXML, big)
    t.ok(name == "org.vctl.Error.InvalidArg" and "too large" in msg and "65536" in msg,
         "after SIGHUP with max_message_size = 65536 it is refused", "%s: %s" % (name, msg))
    procs.stop(daemon)
    with open(conf, "w") as f:
        f.write("[vctld]\ndbus = no\n")
    daemon = procs.start([vctld, "--session", "--config", conf], log, env=env)
    up = L.wait_for(lambda: os.path.exists(sock), L.TIMEOUT)
    t.ok(up and V("uri").returncode == 0 and not L.has_owner(bus, NAME),
         "dbus = no: the socket serves, the bus has no org.vctl")
    procs.stop(daemon)

    # no bus at all: logged, the socket serves
    env2 = dict(env, DBUS_SESSION_BUS_ADDRESS="unix:path=" + os.path.join(tmp, "nobus.sock"))
    log2 = os.path.join(tmp, "vctld-nobus.log")
    daemon = procs.start([vctld, "--session", "--verbose"], log2, env=env2)
    up = L.wait_for(lambda: os.path.exists(sock) and V("uri").returncode == 0, L.TIMEOUT)
    logged = L.wait_for(lambda: "cannot connect to the session bus" in open(log2).read(), 10)
    t.ok(up and logged and daemon.poll() is None,
         "an unreachable bus is logged and the socket serves", open(log2).read()[-2000:])
    procs.stop(daemon)


if __name__ == "__main__":
    raise SystemExit(main())
