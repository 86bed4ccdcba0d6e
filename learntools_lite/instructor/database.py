"""Where the gradebook lives, and getting it ready before anything is graded.

By default nbgrader keeps the gradebook in an SQLite file in the course root, which is
for one grader on one machine. Several graders at once (teaching assistants in the
formgrader while a grading run writes scores) need a server database: any SQLAlchemy URL
nbgrader accepts as ``CourseDirectory.db_url``, e.g. ``postgresql://grader@host/course``.
The URL is, first found wins:

1. ``cvcourse --db URL`` (this process, and the formgrader it starts);
2. the environment variable ``CVCOURSE_DB_URL``;
3. the course config's ``c.CourseDirectory.db_url``;
4. nbgrader's default, ``sqlite:///COURSE/gradebook.db``.

``postgresql://`` means PostgreSQL through psycopg 3, the driver ``pip install
'.[postgres]'`` installs (SQLAlchemy's own default for that scheme is psycopg2).

Before a command touches the gradebook, :func:`ready` connects once (a wrong password, an
unreachable server or a missing database is one line), and creates nbgrader's schema, or
brings it up to date with nbgrader's own alembic migrations, under a PostgreSQL advisory
lock, together with the rows every run shares (courses, students). Without the lock, two
runs started together on a fresh database both find no tables and both issue nbgrader's
``CREATE TYPE grade_cell_type``, and the second fails whole; two runs with the same class
both insert the same student, and one of them loses that student.
"""

import os
import subprocess
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from .nbgrader_course import CourseError, api_for

DB_VARIABLE = "CVCOURSE_DB_URL"
# One advisory lock key for "the gradebook's shared rows and schema", the same in every
# process of every grader (advisory locks are per database).
LOCK_KEY = zlib.crc32(b"cvcourse gradebook schema")
CONNECT_TIMEOUT = 10  # seconds; an unreachable host fails the check instead of hanging

_chosen: str | None = None  # set by `cvcourse --db URL` for the command it runs


class GradebookUnavailable(CourseError):
    """The gradebook's database cannot be opened or prepared (one-line message)."""


@contextmanager
def chosen(url: str | None) -> Iterator[None]:
    """Use the database at ``url`` (when given) for everything inside the block, before
    the environment variable and the course config."""
    global _chosen
    saved, _chosen = _chosen, url or _chosen
    try:
        yield
    finally:
        _chosen = saved


def with_driver(url: str) -> str:
    """``url`` with psycopg 3 as the driver of a plain ``postgresql://`` (or ``postgres://``)
    URL; any other URL unchanged."""
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme):]
    return url


def configure(config) -> None:
    """Point nbgrader's ``CourseDirectory.db_url`` in ``config`` at the chosen database:
    ``--db``, else ``$CVCOURSE_DB_URL``, else what the config already says. The course
    config calls this too, so nbgrader's own commands and the formgrader follow it."""
    url = _chosen or os.environ.get(DB_VARIABLE) or config.CourseDirectory.get("db_url")
    if url:
        config.CourseDirectory.db_url = with_driver(url)


def shown(url: str) -> str:
    """``url`` fit to print: its password hidden."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(not a database URL)"


def reason(error: BaseException) -> str:
    """Why a database call failed, in the database's own words, on one line (libpq's
    connection errors span several)."""
    original = getattr(error, "orig", None) or error
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    first = lines[0] if lines else type(original).__name__
    # libpq: 'connection failed: connection to server at "h", port p failed: FATAL:  why'
    reason = first.rsplit(" failed: ", 1)[-1].removeprefix("FATAL:").strip()
    return f"{reason} ({' '.join(lines[1:])})" if lines[1:] else reason


def connect_to(url: str):
    """An SQLAlchemy engine for ``url`` that fails fast; one line if it cannot be made."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError
    from sqlalchemy.pool import NullPool

    timeout = {"connect_timeout": CONNECT_TIMEOUT} if url.startswith("postgresql") else {}
    try:
        return create_engine(url, poolclass=NullPool, connect_args=timeout)
    except ImportError as error:
        raise GradebookUnavailable(
            f"the gradebook at {shown(url)} needs a database driver that is not installed "
            f"({error.name}); for PostgreSQL: pip install -e '.[postgres]'") from None
    except (ArgumentError, NoSuchModuleError, ValueError) as error:
        raise GradebookUnavailable(f"{shown(url)} is not a database URL SQLAlchemy can use "
                                   f"({reason(error)})") from None


