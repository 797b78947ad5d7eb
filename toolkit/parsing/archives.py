"""Archival references, read with patterns that are data (``data/archives.toml``).

`toolkit.archives_config.load_archives()` reads and validates the bundled file plus
any the user names and hands the entries to `build_archives`; the resulting
`Archives` finds references in a piece of text:

    >>> archives = load_archives()
    >>> [r.key for r in archives.find("PRO F.O. 371/3298/1957.")]
    [('PRO', 'FO 371', '3298', '1957')]

Pure: this module reads no file and no environment variable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from toolkit.errors import ConfigError

ITEM = r"\d+[a-z]?(?:\s*[-–]\s*\d+[a-z]?)?"
ITEMS = rf"{ITEM}(?:\s*,\s*(?:and\s+)?{ITEM}(?![/\d]))*"
# State Department decimal files: "861.00/763", "661.119Vessels/23", "861.00/2619½", "304g".
DECIMAL_FILE = r"\d{3}(?:\.\d+[a-z]?)?(?:\s?[A-Z][A-Za-z]*(?:\s[A-Z][A-Za-z]*)*)?/\d+[a-zA-Z½¼¾]?"
DECIMAL_ITEM = rf"{DECIMAL_FILE}|\d+[a-z½]\b"
DECIMAL_ITEMS = rf"{DECIMAL_FILE}(?:\s*,\s*(?:and\s+)?(?:{DECIMAL_ITEM}))*"
# The rest of a reference after its core, comma by comma, up to "; " or a sentence's end
# ("..., M133, Despatches from U.S. Ministers to Japan, Roll 32. Fish replied ...").
TAIL = r"(?P<tail>(?:\s*,\s*(?:[^,;()“”\"]|\([^()]*\))+?(?=\s*,|\s*;|\s+and\s+“|(?<!\.[A-Z])\.\s+[A-Z][a-z]+[’']?s?\s+[a-z]|(?:(?<=[a-z]{3})|(?<=\d))\.(?:\s|$)|\.?\s*$|\)))*)"
ITEM_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?")
DEFINITION = re.compile(
    r"(?i:henceforth|hereafter|hereinafter)\s+(?:be\s+)?(?i:cited|referred\s+to)\s+as\s+"
    r"(?P<abbr>[A-Z][\w.]*(?:\s+[A-Z0-9][\w.]*)*?)(?=\s+followed\b|,|\.?\s*$|\.\s|\s*\()",
)


@dataclass(frozen=True)
class Reference:
    """One archival item: an archive, a series in it, a volume, an item."""

    archive: str
    series: str | None
    volume: str | None
    item: str | None
    raw: str  # the text matched, items list included
    start: int  # offsets in the text searched
    end: int
    pattern: str
    kind: str = "archival"  # or "manuscript-collection" (personal papers)
    repository: str = ""  # normalized: "NARA", "Library of Congress", "TNA", "AVPRF" ...

    @property
    def unit(self) -> str | None:
        """File series, box, volume, roll as written ("M133, Roll 32"; "Box 186")."""
        return self.volume

    @property
    def key(self) -> tuple[str, str | None, str | None, str | None]:
        return (self.archive, self.series, self.volume, self.item)


@dataclass
class Pattern:
    archive: str
    name: str
    regex: re.Pattern[str]
    series: str
    continues: bool = False
    item_prefix: str | None = None
    kind: str | None = None  # overrides the archive's kind
    units: list[re.Pattern[str]] = field(default_factory=list)  # read in the tail, joined as the unit
    items: re.Pattern[str] | None = None  # read in the tail: the items, one reference each


@dataclass
class Archive:
    id: str
    name: str
    repository: str = ""
    kind: str = "archival"
    departments: dict[str, str] = field(default_factory=dict)
    series_rewrite: list[tuple[re.Pattern[str], str]] = field(default_factory=list)


@dataclass
class Definition:
    """"henceforth cited as X": X stands for an archive (and a series) from here on."""

    abbreviation: str
    archive: str
    series: str | None
    regex: re.Pattern[str]


@dataclass
class Archives:
    archives: dict[str, Archive]
    patterns: list[Pattern]

    def name_of(self, archive_id: str) -> str:
        archive = self.archives.get(archive_id)
        return archive.name if archive else archive_id

    def repository_of(self, archive_id: str) -> str:
        archive = self.archives.get(archive_id)
        return (archive.repository or archive.id) if archive else archive_id

    def find(self, text: str, definitions: list[Definition] | None = None) -> list[Reference]:
        """Every reference in `text`, in order, one per item."""
        candidates: list[tuple[int, int, Pattern | Definition, re.Match[str]]] = []
        for pattern in self.patterns:
            if pattern.continues:
                continue
            for m in pattern.regex.finditer(text):
                candidates.append((m.start(), m.end(), pattern, m))
        for definition in definitions or []:
            for m in definition.regex.finditer(text):
                candidates.append((m.start(), m.end(), definition, m))
        chosen = _non_overlapping(candidates)

        # Continuations fill the gaps after a reference to the same archive.
        for pattern in self.patterns:
            if not pattern.continues:
                continue
            for m in pattern.regex.finditer(text):
                if any(s < m.end() and m.start() < e for s, e, _, _ in chosen):
                    continue
                before = [c for c in chosen if c[1] <= m.start()]
                if before and _archive_of(max(before, key=lambda c: c[1])[2]) == pattern.archive:
                    chosen.append((m.start(), m.end(), pattern, m))
            chosen.sort(key=lambda c: c[0])

        refs: list[Reference] = []
        last_groups: dict[str, dict[str, str]] = {}
        for start, end, source, m in sorted(chosen, key=lambda c: c[0]):
            groups = {k: v for k, v in m.groupdict().items() if v is not None}
            archive_id = _archive_of(source)
            if isinstance(source, Pattern) and source.continues:
                groups = {**last_groups.get(archive_id, {}), **groups}
            last_groups[archive_id] = groups
            refs.extend(self._expand(text, start, end, source, groups))
        return refs

    def _expand(self, text: str, start: int, end: int, source: Pattern | Definition,
                groups: dict[str, str]) -> list[Reference]:
        raw = text[start:end]
        if isinstance(source, Definition):
            archive_id, name = source.archive, f"defined as {source.abbreviation}"
            series = groups.get("series")
            series = self._rewrite(archive_id, _clean(series)) if series else source.series
            item_prefix = None
        else:
            archive_id, name = source.archive, source.name
            series = self._series(source, groups)
            item_prefix = source.item_prefix
        volume = groups.get("volume")
        archive = self.archives.get(archive_id)
        kind = (archive.kind if archive else "archival")
        repository = self.repository_of(archive_id)
        item_text = groups.get("items", "")
        units: list[list[str]] = []
        if isinstance(source, Pattern):
            kind = source.kind or kind
            if groups.get("archive"):  # one pattern for several archives: "AVPRF, f. 04, ..."
                archive_id = re.sub(r"\s+", "", groups["archive"])
                repository = self.repository_of(archive_id)
            if groups.get("repository"):  # "University of Vermont, George P. Marsh Papers"
                archive_id = repository = re.sub(r"\s+", " ", groups["repository"]).strip()
            tail = groups.get("tail", "")
            volume, units, tail_items = _read_tail(source, tail, volume)
            item_text = item_text or tail_items
        items = [i for i in ITEM_SPLIT.split(item_text.strip()) if i] or [None]
        refs = []
        prefix = ""
        for vol in _unit_variants(volume, units):
            for item in items:
                if item is not None:
                    item = re.sub(r"\s*[-–]\s*", "-", item) if re.fullmatch(r"[\d\s–-]+[a-z]?", item) else item
                    if item_prefix:
                        if item_prefix in item:
                            prefix = item[: item.rindex(item_prefix) + 1]
                        elif prefix:
                            item = prefix + item
                refs.append(Reference(archive_id, series, vol, item, raw, start, end, name, kind, repository))
        return refs

    def _series(self, pattern: Pattern, groups: dict[str, str]) -> str | None:
        archive = self.archives[pattern.archive]
        values = dict(groups)
        if "department" in values:
            dept = values["department"]
            values["department"] = archive.departments.get(
                dept, archive.departments.get(re.sub(r"\s+", "", dept), re.sub(r"[.\s]", "", dept))
            )
        if "series" in values:
            values["series"] = self._rewrite(pattern.archive, _clean(values["series"]))
        try:
            series = pattern.series.format(**values)
        except KeyError:
            return None
        return series.strip() or None

    def _rewrite(self, archive_id: str, series: str) -> str:
        archive = self.archives.get(archive_id)
        for regex, replacement in archive.series_rewrite if archive else []:
            series = regex.sub(replacement, series)
        return series.strip(" ,;")

    def learn_definitions(self, text: str, refs: list[Reference]) -> list[Definition]:
        """Definitions made in `text` ("henceforth cited as PRO F.O. 371")."""
        found = []
        for m in DEFINITION.finditer(text):
            abbr = m.group("abbr").rstrip(".")
            before = [r for r in refs if r.start < m.start()]
            if before:
                archive, series = before[-1].archive, before[-1].series
            else:
                archive, series = abbr.split()[0], None
            # "PRO F.O. 371" already names the series; a bare "MAE" is followed by one.
            series_in_abbr = bool(re.search(r"\d", abbr))
            found.append(_definition(abbr, archive, series if series_in_abbr else None))
        return found


def _definition(abbr: str, archive: str, series: str | None) -> Definition:
    head = re.escape(abbr).replace(r"\ ", r"\s+")
    if series is not None:
        body = rf"\s*/\s*(?P<volume>\d+)/(?P<items>{ITEMS})"
    else:
        body = rf",\s+\*?(?P<series>[A-Z][^/*\d;]*?)\*?,\s+(?P<volume>\d+)/(?P<items>{ITEMS})"
    return Definition(abbr, archive, series, re.compile(rf"(?<![\w.]){head}{body}"))


ROLL_LIST = re.compile(r"(?P<word>(?:Rolls?|Reels?|Boxe?s?|Folders?|Containers?)\s+)(?P<list>\d+(?:\s*(?:,|and|&)\s*(?:and\s+)?\d+)+)")


def _read_tail(pattern: Pattern, tail: str, volume: str | None) -> tuple[str | None, list[list[str]], str]:
    """Units (microfilm, roll, box, folder ...) and items named in a reference's tail."""
    if not tail or not (pattern.units or pattern.items):
        return volume, [], ""
    found: list[tuple[int, list[str]]] = []
    for regex in pattern.units:
        for m in regex.finditer(tail):
            text = m.group(0).strip(" ,")
            lm = ROLL_LIST.fullmatch(text)
            if lm:  # "Rolls 28, 29 and 31": one unit each
                nums = [x for x in re.split(r"\s*(?:,|and|&)\s*", lm.group("list")) if x]
                word = re.sub(r"s\s*$", " ", lm.group("word")).replace("Boxe ", "Box ")
                found.append((m.start(), [f"{word.strip()} {n}" for n in nums]))
            else:
                found.append((m.start(), [text]))
    found.sort(key=lambda f: f[0])
    items = ""
    if pattern.items is not None:
        im = [m.group(0).strip(" ,") for m in pattern.items.finditer(tail)]
        items = ", ".join(im)
    fixed = [v for _, vs in found if len(vs) == 1 for v in vs]
    multi = [vs for _, vs in found if len(vs) > 1]
    if volume:
        fixed.insert(0, volume)
    unit = ", ".join(fixed) or None
    return unit, multi, items


