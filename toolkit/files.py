"""Writing files so that a crash never leaves half of one: the toolkit's one atomic writer."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import IO, Callable


def write_atomically(target: Path, content: str | Callable[[IO[str]], None], mode: int | None = None) -> None:
    """Write through a temporary file in the same folder, then rename: never half a file.

    `content` is the text, or a function that writes it to the handle it is given.
    `mode` (e.g. 0o644) sets the file's permission bits before any byte is written;
    without it the file keeps those of its temporary file, 0600 (owner only), as
    every file this writer made always has.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")  # 0600
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            if callable(content):
                content(handle)
            else:
                handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
