"""Confinement: every extract a source spec names lies inside the landing folder.

A source's `path` is a glob relative to the landing folder. It may not be absolute, may not climb
out with `..`, and every file it matches must still be inside the landing folder once `..` and
symbolic links are resolved. Links are refused unless the office allows them (settings:
LOIPR_ALLOW_SYMLINKS=1), and even then a link may not point outside the landing folder.
Used twice: by lint (a problem at the spec's `path` line) and by the loader (nothing outside is read).
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

from .model import Source
from .yamlpos import Problem


def pattern_problem(pattern: str) -> str | None:
    """What is wrong with the glob itself, before any file is looked at."""
    if PurePosixPath(pattern).is_absolute() or PureWindowsPath(pattern).is_absolute() or pattern.startswith("~"):
        return (f"'{pattern}' is not relative to the landing folder; write it relative to it, "
                f"e.g. 'minsa/fallecidos_covid_*.csv'")
    if ".." in PurePosixPath(pattern.replace("\\", "/")).parts:
        return f"'{pattern}' climbs out of the landing folder with '..'; write it relative to the landing folder"
    if "\0" in pattern or not pattern.strip():
        return f"'{pattern}' is not a usable path; write a glob relative to the landing folder"
    return None


def _linked(path: Path, landing: Path) -> bool:
    """Is the file, or any folder between it and the landing folder, a symbolic link?"""
    for part in [path, *path.parents]:
        if part == landing:
            return False
        if part.is_symlink():
            return True
    return False


def confined_files(pattern: str, landing: Path, allow_symlinks: bool = False) -> tuple[list[Path], list[str]]:
    """The regular files the glob matches inside the landing folder, and why any other match is refused."""
    bad = pattern_problem(pattern)
    if bad:
        return [], [bad]
    root = landing.resolve()
    if not root.is_dir():
        return [], []
    ok, refused = [], []
    for match in sorted(root.glob(pattern)):
        rel = match.relative_to(root).as_posix()
        real = match.resolve()
        if not real.is_relative_to(root):
            refused.append(f"'{rel}' resolves to {real}, outside the landing folder {root}; "
                           f"copy the extract into the landing folder")
        elif _linked(match, root) and not allow_symlinks:
            refused.append(f"'{rel}' is a symbolic link; copy the extract into the landing folder "
                           f"(or allow links: LOIPR_ALLOW_SYMLINKS=1)")
        elif real.is_file():
            ok.append(match)
    return ok, refused


def path_problems(sources: dict[str, Source], files: dict[str, str], where: dict[str, tuple[int, int]],
                  landing: Path, allow_symlinks: bool = False) -> list[Problem]:
    """Lint: one problem per refused path or file, placed on the source spec's `path` line."""
    out = []
    for sid, source in sources.items():
        line, col = where.get(sid, (1, 1))
        for message in confined_files(source.path, landing, allow_symlinks)[1]:
            out.append(Problem(files[sid], line, col, "path", message))
    return out
