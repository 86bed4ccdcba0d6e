"""The ``cvcourse`` command: build the notebooks, open JupyterLab, and release, grade and
give feedback with nbgrader."""

import argparse
import os
import sys
from pathlib import Path

# nbgrader's Execute and our build run learners' code in kernels that inherit this
# environment: keep TensorFlow's start-up lines off their stderr.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


# Where student work lives, when not in the repository's course/ (see README).
COURSE_VARIABLE = "CVCOURSE_COURSE"


def _course_root(path: str) -> Path:
    root = Path(path).resolve()
    if not (root / "course").is_dir():
        raise SystemExit(f"cvcourse: {root} is not a course repository (no course/ folder); "
                         "run this from the repository root or pass --root.")
    return root


def lab(root: Path, extra: list[str]) -> None:
    """Replace this process with the learners' JupyterLab serving the repository."""
    from .lab import jupyterlab_command, learner_environment

    os.execve(sys.executable, jupyterlab_command(root) + extra,
              learner_environment(os.environ))


def formgrade(course: Path, extra: list[str], db: str | None = None) -> None:
    """Replace this process with JupyterLab on the course root, showing the formgrader
    (on the gradebook at ``db`` when given)."""
    from .instructor.database import DB_VARIABLE, prepared_api
    from .lab import formgrader_command

    # One line, not a server that finds no course or cannot open the gradebook.
    prepared_api(course)
    os.chdir(course)  # where nbgrader's formgrader looks for nbgrader_config.py
    # The course config hands the variable to nbgrader (see instructor/database.py).
    environment = {**os.environ, DB_VARIABLE: db} if db else dict(os.environ)
    os.execve(sys.executable, formgrader_command(course) + extra, environment)


