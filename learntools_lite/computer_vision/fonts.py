"""Fonts for the words in the course's figures, in every language it speaks.

Matplotlib's default font, DejaVu Sans, has no Chinese characters. Since matplotlib 3.6 a
glyph missing from the first font of ``font.family`` is taken from the next one (not from
the next name inside a generic family such as ``sans-serif``), so a CJK font is put after
the default family: Latin text looks as it always did and Chinese finds its glyphs
instead of rendering as boxes. The font is Noto Sans CJK SC, from Debian's
``fonts-noto-cjk`` (``make`` installs it with the other system packages).
"""

from pathlib import Path

import matplotlib
from matplotlib import font_manager

CJK_FAMILY = "Noto Sans CJK SC"
# The font's files, as Debian's fonts-noto-cjk names them.
CJK_FILE = "NotoSansCJK-Regular.ttc"


def _known_families() -> set[str]:
    return {font.name for font in font_manager.fontManager.ttflist}


def use_cjk_fallback() -> bool:
    """Put the CJK font after the default one; True when it is installed. Matplotlib's
    font cache may predate the font (installed after matplotlib first ran), so a font
    file found on the system is added to it."""
    if CJK_FAMILY not in _known_families():
        for path in font_manager.findSystemFonts():
            if Path(path).name == CJK_FILE:
                font_manager.fontManager.addfont(path)
    if CJK_FAMILY not in _known_families():
        return False
    families = [name for name in matplotlib.rcParams["font.family"] if name != CJK_FAMILY]
    matplotlib.rcParams["font.family"] = [*families, CJK_FAMILY]
    return True
