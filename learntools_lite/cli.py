"""The ``cvcourse`` command: build the notebooks, open JupyterLab, and release, collect,
grade and give feedback with nbgrader."""

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

# Exit codes, distinct so that a script can tell a class with problems from a failed run.
EXIT_OK = 0  # done; for grade: every submission graded, no problem
EXIT_FAILED = 1  # the run itself failed (one line on stderr says why)
EXIT_USAGE = 2  # the command line was wrong (argparse's own code)
EXIT_PROBLEMS = 3  # grade, feedback --release: done, with "problem:" lines for some students
EXIT_CODES = f"""exit codes:
  {EXIT_OK}  done (grade: every submission graded, no problem)
  {EXIT_FAILED}  the run itself failed (one line on stderr says why)
  {EXIT_USAGE}  usage error (unknown command, option or argument)
  {EXIT_PROBLEMS}  grade: graded, but some students or files have a "problem:" line""" \
    "; feedback --release: released, but some students' feedback has one"


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


def _language(name: str) -> str:
    """``--lang``: one of the course's languages, in its spelling (zh_CN is zh-CN)."""
    from .core import i18n

    try:
        return i18n.known(name)
    except i18n.UnknownLanguage as error:
        raise argparse.ArgumentTypeError(str(error)) from None


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

    parser = argparse.ArgumentParser(prog="cvcourse", description=__doc__, epilog=EXIT_CODES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    _global_options(parser, root=".", course=None, db=None)
    # The global options are accepted after the command too (`cvcourse grade ex1 --root R`);
    # there they leave the value given before the command, or its default, when absent.
    after = argparse.ArgumentParser(add_help=False)
    _global_options(after, root=argparse.SUPPRESS, course=argparse.SUPPRESS,
                    db=argparse.SUPPRESS)
    commands = _Commands(parser.add_subparsers(dest="command", required=True), after)
    build = commands.add_parser(
        "build", help="regenerate course/source/, exercises/, solutions/ and the lessons' "
                      "outputs from course/notebooks and course/lessons")
    build.add_argument("notebooks", nargs="*",
                       help="names (file stems) of the notebooks to build; default all")
    commands.add_parser("lab", help="open JupyterLab on the course (extra arguments are "
                                    "passed to jupyter lab)")
    commands.add_parser("formgrade", help="open nbgrader's formgrader on the course root, "
                                          "to grade the thought answers by hand (extra "
                                          "arguments are passed to jupyter lab)")
    release = commands.add_parser(
        "release", help="generate the student version of the named assignments and publish "
                        "them to nbgrader's exchange, where learners fetch them (no names: "
                        "generate every assignment, publish nothing)")
    release.add_argument("assignments", nargs="*")
    release.add_argument("--lang", default="en", metavar="LANG", type=_language,
                         help="the language of the notebooks learners get: en (default) or "
                              "zh-CN; graded the same either way")
    collect = commands.add_parser(
        "collect", help="take the learners' latest submissions from the exchange into "
                        "submitted/, for cvcourse grade")
    collect.add_argument("assignment")
    grade = commands.add_parser("grade", help="import submissions, autograde, and report")
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
    grade.add_argument("--cold", action="store_true",
                       help="start a new Python for every notebook instead of forking each "
                            "worker's warm template (which has imported TensorFlow once)")
    grade.add_argument("--memory-mb", type=int,
                       help="memory limit per notebook in MB "
                            f"(default {Limits.memory_mb})")
    roster = commands.add_parser("roster", help="the class list (nbgrader's student table)")
    roster_commands = _Commands(roster.add_subparsers(dest="roster_command", required=True),
                                after)
    roster_import = roster_commands.add_parser(
        "import", help="add the students of an LMS roster export (Canvas gradebook, Moodle "
                       "grading worksheet, Blackboard Grade Center, or id,first_name,"
                       "last_name,email,lms_id)")
    roster_import.add_argument("file", type=Path)
    export = commands.add_parser("export", help="final grades (autograded + manual - late "
                                                "penalty) in an LMS's gradebook import format")
    export.add_argument("assignments", nargs="+")
    export.add_argument("--format", choices=EXPORT_FORMATS, default="csv")
    export.add_argument("--to", type=Path,
                        help="the file to write (default: course/grades-FORMAT.csv)")
    export.add_argument("--missing-as-zero", action="store_true",
                        help="0 for a student without a submission (default: blank)")
    feedback = commands.add_parser("feedback", help="write HTML feedback for each student, "
                                                    "and a zip of it to upload to the LMS")
    feedback.add_argument("assignment")
    feedback.add_argument("--lms", choices=FEEDBACK_KINDS, default="folder",
                          dest="feedback_lms",
                          help="the zip's layout: Moodle's feedback upload, or a folder per "
                               "student (default)")
    feedback.add_argument("--release", action="store_true", dest="feedback_release",
                          help="also return each student's feedback through the exchange, "
                               "to their Assignments panel")
    db = commands.add_parser("db", help="the gradebook's database")
    db_commands = _Commands(db.add_subparsers(dest="db_command", required=True), after)
    copy = db_commands.add_parser(
        "copy", help="copy a whole gradebook into a new, empty database (e.g. the course's "
                     "SQLite file into PostgreSQL)")
    copy.add_argument("--from", dest="source", required=True, metavar="URL",
                      help="the gradebook to copy, e.g. sqlite:///course/gradebook.db")
    copy.add_argument("--to", dest="target", required=True, metavar="URL",
                      help="the empty database, e.g. postgresql://USER@HOST/DB")
    return parser


def _global_options(parser: argparse.ArgumentParser, root, course, db) -> None:
    """--root, --course and --db, with these defaults."""
    parser.add_argument("--root", default=root,
                        help="the course repository (default: here)")
    parser.add_argument("--course", type=Path, default=course,
                        help="the nbgrader course root, which may live outside the repository "
                             f"(default: ${COURSE_VARIABLE}, else ROOT/course)")
    parser.add_argument("--db", metavar="URL", default=db,
                        help="the gradebook's database, an SQLAlchemy URL such as "
                             "postgresql://USER@HOST/DB (default: $CVCOURSE_DB_URL, else "
                             "the course config's, else COURSE/gradebook.db)")


class _Commands:
    """Sub-commands that also accept the global options, and list the exit codes."""

    def __init__(self, subparsers, global_options: argparse.ArgumentParser):
        self.subparsers, self.global_options = subparsers, global_options

    def add_parser(self, name: str, **kwargs) -> argparse.ArgumentParser:
        return self.subparsers.add_parser(
            name, parents=[self.global_options], epilog=EXIT_CODES,
            formatter_class=argparse.RawDescriptionHelpFormatter, **kwargs)


def _grade(course: Path, args) -> int:
    from .instructor import report
    from .instructor.grading import RunOptions, grade, read_judgements

    options = RunOptions(workers=args.workers, scheduler=args.scheduler,
                         sandboxed=not args.no_sandbox, warm=not args.cold,
                         memory_mb=args.memory_mb)
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
    return EXIT_PROBLEMS if problems else EXIT_OK


def main(argv: list[str] | None = None) -> None:
    """Run one ``cvcourse`` command; exits with one of the codes of ``EXIT_CODES``."""
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    # Only the two commands that start JupyterLab pass unknown arguments on.
    if extra and args.command not in ("lab", "formgrade"):
        parser.error(f"unrecognised arguments: {' '.join(extra)}")
    from .instructor.database import chosen

    with chosen(args.db):
        _command(args, extra)


def _command(args, extra: list[str]) -> None:
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
    from .instructor.build import BuildError
    from .instructor.nbgrader_course import CourseError
    from .instructor.notebook_text import UntranslatedError
    from .instructor.sandbox import SandboxUnavailable

    try:
        if args.command == "formgrade":
            formgrade(course, extra, args.db)
        elif args.command == "build":
            from .instructor.build import build

            build(root, tuple(args.notebooks))
        elif args.command == "release":
            from .instructor.exchange import publish
            from .instructor.grading import release

            release(course, tuple(args.assignments), language=args.lang)
            for assignment in args.assignments:
                publish(course, assignment)
            if not args.assignments:
                print("nothing published to the exchange: name the assignments to publish "
                      "(cvcourse release ASSIGNMENT ...)")
        elif args.command == "collect":
            from .instructor.exchange import collect
            from .instructor.grading import check_assignment

            check_assignment(course, args.assignment)
            collect(course, args.assignment)
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
            from .instructor.exchange import course_folder, return_feedback
            from .instructor.feedback_upload import package_feedback
            from .instructor.grading import check_assignment, feedback

            check_assignment(course, args.assignment)
            if args.feedback_release:
                course_folder(course)  # the exchange is set up, before anything is written
            files = feedback(course, args.assignment)
            package_feedback(course, args.assignment, files, args.feedback_lms)
            if args.feedback_release:
                problems = return_feedback(course, args.assignment)
                for line in problems:
                    print(f"problem: {line}", file=sys.stderr)
                sys.exit(EXIT_PROBLEMS if problems else EXIT_OK)
        elif args.command == "db":
            from .instructor.gradebook_copy import copy_gradebook

            copy_gradebook(args.source, args.target)
    except (BuildError, CourseError, SandboxUnavailable, UntranslatedError) as error:
        raise SystemExit(f"cvcourse: {error}") from None


if __name__ == "__main__":
    main()
