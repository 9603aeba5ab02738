"""Writing a result file atomically: the new content appears whole or not at all.

A brief written with `--out` goes to a temporary file beside the target, is
flushed to disk, and then replaces the target in one rename. A failure on the
way (a full disk, text that cannot be encoded, a kill) leaves the previous file
as it was, never an empty or half-written one.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def write_atomically(path: Path, text: str) -> None:
    """Write `text` (UTF-8) to `path`, replacing it in one step. Raises `OSError` or
    `UnicodeError`, with `path` untouched, when it cannot be written."""
    data = text.encode("utf-8")  # before anything is touched: unencodable text fails here
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        # A device or a pipe (`--out /dev/stdout`) cannot be replaced: write through.
        with open(path, "wb") as handle:
            handle.write(data)
        return
    directory = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp makes the file private (0600); give it the mode the target has, or
        # the one a new file would get.
        os.chmod(temporary, stat.S_IMODE(mode) if mode is not None else 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
