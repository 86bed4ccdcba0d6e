"""The instructor's side: building notebook versions from one source, and (later) grading.

Nothing here is imported by learner-facing code.
"""
