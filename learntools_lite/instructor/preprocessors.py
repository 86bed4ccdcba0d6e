"""nbgrader preprocessors of our own, configured in ``course/nbgrader_config.py``: the
release's starter code, a copied graded cell made a plain one, and the sandboxed, judged
execution that autograding uses."""

import os
from pathlib import Path

import nbformat
from nbgrader.converters import Autograde
from nbgrader.preprocessors import (
    ClearSolutions,
    DeduplicateIds,
    Execute,
    NbGraderPreprocessor,
)

from . import executions, sandbox
from .authoring import METADATA_KEY
from .executors import Job, failed_job, run_job


class ClearSolutionsWithStarter(ClearSolutions):
    """nbgrader's ClearSolutions, but each code cell's solution region becomes that cell's
    own starter code (``metadata.cvcourse.starter``, with ``____`` blanks) instead of one
    ``raise NotImplementedError()`` for every cell; the starter is then dropped from the
    metadata, since the learner's cell now holds it."""

    def _replace_solution_region(self, cell, language: str) -> bool:
        starter = cell.metadata.get(METADATA_KEY, {}).get("starter")
        if cell.cell_type != "code" or starter is None:
            return super()._replace_solution_region(cell, language)
        shared_stub = self.code_stub
        self.code_stub = {**shared_stub, language: starter}
        try:
            replaced = super()._replace_solution_region(cell, language)
        finally:
            self.code_stub = shared_stub
        del cell.metadata[METADATA_KEY]["starter"]
        if not cell.metadata[METADATA_KEY]:
            del cell.metadata[METADATA_KEY]
        return replaced


class DeduplicateIdsWhole(DeduplicateIds):
    """nbgrader's DeduplicateIds, finished: a learner who copied a graded cell (its
    metadata comes along) has every copy but the last made a plain cell. nbgrader empties
    the copy's ``nbgrader`` metadata but leaves the key, on which its own OverwriteCells
    then fails (``KeyError: 'grade_id'``) and the whole submission scores 0; the key is
    removed here."""

    def preprocess_cell(self, cell, resources, cell_index):
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if cell.metadata.get("nbgrader") == {}:
            del cell.metadata["nbgrader"]
        return cell, resources


class SandboxedExecute(NbGraderPreprocessor):
    """nbgrader's Execute step, replaced: the notebook runs in the sandbox and its test
    cells are judged outside it (see ``executors.run_job``); nothing of the submission runs
    in the grading process.

    When ``cvcourse grade`` has already executed this very notebook (same sanitized cells),
    its stored execution is used; otherwise (the formgrader's Autograde button, plain
    ``nbgrader autograde``) the notebook is executed now and the execution stored.
    """

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        # The course config sets an absolute root; nbgrader's own default is the cwd.
        course = Path(self.config.CourseDirectory.get("root", os.getcwd())).resolve()
        assignment = info["assignment"]
        key = (info["student"], info["notebook"], executions.fingerprint(nb))
        record = executions.cached(course, assignment, key)
        if record is None:
            sandbox.check_bubblewrap()  # refuse to run a submission unsandboxed
            job = Job(key, nbformat.writes(nb),
                      executions.other_files(Path(resources["metadata"]["path"])),
                      executions.limits_for(self.config),
                      executions.exercise_of(course, assignment, info["notebook"]),
                      sandboxed=True)
            try:
                execution = run_job(job)
            except Exception as error:  # as in a grading run: this notebook alone gets 0
                execution = failed_job(job, error)
            record = executions.store(course, assignment, key, execution)
        return nbformat.reads(record["notebook"], as_version=4), resources


# nbgrader's own autograde steps with one change: Execute becomes SandboxedExecute.
AUTOGRADE_STEPS = [SandboxedExecute if step is Execute else step
                   for step in Autograde.class_traits()["autograde_preprocessors"].default()]
# nbgrader's own sanitizing steps with one change: DeduplicateIds becomes DeduplicateIdsWhole.
SANITIZE_STEPS = [DeduplicateIdsWhole if step is DeduplicateIds else step
                  for step in Autograde.class_traits()["sanitize_preprocessors"].default()]