@contextmanager
def exclusive(url: str) -> Iterator[None]:
    """Hold the gradebook's advisory lock (PostgreSQL) while the block runs; every other
    process asking for it waits. Released when the block ends, or when the process dies
    (the server drops a lost session's locks). SQLite needs none: it is for one grader."""
    if not url.startswith("postgresql"):
        yield
        return
    from sqlalchemy import text

    engine = connect_to(url)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
    finally:
        engine.dispose()


def revision(url: str) -> str | None:
    """The alembic revision of the gradebook at ``url`` (None: no gradebook there yet)."""
    from alembic.runtime.migration import MigrationContext

    engine = connect_to(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str:
    """The alembic revision of the schema this nbgrader writes."""
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    return ScriptDirectory(ALEMBIC_DIR).get_current_head()


def check(url: str) -> None:
    """Connect once; raise :class:`GradebookUnavailable` with the reason when that fails."""
    from sqlalchemy.exc import SQLAlchemyError

    engine = connect_to(url)
    try:
        engine.connect().close()
    except SQLAlchemyError as error:
        raise GradebookUnavailable(f"cannot open the gradebook at {shown(url)}: "
                                   f"{reason(error)}") from None
    finally:
        engine.dispose()


def _create(url: str) -> None:
    """A new gradebook: nbgrader's tables, stamped with its alembic head. nbgrader's
    ``Gradebook`` does the same for an empty database, but learns the head by running
    alembic's command line, a second Python that takes seconds; here it is read in this
    process (``head_revision``)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from nbgrader.api import Base
    from nbgrader.dbutil import ALEMBIC_DIR

    engine = connect_to(url)
    try:
        with engine.begin() as connection:
            Base.metadata.create_all(connection)
            MigrationContext.configure(connection).stamp(ScriptDirectory(ALEMBIC_DIR),
                                                         head_revision())
    finally:
        engine.dispose()


def ready(url: str, course_id: str) -> None:
    """Make the gradebook at ``url`` usable by any number of runs at once: reachable, with
    nbgrader's current schema and the course rows; one line (:class:`GradebookUnavailable`)
    if not."""
    from nbgrader.api import Gradebook
    from nbgrader.dbutil import upgrade

    check(url)
    with _shared_rows(url):
        current = revision(url)
        if current is not None and current != head_revision():
            try:
                upgrade(url)  # nbgrader's alembic migrations (`nbgrader db upgrade`)
            except subprocess.CalledProcessError as error:
                raise GradebookUnavailable(
                    f"nbgrader's migrations of the gradebook at {shown(url)} from "
                    f"{current} failed (alembic exit code {error.returncode})") from None
        if current is None:
            _create(url)
        # nbgrader's own preprocessors (SaveAutoGrades, ...) open the gradebook with
        # nbgrader's default course id, which adds that course's row on first use: add it
        # here, once.
        with Gradebook(url):
            pass
        with Gradebook(url, course_id):
            pass


def prepared_api(course_dir):
    """nbgrader's API for the course at ``course_dir``, its gradebook :func:`ready`."""
    api = api_for(course_dir)
    ready(api.coursedir.db_url, api.coursedir.course_id)
    return api


def add_students(url: str, course_id: str, students: Iterable[str]) -> None:
    """Add each of ``students`` missing from the gradebook, under the lock, so that runs of
    different assignments for the same class never both insert one student."""
    from nbgrader.api import Gradebook, Student

    with _shared_rows(url), Gradebook(url, course_id) as gradebook:
        known = {student.id for student in gradebook.students}
        # One commit for the class: nbgrader's add_student commits each student on its own,
        # a disk sync each (a second for twenty students on SQLite).
        gradebook.db.add_all(Student(id=student) for student in dict.fromkeys(students)
                             if student not in known)
        gradebook.db.commit()


@contextmanager
def _shared_rows(url: str) -> Iterator[None]:
    """The advisory lock, with any database error inside it as one line."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        with exclusive(url):
            yield
    except SQLAlchemyError as error:
        raise GradebookUnavailable(f"cannot prepare the gradebook at {shown(url)}: "
                                   f"{reason(error)}") from None
