"""What the loader checks before it changes anything: a source never disappears by accident.

- the landing folder exists, and every extract lies inside it (validators/spec/paths.py);
- loaded rows are removed only with the office's confirmation (`allow_shrink`, the CLI's
  --allow-shrink): a source whose files are all gone, a delivery that removes most of a source's
  rows, or a file rewritten with no rows is refused, and nothing changes;
- a file is the same after loading as before (sha256), else it is refused (it was being rewritten);
- the same content under two names is loaded once, with a finding.
Each refusal is a `SourceRefused` whose message names the file or folder, the cause and the fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from validators.spec.model import Source
from validators.spec.paths import confined_files

from .readers import ExtractError

MOST = 0.5  # a delivery may remove up to half a source's loaded rows without confirmation


class SourceRefused(ExtractError):
    """Loading would lose rows or read outside the landing folder: refused, nothing changed."""


@dataclass(frozen=True)
class LoadGuards:
    allow_symlinks: bool = False  # settings: LOIPR_ALLOW_SYMLINKS
    allow_shrink: bool = False    # CLI: --allow-shrink, the office confirms a source loses rows


def source_files(source: Source, landing: Path, allow_symlinks: bool = False) -> list[Path]:
    """The source's extracts, all inside the landing folder; refuse a missing folder or an outside file."""
    if not landing.is_dir():
        raise SourceRefused(f"the landing folder {landing} does not exist; nothing was changed. "
                            f"Check --landing or LOIPR_LANDING")
    files, refused = confined_files(source.path, landing, allow_symlinks)
    if refused:
        raise SourceRefused(f"path '{source.path}': " + "; ".join(refused) + "; nothing was changed")
    return files


def duplicates(shas: dict[str, str]) -> dict[str, str]:
    """{file: the file with the same content loaded instead} (the first name in sort order wins)."""
    first: dict[str, str] = {}
    out = {}
    for rel in sorted(shas):
        if shas[rel] in first:
            out[rel] = first[shas[rel]]
        else:
            first[shas[rel]] = rel
    return out


def duplicate_note(rel: str, kept: str) -> str:
    return f"{rel} has the same content (sha256) as {kept}: loaded once, as {kept}; remove one of them"


def removal_note(source: Source, landing: Path, loaded: dict[str, int], present: set[str],
                 allow_shrink: bool) -> str | None:
    """Files gone from the landing folder: refused if they hold most of the source's rows."""
    gone = {f: n for f, n in loaded.items() if f not in present}
    total, removed = sum(loaded.values()), sum(gone.values())
    if not gone or removed == 0:
        return None
    names = ", ".join(sorted(gone)[:3]) + (f" and {len(gone) - 3} more" if len(gone) > 3 else "")
    what = (f"no file matches '{source.path}' in {landing}" if not present
            else f"{len(gone)} file(s) loaded before are gone from {landing} ({names})")
    if allow_shrink:
        return f"{what}: {removed:,} of {total:,} rows removed, as confirmed with --allow-shrink"
    if not present or removed > MOST * total:
        raise SourceRefused(f"source {source.id}: {what}, which would remove {removed:,} of its {total:,} "
                            f"loaded rows; nothing was changed. Restore the file(s), or confirm the removal "
                            f"with --allow-shrink")
    return None


def replacement_note(source: Source, rel: str, before: int, now: int, total: int, allow_shrink: bool) -> str | None:
    """A file rewritten with fewer rows: refused if it empties the file or removes most of the source."""
    lost = before - now
    if lost <= 0 or not (now == 0 or lost > MOST * total):
        return None
    what = f"{rel} now has {now:,} rows where {before:,} were loaded ({lost:,} of the source's {total:,} rows)"
    if allow_shrink:
        return f"{what}: replaced, as confirmed with --allow-shrink"
    raise SourceRefused(f"source {source.id}: {what}; nothing was changed. Check the delivery, or confirm "
                        f"with --allow-shrink")


def changed_meanwhile(rel: str, before: str, after: str) -> None:
    if before != after:
        raise SourceRefused(f"{rel} changed while it was being loaded (sha256 {before[:12]} before, {after[:12]} "
                            f"after); nothing was loaded from it. Wait until the delivery is complete, then load again")
