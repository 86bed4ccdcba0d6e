"""nbgrader preprocessors of our own: one configured in ``course/nbgrader_config.py``, one
set by ``cvcourse grade`` for its sandboxed runs."""

import hashlib
import json
from pathlib import Path

import nbformat
from nbgrader.preprocessors import ClearSolutions, NbGraderPreprocessor
from traitlets import Unicode

from .versions import METADATA_KEY


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


def fingerprint(notebook) -> str:
    """Identifies a sanitized notebook by its cells, whatever its JSON formatting."""
    cells = [(cell.cell_type, cell.source) for cell in notebook.cells]
    return hashlib.sha256(json.dumps(cells).encode()).hexdigest()


class UseExecutedNotebook(NbGraderPreprocessor):
    """Stands in for nbgrader's Execute when grading: takes the outputs from the notebook
    executed in the sandbox, after checking it is the execution of this very notebook.

    The sandboxed runs write ``<results_dir>/<assignment>/<student>/<notebook>.json``;
    scoring then goes on in nbgrader's own preprocessors, in the grading process.
    """

    results_dir = Unicode("", help="folder of sandboxed execution results").tag(config=True)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        path = (Path(self.results_dir) / info["assignment"] / info["student"]
                / f"{info['notebook']}.json")
        if not path.exists():
            raise FileNotFoundError(f"no sandboxed execution of {info['notebook']} for "
                                    f"{info['student']}")
        record = json.loads(path.read_text())
        if record["input"] != fingerprint(nb):
            raise ValueError(f"the sandboxed execution of {info['notebook']} for "
                             f"{info['student']} is of a different notebook")
        return nbformat.reads(record["notebook"], as_version=4), resources
