"""Why bubblewrap cannot start a sandbox here, and what fixes it, in one message.

Read from the kernel's switches under ``/proc/sys``, the seccomp mode in
``/proc/self/status`` and bubblewrap's own last words on stderr. The usual causes:

* Ubuntu 23.10 and later (24.04 included) let AppArmor restrict unprivileged user
  namespaces (``kernel.apparmor_restrict_unprivileged_userns=1``);
* Debian's older kernels switch unprivileged user namespaces off
  (``kernel.unprivileged_userns_clone=0``) where bwrap is not setuid root; some
  distributions allow none at all (``user.max_user_namespaces=0``);
* a container's seccomp profile (Docker's and Podman's default) refuses the system calls
  that create namespaces.

``proc`` is where ``/proc`` is read from, so that tests can give a made-up one.
"""

from pathlib import Path

PROC = Path("/proc")

# What each cause is called, and its fix. {bwrap} is where bwrap is installed.
APPARMOR = ("Ubuntu's AppArmor forbids unprivileged user namespaces "
            "(kernel.apparmor_restrict_unprivileged_userns=1). Allow them with `sudo sysctl -w "
            "kernel.apparmor_restrict_unprivileged_userns=0` (and the same line in "
            "/etc/sysctl.d/60-userns.conf to keep it), or give bwrap an AppArmor profile that "
            "allows `userns`")
USERNS_CLONE = ("Unprivileged user namespaces are switched off "
                "(kernel.unprivileged_userns_clone=0) and bwrap is not setuid root. Switch them "
                "on with `sudo sysctl -w kernel.unprivileged_userns_clone=1` (and the same line "
                "in /etc/sysctl.d/60-userns.conf to keep it), or make bwrap setuid root "
                "(`sudo chmod u+s {bwrap}`)")
MAX_NAMESPACES = ("User namespaces are switched off (user.max_user_namespaces=0). Allow them "
                  "with `sudo sysctl -w user.max_user_namespaces=15000` (and the same line in "
                  "/etc/sysctl.d/60-userns.conf to keep it)")
NO_USERNS = ("This kernel has no user namespaces (bwrap: \"does not support user namespaces\"), "
             "and the sandbox runs as a user of its own namespace: grade on a kernel built "
             "with CONFIG_USER_NS (every current distribution kernel is)")
SECCOMP = ("A seccomp filter refuses to create namespaces: this looks like a container with "
           "its runtime's default seccomp profile. Start the container with a profile that "
           "allows namespaces (e.g. `docker run --security-opt seccomp=unconfined ...`, or a "
           "copy of the default profile that allows clone, unshare, mount and pivot_root), or "
           "grade outside the container")


# How bwrap says that the kernel refused a namespace or a step inside one (EPERM, EACCES,
# ENOSPC), in its own words.
REFUSALS = ("No permissions to creat", "Creating new namespace failed", "namespaces exceeded",
            "Operation not permitted", "Permission denied", "No space left on device")


def _read(proc: Path, relative: str) -> str | None:
    try:
        return (proc / relative).read_text().strip()
    except OSError:  # this kernel has no such switch
        return None


def _seccomp_filtered(proc: Path) -> bool:
    """Whether a seccomp filter (mode 2) is on this process, as in a container."""
    for line in (_read(proc, "self/status") or "").splitlines():
        if line.startswith("Seccomp:"):
            return line.split(":", 1)[1].strip() == "2"
    return False


def likely_cause(stderr: str, proc: Path = PROC, privileged: bool = False,
                 bwrap: str = "/usr/bin/bwrap") -> str | None:
    """The likely cause of a sandbox that did not start, with its fix, or None when bwrap's
    message and the switches point to none of the known ones. ``privileged``: bwrap ran as
    root or setuid root, which the switches on unprivileged namespaces do not limit."""
    if "does not support user namespaces" in stderr:
        return NO_USERNS
    if not any(words in stderr for words in REFUSALS):
        return None  # a failure of another kind (a path, a mount): bwrap's line says it
    if _read(proc, "sys/user/max_user_namespaces") == "0":
        return MAX_NAMESPACES
    if not privileged:
        if _read(proc, "sys/kernel/unprivileged_userns_clone") == "0":
            return USERNS_CLONE.format(bwrap=bwrap)
        if _read(proc, "sys/kernel/apparmor_restrict_unprivileged_userns") == "1":
            return APPARMOR
    if _seccomp_filtered(proc):
        return SECCOMP
    return None
