"""The ``cvcourse`` command line: clear one-line errors, and the JupyterLab command it runs."""

import pytest

from conftest import REPO
from learntools_lite import cli


def test_outside_a_course_gives_one_clear_line(tmp_path):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--root", str(tmp_path), "build"])
    assert str(stop.value).startswith(f"cvcourse: {tmp_path} is not a course repository")


def test_lab_serves_the_course_and_allows_root(monkeypatch):
    started = {}
    monkeypatch.setattr(cli.os, "execv", lambda path, args: started.update(args=args))
    monkeypatch.setattr(cli.os, "geteuid", lambda: 0)
    cli.main(["--root", str(REPO), "lab", "--no-browser"])
    args = started["args"]
    assert args[1:3] == ["-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={REPO}" in args
    assert "--allow-root" in args and args[-1] == "--no-browser"


def test_lab_does_not_ask_for_root_rights_it_does_not_need(monkeypatch):
    started = {}
    monkeypatch.setattr(cli.os, "execv", lambda path, args: started.update(args=args))
    monkeypatch.setattr(cli.os, "geteuid", lambda: 1000)
    cli.main(["--root", str(REPO), "lab"])
    assert "--allow-root" not in started["args"]


def test_build_refuses_unknown_arguments(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--root", str(REPO), "build", "--fast"])
    assert "unrecognised arguments: --fast" in capsys.readouterr().err
