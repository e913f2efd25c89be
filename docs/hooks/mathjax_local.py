"""MkDocs hook: serve MathJax from the built site itself, so that equations render offline.

MathJax 3.2.2 comes from the pinned ``django-static-mathjax`` package (requirements-dev.txt; a copy
of MathJax's own ``es5`` build, used here without Django).  After the build this copies its
``tex-mml-chtml.js`` and the CommonHTML fonts it loads (paths relative to the script) to
``<site>/javascripts/mathjax/``, where ``mkdocs.yml`` points ``extra_javascript``.
"""

from __future__ import annotations

import importlib.resources
import shutil
from pathlib import Path

#: Where the site loads MathJax from (relative to the site's root); mkdocs.yml names the script.
TARGET = Path("javascripts") / "mathjax"
#: The files of MathJax's es5 build the site needs: the TeX + MathML -> CommonHTML component and its fonts.
FILES = ("tex-mml-chtml.js", "output/chtml/fonts/woff-v2")


def mathjax_source() -> Path:
    """The ``es5`` folder of the installed MathJax."""
    return Path(str(importlib.resources.files("mathjax") / "static" / "mathjax" / "es5"))


def copy_mathjax(site_dir: str | Path) -> Path:
    """Copy MathJax's script and fonts into ``site_dir``; return the folder they are in."""
    source, dest = mathjax_source(), Path(site_dir) / TARGET
    for name in FILES:
        src, out = source / name, dest / name
        out.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, out, dirs_exist_ok=True)
        else:
            shutil.copy2(src, out)
    return dest


def on_post_build(config, **kwargs) -> None:
    copy_mathjax(config["site_dir"])
