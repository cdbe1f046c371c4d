"""Why a text extract cannot be read: the file, the line, the cause, and what to declare or fix.

Run only when the CSV reader has failed (or before it, for what needs no reading: an empty
file, a UTF-16 byte order mark), so a file that reads well costs nothing extra.
"""

from __future__ import annotations

from pathlib import Path

BOMS = {b"\xff\xfe": "UTF-16 (little-endian)", b"\xfe\xff": "UTF-16 (big-endian)"}


def before_reading(path: Path, encoding: str, spec_file: str) -> str | None:
    """Problems visible in the first bytes: an empty file, UTF-16 or binary content."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return None  # the reader says what is wrong with a file it cannot open
    if not head:
        return f"{path.name}: the file is empty (0 bytes); deliver the extract again"
    for bom, name in BOMS.items():
        if head.startswith(bom):
            return (f"{path.name} line 1: the file is {name} text; save it as UTF-8 (or Latin-1) and declare "
                    f"encoding: utf-8 (or encoding: latin-1) in {spec_file}")
    if b"\0" in head:
        line = head[:head.index(b"\0")].count(b"\n") + 1
        return (f"{path.name} line {line}: the file holds NUL bytes, so it is not {encoding} text "
                f"(UTF-16, or not a text file at all); save it as UTF-8 CSV")
    return None


def after_failure(path: Path, encoding: str, spec_file: str) -> str | None:
    """The first line that explains a failed read: bad bytes, mixed line endings, an unclosed quote."""
    crlf = lf = cr = 0
    first_lf = first_crlf = 0
    open_quote = 0
    if not path.is_file():
        return None
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if encoding == "utf-8":
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError as bad:
                    byte = raw[bad.start]
                    return (f"{path.name} line {number}: byte 0x{byte:02X} is not UTF-8; the file looks like "
                            f"Latin-1: declare encoding: latin-1 in {spec_file} (or save the file as UTF-8)")
            body = raw
            if raw.endswith(b"\r\n"):
                crlf += 1
                first_crlf = first_crlf or number
                body = raw[:-2]
            elif raw.endswith(b"\n"):
                lf += 1
                first_lf = first_lf or number
                body = raw[:-1]
            if b"\r" in body:
                cr += 1
            if body.count(b'"') % 2:
                open_quote = 0 if open_quote else number
    if open_quote:
        return unclosed_quote(path, open_quote)
    if crlf and lf:
        later = max(first_crlf, first_lf)
        kind = "LF" if later == first_lf else "CRLF"
        return (f"{path.name} line {later}: mixed line endings ({crlf} lines end with CRLF, {lf} with LF; this "
                f"one with {kind}); save the file with one kind of line ending")
    if cr:
        return (f"{path.name}: lines end with a bare CR (old Mac style); save the file with LF or CRLF line endings")
    return None


def unclosed_quote(path: Path, line: int) -> str:
    return (f"{path.name} line {line}: a quote (\") opens a field that is not closed before the end of the file; "
            f"close the quote or remove it, and deliver the file again")
