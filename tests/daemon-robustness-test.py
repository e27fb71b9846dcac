#!/usr/bin/env python3
"""vctld under hostile and heavy clients, over raw sockets (TAP output).

Starts vctld --root TMP with a config of its own, then: 200 clients at once
against max_clients 120, garbage and truncated frames, a client that never
reads its replies (the daemon's RSS must stay bounded), unknown procedures,
the read-only socket refusing every mutating procedure, and keepalive in
both directions. The daemon must still serve at the end and exit 0 on
SIGTERM. Then two more daemons: one started the way systemd does (socket
activation, readiness notification) and one with a small max_message_size
where a client drowning in events it never reads gets dropped. Standard
library only; every wait is bounded.
"""

import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

REMOTE_PROGRAM = 0x20008086
KEEPALIVE_PROGRAM = 0x6B656570
CALL, REPLY, MESSAGE = 0, 1, 2
OK, ERROR = 0, 1

# libvirt's procedure numbers (lib/rpc/vctl_protocol.x)
P = dict(
    CONNECT_OPEN=1, CONNECT_CLOSE=2, CONNECT_GET_TYPE=3, CONNECT_GET_CAPABILITIES=7,
    DOMAIN_CREATE=9, DOMAIN_CREATE_XML=10, DOMAIN_DEFINE_XML=11, DOMAIN_DESTROY=12,
    DOMAIN_LOOKUP_BY_NAME=23, DOMAIN_REBOOT=27, DOMAIN_RESUME=28, DOMAIN_SET_AUTOSTART=29,
    DOMAIN_SHUTDOWN=33, DOMAIN_SUSPEND=34, DOMAIN_UNDEFINE=35, CONNECT_LIST_ALL_INTERFACES=284,
    CONNECT_SUPPORTS_FEATURE=60, AUTH_LIST=66, DOMAIN_IS_ACTIVE=150,
    DOMAIN_CREATE_WITH_FLAGS=196, DOMAIN_GET_STATE=212, DOMAIN_UNDEFINE_FLAGS=231,
    DOMAIN_DESTROY_FLAGS=234, DOMAIN_RESET=245, DOMAIN_SHUTDOWN_FLAGS=258,
    CONNECT_LIST_ALL_DOMAINS=273, DOMAIN_DEFINE_XML_FLAGS=350, DOMAIN_OPEN_CONSOLE=201,
)
MUTATING = ["DOMAIN_CREATE", "DOMAIN_CREATE_XML", "DOMAIN_DEFINE_XML", "DOMAIN_DESTROY",
            "DOMAIN_REBOOT", "DOMAIN_RESUME", "DOMAIN_SET_AUTOSTART", "DOMAIN_SHUTDOWN",
            "DOMAIN_SUSPEND", "DOMAIN_UNDEFINE", "DOMAIN_CREATE_WITH_FLAGS",
            "DOMAIN_UNDEFINE_FLAGS", "DOMAIN_DESTROY_FLAGS", "DOMAIN_RESET",
            "DOMAIN_SHUTDOWN_FLAGS", "DOMAIN_DEFINE_XML_FLAGS", "DOMAIN_OPEN_CONSOLE"]
ERR_NO_SUPPORT, ERR_OPERATION_DENIED = 3, 29
TIMEOUT = 10.0


# ---- XDR ----

def x_int(v):
    return struct.pack(">i", v)


def x_uint(v):
    return struct.pack(">I", v)


def x_string(s):
    b = s.encode()
    return x_uint(len(b)) + b + b"\0" * (-len(b) % 4)


def x_opt_string(s):
    return x_int(0) if s is None else x_int(1) + x_string(s)


def x_domain(name, uuid=b"\0" * 16, dom_id=-1):
    return x_string(name) + uuid + x_int(dom_id)


class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def int(self):
        v = struct.unpack_from(">i", self.data, self.pos)[0]
        self.pos += 4
        return v

    def string(self):
        n = struct.unpack_from(">I", self.data, self.pos)[0]
        s = self.data[self.pos + 4:self.pos + 4 + n].decode()
        self.pos += 4 + n + (-n % 4)
        return s

    def opt_string(self):
        return self.string() if self.int() else None


