"""When bubblewrap cannot start, one message names the likely cause and its fix.

Each known failure is simulated by what the diagnosis reads: a made-up /proc (the kernel's
switches, the seccomp mode) and bwrap's stderr, from a stand-in `bwrap` on PATH that fails as
the real one does there. One failure is real: bwrap in a user namespace whose
user.max_user_namespaces is 0.
"""

import os
import shutil
import subprocess
import sys

import pytest

from learntools_lite.instructor import sandbox, sandbox_diagnosis
from learntools_lite.instructor.sandbox_diagnosis import (
    APPARMOR,
    MAX_NAMESPACES,
    NO_USERNS,
    SECCOMP,
    USERNS_CLONE,
)

# bwrap's own words in each case.
EPERM_UNPRIVILEGED = ("bwrap: No permissions to create a new namespace, likely because the kernel "
                      "does not allow non-privileged user namespaces. On e.g. debian this can be "
                      "enabled with 'sysctl kernel.unprivileged_userns_clone=1'.")
UID_MAP = "bwrap: setting up uid map: Permission denied"
EPERM_ROOT = "bwrap: Creating new namespace failed: Operation not permitted"
ENOSPC = ("bwrap: Creating new namespace failed: nesting depth or "
          "/proc/sys/user/max_*_namespaces exceeded (ENOSPC)")
EINVAL = ("bwrap: Creating new namespace failed, likely because the kernel does not support "
          "user namespaces.  bwrap must be installed setuid on such systems.")
NO_PATH = "bwrap: Can't find source path /lib32: No such file or directory"

# A Debian or Ubuntu host where nothing is switched off, outside any container.
OPEN = {"sys/user/max_user_namespaces": "96365", "self/status": "Name:\tpython\nSeccomp:\t0\n"}


def fake_proc(folder, files: dict) -> "os.PathLike":
    for relative, text in files.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_text(text + "\n")
    return folder


CASES = {
    "ubuntu-apparmor": ({**OPEN, "sys/kernel/apparmor_restrict_unprivileged_userns": "1"},
                        UID_MAP, False, APPARMOR),
    "debian-userns-off": ({**OPEN, "sys/kernel/unprivileged_userns_clone": "0"},
                          EPERM_UNPRIVILEGED, False, USERNS_CLONE.format(bwrap="/usr/bin/bwrap")),
    "no-user-namespaces-allowed": ({**OPEN, "sys/user/max_user_namespaces": "0"},
                                   ENOSPC, True, MAX_NAMESPACES),
    "container-seccomp": ({**OPEN, "self/status": "Name:\tpython\nSeccomp:\t2\n"},
                          EPERM_UNPRIVILEGED, False, SECCOMP),
    "container-seccomp-as-root": ({**OPEN, "self/status": "Seccomp:\t2\nSeccomp_filters:\t1\n"},
                                  EPERM_ROOT, True, SECCOMP),
    "kernel-without-user-namespaces": ({}, EINVAL, False, NO_USERNS),
    # The switches on unprivileged namespaces do not limit root: not those, then.
    "apparmor-but-root": ({**OPEN, "sys/kernel/apparmor_restrict_unprivileged_userns": "1"},
                          EPERM_ROOT, True, None),
    # A failure that is no refusal of a namespace: bwrap's own line is the message.
    "another-failure": ({**OPEN, "sys/kernel/apparmor_restrict_unprivileged_userns": "1",
                         "self/status": "Seccomp:\t2\n"}, NO_PATH, False, None),
}


@pytest.mark.parametrize("case", CASES)
def test_each_failure_is_given_its_cause(tmp_path, case):
    files, stderr, privileged, cause = CASES[case]
    proc = fake_proc(tmp_path, files)
    assert sandbox_diagnosis.likely_cause(stderr, proc, privileged) == cause


@pytest.fixture
def failing_bwrap(tmp_path, monkeypatch):
    """A `bwrap` first on PATH that fails with the given stderr, as an unprivileged user
    (this test may run as root: the real euid would make every case privileged)."""
    def install(stderr: str, files: dict):
        folder = tmp_path / "bin"
        folder.mkdir()
        (folder / "message").write_text(stderr + "\n")
        script = folder / "bwrap"
        script.write_text(f"#!/bin/sh\ncat '{folder / 'message'}' >&2\nexit 1\n")
        script.chmod(0o755)
        monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
        monkeypatch.setattr(sandbox_diagnosis, "PROC", fake_proc(tmp_path / "proc", files))
        monkeypatch.setattr(sandbox.os, "geteuid", lambda: 1000)
        return script
    return install


@pytest.mark.parametrize("case", [c for c in CASES if not CASES[c][2]])
def test_check_bubblewrap_says_the_cause_and_its_fix_in_one_message(failing_bwrap, case):
    files, stderr, _, cause = CASES[case]
    bwrap = failing_bwrap(stderr, files)
    with pytest.raises(sandbox.SandboxUnavailable) as failure:
        sandbox.check_bubblewrap()
    message = str(failure.value)
    assert "\n" not in message
    assert message.startswith(f"bubblewrap cannot start a sandbox here ({stderr.strip()}). ")
    if cause:
        assert cause.replace("/usr/bin/bwrap", str(bwrap)) in message
    assert message.endswith("Only for trusted submissions: pass --no-sandbox to grade "
                            "without one")


def test_cvcourse_grade_on_ubuntu_with_apparmor_gives_one_line(failing_bwrap, tmp_path):
    from grading_helpers import copy_course

    from learntools_lite import cli

    files, stderr, _, _ = CASES["ubuntu-apparmor"]
    failing_bwrap(stderr, files)
    copy_course(tmp_path / "repo")
    with pytest.raises(SystemExit) as stop:
        cli.main(["--root", str(tmp_path / "repo"), "grade", "ex1_convolution"])
    assert str(stop.value).startswith("cvcourse: bubblewrap cannot start a sandbox here "
                                      f"({UID_MAP}). Ubuntu's AppArmor forbids")
    assert "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0" in str(stop.value)


def _namespaces_for_a_test() -> bool:
    if shutil.which("unshare") is None or shutil.which("bwrap") is None:
        return False
    return subprocess.run(["unshare", "--user", "--map-root-user", "true"],
                          capture_output=True).returncode == 0


@pytest.mark.skipif(not _namespaces_for_a_test(),
                    reason="needs unshare and bwrap, and user namespaces to make the failure")
def test_a_real_bwrap_refused_a_namespace_gets_the_real_cause(tmp_path):
    """In a user namespace of its own, this test switches user namespaces off (for that
    namespace only: the host's setting is untouched) and runs the real check there."""
    check = ("from learntools_lite.instructor.sandbox import check_bubblewrap, "
             "SandboxUnavailable\n"
             "try:\n    check_bubblewrap()\nexcept SandboxUnavailable as error:\n"
             "    print(error)\n")
    script = (f"echo 0 > /proc/sys/user/max_user_namespaces && "
              f"exec '{sys.executable}' -c \"$CHECK\"")
    result = subprocess.run(["unshare", "--user", "--map-root-user", "sh", "-c", script],
                            env={**os.environ, "CHECK": check}, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("bubblewrap cannot start a sandbox here (bwrap: ")
    assert MAX_NAMESPACES in result.stdout
