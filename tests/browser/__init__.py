"""End-to-end tests: a learner's JupyterLab session driven in headless Chromium.

This file makes the folder a package so that its ``conftest.py`` is imported under its own
name (``browser.conftest``) instead of clashing with the root ``conftest`` module.
"""
