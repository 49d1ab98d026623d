"""Run a command with no signal ignored or blocked, as a fresh container starts.

Under make, every program starts with signals 32 and 33 ignored: make
spawns its recipes with posix_spawn, and glibc 2.36's posix_spawn sets
those two (its own internal signals) to SIG_IGN in the child. The suites
would inherit that, through pidone, down to the processes they inspect, and
tini's signal configuration test cannot even name signal 32. Their CI has
no such state, so the suites start without it.

glibc's sigaction refuses 32 and 33, so those go through the raw
rt_sigaction system call; its struct is all zeros for SIG_DFL on every
architecture, only the call's number differs.

Usage: default_signals.py COMMAND [ARG...]
"""

import ctypes
import os
import signal
import sys

RT_SIGACTION = {"x86_64": 13, "aarch64": 134, "riscv64": 134, "ppc64le": 173, "s390x": 174, "i686": 174}


def ignored_signals():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("SigIgn:"):
                mask = int(line.split()[1], 16)
                return [n for n in range(1, 65) if mask & (1 << (n - 1))]
    return []


def to_default(signum):
    try:
        signal.signal(signum, signal.SIG_DFL)
        return
    except (OSError, ValueError):
        pass  # one of glibc's own: the raw call below
    number = RT_SIGACTION.get(os.uname().machine)
    if number is None:
        return  # an architecture not listed: leave it as inherited
    libc = ctypes.CDLL(None, use_errno=True)
    action = ctypes.create_string_buffer(64)  # handler SIG_DFL, no flags, empty mask
    if libc.syscall(ctypes.c_long(number), ctypes.c_long(signum), action, None, ctypes.c_long(8)) != 0:
        raise OSError(ctypes.get_errno(), "rt_sigaction(%d)" % signum)


def main():
    for signum in ignored_signals():
        to_default(signum)
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    os.execvp(sys.argv[1], sys.argv[1:])


if __name__ == "__main__":
    main()
