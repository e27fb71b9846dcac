#!/usr/bin/env python3
"""DOMAIN_OPEN_CONSOLE over raw sockets: libvirt's stream protocol (TAP).

Starts vctld --root TMP and speaks to test:///default's running domain
'test': the console's greeting and echo as STREAM CONTINUE messages, finish
and abort confirmed with STREAM OK, a second open refused while the first
holds the console and FORCE taking it over (the old stream ends), a
shut-off domain and an unknown device refused, the read-only socket
refusing the call, 1 MiB through the echo in both directions, and a client
closing with its stream open. Standard library only; every wait bounded.
"""

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time

_here = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "robust", os.path.join(_here, "daemon-robustness-test.py"))
R = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(R)

STREAM, CONTINUE = 3, 2
OPEN_CONSOLE = 201
CONSOLE_FORCE = 1
TIMEOUT = R.TIMEOUT


def lookup(c, name):
    m = c.call(R.P["DOMAIN_LOOKUP_BY_NAME"], R.x_string(name))
    if m["status"] != R.OK:
        raise RuntimeError("lookup of %s failed: %r" % (name, R.error_of(m)))
    return m["body"]  # a remote_nonnull_domain, as the args want it


def open_console(c, dom, dev=None, flags=0):
    serial = c.call_async(OPEN_CONSOLE, dom + R.x_opt_string(dev) + R.x_uint(flags))
    return serial, c.wait_reply(serial)


def stream_send(c, serial, data=b"", status=CONTINUE):
    c.send(R.frame(R.REMOTE_PROGRAM, OPEN_CONSOLE, STREAM, serial, status=status, body=data))


def stream_read(c, serial, want, timeout=TIMEOUT, size=None):
    """STREAM messages of serial until want is in the data (or size bytes
    came), or its end. Returns (data, the ending message or None)."""
    data = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and (want not in data if size is None
                                           else len(data) < size):
        m = c.recv_msg()
        if m["prog"] == R.KEEPALIVE_PROGRAM:
            continue
        if m["type"] != STREAM or m["serial"] != serial:
            continue
        if m["status"] != CONTINUE:
            return data, m
        data += m["body"]
    return data, None


