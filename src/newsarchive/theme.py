"""Where the default theme lives: inside the installed package, or `templates/` in a source checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def default_theme() -> Path:
    """The default templates: inside the installed package, or top-level `templates/` in a checkout."""
    packaged = Path(str(resources.files("newsarchive"))) / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"