def frame(prog, proc, mtype, serial, status=OK, body=b"", vers=1):
    hdr = struct.pack(">IIiiIi", prog, vers, proc, mtype, serial, status)
    return struct.pack(">I", 4 + len(hdr) + len(body)) + hdr + body


class Closed(Exception):
    pass


class Client:
    def __init__(self, path, timeout=TIMEOUT):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.serial = 0
        self.buf = b""

    def close(self):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise Closed()
            self.buf += chunk

    def recv_msg(self):
        self._fill(4)
        (length,) = struct.unpack(">I", self.buf[:4])
        self._fill(length)
        data, self.buf = self.buf[:length], self.buf[length:]
        prog, vers, proc, mtype, serial, status = struct.unpack(">IIiiIi", data[4:28])
        return dict(prog=prog, proc=proc, type=mtype, serial=serial, status=status,
                    body=data[28:])

    def call_async(self, proc, body=b""):
        self.serial += 1
        self.send(frame(REMOTE_PROGRAM, proc, CALL, self.serial, body=body))
        return self.serial

    def wait_reply(self, serial):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            m = self.recv_msg()
            if m["prog"] == KEEPALIVE_PROGRAM and m["proc"] == 1:
                self.send(frame(KEEPALIVE_PROGRAM, 2, MESSAGE, 0))
                continue
            if m["type"] == REPLY and m["serial"] == serial:
                return m
        raise TimeoutError("no reply to serial %d" % serial)

    def call(self, proc, body=b""):
        return self.wait_reply(self.call_async(proc, body))

    def open(self, uri="test:///default"):
        m = self.call(P["CONNECT_OPEN"], x_opt_string(uri) + x_uint(0))
        if m["status"] != OK:
            raise RuntimeError("CONNECT_OPEN failed: %s" % (error_of(m),))
        return m


def error_of(m):
    r = Reader(m["body"])
    code, domain = r.int(), r.int()
    return code, r.opt_string()


def get_type(c):
    m = c.call(P["CONNECT_GET_TYPE"])
    return Reader(m["body"]).string() if m["status"] == OK else None


def is_closed(c, timeout=TIMEOUT):
    """True when the daemon closes c within timeout (any data is drained)."""
    c.sock.settimeout(timeout)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if not c.sock.recv(65536):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False
    return False


# ---- TAP ----

