"""Writing files so that a crash never leaves half of one."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from typing import IO, Callable

from toolkit.errors import OutputError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(target: Path, content: str | Callable[[IO[str]], None], mode: int | None = None) -> None:
    """Write through a temporary file in the same folder, then rename: never half a file.

    The file gets `mode`, or what the user's umask gives a new file (a teammate may read
    an export); an OSError becomes one `OutputError` line naming the path and the fix."""
    target = Path(target)
    if target.is_dir():
        raise OutputError(str(target), "is a folder", f"give a file name, e.g. {target / 'claims.json'}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(target)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp")
    except OSError as exc:
        raise _output_error(target, exc) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            if callable(content):
                content(handle)
            else:
                handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode if mode is not None else 0o666 & ~_umask())
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
        if pid.isdigit() and not _alive(int(pid)):
            tmp.unlink(missing_ok=True)
            removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
