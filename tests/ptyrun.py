#!/usr/bin/env python3
"""ptyrun.py COMMAND...: runs COMMAND on a new pseudo-terminal, as a person
at a terminal would: waits for the console's greeting, types a line, waits
for its echo, types Ctrl-] and waits for the exit. PTYRUN_GREETING,
PTYRUN_TYPE and PTYRUN_EXPECT (environment) change what is awaited, typed
and expected back (defaults: the test driver's echoing console). Prints what it saw
('greeting', 'echo', 'exit N') and the terminal's output as '# ' lines.
Every wait is bounded; a command still running at the end is killed."""

import os
import pty
import select
import signal
import sys
import time


def main():
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(sys.argv[1], sys.argv[1:])
    out = b""

    def read_until(pat, timeout):
        nonlocal out
        end = time.monotonic() + timeout
        while pat not in out and time.monotonic() < end:
            r, _, _ = select.select([fd], [], [], 0.1)
            if r:
                try:
                    d = os.read(fd, 4096)
                except OSError:
                    break
                if not d:
                    break
                out += d
        return pat in out

    greeting = os.environ.get("PTYRUN_GREETING", "test console of domain").encode()
    typed = os.environ.get("PTYRUN_TYPE", "typed-7f3a").encode()
    expect = os.environ.get("PTYRUN_EXPECT", "typed-7f3a").encode()
    if read_until(greeting, 15):
        print("greeting")
        time.sleep(0.2)
        os.write(fd, typed)
        if read_until(expect, 10):
            print("echo")
    os.write(fd, b"\x1d")
    status = None
    end = time.monotonic() + 15
    while time.monotonic() < end:
        p, st = os.waitpid(pid, os.WNOHANG)
        if p:
            status = os.waitstatus_to_exitcode(st)
            break
        read_until(b"\0never", 0.1)
    if status is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    print("exit %s" % status)
    for line in out.decode(errors="replace").splitlines():
        print("# " + line)


if __name__ == "__main__":
    main()
