"""The annotation guidelines: a Markdown file with a version in its front matter.

    ---
    version: 1.0.0
    title: Annotating claims and their evidence
    ---
    # ...

`toolkit push` sets the text as the doccano project's guideline and records the
version; pulled claims carry the version in force when they were made.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from toolkit.errors import ConfigError

FRONT_MATTER = re.compile(r"\A---\s*\n(?P<body>.*?)\n---\s*\n", re.S)


@dataclass(frozen=True)
class Guidelines:
    version: str
    title: str
    text: str  # the Markdown without its front matter
    sha256: str
    path: str


def default_guidelines_path() -> Path:
    """$TOOLKIT_GUIDELINES, else the guidelines shipped inside the package."""
    env = os.environ.get("TOOLKIT_GUIDELINES")
    if env:
        return Path(env)
    return Path(str(resources.files("toolkit.data").joinpath("guidelines", "claims.md")))


def load_guidelines(path: Path | None = None) -> Guidelines:
    path = path or default_guidelines_path()
    try:
        raw = path.read_text("utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the guidelines ({exc.strerror}); "
                          "pass --guidelines FILE or set TOOLKIT_GUIDELINES") from None
    m = FRONT_MATTER.match(raw)
    fields: dict[str, str] = {}
    if m:
        for line in m.group("body").splitlines():
            if ":" in line:
                key, value = line.split(":", 1)
                fields[key.strip()] = value.strip()
    if not fields.get("version"):
        raise ConfigError(f"{path}: the guidelines carry no version; start the file with "
                          "'---', 'version: 1.0.0', '---'")
    text = raw[m.end():] if m else raw
    return Guidelines(fields["version"], fields.get("title", ""), text.strip() + "\n",
                      hashlib.sha256(raw.encode()).hexdigest(), str(path))
