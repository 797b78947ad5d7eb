"""Reading the archive-pattern files: the bundled ``data/archives.toml``, the user's
``--archives FILE`` and ``$TOOLKIT_ARCHIVES``; each file is checked with a pydantic
model whose errors name the file, the entry and the field.

The parser (`toolkit.parsing.archives`) never reads a file: this module reads,
validates and hands it plain entries (`build_archives`).
"""

from __future__ import annotations

import os
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Dict, List, Literal, Optional, Tuple

from pydantic import BaseModel, Extra, ValidationError, validator

from toolkit.errors import ConfigError
from toolkit.parsing.archives import Archives, build_archives, expand_regex

BUNDLED = "toolkit/data/archives.toml"
ENV = "TOOLKIT_ARCHIVES"


def _check_regex(value: str) -> str:
    try:
        re.compile(expand_regex(value))
    except re.error as exc:
        raise ValueError(f"the regex does not compile ({exc}); fix it in that file") from exc
    return value


class PatternModel(BaseModel):
    """One `[[archive.pattern]]`."""

    name: Optional[str] = None
    regex: str
    series: str = "{series}"
    continues: bool = False
    item_prefix: Optional[str] = None
    kind: Optional[Literal["archival", "manuscript-collection"]] = None
    units: List[str] = []
    items: Optional[str] = None

    class Config:
        extra = Extra.forbid

    _regex = validator("regex", allow_reuse=True)(_check_regex)
    _items = validator("items", allow_reuse=True)(lambda v: v if v is None else _check_regex(v))
    _units = validator("units", each_item=True, allow_reuse=True)(_check_regex)


class ArchiveModel(BaseModel):
    """One `[[archive]]`."""

    id: str
    name: Optional[str] = None
    repository: Optional[str] = None  # the normalized name citations report ("NARA", "Library of Congress")
    kind: Optional[Literal["archival", "manuscript-collection"]] = None
    departments: Dict[str, str] = {}
    series_rewrite: List[Tuple[str, str]] = []
    pattern: List[PatternModel] = []

    class Config:
        extra = Extra.forbid

    @validator("id")
    def _id_not_empty(cls, v: str) -> str:  # noqa: N805
        if not v.strip():
            raise ValueError('is empty; give every [[archive]] an id such as "PRO"')
        return v

    @validator("series_rewrite", each_item=True)
    def _rewrite_compiles(cls, v: Tuple[str, str]) -> Tuple[str, str]:  # noqa: N805
        _check_regex(v[0])
        return v


class ArchivesFile(BaseModel):
    """A whole archive-pattern file."""

    archive: List[ArchiveModel] = []

    class Config:
        extra = Extra.forbid


def _describe(where: str, data: dict, exc: ValidationError) -> str:
    """"mine.toml, archive #1 (RGASPI), pattern #2, field `regex`: the regex does not compile ..."."""
    lines = []
    for err in exc.errors():
        loc = list(err["loc"])
        parts = [where]
        entries = data.get("archive") if isinstance(data.get("archive"), list) else []
        if loc[:1] == ["archive"] and len(loc) > 1 and isinstance(loc[1], int):
            n = loc[1]
            ident = entries[n].get("id") if n < len(entries) and isinstance(entries[n], dict) else None
            parts.append(f"archive #{n + 1}" + (f" ({ident})" if ident else ""))
            loc = loc[2:]
            if loc[:1] == ["pattern"] and len(loc) > 1 and isinstance(loc[1], int):
                parts.append(f"pattern #{loc[1] + 1}")
                loc = loc[2:]
        field = ".".join(str(x) for x in loc) or "archive"
        msg = err["msg"]
        if err["type"] == "value_error.missing":
            msg = "is missing"
        elif err["type"] == "value_error.extra":
            msg = "is not a known field (known: see toolkit/data/archives.toml)"
        lines.append(f"{', '.join(parts)}, field `{field}`: {msg}")
    return "; ".join(lines)


def parse_archives_file(where: str, text: str) -> list[dict]:
    """Validated `[[archive]]` entries of one file's text, as plain dicts."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML ({exc}); fix the file") from exc
    try:
        model = ArchivesFile.parse_obj(data)
    except ValidationError as exc:
        raise ConfigError(_describe(where, data, exc)) from exc
    return [a.dict() | {"pattern": [p.dict() for p in a.pattern]} for a in model.archive]


def load_archives(extra: list[Path] | None = None, environ: dict[str, str] | None = None) -> Archives:
    """The bundled archive patterns plus the user's files (and $TOOLKIT_ARCHIVES)."""
    files = [(BUNDLED, parse_archives_file(
        BUNDLED, resources.files("toolkit.data").joinpath("archives.toml").read_text("utf-8")))]
    paths = list(extra or [])
    env = (os.environ if environ is None else environ).get(ENV, "")
    paths += [Path(p) for p in env.split(os.pathsep) if p]
    for path in paths:
        try:
            text = Path(path).read_text("utf-8")
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read archive patterns ({exc.strerror}); check the path") from exc
        files.append((str(path), parse_archives_file(str(path), text)))
    return build_archives(files)
