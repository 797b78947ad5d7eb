"""Every error the toolkit raises on purpose.

The CLI turns each of these into one line, ``Error: <message>``, and an exit code;
library code raises them and never prints or exits. Messages name the place and
the fix, and never carry a secret (password, token).

    ToolkitError                      exit 1
    ├── InputError                    a file the user gave us is unusable
    │   ├── MissingPathError          the path does not exist
    │   ├── UnreadableFileError       it exists but cannot be read
    │   ├── EmptyFileError            it holds no text
    │   ├── BinaryFileError           it is not text at all
    │   ├── EncodingError             it is not valid UTF-8
    │   └── LayoutError               its notes and markers make no sense
    ├── ConfigError                   bad settings: archive patterns, database URL
    ├── OutputError                   a file we were asked to write cannot be written
    ├── ValidationError               what was to be written does not match the schema
    ├── StoreError                    the database refused or is out of date
    │   ├── NotFoundError             no stored document matches the name given
    │   └── AmbiguousNameError        the name given matches several stored versions
    └── ServerError                   the doccano server (embedded or remote); every
        │                             message names the server's URL (before it has
        │                             one: its folder) and the fix
        ├── ServerNotInstalledError   `toolkit server install` has not run
        ├── ServerUnreachableError    nothing answers at the URL
        ├── ServerTimeoutError        it accepted the connection and never answered
        ├── AuthenticationError       wrong username or password
        └── ProjectNotFoundError      the server has no doccano project of that name
"""

from __future__ import annotations


class ToolkitError(Exception):
    """Base class: an expected failure with a message meant for the user."""

    exit_code = 1


class InputError(ToolkitError):
    """A file the user gave us cannot be ingested."""

    def __init__(self, path: str, problem: str, fix: str = "") -> None:
        self.path = str(path)
        self.problem = problem
        self.fix = fix
        message = f"{self.path}: {problem}"
        if fix:
            message += f"; {fix}"
        super().__init__(message)


class MissingPathError(InputError):
    """The path does not exist."""


class UnreadableFileError(InputError):
    """The path exists but cannot be read (permissions, a directory where a file was expected)."""


class EmptyFileError(InputError):
    """The file holds no text."""


class BinaryFileError(InputError):
    """The file is binary, not text."""


class EncodingError(InputError):
    """The file is not valid UTF-8."""


class LayoutError(InputError):
    """The document's notes and markers cannot be made sense of."""


class ConfigError(ToolkitError):
    """A setting or a data file (archive patterns, database URL) is wrong."""


class ValidationError(ToolkitError):
    """What was to be written does not match the schema; nothing was written."""

    def __init__(self, errors: list[str], what: str = "the export") -> None:
        self.errors = errors
        shown = "; ".join(errors[:5]) + (f"; and {len(errors) - 5} more" if len(errors) > 5 else "")
        super().__init__(f"{what} does not match the schema, so nothing was written: {shown}")


class StoreError(ToolkitError):
    """The store refused an operation."""


class NotFoundError(StoreError):
    """No stored document matches the name given."""


class AmbiguousNameError(StoreError):
    """The name (a version id prefix) matches several stored versions."""


class ServerError(ToolkitError):
    """The doccano server failed or is not usable."""


class ServerNotInstalledError(ServerError):
    """The embedded doccano server has not been installed."""


class ServerUnreachableError(ServerError):
    """Nothing answers at the doccano URL."""


class ServerTimeoutError(ServerError):
    """The doccano server accepted the connection but did not answer in time."""


class AuthenticationError(ServerError):
    """doccano refused the username or password."""


class OutputError(ToolkitError):
    """A file we were asked to write cannot be written (a folder, no permission, disk full)."""

    def __init__(self, path: str, problem: str, fix: str) -> None:
        self.path = str(path)
        super().__init__(f"{self.path}: {problem}; {fix}")


class ProjectNotFoundError(ServerError):
    """The doccano server has no project of the name given."""