def wait_end(c, serial, timeout=TIMEOUT):
    """The STREAM OK or ERROR ending serial (data before it is skipped)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = c.recv_msg()
        if m["type"] == STREAM and m["serial"] == serial and m["status"] != CONTINUE:
            return m
    return None


def main():
    builddir = os.environ.get("top_builddir") or os.path.join(_here, "..", "_build")
    vctld = os.path.join(builddir, "daemon", "vctld")
    if not os.access(vctld, os.X_OK):
        print("1..0 # SKIP %s is not built" % vctld)
        return 0
    tmp = tempfile.mkdtemp(prefix="vctld-console.")
    t = R.Tap()
    proc = None
    try:
        log = open(os.path.join(tmp, "vctld.log"), "w")
        proc = subprocess.Popen([vctld, "--system", "--root", tmp], stdout=log,
                                stderr=subprocess.STDOUT)
        sock = os.path.join(tmp, "run", "vctl", "vctld-sock")
        for _ in range(200):
            if os.path.exists(sock + "-ro") or proc.poll() is not None:
                break
            time.sleep(0.05)
        if not t.ok(proc.poll() is None and os.path.exists(sock), "vctld listens"):
            return t.done()

        # one connection holds the test driver's state for the whole test
        keeper = R.Client(sock)
        keeper.open()
        dom = lookup(keeper, "test")

        a = R.Client(sock)
        a.open()
        serial, m = open_console(a, dom)
        t.ok(m["status"] == R.OK and m["body"] == b"", "OPEN_CONSOLE: an empty REPLY",
             m["status"] == R.ERROR and R.error_of(m))
        data, end = stream_read(a, serial, b"\r\n")
        t.ok(data == b"test console of domain 'test'\r\n" and end is None,
             "the greeting comes as STREAM CONTINUE with the call's serial", repr(data))
        stream_send(a, serial, b"hello console")
        data, end = stream_read(a, serial, b"hello console")
        t.ok(data == b"hello console", "bytes sent come back (raw, not XDR)", repr(data))

        # busy, then FORCE
        b = R.Client(sock)
        b.open()
        _, m = open_console(b, dom)
        code, msg = R.error_of(m) if m["status"] == R.ERROR else (None, None)
        t.ok(m["status"] == R.ERROR and "in use" in (msg or ""),
             "a second open is refused while the console is held", msg)
        sb, m = open_console(b, dom, flags=CONSOLE_FORCE)
        t.ok(m["status"] == R.OK, "FORCE takes the console over")
        end = wait_end(a, serial)
        t.ok(end is not None and end["status"] == R.OK and end["body"] == b"",
             "the old client's stream ends with STREAM OK")
        stream_send(a, serial, status=R.OK)
        end = wait_end(a, serial)
        t.ok(end is not None and end["status"] == R.OK,
             "finishing an ended stream is confirmed with STREAM OK")
        t.ok(R.get_type(a) == "Test", "the old client goes on with calls")

        data, _ = stream_read(b, sb, b"\r\n")
        t.ok(b"test console" in data, "the new client gets the greeting")
        big = bytes(range(256)) * 4096  # 1 MiB
        stream_send(b, sb, big[:300000])
        stream_send(b, sb, big[300000:])
        data, end = stream_read(b, sb, None, timeout=30, size=len(big))
        t.ok(data == big, "1 MiB goes through the echo intact", "%d bytes" % len(data))
        stream_send(b, sb, status=R.OK)
        end = wait_end(b, sb)
        t.ok(end is not None and end["status"] == R.OK, "finish is confirmed with STREAM OK")

        # abort, then the console is free again
        sc, m = open_console(b, dom, dev="serial0")
        t.ok(m["status"] == R.OK, "after finish the console opens again (serial0)")
        stream_send(b, sc, status=R.ERROR)
        end = wait_end(b, sc)
        t.ok(end is not None and end["status"] == R.OK, "abort is confirmed with STREAM OK")

        _, m = open_console(b, dom, dev="serial1")
        code, msg = R.error_of(m) if m["status"] == R.ERROR else (None, None)
        t.ok(msg and "has no console 'serial1'" in msg, "an unknown device is refused", msg)

        # a client leaving with its stream open frees the console
        c = R.Client(sock)
        c.open()
        sd, m = open_console(c, dom)
        c.close()
        ok = False
        for _ in range(50):
            _, m = open_console(b, dom)
            if m["status"] == R.OK:
                ok = True
                break
            time.sleep(0.1)
        t.ok(ok, "a client closing with an open stream frees the console")
        b.close()

        ro = R.Client(sock + "-ro")
        ro.open()
        _, m = open_console(ro, dom)
        code, msg = R.error_of(m) if m["status"] == R.ERROR else (None, None)
        t.ok(code == R.ERR_OPERATION_DENIED, "the read-only socket refuses it", msg)
        ro.close()

        m = keeper.call(R.P["DOMAIN_DESTROY"], dom)
        _, m = open_console(keeper, dom)
        code, msg = R.error_of(m) if m["status"] == R.ERROR else (None, None)
        t.ok(msg and "is not running" in msg, "a shut-off domain has no console", msg)
        a.close()
        keeper.close()
        t.ok(proc.poll() is None, "vctld is still up")
    except Exception as e:  # a crash of the test is a failure, not a hang
        t.ok(False, "the test ran to its end", "%s: %s" % (type(e).__name__, e))
    finally:
        if proc:
            proc.terminate()
            try:
                rc = proc.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                rc = proc.wait(timeout=TIMEOUT)
            t.ok(rc == 0, "vctld exits 0 on SIGTERM", "status %r" % rc)
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
