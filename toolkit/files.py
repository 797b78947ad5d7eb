"""Writing files so that a crash never leaves half of one: the toolkit's one atomic writer."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from typing import IO, Callable

from toolkit.errors import OutputError


def write_atomically(target: Path, content: str | Callable[[IO[str]], None] | Callable[[IO[bytes]], None],
                     mode: int | None = None, binary: bool = False) -> None:
    """Write through a temporary file in the same folder, then rename: never half a file.

    `content` is the text, or a function that writes it to the handle it is given (a text
    handle, UTF-8, or with `binary` a byte handle).
    `mode` (0o600 for a secret) is set before any byte is written; without it the file
    gets what the user's umask gives a new file, so a teammate may read an export.
    An OSError becomes one `OutputError` line naming the path and the fix.
    """
    target = Path(target)
    if target.is_dir():
        raise OutputError(str(target), "is a folder", f"give a file name, e.g. {target / 'claims.json'}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(target)
        # The process id in the name tells a later write whether this one is still alive.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp")
    except OSError as exc:
        raise _output_error(target, exc) from None
    try:
        os.fchmod(fd, mode if mode is not None else 0o666 & ~_umask())
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8")) as handle:
            if callable(content):
                content(handle)  # type: ignore[arg-type]
            else:
                handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _output_error(target, exc) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_leftovers(target: Path) -> int:
    """Remove the temporary files of earlier writes of `target` whose process is gone
    (a killed export leaves one); a write under way in a live process is left alone."""
    removed = 0
    for tmp in target.parent.glob(f".{target.name}.*.tmp"):
        pid = tmp.name[len(target.name) + 2:].split(".", 1)[0]
        if pid.isdigit() and not pid_alive(int(pid)):
            tmp.unlink(missing_ok=True)
            removed += 1
    return removed


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _output_error(target: Path, exc: OSError) -> OutputError:
    fixes = {
        errno.EACCES: "choose a folder you may write to, or change its permissions",
        errno.EPERM: "choose a folder you may write to, or change its permissions",
        errno.ENOSPC: "free some disk space, or write elsewhere",
        errno.EROFS: "the file system is read-only: write elsewhere",
        errno.ENOTDIR: "a part of the path is a file, not a folder: check the path",
    }
    return OutputError(str(target), f"cannot be written ({exc.strerror or exc})",
                       fixes.get(exc.errno or 0, "check the path and try again"))
