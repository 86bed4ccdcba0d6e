"""``cvcourse release``, ``grade`` and ``feedback``: thin steps over nbgrader's API."""

import contextlib
import importlib
import json
import os
import shutil
import threading
import warnings
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy.exc import SAWarning

from ..core import i18n
from . import database, executions, executors, sandbox, warm
from .executions import EXECUTED, exercise_of, fingerprint
from .executors import Job
from .late import due_date
from .nbgrader_course import (
    CourseError,
    api_for,
    assignments,
    generate_release,
    load_config,
    require,
    scratch_course,
)
from .preprocessors import AUTOGRADE_STEPS
from .progress import Progress
from .submissions import import_submissions

# nbgrader 0.9.6 trips SQLAlchemy's "not in session" warning while autograding; the grades
# are saved all the same (the tests read them back), so the warning is only noise here.
warnings.filterwarnings("ignore", category=SAWarning, module=r"nbgrader\.")


@dataclass(frozen=True)
class StudentScore:
    """One student's result for one assignment."""

    student: str
    total: float
    max_total: float
    by_question: dict  # grade_id of each autograded test cell -> score
    problem: str = ""  # why the student was not (fully) graded, if so


def check_assignment(course_dir: Path, assignment: str) -> None:
    load_config(course_dir)  # fails with one line when this is no course root
    known = assignments(course_dir)
    if assignment not in known:
        raise CourseError(f"unknown assignment {assignment!r}; the course has: "
                          f"{', '.join(known) or 'none'}")


def release(course_dir: Path, names: tuple[str, ...] = (), say=print,
            language: str = i18n.ENGLISH) -> None:
    """Generate the student version of the named assignments (default: every one) into
    ``release/``, in ``language``. The gradebook always learns an assignment from its
    English source; another language's release (nbgrader's release of the translated
    source in ``LANG/source/``, which ``cvcourse build`` writes) then replaces the English
    notebooks: the cells nbgrader grades are the same in both."""
    language = i18n.known(language)
    translated = course_dir / language / "source"
    for assignment in names:
        check_assignment(course_dir, assignment)  # all known, before anything is generated
    names = names or tuple(assignments(course_dir))
    untranslated = [name for name in names if language != i18n.ENGLISH
                    and not (translated / name).is_dir()]
    if untranslated:  # one line, before anything is generated
        missing = (course_dir if not translated.is_dir() else ", ".join(untranslated))
        raise CourseError(f"{missing} has no {language} edition in {translated}: run "
                          "`cvcourse build`")
    api = database.prepared_api(course_dir)
    for assignment in names:
        require(api.generate_assignment(assignment, force=True),
                f"generating the release of {assignment}")
        released = course_dir / "release" / assignment
        if language != i18n.ENGLISH:
            with scratch_course(course_dir, translated) as scratch:
                shutil.copytree(generate_release(scratch, assignment), released,
                                dirs_exist_ok=True)
        edition = "" if language == i18n.ENGLISH else f" ({language})"
        say(f"released {assignment}{edition} -> {released}")


def _last_line(result: dict) -> str:
    lines = (result.get("error") or result.get("log") or "").strip().splitlines()
    interesting = [line for line in lines if "Kernel died" in line or "Timeout" in line
                   or "timed out" in line or "[ERROR]" in line]
    return (interesting or lines or ["no details"])[-1].strip()


@dataclass(frozen=True)
class RunOptions:
    """How submissions are executed: where, how many at once, and within which limits."""

    workers: int = os.cpu_count() or 1
    scheduler: str | None = None  # a Dask scheduler address, e.g. tcp://10.0.0.5:8786
    sandboxed: bool = True
    warm: bool = True  # each worker forks a warm template per notebook (warm.py); False: cold
    memory_mb: int | None = None  # None: sandbox.Limits' default
    limits: sandbox.Limits | None = None  # None: defaults, with the course's cell timeout


def _api_with(course_dir: Path, autograde_preprocessors: list):
    config = load_config(course_dir)
    config.Autograde.autograde_preprocessors = autograde_preprocessors
    return api_for(course_dir, config)


def limits_for(course_dir: Path, options: RunOptions) -> sandbox.Limits:
    """The per-notebook limits: the options' own, or the defaults with the course's cell
    timeout and the memory option."""
    if options.limits is not None:
        return options.limits
    return executions.limits_for(load_config(course_dir), options.memory_mb)


