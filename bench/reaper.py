#!/usr/bin/env python3
"""bench/reaper.py CMD [ARG...]: run CMD as the child of a prompt subreaper.

libvirtd daemonizes the QEMUs it starts, so they are reparented to the
nearest child subreaper, or PID 1. libvirt's destroy waits until kill(pid, 0)
fails, which a zombie does not do, so a PID 1 that reaps orphans late (some
container inits reap every second or two; systemd reaps at once) adds its
delay to every libvirt destroy. run-guest-bench starts libvirtd under this
program so that its QEMUs are reaped at once, as on a systemd host.

Sets PR_SET_CHILD_SUBREAPER, forks and execs CMD, passes SIGTERM, SIGINT and
SIGHUP on to it, reaps every process that ends below it, and exits with
CMD's status once CMD has exited (processes still running below then go to
PID 1 as before).
"""
import ctypes
import os
import signal
import sys

PR_SET_CHILD_SUBREAPER = 36


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: reaper.py CMD [ARG...]")
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.exit("reaper.py: prctl(PR_SET_CHILD_SUBREAPER): "
                 + os.strerror(ctypes.get_errno()))
    child = os.fork()
    if child == 0:
        try:
            os.execvp(sys.argv[1], sys.argv[1:])
        except OSError as e:
            print("reaper.py: cannot run %s: %s" % (sys.argv[1], e), file=sys.stderr)
        os._exit(127)

    def forward(signum, frame):
        try:
            os.kill(child, signum)
        except ProcessLookupError:
            pass

    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, forward)
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            return 1
        if pid == child:
            return os.waitstatus_to_exitcode(status) & 0xff


if __name__ == "__main__":
    sys.exit(main())
