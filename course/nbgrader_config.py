"""nbgrader configuration: this folder (course/) is the nbgrader course root.

Paths are relative to this file, so a copy of the folder (as the tests and the build make)
is a working course of its own.
"""

import os

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearHiddenTests,
    ClearMarkScheme,
    ClearOutput,
    ComputeChecksums,
    GetGrades,
    IncludeHeaderFooter,
    InstantiateTests,
    LockCells,
    SaveCells,
)

from learntools_lite.instructor.database import configure as choose_gradebook
from learntools_lite.instructor.late import PenaltyPerDay
from learntools_lite.instructor.preprocessors import (
    AUTOGRADE_STEPS,
    SANITIZE_STEPS,
    ClearSolutionsWithStarter,
)

HERE = os.path.dirname(os.path.abspath(__file__))

c = get_config()  # noqa: F821 (provided by the config loader)
# The course's name in nbgrader's exchange: learners' Assignments panels list it.
c.CourseDirectory.course_id = "cvcourse"
c.CourseDirectory.root = HERE
# The exchange, where `cvcourse release` publishes and `cvcourse collect` collects: a folder
# outside the repository shared with the learners' servers, nbgrader's default
# /usr/local/share/nbgrader/exchange unless $CVCOURSE_EXCHANGE names another. The learners'
# settings (learntools_lite/jupyter_config/learner/nbgrader_config.py) read the same variable.
if os.environ.get("CVCOURSE_EXCHANGE"):
    c.Exchange.root = os.environ["CVCOURSE_EXCHANGE"]
# nbgrader would warn of "cheating" whenever a submission's owner (a system user) differs
# from its student id, which on a hub is the hub's user name: on Zero to JupyterHub every
# learner is the system user jovyan, on The Littlest JupyterHub amy is jupyter-amy.
c.ExchangeCollect.check_owner = False
# The gradebook is nbgrader's SQLite file in this folder, for one grader at a time. For
# several graders at once, name a database server instead (see the README), e.g.
# c.CourseDirectory.db_url = "postgresql://grader@db.example.edu/cvcourse"
# `cvcourse --db URL` and the environment variable CVCOURSE_DB_URL take precedence over
# this setting, for nbgrader's own commands and the formgrader too.
choose_gradebook(c)

# nbgrader's own list with one change: each solution region becomes the cell's starter code.
c.GenerateAssignment.preprocessors = [
    IncludeHeaderFooter, InstantiateTests, LockCells, ClearSolutionsWithStarter, ClearOutput,
    CheckCellMetadata, ComputeChecksums, SaveCells, ClearHiddenTests, ClearMarkScheme,
    ComputeChecksums, CheckCellMetadata,
]

# A test cell with any stderr output scores 0. TensorFlow and absl write their start-up and
# oneDNN notices to stderr when the log level lets them; drop exactly those lines.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = (
    r"(?m)^(WARNING: All log messages before absl::InitializeLog\(\) is called"
    r"|[IWE]\d{4} [\d:.]+ +\d+ [\w.]+:\d+\] )"
)

# Every autograde (`cvcourse grade`, the formgrader's Autograde button, `nbgrader autograde`)
# runs submissions in the sandbox and has the test cells judged outside it. nbgrader's own
# Execute would run them in this process and, since hidden tests only record values, could
# not tell a right answer from a wrong one.
c.Autograde.autograde_preprocessors = AUTOGRADE_STEPS
# A submission with a copied graded cell is sanitized instead of failing (one copy kept).
c.Autograde.sanitize_preprocessors = SANITIZE_STEPS

# The slowest legitimate cell (the set-up cell: importing TensorFlow, loading the model)
# takes under 10 s on a 2-core CPU; 30 s stops an endless loop without cutting it short.
c.Execute.timeout = 30
# nbgrader's feedback shows test cells as graded, hidden tests included; hide them.
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]

# A student who deletes a graded cell gets it back, so it is graded as if untouched.
c.OverwriteCells.add_missing_cells = True

# Due dates, in nbgrader's timestamp format; `cvcourse grade` writes them into the gradebook.
# Late work loses 10 % of the points it earned per started day late (nothing after 10 days).
c.CvCourse.due_dates = {
    # "ex1_convolution": "2026-12-04 17:00:00 UTC",
}
c.AssignLatePenalties.plugin_class = PenaltyPerDay
c.PenaltyPerDay.fraction_per_day = 0.1