class Tap:
    def __init__(self):
        self.n = 0
        self.failed = False

    def ok(self, cond, desc, diag=None):
        self.n += 1
        print("%s %d - %s" % ("ok" if cond else "not ok", self.n, desc), flush=True)
        if not cond:
            self.failed = True
            if diag:
                for line in str(diag).splitlines():
                    print("# " + line)
        return cond

    def skip(self, reason):
        self.n += 1
        print("ok %d # SKIP %s" % (self.n, reason), flush=True)

    def done(self):
        print("1..%d" % self.n, flush=True)
        return 1 if self.failed else 0


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def socket_activation(t, vctld, tmp):
    """systemd's side of LISTEN_FDS and NOTIFY_SOCKET, by hand."""
    root = os.path.join(tmp, "activated")
    os.makedirs(root)
    paths = {name: os.path.join(tmp, name) for name in ("act-rw", "act-ro")}
    listeners = {}
    for name, path in paths.items():
        s_ = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s_.bind(path)
        s_.listen(16)
        listeners[name] = s_
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify_name = "vctld-test-%d" % os.getpid()
    notify.bind("\0" + notify_name)
    notify.settimeout(TIMEOUT)
    ro_fd, rw_fd = listeners["act-ro"].fileno(), listeners["act-rw"].fileno()

    def child_fds():
        # named in the "wrong" order: names, not positions, decide
        os.dup2(ro_fd, 3)
        os.dup2(rw_fd, 4)

    env = dict(os.environ, LISTEN_FDS="2", LISTEN_FDNAMES="vctld-ro.socket:vctld.socket",
               NOTIFY_SOCKET="@" + notify_name)
    log = open(os.path.join(tmp, "activated.log"), "w")
    proc = subprocess.Popen(["sh", "-c", 'LISTEN_PID=$$; export LISTEN_PID; exec "$0" "$@"',
                             vctld, "--system", "--root", root],
                            env=env, pass_fds=(3, 4), preexec_fn=child_fds,
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        try:
            ready = notify.recv(4096)
        except socket.timeout:
            ready = b""
        t.ok(ready == b"READY=1", "socket activation: READY=1 on $NOTIFY_SOCKET", ready)
        rw = Client(paths["act-rw"])
        rw.open()
        m = rw.call(P["DOMAIN_SUSPEND"], x_domain("no-such-domain"))
        code, msg = error_of(m) if m["status"] == ERROR else (None, None)
        t.ok(code not in (None, ERR_OPERATION_DENIED),
             "the socket named vctld.socket is the read-write one", msg)
        rw.close()
        ro = Client(paths["act-ro"])
        ro.open()
        m = ro.call(P["DOMAIN_SUSPEND"], x_domain("no-such-domain"))
        code, msg = error_of(m) if m["status"] == ERROR else (None, None)
        t.ok(code == ERR_OPERATION_DENIED, "the socket named vctld-ro.socket is read-only", msg)
        ro.close()
        t.ok(not os.path.exists(os.path.join(root, "run", "vctl", "vctld-sock")),
             "no socket of its own when systemd passed both")
        proc.send_signal(signal.SIGTERM)
        try:
            stopping = notify.recv(4096)
        except socket.timeout:
            stopping = b""
        t.ok(stopping == b"STOPPING=1", "STOPPING=1 on SIGTERM", stopping)
        try:
            rc = proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            rc = None
        t.ok(rc == 0, "and exit 0", rc)
        t.ok(all(os.path.exists(p_) for p_ in paths.values()),
             "systemd's socket files are left alone")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=TIMEOUT)
        for s_ in listeners.values():
            s_.close()
        notify.close()
        log.close()


def event_flood(t, vctld, tmp):
    """A client that registers for events and never reads is dropped once
    its queue passes the hard cap ((4 + max_client_requests) x 64 KiB here)."""
    root = os.path.join(tmp, "flood")
    os.makedirs(root)
    conf = os.path.join(root, "vctld.conf")
    with open(conf, "w") as f:
        f.write("[vctld]\nmax_message_size = 65536\n")
    log_path = os.path.join(root, "vctld.log")
    log = open(log_path, "w")
    proc = subprocess.Popen([vctld, "--system", "--root", root, "--config", conf],
                            stdout=log, stderr=subprocess.STDOUT)
    sock = os.path.join(root, "run", "vctl", "vctld-sock")
    try:
        for _ in range(200):
            if os.path.exists(sock) or proc.poll() is not None:
                break
            time.sleep(0.05)
        deaf = Client(sock)
        deaf.open()
        m = deaf.call(316, x_int(0) + x_int(0))  # CALLBACK_REGISTER_ANY, lifecycle
        t.ok(m["status"] == OK, "event flood: a client registers for lifecycle events")
        busy = Client(sock)
        busy.open()
        xml = ("<domain type='test'><name>flood</name><memory unit='MiB'>64</memory>"
               "<os><type>hvm</type></os></domain>")
        dropped = False
        deadline = time.monotonic() + 60
        cycles = 0
        while time.monotonic() < deadline and cycles < 50000 and not dropped:
            m = busy.call(P["DOMAIN_DEFINE_XML"], x_string(xml))
            if m["status"] != OK:
                break
            r = Reader(m["body"])
            r.string()
            busy.call(P["DOMAIN_UNDEFINE"], m["body"][:r.pos + 16 + 4])
            cycles += 1
            if cycles % 500 == 0:
                with open(log_path) as f:
                    dropped = "waiting to be read; dropping the client" in f.read()
        t.ok(dropped, "event flood: the client that never reads is dropped "
             "(after %d define/undefine cycles)" % cycles, m)
        t.ok(get_type(busy) == "Test", "event flood: the busy client is still served")
        busy.close()
        deaf.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=TIMEOUT)
        log.close()