def _unit_variants(unit: str | None, multi: list[list[str]]) -> list[str | None]:
    if not multi:
        return [unit]
    return [", ".join(x for x in (unit, v) if x) for v in multi[0]]


def _archive_of(source: Pattern | Definition) -> str:
    return source.archive


def _clean(series: str) -> str:
    return re.sub(r"\s+", " ", series.replace("*", "")).strip(" ,;")


def _non_overlapping(candidates: list) -> list:
    """Longest match wins where two overlap; ties go to the earlier pattern."""
    chosen: list = []
    for cand in sorted(candidates, key=lambda c: (-(c[1] - c[0]), c[0])):
        if all(cand[1] <= s or e <= cand[0] for s, e, _, _ in chosen):
            chosen.append(cand)
    return sorted(chosen, key=lambda c: c[0])


def expand_regex(regex: str) -> str:
    """A pattern's regex with its placeholders ({items}, {decimal_items}, {tail}) filled in."""
    return (regex.replace("{items}", ITEMS).replace("{decimal_items}", DECIMAL_ITEMS)
            .replace("{decimal_file}", DECIMAL_FILE).replace("{tail}", TAIL))


def _compile(regex: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(expand_regex(regex))
    except re.error as exc:
        raise ConfigError(f"{where}: the regex does not compile ({exc}); fix it in that file") from exc


def build_archives(files: list[tuple[str, list[dict[str, Any]]]]) -> Archives:
    """`Archives` from validated entries: per file, its `[[archive]]` tables as dicts
    (see `toolkit.archives_config`, which reads and checks the files)."""
    archives: dict[str, Archive] = {}
    patterns: list[Pattern] = []
    for where, entries in files:
        for n, entry in enumerate(entries, start=1):
            place = f"{where}, archive #{n} ({entry['id']})"
            archive = archives.setdefault(entry["id"], Archive(entry["id"], entry.get("name") or entry["id"]))
            if entry.get("name"):
                archive.name = entry["name"]
            if entry.get("repository"):
                archive.repository = entry["repository"]
            if entry.get("kind"):
                archive.kind = entry["kind"]
            archive.departments.update(entry.get("departments") or {})
            for pair in entry.get("series_rewrite") or []:
                archive.series_rewrite.append((_compile(pair[0], place), pair[1]))
            for k, p in enumerate(entry.get("pattern") or [], start=1):
                ppl = f"{place}, pattern #{k}"
                patterns.append(
                    Pattern(
                        archive=archive.id,
                        name=p.get("name") or f"pattern {k}",
                        regex=_compile(p["regex"], ppl),
                        series=p.get("series") or "{series}",
                        continues=bool(p.get("continues", False)),
                        item_prefix=p.get("item_prefix"),
                        kind=p.get("kind"),
                        units=[_compile(u, ppl) for u in p.get("units") or []],
                        items=_compile(p["items"], ppl) if p.get("items") else None,
                    )
                )
    return Archives(archives, patterns)
