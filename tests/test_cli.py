"""The ``cvcourse`` command line: clear one-line errors, and the JupyterLab command it runs."""

import json
import os

import pytest

from conftest import REPO
from learntools_lite import cli


def test_outside_a_course_gives_one_clear_line(tmp_path):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--root", str(tmp_path), "build"])
    assert str(stop.value).startswith(f"cvcourse: {tmp_path} is not a course repository")


def _started(monkeypatch, euid=0) -> dict:
    """Stand-ins for the ``exec`` calls and ``chdir`` of ``cvcourse lab`` / ``formgrade``."""
    started = {}
    monkeypatch.setattr(cli.os, "execv", lambda path, args: started.update(args=args))
    monkeypatch.setattr(cli.os, "execve",
                        lambda path, args, env: started.update(args=args, env=env))
    monkeypatch.setattr(cli.os, "chdir", lambda path: started.update(cwd=path))
    monkeypatch.setattr(cli.os, "geteuid", lambda: euid)
    return started


def test_lab_serves_the_course_without_the_instructor_panels(monkeypatch):
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", "/etc/site-jupyter")
    started = _started(monkeypatch)
    cli.main(["--root", str(REPO), "lab", "--no-browser"])
    args = started["args"]
    assert args[1:3] == ["-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={REPO}" in args
    assert "--allow-root" in args and args[-1] == "--no-browser"
    # The learners' settings come first on Jupyter's config path; a site's own stay after.
    learner = REPO / "learntools_lite" / "jupyter_config" / "learner"
    assert started["env"]["JUPYTER_CONFIG_PATH"].split(os.pathsep) == [
        str(learner), "/etc/site-jupyter"]
    page_config = json.loads((learner / "labconfig" / "page_config.json").read_text())
    assert sorted(page_config["disabledExtensions"]) == [
        "@jupyter/nbgrader:course-list", "@jupyter/nbgrader:create-assignment",
        "@jupyter/nbgrader:formgrader"]


def test_lab_does_not_ask_for_root_rights_it_does_not_need(monkeypatch):
    started = _started(monkeypatch, euid=1000)
    cli.main(["--root", str(REPO), "lab"])
    assert "--allow-root" not in started["args"]


def test_formgrade_starts_in_the_course_root_on_the_formgrader(monkeypatch, tmp_path):
    course = _course_repo(tmp_path) / "course"
    started = _started(monkeypatch)
    cli.main(["--root", str(tmp_path), "formgrade", "--port=9999"])
    assert started["cwd"] == course  # where the formgrader looks for nbgrader_config.py
    args = started["args"]
    assert f"--ServerApp.root_dir={course}" in args
    assert "--LabApp.default_url=/lab?formgrader=true" in args and args[-1] == "--port=9999"


def test_formgrade_outside_a_course_gives_one_clear_line(monkeypatch, tmp_path):
    started = _started(monkeypatch)
    with pytest.raises(SystemExit) as stop:
        cli.main(["--course", str(tmp_path), "formgrade"])
    assert str(stop.value) == (f"cvcourse: {tmp_path} is not an nbgrader course root "
                               "(no nbgrader_config.py)")
    assert started == {}


def test_build_refuses_unknown_arguments(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--root", str(REPO), "build", "--fast"])
    assert "unrecognised arguments: --fast" in capsys.readouterr().err


def _course_repo(tmp_path):
    from grading_helpers import copy_course

    copy_course(tmp_path)
    return tmp_path


@pytest.mark.parametrize("arguments, message", [
    (["grade", "ex9"], "cvcourse: unknown assignment 'ex9'; the course has: ex1_convolution"),
    (["feedback", "ex9"], "cvcourse: unknown assignment 'ex9'"),
    (["grade", "ex1_convolution", "--submissions", "{tmp}/nowhere"],
     "cvcourse: no submissions folder or archive at {tmp}/nowhere"),
    (["grade", "ex1_convolution", "--submissions", "{tmp}/empty"],
     "cvcourse: no submissions in {tmp}/empty (expected"),
    (["grade", "ex1_convolution", "--submissions", "{tmp}/evil.zip"],
     "cvcourse: {tmp}/evil.zip holds an unsafe path ('../../gradebook.db')"),
    (["grade", "ex1_convolution", "--submissions", "{tmp}/fake.zip"],
     "cvcourse: {tmp}/fake.zip is not a zip archive"),
])
def test_bad_grading_input_gives_one_clear_line(tmp_path, arguments, message):
    import zipfile

    root = _course_repo(tmp_path)
    (tmp_path / "empty").mkdir()
    with zipfile.ZipFile(tmp_path / "evil.zip", "w") as archive:
        archive.writestr("alice_ex1_convolution.ipynb", "{}")
        archive.writestr("../../gradebook.db", "overwritten")
    (tmp_path / "fake.zip").write_text("not a zip")
    arguments = [a.replace("{tmp}", str(tmp_path)) for a in arguments]
    with pytest.raises(SystemExit) as stop:
        cli.main(["--root", str(root), *arguments])
    assert str(stop.value).startswith(message.replace("{tmp}", str(tmp_path)))
    assert not (root / "course" / "submitted").exists()  # nothing was imported


def test_a_dask_scheduler_that_cannot_be_reached_is_one_line(tmp_path, monkeypatch):
    from grading_helpers import EX1, submission, write_submissions

    from conftest import free_port
    from learntools_lite.instructor import executors

    root = _course_repo(tmp_path)
    write_submissions(tmp_path / "subs", EX1, {"amy": submission(EX1, {})})
    monkeypatch.setattr(executors, "CONNECT_SECONDS", 1)
    nobody = f"tcp://127.0.0.1:{free_port()}"
    for address, why in [(nobody, f"Timed out trying to connect to {nobody} after 1 s"),
                         ("nonsense", "missing port number in address 'nonsense'")]:
        with pytest.raises(SystemExit) as stop:
            cli.main(["--root", str(root), "grade", EX1, "--submissions",
                      str(tmp_path / "subs"), "--scheduler", address])
        assert str(stop.value) == f"cvcourse: the Dask scheduler {address} cannot be reached: {why}"
    assert not (root / "course" / "submitted").exists()  # nothing was imported


def test_a_course_folder_without_nbgrader_config_is_refused(tmp_path):
    (tmp_path / "course").mkdir()
    with pytest.raises(SystemExit) as stop:
        cli.main(["--root", str(tmp_path), "grade", "ex1_convolution"])
    assert str(stop.value) == (f"cvcourse: {tmp_path / 'course'} is not an nbgrader course "
                               "root (no nbgrader_config.py)")


def test_grading_without_bubblewrap_stops_with_one_line(tmp_path, monkeypatch):
    from learntools_lite.instructor import sandbox

    root = _course_repo(tmp_path)
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    with pytest.raises(SystemExit) as stop:
        cli.main(["--root", str(root), "grade", "ex1_convolution"])
    assert str(stop.value) == ("cvcourse: bubblewrap (bwrap) is not installed; install it "
                               "(apt-get install bubblewrap) or pass --no-sandbox")


def test_version_is_the_installed_distributions(capsys):
    from importlib.metadata import version

    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"cvcourse {version('cvcourse')}\n"


@pytest.mark.parametrize("arguments", [
    ["build", "--root", "{tmp}"], ["--root", ".", "build", "--root", "{tmp}"],
    ["roster", "import", "roster.csv", "--root", "{tmp}"]])
def test_global_options_are_accepted_after_the_command(tmp_path, arguments):
    with pytest.raises(SystemExit) as stop:
        cli.main([a.replace("{tmp}", str(tmp_path)) for a in arguments])
    assert str(stop.value).startswith(f"cvcourse: {tmp_path} is not a course repository")


def test_course_after_the_command_is_the_course(tmp_path):
    course = _course_repo(tmp_path) / "course"
    with pytest.raises(SystemExit) as stop:
        cli.main(["--root", "/nowhere", "grade", "ex9", "--course", str(course)])
    assert str(stop.value).startswith("cvcourse: unknown assignment 'ex9'")


def test_formgrade_takes_root_after_the_command_and_passes_the_rest_on(monkeypatch, tmp_path):
    course = _course_repo(tmp_path) / "course"
    started = _started(monkeypatch)
    cli.main(["formgrade", "--root", str(tmp_path), "--port=9999"])
    assert started["cwd"] == course and started["args"][-1] == "--port=9999"


def _cvcourse(*arguments, cwd):
    """``cvcourse`` as a learner or a script runs it: a process of its own."""
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "learntools_lite.cli", *arguments],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("arguments, code, message", [
    (["grade"], 2, "cvcourse grade: error: the following arguments are required: assignment"),
    (["grade", "ex1_convolution", "--workers", "many"], 2, "invalid int value: 'many'"),
    (["publish"], 2, "invalid choice: 'publish'"),
    (["build", "--fast"], 2, "unrecognised arguments: --fast"),
    (["build"], 1, "cvcourse: {tmp} is not a course repository"),
    (["--root", str(REPO), "grade", "ex9"], 1, "cvcourse: unknown assignment 'ex9'"),
])
def test_exit_codes_tell_usage_from_a_failed_run(tmp_path, arguments, code, message):
    result = _cvcourse(*arguments, cwd=tmp_path)
    assert result.returncode == code
    assert message.replace("{tmp}", str(tmp_path)) in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_help_lists_the_exit_codes(tmp_path):
    for arguments in (["--help"], ["grade", "--help"]):
        result = _cvcourse(*arguments, cwd=tmp_path)
        assert result.returncode == 0
        codes = result.stdout.split("exit codes:\n", 1)[1].splitlines()
        assert [line.split()[0] for line in codes] == ["0", "1", "2", "3"]
        assert "graded, but some students or files have a \"problem:\" line" in codes[3]


def test_building_an_unknown_notebook_names_it_and_writes_nothing(tmp_path):
    _course_repo(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    with pytest.raises(SystemExit) as stop:
        cli.main(["--root", str(tmp_path), "build", "ex9_nothing", "lesson0"])
    assert str(stop.value) == "cvcourse: no notebook called ex9_nothing, lesson0"
    assert sorted(tmp_path.rglob("*")) == before
