"""`toolkit audit`: which claims rest on which archive, and what deserves a second look.

Reads the store a slice of documents at a time, plain columns only (memory holds one slice and the
findings, not the corpus), and counts by the rules the export writes: what a note reaches is stored once,
at ingest; only evidence notes support a claim; scholarship and primary sources apart. Findings have stable
codes that scripts and tests may rely on; their wording may change, the codes do not:

    A101 warning  unsourced-claim      a claim with no evidence at all
    A102 info     published-only       a claim resting only on published works
    A103 info     ibid-chain           a claim resting on an Ibid. (and the note it finally leans on)
    A104 warning  disputing-note       a note linked to a claim disputes it
    A105 info     marker-repaired      a footnote marker misread by OCR, repaired
    A106 warning  marker-without-note  a footnote marker whose note was not found
    A107 warning  note-without-marker  a note whose marker was not found
    A108 info     unused-note          a note that no claim of its document uses
    A109 error    stale-offsets        a claim whose text is not at its offsets in the current version
    A110 warning  quote-not-found      words a claim or its note quotes are not in the stored document cited
    A111 info     quote-on-other-page  the quoted words are in the document cited, on another page than the note's
"""

from toolkit.audit.render import render_html, render_text
from toolkit.audit.report import CODES, PRIMARY, SCHOLARSHIP, SEVERITIES, AuditReport, Finding
from toolkit.audit.run import audit_store, cited_sources, quote_findings

__all__ = ["CODES", "PRIMARY", "SCHOLARSHIP", "SEVERITIES", "AuditReport", "Finding", "audit_store",
           "cited_sources", "quote_findings", "render_html", "render_text"]
