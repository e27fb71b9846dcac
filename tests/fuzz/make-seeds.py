#!/usr/bin/env python3
"""Writes the RPC and QMP seed corpora (tests/data/fuzz-seeds/{rpc,qmp}):
well-formed inputs the fuzzers start from. Run from the source tree's top."""
import json
import os
import struct

PROG, VERS = 0x20008086, 1
KEEPALIVE = 0x6B656570


def xstr(s):
    b = s.encode()
    return struct.pack(">I", len(b)) + b + b"\0" * (-len(b) % 4)


def opt(b):
    return struct.pack(">I", 0) if b is None else struct.pack(">I", 1) + b


def frame(proc, body=b"", prog=PROG, typ=0, status=0, serial=1):
    hdr = struct.pack(">IIiiIi", prog, VERS, proc, typ, serial, status)
    return struct.pack(">I", 4 + len(hdr) + len(body)) + hdr + body


UUID = bytes(range(16))
DOM = xstr("web1") + UUID + struct.pack(">i", 3)
ERROR = (struct.pack(">ii", 42, 10) + opt(xstr("domain 'web1' not found")) +
         struct.pack(">i", 2) + opt(None) + opt(None) * 3 + struct.pack(">ii", 0, 0) +
         opt(None))
XML = "<domain type='qemu'><name>web1</name><memory>65536</memory></domain>"

rpc = {
    # stream mode (first byte even), second byte: bytes per feed (0: all)
    "stream-open": b"\0\0" + frame(1, opt(xstr("qemu:///system")) + struct.pack(">I", 0)),
    "stream-lookup": b"\0\7" + frame(23, xstr("web1")) + frame(23, DOM, typ=1),
    "stream-define": b"\0\0" + frame(11, xstr(XML), serial=7),
    "stream-error": b"\0\3" + frame(23, ERROR, typ=1, status=1),
    "stream-keepalive": b"\0\0" + frame(1, prog=KEEPALIVE, typ=2) + frame(2, prog=KEEPALIVE, typ=2),
    "stream-list-all": b"\0\0" + frame(273, struct.pack(">iI", 1, 0)) +
                       frame(273, struct.pack(">I", 1) + DOM + struct.pack(">I", 1), typ=1),
    "stream-event": b"\0\0" + frame(318, struct.pack(">i", 1) + DOM + struct.pack(">ii", 2, 0), typ=2),
    # body mode (first byte odd): two bytes pick the procedure, bit 1 args or reply
    "body-args-0": b"\1\0\0" + opt(xstr("test:///default")) + struct.pack(">I", 0),
    "body-ret-5": b"\3\0\5" + DOM,
    "body-args-7": b"\1\0\7" + xstr("web1"),
}

greeting = {"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}, "package": ""},
                    "capabilities": ["oob"]}}
lines = lambda *objs: "".join(json.dumps(o) + "\r\n" for o in objs).encode()
qmp = {
    # first byte: bytes per read (0: all at once)
    "handshake": b"\0" + lines(greeting, {"return": {}, "id": "vctl-1"}),
    "status": b"\5" + lines(greeting, {"return": {}, "id": "vctl-1"},
                            {"return": {"status": "running", "singlestep": False, "running": True},
                             "id": "vctl-2"}),
    "error": b"\0" + lines(greeting, {"error": {"class": "CommandNotFound",
                                                "desc": "The command foo has not been found"},
                                      "id": "vctl-1"}),
    "events": b"\1" + lines(greeting, {"timestamp": {"seconds": 1700000000, "microseconds": 5},
                                       "event": "SHUTDOWN", "data": {"guest": True, "reason": "guest-shutdown"}},
                            {"timestamp": {"seconds": 1700000001, "microseconds": 0}, "event": "STOP"}),
    "not-qmp": b"\0" + b"SSH-2.0-OpenSSH_9.2\r\n",
}

for sub, seeds in (("rpc", rpc), ("qmp", qmp)):
    d = os.path.join("tests/data/fuzz-seeds", sub)
    os.makedirs(d, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
