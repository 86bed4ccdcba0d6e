"""Computer-vision exercises (ex1, ex2, ex3), their image helpers and data.

Importing this package first keeps TensorFlow's C++ start-up lines off stderr, where
nbgrader would count them as a failing test and nbval as an output mismatch.
TensorFlow 2.21 prints its oneDNN notice whatever ``TF_CPP_MIN_LOG_LEVEL`` says, so the
notice's own switch is set too (oneDNN only changes speed and round-off, not results).
``setdefault`` leaves a learner's or instructor's own choice alone.

It also gives the figures a font for Chinese (``fonts.py``), whichever module draws them.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

from .fonts import use_cjk_fallback  # noqa: E402  (after TensorFlow's switches)

use_cjk_fallback()
