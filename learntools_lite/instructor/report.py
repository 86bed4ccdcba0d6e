"""The grading report: a score table, ``grades.csv`` and a PNG with two charts."""

import csv
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # the report is a file; no display is needed or wanted
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402


def table(scores) -> str:
    """A plain-text table: one row per student, one column per autograded question."""
    if not scores:
        return "no students"
    questions = list(scores[0].by_question)
    header = ["student", *questions, "total"]
    rows = [[s.student, *(f"{s.by_question[q]:g}" for q in questions),
             f"{s.total:g}/{s.max_total:g}"] for s in scores]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
             for row in [header, *rows]]
    return "\n".join(lines)


def write_csv(scores, path: Path) -> None:
    questions = list(scores[0].by_question) if scores else []
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", *questions, "total", "max_total", "problem"])
        for s in scores:
            writer.writerow([s.student, *(s.by_question[q] for q in questions), s.total,
                             s.max_total, s.problem])


def write_png(scores, path: Path, title: str) -> None:
    """Histogram of total scores, and the share of students passing each question."""
    questions = list(scores[0].by_question) if scores else []
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    maximum = scores[0].max_total if scores else 1
    left.hist([s.total for s in scores], bins=range(int(maximum) + 2), align="left",
              rwidth=0.8, color="#4c72b0")
    left.set(title="Total scores", xlabel=f"points (of {maximum:g})", ylabel="students")
    left.xaxis.set_major_locator(MaxNLocator(integer=True))
    left.yaxis.set_major_locator(MaxNLocator(integer=True))
    rates = [sum(s.by_question[q] > 0 for s in scores) / len(scores) for q in questions]
    right.bar([q.removesuffix("_test") for q in questions], rates, color="#55a868")
    right.set(title="Pass rate per question", ylim=(0, 1), ylabel="share of students")
    figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
