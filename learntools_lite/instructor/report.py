"""The grading report: a score table, ``grades.csv``, ``misconceptions.csv`` and a PNG
with three charts."""

import csv
from collections import Counter
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


MISCONCEPTION_COLUMNS = ["student", "notebook", "question", "status", "mistake"]


def write_misconceptions(judgements: list[dict], path: Path) -> None:
    """One row per student and question: the judge's verdict and the recognised mistake's
    id (empty when the answer was right or no named mistake explained it)."""
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, MISCONCEPTION_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(judgements)


def mistake_counts(judgements: list[dict]) -> Counter:
    """(question, mistake id) -> how many students made that named mistake."""
    return Counter((j["question"], j["mistake"]) for j in judgements if j["mistake"])


def misconception_panel(axes, judgements: list[dict]) -> None:
    """Draw on ``axes`` one bar per named mistake: how many students made it."""
    counts = sorted(mistake_counts(judgements).items(), key=lambda item: (item[0][0], -item[1]))
    axes.set(title="Named mistakes (students)")
    if not counts:
        axes.text(0.5, 0.5, "no named mistakes", ha="center", va="center")
        axes.set_axis_off()
        return
    labels = [f"{question}: {mistake}" for (question, mistake), _ in counts]
    axes.barh(labels, [count for _, count in counts], color="#c44e52")
    axes.invert_yaxis()  # questions in order, top to bottom
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.tick_params(axis="y", labelsize=8)


def write_png(scores, path: Path, title: str, judgements: list[dict] = ()) -> None:
    """Histogram of total scores, the share of students passing each question, and how many
    students made each named mistake of each question."""
    questions = list(scores[0].by_question) if scores else []
    figure, (left, right, mistakes) = plt.subplots(
        1, 3, figsize=(16, 4.5), gridspec_kw={"width_ratios": [1, 1, 1.3]})
    maximum = scores[0].max_total if scores else 1
    left.hist([s.total for s in scores], bins=range(int(maximum) + 2), align="left",
              rwidth=0.8, color="#4c72b0")
    left.set(title="Total scores", xlabel=f"points (of {maximum:g})", ylabel="students")
    left.xaxis.set_major_locator(MaxNLocator(integer=True))
    left.yaxis.set_major_locator(MaxNLocator(integer=True))
    rates = [sum(s.by_question[q] > 0 for s in scores) / len(scores) for q in questions]
    right.bar([q.removesuffix("_test") for q in questions], rates, color="#55a868")
    right.set(title="Pass rate per question", ylim=(0, 1), ylabel="share of students")
    misconception_panel(mistakes, list(judgements))
    figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
