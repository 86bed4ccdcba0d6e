"""The instructor's side: building the notebook versions from one source, and grading.

Nothing here is imported by learner-facing code.
"""
