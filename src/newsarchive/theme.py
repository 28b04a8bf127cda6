"""Where the default theme lives: inside the installed package, or `templates/` in a source checkout."""

from __future__ import annotations

from pathlib import Path


def default_theme() -> Path:
    """The default templates: inside the installed package, or top-level `templates/` in a checkout."""
    # The package's own folder, as importlib.resources would give it for a package on disk (the only kind
    # whose templates are a folder), without loading importlib.resources on every build.
    packaged = Path(__file__).parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"