def _version() -> str:
    """The installed distribution's version (pyproject.toml's, one source)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cvcourse")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def _parser() -> argparse.ArgumentParser:
    from .instructor.export import FORMATS as EXPORT_FORMATS
    from .instructor.feedback_upload import KINDS as FEEDBACK_KINDS
    from .instructor.sandbox import Limits
    from .instructor.submissions import PRESETS

    # --db is accepted before the command and after it (`cvcourse grade ex1 --db URL`).
    gradebook = argparse.ArgumentParser(add_help=False)
    gradebook.add_argument("--db", metavar="URL", default=argparse.SUPPRESS,
                           help="the gradebook's database, an SQLAlchemy URL such as "
                                "postgresql://USER@HOST/DB (default: $CVCOURSE_DB_URL, else "
                                "the course config's, else COURSE/gradebook.db)")
    parser = argparse.ArgumentParser(prog="cvcourse", description=__doc__, parents=[gradebook])
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    parser.add_argument("--root", default=".", help="the course repository (default: here)")
    parser.add_argument("--course", type=Path,
                        help="the nbgrader course root, which may live outside the repository "
                             f"(default: ${COURSE_VARIABLE}, else ROOT/course)")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser(
        "build", help="regenerate course/source/, exercises/, solutions/ and the lessons' "
                      "outputs from course/notebooks and course/lessons")
    build.add_argument("notebooks", nargs="*",
                       help="names (file stems) of the notebooks to build; default all")
    commands.add_parser("lab", help="open JupyterLab on the course (extra arguments are "
                                    "passed to jupyter lab)")
    commands.add_parser("formgrade", parents=[gradebook],
                        help="open nbgrader's formgrader on the course root, to grade the "
                             "thought answers by hand (extra arguments are passed to "
                             "jupyter lab)")
    commands.add_parser("release", parents=[gradebook],
                        help="generate the student version of every assignment")
    grade = commands.add_parser("grade", parents=[gradebook],
                                help="import submissions, autograde, and report")
    grade.add_argument("assignment")
    grade.add_argument("--submissions", type=Path,
                       help="a folder laid out STUDENT/ASSIGNMENT/*.ipynb, or an LMS's "
                            "submissions export (zip or unpacked)")
    grade.add_argument("--lms", choices=PRESETS,
                       help="the export's naming (default: detected when only one fits)")
    grade.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                       help="notebooks executed at once on this machine (default: cores)")
    grade.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                       help="execute on this Dask cluster instead of local workers")
    grade.add_argument("--no-sandbox", action="store_true",
                       help="execute without bubblewrap (only for trusted submissions)")
    grade.add_argument("--memory-mb", type=int,
                       help="memory limit per notebook in MB "
                            f"(default {Limits.memory_mb})")
    roster = commands.add_parser("roster", help="the class list (nbgrader's student table)")
    roster_commands = roster.add_subparsers(dest="roster_command", required=True)
    roster_import = roster_commands.add_parser(
        "import", parents=[gradebook],
        help="add the students of an LMS roster export (Canvas gradebook, Moodle grading "
             "worksheet, Blackboard Grade Center, or id,first_name,last_name,email,lms_id)")
    roster_import.add_argument("file", type=Path)
    export = commands.add_parser("export", parents=[gradebook],
                                 help="final grades (autograded + manual - late penalty) in "
                                      "an LMS's gradebook import format")
    export.add_argument("assignments", nargs="+")
    export.add_argument("--format", choices=EXPORT_FORMATS, default="csv")
    export.add_argument("--to", type=Path,
                        help="the file to write (default: course/grades-FORMAT.csv)")
    export.add_argument("--missing-as-zero", action="store_true",
                        help="0 for a student without a submission (default: blank)")
    feedback = commands.add_parser("feedback", parents=[gradebook],
                                   help="write HTML feedback for each student, and a zip of "
                                        "it to upload to the LMS")
    feedback.add_argument("assignment")
    feedback.add_argument("--lms", choices=FEEDBACK_KINDS, default="folder",
                          dest="feedback_lms",
                          help="the zip's layout: Moodle's feedback upload, or a folder per "
                               "student (default)")
    db = commands.add_parser("db", help="the gradebook's database")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    copy = db_commands.add_parser(
        "copy", help="copy a whole gradebook into a new, empty database (e.g. the course's "
                     "SQLite file into PostgreSQL)")
    copy.add_argument("--from", dest="source", required=True, metavar="URL",
                      help="the gradebook to copy, e.g. sqlite:///course/gradebook.db")
    copy.add_argument("--to", dest="target", required=True, metavar="URL",
                      help="the empty database, e.g. postgresql://USER@HOST/DB")
    return parser


def _grade(course: Path, args) -> int:
    from .instructor import report
    from .instructor.grading import RunOptions, grade, read_judgements

    options = RunOptions(workers=args.workers, scheduler=args.scheduler,
                         sandboxed=not args.no_sandbox, memory_mb=args.memory_mb)
    submissions = args.submissions.resolve() if args.submissions else None
    assignment = args.assignment
    scores, problems = grade(course, assignment, submissions, options=options, lms=args.lms)
    judgements = read_judgements(course, assignment, [s.student for s in scores])
    print(report.table(scores))
    report.write_csv(scores, course / "grades.csv")
    report.write_misconceptions(judgements, course / "misconceptions.csv")
    report.write_png(scores, course / "report.png", f"{assignment}: {len(scores)} students",
                     judgements)
    print(f"wrote {course / 'grades.csv'}, {course / 'misconceptions.csv'} and "
          f"{course / 'report.png'}")
    for line in problems:
        print(f"problem: {line}", file=sys.stderr)
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> None:
    from .instructor.database import chosen

    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    with chosen(getattr(args, "db", None)):
        _command(parser, args, extra)


def _command(parser: argparse.ArgumentParser, args, extra: list[str]) -> None:
    """Run the parsed command; a course's error is one line and exit code 1."""
    elsewhere = args.course or (Path(os.environ[COURSE_VARIABLE])
                                if os.environ.get(COURSE_VARIABLE) else None)
    # The repository is needed to open the lab and to build; a course elsewhere is not,
    # and copying a gradebook needs neither.
    root = _course_root(args.root) if args.command in ("lab", "build") or not (
        elsewhere or args.command == "db") else None
    if args.command == "lab":
        lab(root, extra)
        return
    course = elsewhere.resolve() if elsewhere else root / "course" if root else None
    from .instructor.nbgrader_course import CourseError
    from .instructor.sandbox import SandboxUnavailable

    if extra and args.command != "formgrade":
        parser.error(f"unrecognised arguments: {' '.join(extra)}")
    try:
        if args.command == "formgrade":
            formgrade(course, extra, getattr(args, "db", None))
        elif args.command == "build":
            from .instructor.build import build

            build(root, tuple(args.notebooks))
        elif args.command == "release":
            from .instructor.grading import release

            release(course)
        elif args.command == "grade":
            sys.exit(_grade(course, args))
        elif args.command == "roster":
            from .instructor.roster import import_roster

            import_roster(course, args.file.resolve())
        elif args.command == "export":
            from .instructor.export import export
            from .instructor.grading import check_assignment

            for assignment in args.assignments:
                check_assignment(course, assignment)
            export(course, args.assignments, args.format,
                   (args.to or course / f"grades-{args.format}.csv").resolve(),
                   args.missing_as_zero)
        elif args.command == "feedback":
            from .instructor.feedback_upload import package_feedback
            from .instructor.grading import feedback

            files = feedback(course, args.assignment)
            package_feedback(course, args.assignment, files, args.feedback_lms)
        elif args.command == "db":
            from .instructor.gradebook_copy import copy_gradebook

            copy_gradebook(args.source, args.target)
    except (CourseError, SandboxUnavailable) as error:
        raise SystemExit(f"cvcourse: {error}") from None


if __name__ == "__main__":
    main()
