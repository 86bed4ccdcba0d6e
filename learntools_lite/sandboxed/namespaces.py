"""Linux system calls that turn a forked copy of a process into a sandbox of its own.

bubblewrap builds a sandbox around a program it *starts*; a warm kernel is a fork of a
process that has already imported TensorFlow, so the fork has to isolate itself, and these
few calls (``unshare``, ``mount``, the id maps, the loopback interface, capabilities) are
what that takes. The set-up that uses them is ``template.py``'s; this module only wraps the
calls, raising :class:`OSError` with the call's name when one fails.
"""

import ctypes
import fcntl
import os
import socket
import struct

CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY = 0x1
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_NOEXEC = 0x8
MS_REMOUNT = 0x20
MS_NOATIME = 0x400
MS_NODIRATIME = 0x800
MS_RELATIME = 0x200000
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38
PR_CAPBSET_DROP = 24
CAP_LAST = 63  # more than any kernel has; dropping an unknown one fails harmlessly

SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1

_libc = ctypes.CDLL(None, use_errno=True)


def _checked(result: int, call: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{call}: {os.strerror(errno)}")


def unshare(flags: int) -> None:
    if _libc.unshare(ctypes.c_int(flags)) != 0:
        errno = ctypes.get_errno()
        # Linux says "no space" when the count of user namespaces is at its limit.
        reason = ("no user namespace may be made here, user.max_user_namespaces is reached"
                  if errno == 28 else os.strerror(errno))
        raise OSError(errno, f"unshare: {reason}")


def mount(source: str, target: str, fstype: str | None, flags: int = 0,
          data: str | None = None) -> None:
    _checked(_libc.mount(source.encode(), target.encode(),
                         fstype.encode() if fstype else None, ctypes.c_ulong(flags),
                         data.encode() if data else None), f"mount {target}")


def read_only(target: str) -> None:
    """Make the mount at ``target`` read-only in this mount namespace, keeping its other
    flags (a mount from a more privileged namespace keeps them locked)."""
    kept = os.statvfs(target).f_flag & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME
                                        | MS_NODIRATIME | MS_RELATIME)
    mount("none", target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | kept)


def map_ids(inside: int, outside_uid: int, outside_gid: int) -> None:
    """Make this process ``inside`` (uid and gid) in the user namespace it just entered,
    standing for ``outside_uid``/``outside_gid`` of the one it came from: the only mapping
    an unprivileged process may write, and only with setgroups denied."""
    with open("/proc/self/setgroups", "w") as setgroups:
        setgroups.write("deny")
    with open("/proc/self/uid_map", "w") as uid_map:
        uid_map.write(f"{inside} {outside_uid} 1")
    with open("/proc/self/gid_map", "w") as gid_map:
        gid_map.write(f"{inside} {outside_gid} 1")


def loopback_up() -> None:
    """Bring up ``lo`` in this (new) network namespace: the kernel and its runner talk over
    it; a new namespace has it down."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        request = struct.pack("16sH", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(probe, SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(probe, SIOCSIFFLAGS, struct.pack("16sH", b"lo", flags | IFF_UP))


def prctl(option: int, value: int) -> None:
    _checked(_libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0), f"prctl {option}")


def die_with_parent() -> None:
    """Be killed when the parent ends, as bubblewrap's ``--die-with-parent``."""
    prctl(PR_SET_PDEATHSIG, 9)


def not_dumpable() -> None:
    """No other process of this user may read this one's memory or file descriptors."""
    prctl(PR_SET_DUMPABLE, 0)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def drop_capabilities() -> None:
    """Give up every capability, for good: the bounding set, then the effective, permitted
    and inheritable sets, and no new privileges from executing anything."""
    for capability in range(CAP_LAST + 1):
        _libc.prctl(PR_CAPBSET_DROP, ctypes.c_ulong(capability), 0, 0, 0)
    header = _CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3: two data words
    data = (_CapData * 2)()
    _checked(_libc.capset(ctypes.byref(header), data), "capset")
    prctl(PR_SET_NO_NEW_PRIVS, 1)