def _jobs(course_dir: Path, assignment: str, student: str, limits: sandbox.Limits,
          options: RunOptions, exercises: dict) -> list[Job]:
    """One job per sanitized notebook of ``student`` that has no up-to-date execution yet
    (``exercises`` keeps each notebook's exercise module, read once from the course's
    source)."""
    folder = course_dir / "autograded" / student / assignment
    files = executions.other_files(folder)
    jobs = []
    for path in sorted(folder.glob("*.ipynb")):
        notebook = nbformat.read(str(path), as_version=4)
        key = (student, path.stem, fingerprint(notebook))
        if executions.cached(course_dir, assignment, key) is None:
            if path.stem not in exercises:
                exercises[path.stem] = exercise_of(course_dir, assignment, path.stem)
            jobs.append(Job(key, nbformat.writes(notebook), files, limits,
                            exercises[path.stem], options.sandboxed, options.warm))
    return jobs


def _autograde(api, assignment: str, student: str) -> dict:
    """nbgrader's autograde of one student through its API. The API reports every
    exception as a failed result, Ctrl-C included; that one stops the run here too, as it
    would anywhere else (what is stored is kept for the next run)."""
    result = api.autograde(assignment, student, force=True, create=True)
    if (result.get("error") or "").strip().endswith("KeyboardInterrupt"):
        raise KeyboardInterrupt
    return result


def _import_exercises(course_dir: Path, assignment: str) -> None:
    """Import the assignment's exercise modules (and TensorFlow with them) in a thread while
    the submissions are sanitized: the judge, here, needs them for the first notebook. An
    import that fails is left for the judge to report."""
    def load(module: str) -> None:
        with contextlib.suppress(Exception):
            importlib.import_module(module)

    for path in sorted((course_dir / "source" / assignment).glob("*.ipynb")):
        with contextlib.suppress(CourseError):
            module = exercise_of(course_dir, assignment, path.stem)
            threading.Thread(target=load, args=(module,), daemon=True).start()


def grade(course_dir: Path, assignment: str, submissions: Path | None = None,
          say=print, options: RunOptions = RunOptions(),
          lms: str | None = None) -> tuple[list[StudentScore], list[str]]:
    """Import submissions (if given; ``lms`` names the export's format, detected when None),
    execute every submitted notebook in the sandbox (in parallel, or on a Dask cluster),
    judge the test cells outside it, and score each student with nbgrader in this process
    as soon as their notebooks are executed (while the workers run the others).

    Executions are kept, so a run stopped at any point and started again executes only
    what is missing. Returns the scores and the problems met (one line each); a problem
    with one student never stops the others."""
    check_assignment(course_dir, assignment)
    if options.sandboxed:
        sandbox.check_bubblewrap()
    # A Dask scheduler is reached first, before anything is imported.
    with executors.runs(options.workers, options.scheduler) as runs:
        # The templates start, and the judge's exercises are imported, while the gradebook
        # is prepared and the submissions are imported and sanitized.
        local_warm = options.warm and options.sandboxed and options.scheduler is None
        if local_warm:
            warm.POOL.start(max(1, options.workers))
        if options.scheduler is None:
            _import_exercises(course_dir, assignment)
        problems, students = _prepare(course_dir, assignment, submissions, say, lms)
        failed = _execute_and_score(course_dir, assignment, students, say, options, runs,
                                    settled=not local_warm)
    for student in students:
        for record in sorted((course_dir / EXECUTED / assignment / student).glob("*.json")):
            for problem in json.loads(record.read_text())["problems"]:
                failed.setdefault(student, f"{record.stem}: {problem}")
    scores = read_scores(course_dir, assignment, students, failed)
    problems += [f"{s.student}: {s.problem}" for s in scores if s.problem]
    return scores, problems


def _prepare(course_dir: Path, assignment: str, submissions: Path | None, say,
             lms: str | None) -> tuple[list[str], list[str]]:
    """Import the submissions and ready the gradebook; the problems met importing, and the
    students who submitted the assignment."""
    api = database.prepared_api(course_dir)
    problems = []
    if submissions is not None:
        problems += import_submissions(course_dir, assignment, submissions, say, lms)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        try:
            gradebook.find_assignment(assignment)
        except MissingEntry:
            require(api.generate_assignment(assignment, force=True),
                    f"generating the release of {assignment}")
        # nbgrader measures lateness against the gradebook's due date: keep it the config's.
        gradebook.update_or_create_assignment(assignment, duedate=due_date(course_dir, assignment))
    students = sorted(p.parent.name for p in (course_dir / "submitted").glob(f"*/{assignment}")
                      if p.is_dir())
    if not students:
        raise CourseError(f"no submissions for {assignment} in {course_dir / 'submitted'}")
    database.add_students(api.coursedir.db_url, api.coursedir.course_id, students)
    return problems, students


