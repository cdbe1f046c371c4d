"""A file's sha256, and the signature that says when it must be hashed again.

The sha256 identifies a delivery (load_log, the edition's manifest); hashing twenty years of
movements is 7.8 GB at 50 M rows, so a file is hashed again only when its signature changed.
"""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def signature(path: Path) -> tuple[int, int, int, int]:
    """What changes whenever the file's content does: size, modification and change times, inode.
    Unlike the modification time, the change time cannot be set back by a user."""
    st = path.stat()
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


HASH_WORKERS = 2


def _sha_or_error(path: Path) -> str | OSError:
    try:
        return file_sha256(path)
    except OSError as err:  # no permission, gone since it was listed: that file's error, not the source's
        return err


def _unreadable(rel: str, err: OSError) -> str:
    return f"{rel}: cannot be read ({err.strerror or err}); nothing was loaded from it"


def known_shas(con: duckdb.DuckDBPyConnection, source_id: str, files: dict[str, Path]
               ) -> tuple[dict[str, str], dict[str, tuple[int, int, int, int]], dict[str, str]]:
    """Each file's sha256, hashed again only when its signature (size, modification and change
    times, inode) changed; for the files hashed now, their signature just before hashing; and the
    error of each file that cannot be opened (it has no sha256).

    The stat is taken before hashing, so a file rewritten while it is hashed is hashed again next time."""
    known = {f: ((size, mtime, ctime, ino), sha) for f, size, mtime, ctime, ino, sha in con.execute(
        "SELECT file, size, mtime_ns, ctime_ns, inode, sha256 FROM file_stat WHERE source = ?",
        [source_id]).fetchall()}
    out, todo, hashed_at, unreadable = {}, [], {}, {}
    for rel, path in files.items():
        try:
            sig = signature(path)
        except OSError as err:
            unreadable[rel] = _unreadable(rel, err)
            continue
        before, sha = known.get(rel, (None, None))
        if before == sig:
            out[rel] = sha
        else:
            todo.append(rel)
            hashed_at[rel] = sig
    # hashlib releases the GIL on large reads: two files hashed at once (twenty years of movements
    # are 7.8 GB at 50 M rows, 5.7 s on one core)
    with ThreadPoolExecutor(max_workers=HASH_WORKERS) as pool:
        out.update(zip(todo, pool.map(_sha_or_error, [files[rel] for rel in todo])))
    for rel in [rel for rel in todo if isinstance(out[rel], OSError)]:
        unreadable[rel] = _unreadable(rel, out[rel])
        todo.remove(rel)
        del hashed_at[rel]
    out = {rel: out[rel] for rel in files if rel not in unreadable}  # in the files' order, as duplicates() reads them
    fresh = [(source_id, rel, *hashed_at[rel], out[rel]) for rel in todo]
    if fresh:
        con.executemany("INSERT OR REPLACE INTO file_stat (source, file, size, mtime_ns, ctime_ns, inode, sha256) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)", fresh)
    return out, hashed_at, unreadable
