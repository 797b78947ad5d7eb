"""What an audit finds: the report, its findings and their stable codes (listed in `toolkit.audit`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from toolkit.parsing.footnotes import MARKER_REPAIRED, MARKER_WITHOUT_NOTE, NOTE_WITHOUT_MARKER

SEVERITIES = ("info", "warning", "error")
CODES: dict[str, tuple[str, str]] = {
    "A101": ("unsourced-claim", "warning"),
    "A102": ("published-only", "info"),
    "A103": ("ibid-chain", "info"),
    "A104": ("disputing-note", "warning"),
    "A105": (MARKER_REPAIRED, "info"),
    "A106": (MARKER_WITHOUT_NOTE, "warning"),
    "A107": (NOTE_WITHOUT_MARKER, "warning"),
    "A108": ("unused-note", "info"),
    "A109": ("stale-offsets", "error"),
    "A110": ("quote-not-found", "warning"),
    "A111": ("quote-on-other-page", "info"),
}


@dataclass(slots=True)
class Finding:
    code: str
    name: str
    severity: str
    document: str
    claim: str | None
    note: str | None
    message: str


@dataclass
class AuditReport:
    claims: int
    support: dict[str, int]  # archival / published / none, over all claims
    archives: list[dict[str, Any]]  # per archive and series, over all documents
    documents: list[dict[str, Any]]  # per document: support counts and archives
    findings: list[Finding] = field(default_factory=list)
    # Scholarship's claims and the statements inside primary sources, apart: one must not drown
    # the other (a FRUS volume's telegrams would fill the archive chart with one bar).
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Each stored primary source that citations lead to (toolkit.leads), and how often it is cited.
    cited_sources: list[dict[str, Any]] = field(default_factory=list)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def fails(self, threshold: str) -> bool:
        """Is there a finding at `threshold` severity or above?"""
        rank = SEVERITIES.index(threshold)
        return any(SEVERITIES.index(f.severity) >= rank for f in self.findings)

    def to_json(self) -> dict[str, Any]:
        import msgspec

        return self._json(msgspec.to_builtins(self.findings))

    def to_json_bytes(self) -> bytes:
        """`to_json()` as UTF-8 JSON indented by 2, the bytes of `json.dumps(..., ensure_ascii=False,
        indent=2)`; the findings are encoded as they are, without a dict for each."""
        import msgspec

        return msgspec.json.format(msgspec.json.encode(self._json(self.findings)), indent=2)

    def _json(self, findings: list[Any]) -> dict[str, Any]:
        return {"claims": self.claims, "support": self.support, "archives": self.archives,
                "groups": self.groups, "documents": self.documents, "cited_sources": self.cited_sources,
                "findings": findings, "counts": {s: self.count(s) for s in SEVERITIES}}


def _finding(code: str, document: str, claim: str | None, note: str | None, message: str) -> Finding:
    name, severity = CODES[code]
    return Finding(code, name, severity, document, claim, note, message)


def _excerpt(text: str, width: int = 70) -> str:
    if len(text) > 2 * width:  # squeezing a long text's beginning gives the beginning of the squeezed text
        head = " ".join(text[: 2 * width].split())
        if len(head) > width:
            return head[: width - 1] + "…"
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"



SCHOLARSHIP, PRIMARY = "scholarship", "primary-sources"  # the two groups the audit keeps apart