def sanitized(pid):
    with open("/proc/%d/maps" % pid) as f:
        return "libasan" in f.read()


def main():
    builddir = os.environ.get("top_builddir") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "_build")
    vctld = os.path.join(builddir, "daemon", "vctld")
    if not os.access(vctld, os.X_OK):
        print("1..0 # SKIP %s is not built" % vctld)
        return 0

    tmp = tempfile.mkdtemp(prefix="vctld-robust.")
    proc = None
    clients = []
    t = Tap()
    try:
        conf = os.path.join(tmp, "vctld.conf")
        with open(conf, "w") as f:
            f.write("[vctld]\nmax_clients = 120\nkeepalive_interval = 1\nkeepalive_count = 2\n")
        log = open(os.path.join(tmp, "vctld.log"), "w")
        proc = subprocess.Popen([vctld, "--system", "--root", tmp, "--config", conf],
                                stdout=log, stderr=subprocess.STDOUT)
        sock = os.path.join(tmp, "run", "vctl", "vctld-sock")
        sock_ro = sock + "-ro"
        for _ in range(200):
            if os.path.exists(sock) and os.path.exists(sock_ro):
                break
            if proc.poll() is not None:
                break
            time.sleep(0.05)
        if not t.ok(os.path.exists(sock_ro) and proc.poll() is None, "vctld listens"):
            return t.done()

        def healthy():
            c = Client(sock)
            try:
                c.open()
                return get_type(c) == "Test"
            finally:
                c.close()

        t.ok(healthy(), "a client opens test:///default and gets its type")

        # -- a call before CONNECT_OPEN
        c = Client(sock)
        m = c.call(P["CONNECT_LIST_ALL_DOMAINS"], x_int(1) + x_uint(0))
        code, msg = error_of(m) if m["status"] == ERROR else (None, None)
        t.ok(m["status"] == ERROR and "connection not open" in (msg or ""),
             "a call before CONNECT_OPEN is refused", msg)
        t.ok(c.open()["status"] == OK and get_type(c) == "Test",
             "and CONNECT_OPEN then works on the same connection")
        c.close()

        # -- 200 clients at once against max_clients 120 (after a moment for
        # the daemon to see the earlier clients go)
        time.sleep(0.5)
        many = []
        for _ in range(200):
            many.append(Client(sock, timeout=5))
        for c in many:
            try:
                c.call_async(P["CONNECT_OPEN"], x_opt_string("test:///default") + x_uint(0))
            except OSError:
                pass
        served = refused = 0
        for c in many:
            try:
                if c.wait_reply(c.serial)["status"] == OK and get_type(c) == "Test":
                    served += 1
            except (Closed, OSError):
                refused += 1
        t.ok(110 <= served <= 120 and served + refused == 200,
             "200 clients at once: at most 120 served, the rest refused (max_clients 120)",
             "served %d, refused %d" % (served, refused))
        for c in many:
            c.close()
        ok = False
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline and not ok:
            try:
                ok = all(healthy() for _ in range(10))
            except (Closed, OSError):
                time.sleep(0.1)
        t.ok(ok, "after they close, new clients are served")

        # -- a steady client that must not notice the bad ones
        steady = Client(sock)
        steady.open()
        clients.append(steady)

        def bad_client(desc, data):
            c = Client(sock)
            c.open()
            try:
                c.send(data)
            except OSError:
                pass
            t.ok(is_closed(c), "%s: that client is dropped" % desc)
            c.close()
            t.ok(get_type(steady) == "Test", "%s: another client is unaffected" % desc)

        bad_client("garbage", b"\x00\x00\x00\x1c" + os.urandom(24))
        bad_client("length below 28", struct.pack(">I", 12) + b"\0" * 8)
        bad_client("length above 16 MiB", struct.pack(">I", 16 * 1024 * 1024 + 5) + b"\0" * 64)
        bad_client("another program", frame(0x12345678, 1, CALL, 1))
        bad_client("another protocol version", frame(REMOTE_PROGRAM, 3, CALL, 1, vers=2))
        bad_client("a REPLY sent to the daemon", frame(REMOTE_PROGRAM, 3, REPLY, 1))
        bad_client("a CALL with status ERROR", frame(REMOTE_PROGRAM, 3, CALL, 1, status=ERROR))

        # -- disconnecting in the middle of a message
        c = Client(sock)
        c.open()
        f = frame(REMOTE_PROGRAM, P["CONNECT_GET_TYPE"], CALL, 9)
        c.send(f[:10])
        c.close()
        c = Client(sock)
        c.send(struct.pack(">I", 1024 * 1024) + b"\0" * 4096)
        c.close()
        t.ok(get_type(steady) == "Test" and healthy(),
             "clients leaving mid-message do not disturb the daemon")

        # -- unknown procedures: NO_SUPPORT, and the connection stays up
        for proc_nr, desc in ((P["CONNECT_LIST_ALL_INTERFACES"], "an undeclared libvirt procedure"),
                              (99999, "a procedure number nobody uses")):
            m = steady.call(proc_nr)
            code, msg = error_of(m) if m["status"] == ERROR else (None, None)
            t.ok(code == ERR_NO_SUPPORT and "not supported" in (msg or ""),
                 "%s gets a NO_SUPPORT error" % desc, "%r %r" % (code, msg))
        t.ok(get_type(steady) == "Test", "the connection stays up after them")

        # -- a client that sends calls and never reads the replies
        hog = Client(sock)
        hog.open()
        hog.sock.setblocking(False)
        rss_start = rss_kib(proc.pid)
        call = frame(REMOTE_PROGRAM, P["CONNECT_GET_CAPABILITIES"], CALL, 1000)
        pending = b""
        sent_calls = 0
        blocked_since = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if not pending:
                pending = call * 256
            try:
                n = hog.sock.send(pending)
                sent_calls += n // len(call)
                pending = pending[n:]
                blocked_since = None
            except BlockingIOError:
                # the daemon stopped reading: it is applying back-pressure
                if blocked_since is None:
                    blocked_since = time.monotonic()
                elif time.monotonic() - blocked_since > 2:
                    break
                time.sleep(0.01)
        rss_end = rss_kib(proc.pid)
        grew = (rss_end - rss_start) / 1024.0
        t.ok(blocked_since is not None, "a client that never reads is throttled "
             "(it could send %d calls before the daemon stopped reading)" % sent_calls)
        if sanitized(proc.pid):
            t.skip("RSS is not meaningful under AddressSanitizer (its quarantine keeps "
                   "freed memory; RSS grew %.1f MiB)" % grew)
        else:
            t.ok(grew < 64, "the daemon's memory stays bounded (RSS grew %.1f MiB)" % grew,
                 "RSS %d KiB -> %d KiB" % (rss_start, rss_end))
        t.ok(get_type(steady) == "Test" and healthy(),
             "other clients are served while it hogs its connection")
        hog.close()

        # -- read-only socket: every mutating procedure refused
        ro = Client(sock_ro)
        ro.open()
        clients.append(ro)
        bodies = {
            "DOMAIN_CREATE_XML": x_string("<domain/>") + x_uint(0),
            "DOMAIN_DEFINE_XML": x_string("<domain/>"),
            "DOMAIN_DEFINE_XML_FLAGS": x_string("<domain/>") + x_uint(0),
            "DOMAIN_CREATE": x_domain("test"), "DOMAIN_DESTROY": x_domain("test"),
            "DOMAIN_SHUTDOWN": x_domain("test"), "DOMAIN_SUSPEND": x_domain("test"),
            "DOMAIN_RESUME": x_domain("test"), "DOMAIN_UNDEFINE": x_domain("test"),
            "DOMAIN_SET_AUTOSTART": x_domain("test") + x_int(1),
        }
        for name in MUTATING:
            body = bodies.get(name, x_domain("test") + x_uint(0))
            m = ro.call(P[name], body)
            code, msg = error_of(m) if m["status"] == ERROR else (None, None)
            t.ok(code == ERR_OPERATION_DENIED and "read-only" in (msg or "") and name in msg,
                 "read-only socket refuses %s" % name, "%r %r" % (code, msg))
        m = ro.call(P["CONNECT_LIST_ALL_DOMAINS"], x_int(1) + x_uint(0))
        r = Reader(m["body"])
        count = r.int() if m["status"] == OK else -1
        names = [r.string() for _ in range(count)] if count > 0 else []
        t.ok(m["status"] == OK and "test" in names, "read-only socket lists domains", names)
        m = ro.call(P["DOMAIN_LOOKUP_BY_NAME"], x_string("test"))
        t.ok(m["status"] == OK, "read-only socket looks a domain up")
        r = Reader(m["body"])
        r.string()
        uuid = m["body"][r.pos:r.pos + 16]
        m = ro.call(P["DOMAIN_GET_STATE"], x_domain("test", uuid) + x_uint(0))
        t.ok(m["status"] == OK and Reader(m["body"]).int() == 1,
             "and the 'test' domain is still running")

        # -- keepalive: our PING gets a PONG
        steady.send(frame(KEEPALIVE_PROGRAM, 1, MESSAGE, 0))
        m = steady.recv_msg()
        t.ok(m["prog"] == KEEPALIVE_PROGRAM and m["proc"] == 2 and m["type"] == MESSAGE,
             "keepalive PING is answered with PONG", m)

        # -- keepalive: a client that asked for it and falls silent is dropped;
        # one that answers the daemon's PINGs stays (interval 1 s, count 2)
        silent, alive = Client(sock), Client(sock)
        for c in (silent, alive):
            m = c.call(P["CONNECT_SUPPORTS_FEATURE"], x_int(10))
            t.ok(m["status"] == OK and Reader(m["body"]).int() == 1,
                 "PROGRAM_KEEPALIVE is a supported feature")
        pings = answered = 0
        dropped = False
        for c in (silent, alive):
            c.sock.setblocking(False)
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline and not dropped:
            readable, _, _ = select.select([silent.sock, alive.sock], [], [], 0.2)
            for s_ in readable:
                c = silent if s_ is silent.sock else alive
                try:
                    chunk = s_.recv(65536)
                except BlockingIOError:
                    continue
                except OSError:
                    chunk = b""
                if not chunk:
                    if c is silent:
                        dropped = True
                        continue
                    break
                c.buf += chunk
                while len(c.buf) >= 28 and len(c.buf) >= struct.unpack(">I", c.buf[:4])[0]:
                    m = c.recv_msg()
                    if m["prog"] == KEEPALIVE_PROGRAM and m["proc"] == 1:
                        if c is silent:
                            pings += 1
                        else:
                            alive.send(frame(KEEPALIVE_PROGRAM, 2, MESSAGE, 0))
                            answered += 1
        t.ok(dropped and pings == 2, "a silent client gets 2 PINGs and is dropped",
             "dropped %s after %d pings" % (dropped, pings))
        alive.sock.settimeout(TIMEOUT)
        m = alive.call(P["AUTH_LIST"])
        t.ok(answered >= 2 and m["status"] == OK,
             "a client answering the PINGs stays connected (%d answered)" % answered)
        alive.close()

        # -- the end: still serving, and SIGTERM is a clean exit
        t.ok(proc.poll() is None and healthy() and get_type(steady) == "Test",
             "vctld is still up and serving")
        for c in clients:
            c.close()
        clients = []
        proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            rc = None
        t.ok(rc == 0, "SIGTERM: vctld exits 0", "exit status %r" % rc)
        proc = None
        socket_activation(t, vctld, tmp)
        event_flood(t, vctld, tmp)
    except Exception as e:  # a crash of the test is a failure, not a hang
        t.ok(False, "the test ran to its end", "%s: %s" % (type(e).__name__, e))
        if proc and proc.poll() is not None:
            t.ok(False, "vctld died with status %r" % proc.returncode)
    finally:
        for c in clients:
            c.close()
        if proc:
            proc.kill()
            proc.wait(timeout=TIMEOUT)
        if t.failed:
            try:
                with open(os.path.join(tmp, "vctld.log")) as f:
                    for line in f.readlines()[-30:]:
                        print("# vctld: " + line.rstrip())
            except OSError:
                pass
        shutil.rmtree(tmp, ignore_errors=True)
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
