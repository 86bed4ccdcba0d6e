"""Which database holds the gradebook: ``cvcourse --db``, then ``CVCOURSE_DB_URL``, then the
course config, then nbgrader's SQLite file; the same choice for nbgrader's own commands and
the formgrader. (The PostgreSQL server itself is tested in test_postgres.py.)"""

from contextlib import closing

import pytest
from grading_helpers import copy_course

from learntools_lite import cli
from learntools_lite.instructor import database
from learntools_lite.instructor.nbgrader_course import api_for

IN_CONFIG = "postgresql://grader@db.example.edu/from_config"
IN_ENVIRONMENT = "postgresql://grader@db.example.edu/from_environment"
ON_COMMAND_LINE = "postgresql://grader@db.example.edu/from_flag"


def _url(course) -> str:
    return api_for(course).coursedir.db_url


def test_sqlite_in_the_course_root_needs_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv(database.DB_VARIABLE, raising=False)
    course = copy_course(tmp_path)
    assert _url(course) == f"sqlite:///{course / 'gradebook.db'}"


def test_flag_then_environment_then_course_config(tmp_path, monkeypatch):
    monkeypatch.delenv(database.DB_VARIABLE, raising=False)
    course = copy_course(tmp_path, f"c.CourseDirectory.db_url = {IN_CONFIG!r}")
    assert _url(course) == database.with_driver(IN_CONFIG)
    monkeypatch.setenv(database.DB_VARIABLE, IN_ENVIRONMENT)
    assert _url(course) == database.with_driver(IN_ENVIRONMENT)
    with database.chosen(ON_COMMAND_LINE):
        assert _url(course) == database.with_driver(ON_COMMAND_LINE)
    assert _url(course) == database.with_driver(IN_ENVIRONMENT)  # only inside the block


def test_nbgraders_own_reading_of_the_course_config_follows_the_environment(monkeypatch):
    """The formgrader and `nbgrader autograde` read course/nbgrader_config.py themselves,
    from the folder they start in."""
    from nbgrader.apps.baseapp import NbGrader

    from conftest import REPO

    monkeypatch.setenv(database.DB_VARIABLE, IN_ENVIRONMENT)
    monkeypatch.chdir(REPO / "course")
    nbgrader = NbGrader()
    nbgrader.load_config_file()
    assert nbgrader.config.CourseDirectory.db_url == database.with_driver(IN_ENVIRONMENT)


@pytest.mark.parametrize("url, expected", [
    ("postgresql://u:p@h:5432/d", "postgresql+psycopg://u:p@h:5432/d"),
    ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
    ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
    ("sqlite:////srv/course/gradebook.db", "sqlite:////srv/course/gradebook.db"),
])
def test_postgresql_urls_use_psycopg_3(url, expected):
    assert database.with_driver(url) == expected


def test_a_printed_url_hides_its_password():
    assert database.shown("postgresql+psycopg://grader:s3cret@h:5432/d") == \
        "postgresql+psycopg://grader:***@h:5432/d"


@pytest.mark.parametrize("position", ["before", "after"])
def test_formgrade_hands_the_chosen_gradebook_to_the_formgrader(tmp_path, monkeypatch,
                                                                position):
    monkeypatch.delenv(database.DB_VARIABLE, raising=False)
    course = copy_course(tmp_path)
    chosen = f"sqlite:///{tmp_path / 'shared.db'}"
    started = {}
    monkeypatch.setattr(cli.os, "execve", lambda path, args, env: started.update(env=env))
    monkeypatch.setattr(cli.os, "chdir", lambda path: None)
    flag = ["--db", chosen]
    cli.main(["--root", str(tmp_path), *(flag if position == "before" else []), "formgrade",
              *(flag if position == "after" else [])])
    assert started["env"][database.DB_VARIABLE] == chosen
    assert (tmp_path / "shared.db").exists()  # made ready before the server started
    assert not (course / "gradebook.db").exists()


@pytest.mark.parametrize("url, message", [
    ("mysql+nosuchdriver://u@h/d", "mysql+nosuchdriver://u@h/d is not a database URL "
                                   "SQLAlchemy can use"),
    ("no url at all", "(not a database URL) is not a database URL SQLAlchemy can use"),
])
def test_a_url_sqlalchemy_cannot_use_is_one_line(tmp_path, url, message):
    copy_course(tmp_path)
    with pytest.raises(SystemExit) as stop:
        cli.main(["--root", str(tmp_path), "--db", url, "release"])
    assert str(stop.value).startswith(f"cvcourse: {message}")


def test_a_new_gradebook_has_nbgraders_own_tables_at_its_alembic_head(tmp_path):
    """``ready`` makes a new gradebook in this process; it is the one nbgrader would make
    (the same tables and columns, the current schema revision), and nbgrader opens it."""
    import sqlite3

    from nbgrader.api import Gradebook

    ours, theirs = tmp_path / "ours.db", tmp_path / "theirs.db"
    database.ready(f"sqlite:///{ours}", "cvcourse")
    with Gradebook(f"sqlite:///{theirs}"):  # nbgrader's own making of a new gradebook
        pass

    def columns(path) -> dict:
        with closing(sqlite3.connect(path)) as connection:
            tables = [row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")]
            return {table: sorted(row[1] for row in connection.execute(
                f"PRAGMA table_info({table})")) for table in tables}

    assert columns(ours) == columns(theirs)
    ours, theirs = f"sqlite:///{ours}", f"sqlite:///{theirs}"
    assert database.revision(ours) == database.revision(theirs) == database.head_revision()
    with Gradebook(ours, "cvcourse") as gradebook:
        gradebook.add_student("amy")
        assert [student.id for student in gradebook.students] == ["amy"]


def test_students_are_added_once_whoever_is_already_there(tmp_path):
    from nbgrader.api import Gradebook

    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    database.ready(url, "cvcourse")
    database.add_students(url, "cvcourse", ["bo", "ana"])
    database.add_students(url, "cvcourse", ["ana", "cy", "cy", "bo"])
    with Gradebook(url, "cvcourse") as gradebook:
        assert sorted(student.id for student in gradebook.students) == ["ana", "bo", "cy"]
