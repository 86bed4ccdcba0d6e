"""What runs inside the grading sandbox, and nothing else: the runner that executes one
submitted notebook under limits. It is part of the learner edition (``instructor/edition.py``)
that graded sandboxes see; it decides no score."""
