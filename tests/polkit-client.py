#!/usr/bin/env python3
"""A raw libvirt-protocol client for tests/polkit-test.sh (not a test itself).

  polkit-client.py preauth SOCKET
      calls CONNECT_OPEN without authenticating; prints the error.
  polkit-client.py refused SOCKET < PROCEDURES
      authenticates (AUTH_LIST, AUTH_POLKIT), opens the connection, then
      calls every procedure of the lines "NUMBER NAME mutating" on stdin
      (vctld --list-procedures) with an empty body; prints one line per
      procedure: "NUMBER NAME CODE MESSAGE", CODE the libvirt error code of
      the refusal, or "NUMBER NAME ANSWERED" when it was not refused.
  polkit-client.py bench SOCKET SECONDS NAME
      authenticates, opens, then calls DOMAIN_LOOKUP_BY_NAME NAME and
      CONNECT_LIST_ALL_DOMAINS for SECONDS each; prints calls per second.

Standard library only; every read has a timeout.
"""

import socket
import struct
import sys
import time

REMOTE_PROGRAM = 0x20008086
CALL, REPLY = 0, 1
OK, ERROR = 0, 1
CONNECT_OPEN, AUTH_LIST, AUTH_POLKIT = 1, 66, 70
DOMAIN_LOOKUP_BY_NAME, CONNECT_LIST_ALL_DOMAINS = 23, 273
VIR_CONNECT_RO = 1
TIMEOUT = 30.0


def x_int(v):
    return struct.pack(">i", v)


def x_string(s):
    b = s.encode()
    return struct.pack(">I", len(b)) + b + b"\0" * (-len(b) % 4)


class Client:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(TIMEOUT)
        self.sock.connect(path)
        self.serial = 0

    def recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise EOFError("vctld closed the connection")
            buf += chunk
        return buf

    def call(self, proc, body=b""):
        """(status, body) of the reply to proc."""
        self.serial += 1
        hdr = struct.pack(">IIiiIi", REMOTE_PROGRAM, 1, proc, CALL, self.serial, OK)
        self.sock.sendall(struct.pack(">I", 4 + len(hdr) + len(body)) + hdr + body)
        while True:
            length = struct.unpack(">I", self.recv_exact(4))[0]
            data = self.recv_exact(length - 4)
            prog, _, rproc, rtype, serial, status = struct.unpack_from(">IIiiIi", data)
            if prog == REMOTE_PROGRAM and rtype == REPLY and serial == self.serial:
                return status, data[24:]

    @staticmethod
    def error(body):
        """(code, message) of a remote_error."""
        code = struct.unpack_from(">i", body, 0)[0]
        message = ""
        if struct.unpack_from(">i", body, 8)[0]:
            n = struct.unpack_from(">I", body, 12)[0]
            message = body[16:16 + n].decode(errors="replace")
        return code, message

    def must(self, proc, body=b""):
        status, reply = self.call(proc, body)
        if status != OK:
            code, message = self.error(reply)
            sys.exit("procedure %d failed: code %d: %s" % (proc, code, message))
        return reply

    def authenticate_and_open(self, readonly):
        reply = self.must(AUTH_LIST)
        n = struct.unpack_from(">I", reply, 0)[0]
        types = struct.unpack_from(">%di" % n, reply, 4)
        if 2 in types:  # REMOTE_AUTH_POLKIT
            self.must(AUTH_POLKIT)
        self.must(CONNECT_OPEN, x_int(1) + x_string("qemu:///system") +
                  x_int(VIR_CONNECT_RO if readonly else 0))


def main():
    mode, path = sys.argv[1], sys.argv[2]
    c = Client(path)
    if mode == "preauth":
        status, body = c.call(CONNECT_OPEN, x_int(1) + x_string("qemu:///system") + x_int(0))
        if status == OK:
            print("ANSWERED")
        else:
            print("%d %s" % Client.error(body))
    elif mode == "refused":
        c.authenticate_and_open(readonly=True)
        for line in sys.stdin:
            fields = line.split()
            if len(fields) != 3 or fields[2] != "mutating":
                continue
            status, body = c.call(int(fields[0]))
            if status == OK:
                print("%s %s ANSWERED" % (fields[0], fields[1]))
            else:
                print("%s %s %d %s" % ((fields[0], fields[1]) + Client.error(body)))
    elif mode == "bench":
        seconds, name = float(sys.argv[3]), sys.argv[4]
        c.authenticate_and_open(readonly=False)
        for label, proc, body in (("DOMAIN_LOOKUP_BY_NAME", DOMAIN_LOOKUP_BY_NAME,
                                   x_string(name)),
                                  ("CONNECT_LIST_ALL_DOMAINS", CONNECT_LIST_ALL_DOMAINS,
                                   x_int(1) + struct.pack(">I", 0))):
            n, start = 0, time.monotonic()
            while time.monotonic() - start < seconds:
                c.must(proc, body)
                n += 1
            print("%s: %.0f calls/s" % (label, n / (time.monotonic() - start)))
    else:
        sys.exit("unknown mode '%s'" % mode)


if __name__ == "__main__":
    main()
