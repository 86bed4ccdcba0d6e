"""``cvcourse db copy --from URL --to URL``: move a whole gradebook to another database,
e.g. a term's SQLite file to the PostgreSQL server several graders share.

nbgrader has no command for this (its exports carry scores, not the gradebook). Every row
of every table of nbgrader's own models is copied as it is, in the order their foreign keys
need: nbgrader's keys are strings it made itself, so nothing is renumbered and every link
still holds. The target is written in one transaction (all of it or nothing) and must hold
no gradebook rows yet; its schema is nbgrader's, made as :func:`database.ready` makes it.
Both sides must be at the schema revision this nbgrader writes.
"""

from pathlib import Path

from .database import (
    GradebookUnavailable,
    check,
    connect_to,
    exclusive,
    head_revision,
    reason,
    revision,
    shown,
    with_driver,
)

BATCH = 1000  # rows read and written at a time


def _tables():
    from nbgrader.api import Base

    return Base.metadata.sorted_tables  # parents before the rows that refer to them


def _counts(connection) -> dict[str, int]:
    from sqlalchemy import func, select

    return {table.name: connection.execute(select(func.count()).select_from(table)).scalar()
            for table in _tables()}


def copy_gradebook(source: str, target: str, say=print) -> dict[str, int]:
    """Copy the gradebook at ``source`` into the empty database at ``target``; returns the
    rows copied per table. One line (:class:`GradebookUnavailable`) when either cannot be
    used: unreachable, no gradebook at the source, a target that already holds one, or
    different schema revisions."""
    from nbgrader.api import Gradebook
    from sqlalchemy import insert, select
    from sqlalchemy.exc import SQLAlchemyError

    source, target = with_driver(source), with_driver(target)
    # Connecting to a missing SQLite file would create an empty one.
    path = source.removeprefix("sqlite:///").split("?")[0] if source.startswith(
        "sqlite:///") else None
    if path and not Path(path).exists():
        raise GradebookUnavailable(f"there is no nbgrader gradebook at {shown(source)}")
    check(source)
    check(target)
    found = revision(source)
    if found is None:
        raise GradebookUnavailable(f"there is no nbgrader gradebook at {shown(source)}")
    if found != head_revision():
        raise GradebookUnavailable(
            f"the gradebook at {shown(source)} has nbgrader's schema revision {found}, not "
            f"{head_revision()}; upgrade it first (nbgrader db upgrade)")
    reading, writing = connect_to(source), connect_to(target)
    try:
        with exclusive(target):
            with Gradebook(target, course_id=""):  # nbgrader's schema; no course row
                pass
            with reading.connect() as read, writing.begin() as write:
                held = {name: n for name, n in _counts(write).items() if n}
                if held:
                    raise GradebookUnavailable(
                        f"the database at {shown(target)} already holds a gradebook ("
                        + ", ".join(f"{n} {name}" for name, n in held.items())
                        + "); copy into a new, empty database")
                copied = {}
                for table in _tables():
                    copied[table.name] = 0
                    for rows in read.execute(select(table)).mappings().partitions(BATCH):
                        write.execute(insert(table), [dict(row) for row in rows])
                        copied[table.name] += len(rows)
    except SQLAlchemyError as error:
        raise GradebookUnavailable(f"copying {shown(source)} to {shown(target)} failed: "
                                   f"{reason(error)}") from None
    finally:
        reading.dispose()
        writing.dispose()
    say(f"copied {shown(source)} -> {shown(target)}: "
        + ", ".join(f"{n} {name}" for name, n in copied.items() if n))
    return copied
