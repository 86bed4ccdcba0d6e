"""The ``cvcourse`` command: ``cvcourse build`` and ``cvcourse lab``."""

import argparse
import os
import sys
from pathlib import Path


def _course_root(path: str) -> Path:
    root = Path(path).resolve()
    if not (root / "course").is_dir():
        raise SystemExit(f"cvcourse: {root} is not a course repository (no course/ folder); "
                         "run this from the repository root or pass --root.")
    return root


def lab(root: Path, extra: list[str]) -> None:
    """Replace this process with JupyterLab serving the course, as root too if need be."""
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # JupyterLab refuses root unless told
    # TensorFlow's start-up lines would otherwise fill the terminal and notebook stderr.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    os.execv(sys.executable, command + extra)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="cvcourse", description=__doc__)
    parser.add_argument("--root", default=".", help="the course repository (default: here)")
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser(
        "build", help="regenerate course/source/, exercises/, solutions/ and the lessons' "
                      "outputs from course/notebooks and course/lessons")
    build_parser.add_argument("notebooks", nargs="*",
                              help="names (file stems) of the notebooks to build; default all")
    commands.add_parser("lab", help="open JupyterLab on the course (extra arguments are "
                                    "passed to jupyter lab)")
    args, extra = parser.parse_known_args(argv)
    root = _course_root(args.root)
    if args.command == "lab":
        lab(root, extra)
    elif extra:
        parser.error(f"unrecognised arguments: {' '.join(extra)}")
    else:
        from .instructor.build import build

        build(root, tuple(args.notebooks))


if __name__ == "__main__":
    main()
