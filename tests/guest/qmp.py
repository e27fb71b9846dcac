#!/usr/bin/env python3
"""qmp.py [--timeout S] [--event NAME] SOCK COMMAND...

Tiny QMP client for vctl's tests (python3 stdlib only). Connects to the QMP
unix socket SOCK, negotiates capabilities, then runs each COMMAND in order and
prints every reply and event, one JSON object per line, on stdout. A COMMAND is
a bare command name ("system_powerdown") or a JSON object
('{"execute": "human-monitor-command", "arguments": {...}}').
--event NAME: after the commands, wait for that event (e.g. SHUTDOWN).
Exit status: 0 all commands succeeded (and the event came), 1 a command
returned an error, 2 connection/protocol failure or timeout.
"""

import argparse
import json
import socket
import sys
import time


class QMP:
    def __init__(self, path, timeout):
        self.deadline = time.monotonic() + timeout
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buf = b""

    def recv(self):
        while b"\n" not in self.buf:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("timed out waiting for QMP")
            self.sock.settimeout(left)
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("QMP socket closed")
            self.buf += chunk
            if len(self.buf) > (1 << 20) and b"\n" not in self.buf:
                raise ValueError("QMP line too long")
        line, self.buf = self.buf.split(b"\n", 1)
        msg = json.loads(line)
        print(json.dumps(msg, sort_keys=True), flush=True)
        return msg

    def execute(self, cmd):
        self.sock.sendall(json.dumps(cmd).encode() + b"\n")
        while True:
            msg = self.recv()
            if "return" in msg or "error" in msg:
                return msg


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--event")
    ap.add_argument("sock")
    ap.add_argument("commands", nargs="*")
    args = ap.parse_args()
    status = 0
    try:
        q = QMP(args.sock, args.timeout)
        greeting = q.recv()
        if "QMP" not in greeting:
            raise ValueError("no QMP greeting")
        if "error" in q.execute({"execute": "qmp_capabilities"}):
            return 2
        for c in args.commands:
            cmd = json.loads(c) if c.lstrip().startswith("{") else {"execute": c}
            if "error" in q.execute(cmd):
                status = 1
        if args.event:
            while q.recv().get("event") != args.event:
                pass
    except (OSError, ValueError, TimeoutError, ConnectionError) as e:
        print(f"qmp.py: {args.sock}: {e}", file=sys.stderr)
        return 2
    return status


if __name__ == "__main__":
    sys.exit(main())
