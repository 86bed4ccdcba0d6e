"""The grading progress: a bar on a terminal, plain lines in a log."""

import io

from learntools_lite.instructor.progress import Progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_a_terminal_gets_one_bar_redrawn_in_place():
    stream = Terminal()
    progress = Progress(3, "executing notebooks", stream)
    for student in ("amy", "ben", "cal"):
        progress.advance(student)
    frames = stream.getvalue().split("\r")[1:]
    assert len(frames) == 4 and frames[-1].endswith("\n")
    assert frames[0].startswith(f"[{'.' * 30}] 0/3")
    assert frames[2].startswith(f"[{'#' * 20}{'.' * 10}] 2/3 ben")
    assert frames[3].startswith(f"[{'#' * 30}] 3/3 cal")


def test_a_log_gets_plain_lines_at_the_start_every_interval_and_at_the_end():
    stream, clock = io.StringIO(), Clock()
    progress = Progress(300, "executing notebooks", stream, every_seconds=30, clock=clock)
    for done in range(1, 301):
        clock.now = done  # one notebook a second
        progress.advance(f"student{done}")
    text = stream.getvalue()
    assert "\r" not in text
    lines = text.splitlines()
    assert lines[0] == "executing notebooks: 0/300 done"
    assert lines[1] == "executing notebooks: 30/300 done"
    assert lines[-1] == "executing notebooks: 300/300 done"
    assert len(lines) == 11  # 0, 30, 60, ..., 300


def test_a_short_run_in_a_log_says_only_start_and_end():
    stream = io.StringIO()
    progress = Progress(2, "executing notebooks", stream)
    progress.advance("amy")
    progress.advance("ben")
    assert stream.getvalue() == ("executing notebooks: 0/2 done\n"
                                 "executing notebooks: 2/2 done\n")