def _execute_and_score(course_dir: Path, assignment: str, students: list[str], say,
                       options: RunOptions, runs, settled: bool) -> dict[str, str]:
    """Sanitize each student with nbgrader, then execute their notebooks at once on
    ``runs`` while the next ones are sanitized, and score each student when theirs are
    done. Unless ``settled``, jobs wait until the warm templates are up (or known not to
    be). Returns why each student who could not be scored was not."""
    failed = {}
    preparing = _api_with(course_dir, [])  # nbgrader's sanitizing steps, nothing executed
    scoring = _api_with(course_dir, AUTOGRADE_STEPS)
    limits, exercises = limits_for(course_dir, options), {}
    progress = Progress(len(students), "grading students")
    running = Counter()  # student -> notebooks still executing
    waiting = []  # sanitized students whose jobs wait until warm or cold is settled

    def score(student: str) -> None:
        result = _autograde(scoring, assignment, student)
        if not result.get("success"):
            failed[student] = f"grading stopped early: {_last_line(result)}"
        progress.advance(student)

    def submit(student: str) -> None:
        jobs = _jobs(course_dir, assignment, student, limits, options, exercises)
        if not jobs:  # nothing to execute: every execution was kept
            score(student)
        running[student] = len(jobs)
        for job in jobs:
            runs.submit(job)

    def collect(wait: bool) -> None:
        for job, execution in runs.finished(wait):
            student = job.key[0]
            executions.store(course_dir, assignment, job.key, execution)
            running[student] -= 1
            if not running[student]:  # scored here while the workers run the others
                score(student)

    for student in students:
        result = _autograde(preparing, assignment, student)
        if not result.get("success"):
            failed[student] = f"grading stopped early: {_last_line(result)}"
            progress.advance(student)
        else:
            waiting.append(student)
        if not settled and (warm.POOL.started() or student == students[-1]):
            settled = True
            reason = warm.POOL.available()  # the templates started above
            if reason:  # said once here; the jobs then do not try again
                say(warm.cold_line(reason))
                options = replace(options, warm=False)
        if settled:
            for ready in waiting:
                submit(ready)
            waiting.clear()
        collect(wait=False)
    while any(running.values()):
        collect(wait=True)
    return failed


def read_scores(course_dir: Path, assignment: str, students: list[str],
                failed: dict | None = None) -> list[StudentScore]:
    """Each student's autograded scores from the gradebook (0 where nothing was graded)."""
    failed = failed or {}
    api = api_for(course_dir)
    scores = []
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        assignment_record = gradebook.find_assignment(assignment)
        tests = sorted(cell.name for notebook in assignment_record.notebooks
                       for cell in notebook.grade_cells if cell.name.endswith("_test"))
        maximum = sum(cell.max_score for notebook in assignment_record.notebooks
                      for cell in notebook.grade_cells if cell.name.endswith("_test"))
        for student in students:
            by_question = dict.fromkeys(tests, 0.0)
            problem = ""
            try:
                submission = gradebook.find_submission(assignment, student)
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        if grade.name in by_question:
                            by_question[grade.name] = float(grade.score or 0)
            except MissingEntry:
                problem = "not graded"
            if student in failed:
                problem = failed[student]
            scores.append(StudentScore(student, sum(by_question.values()), maximum,
                                       by_question, problem))
    return scores


def read_judgements(course_dir: Path, assignment: str, students: list[str]) -> list[dict]:
    """The judge's verdict per student, notebook and question, from the stored executions:
    ``{"student", "notebook", "question", "status", "mistake"}`` each."""
    rows = []
    for student in students:
        folder = course_dir / EXECUTED / assignment / student
        for record in sorted(folder.glob("*.json")):
            for judgement in json.loads(record.read_text()).get("judgements", []):
                rows.append({"student": student, "notebook": record.stem, **judgement})
    return rows


def feedback(course_dir: Path, assignment: str, say=print) -> list[Path]:
    """HTML feedback for every graded student; returns the files written."""
    check_assignment(course_dir, assignment)
    require(database.prepared_api(course_dir).generate_feedback(assignment, force=True),
            f"generating feedback for {assignment}")
    files = sorted((course_dir / "feedback").glob(f"*/{assignment}/*.html"))
    for path in files:
        say(f"feedback: {path}")
    return files
