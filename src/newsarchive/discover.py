"""Discover: the content folder in, the sorted list of article files (and their sidecars) out.

Cheap by design: it lists folders and reads file metadata, never content, so
that a build can tell quickly whether anything changed at all.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .model import Notice

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown")
SIDECAR_SUFFIXES = (".yaml", ".yml")
_ARTICLE_EXTENSIONS = frozenset(suffix[1:] for suffix in ARTICLE_SUFFIXES)
Signature = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class Source:
    display: str  # the file's path, as found (the content folder joined with `rel`), and as messages name it
    rel: str
    sidecar: Path | None = None

    @property
    def path(self) -> Path:
        return Path(self.display)


def discover(content: Path, ignore: Iterable[str] = ()) -> tuple[list[Source], list[Notice]]:
    """Every article file under `content`, sorted by relative path.

    A symbolic link is read only when it is a file inside the content folder. Links to folders are never
    followed (so no loop can be walked and nothing outside is listed), and links that leave the content
    folder, are broken or loop are reported, naming the link.
    """
    if not content.is_dir():
        return [], [Notice(str(content), 0, "content folder not found; pass --content DIR or create it")]
    root = content.resolve()
    match = re.compile("|".join(map(fnmatch.translate, ignore)) or "(?!)").match
    # Names are matched as the system compares them; on POSIX that changes nothing, so nothing is called.
    ignored = match if os.path.normcase("Aa") == "Aa" else lambda name: match(os.path.normcase(name))
    found: list[Source] = []
    problems: list[Notice] = []
    pending = [(content, "")]
    # Ten thousand files are listed before every build, even one with nothing to do: the loop below does
    # as little per file as it can. Both lists are sorted at the end, so a folder is read in any order.
    while pending:
        folder, prefix = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as exc:
            problems.append(Notice(str(folder), 0, f"cannot list this folder: {exc.strerror}"))
            continue
        sidecars = _sidecars([entry.name for entry in entries])
        for entry in entries:
            name = entry.name
            if entry.is_dir(follow_symlinks=False):
                if not name.startswith("."):
                    pending.append((Path(entry.path), f"{prefix}{name}/"))
                continue
            link = entry.is_symlink()
            if link and not name.startswith(".") and _leads_to_folder(entry):
                path = Path(entry.path)
                problems.append(Notice(str(path), 0, _link_problem(path, root, "folder")))
                continue
            stem, dot, suffix = name.rpartition(".")
            if not dot or suffix.lower() not in _ARTICLE_EXTENSIONS:
                continue
            if name.startswith(".") or ignored(name):
                continue
            sidecar = Path(folder, sidecars[stem]) if stem in sidecars else None
            if link or (sidecar is not None and sidecar.is_symlink()):
                links = [Path(entry.path)] if link else []
                if sidecar is not None and sidecar.is_symlink():
                    links.append(sidecar)
                bad = [(p, why) for p in links if (why := _link_problem(p, root, "file"))]
                if bad:
                    problems.extend(Notice(str(p), 0, why) for p, why in bad)
                    continue
            found.append(Source(entry.path, prefix + name, sidecar))
    found.sort(key=lambda s: s.rel)
    problems.sort(key=lambda n: n.path)
    return found, problems


def _sidecars(names: list[str]) -> dict[str, str]:
    """Each stem's sidecar among a folder's `names`: STEM.yaml, or else STEM.yml (the first suffix wins)."""
    candidates = [name for name in names if name.endswith(SIDECAR_SUFFIXES)]
    return {
        name[: -len(suffix)]: name
        for suffix in reversed(SIDECAR_SUFFIXES)
        for name in candidates
        if name.endswith(suffix)
    }


def _leads_to_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a link that loops
        return False


def _link_problem(path: Path, root: Path, kind: str) -> str:
    """Why the symbolic link `path` is not followed; "" when it is not a link or is a file inside `root`."""
    if not path.is_symlink():
        return ""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # RuntimeError: a loop, before Python 3.13
        return "symbolic link is broken or loops; not followed"
    if not target.is_relative_to(root):
        return f"symbolic link points outside the content folder (to {target}); not followed"
    if kind == "folder":
        return "symbolic link to a folder; not followed (move the folder into the content folder instead)"
    return ""


def source_for(path: Path) -> Source:
    """A Source for a file named on the command line."""
    sidecar = next((s for s in (path.with_suffix(x) for x in SIDECAR_SUFFIXES) if s.is_file()), None)
    return Source(str(path), path.as_posix(), sidecar)


def signature_of(source: Source) -> Signature | None:
    try:
        main = os.stat(source.display)
        side = source.sidecar.stat() if source.sidecar else None
    except OSError:
        return None
    return (main.st_size, main.st_mtime_ns, side.st_size if side else -1, side.st_mtime_ns if side else -1)
