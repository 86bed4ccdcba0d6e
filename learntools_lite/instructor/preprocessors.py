"""nbgrader preprocessors of our own, configured in ``course/nbgrader_config.py``."""

from nbgrader.preprocessors import ClearSolutions

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
