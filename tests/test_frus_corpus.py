"""The 200 FRUS documents of ../shared/corpus/frus-dev against their answer key.

Markers must agree 100%; notes, file numbers and page breaks are measured and
must agree too. Both layouts are checked: notes after their paragraph (as
printed) and notes after the paragraph where the printed page ends.
"""

from __future__ import annotations

import json

import pytest

from conftest import corpus_path
from toolkit.parsing.document import parse_document


@pytest.mark.corpus
@pytest.mark.parametrize("layout", ["russia-1918-v3", "russia-1918-v3-page-layout"])
def test_frus_answer_key(layout, archives):
    folder = corpus_path("frus-dev", layout)
    docs = sorted(folder.glob("d*.txt"))
    assert len(docs) == 200
    markers = notes = pages = files = breaks = total = 0
    misses: list[str] = []
    for txt in docs:
        key = json.loads(txt.with_suffix(".json").read_text("utf-8"))
        doc = parse_document(txt.read_text("utf-8"), archives)
        got = [fn for fn in doc.layout.footnotes]
        if len(got) != len(key["footnotes"]):
            misses.append(f"{txt.name}: {len(got)} footnotes, key has {len(key['footnotes'])}")
        for fn, k in zip(got, key["footnotes"]):
            total += 1
            if fn.marker and (fn.marker.source_start, fn.marker.source_end) == (
                    k["marker_char_offset"], k["marker_char_end"]):
                markers += 1
            else:
                misses.append(f"{txt.name} note {k['n']}: marker")
            if fn.note and fn.note.text == k["text"]:
                notes += 1
            else:
                misses.append(f"{txt.name} note {k['n']}: note text")
            # A document printed on one page carries no page break: its page is unknown.
            if len(key["pages"]) == 1 or (fn.marker and fn.marker.page == k["marker_page"]):
                pages += 1
            else:
                misses.append(f"{txt.name} note {k['n']}: page {fn.marker and fn.marker.page}")
        files += doc.file_numbers == key["file_numbers"]
        expected_breaks = key["pages"] if len(key["pages"]) > 1 else []
        breaks += [p.label for p in doc.layout.pages] == expected_breaks
    print(f"\n{layout}: markers {markers}/{total}, notes {notes}/{total}, marker pages {pages}/{total}, "
          f"file numbers {files}/200, page breaks {breaks}/200")
    assert total == 291
    assert markers == total, misses[:10]
    assert notes == total and pages == total, misses[:10]
    assert files == 200 and breaks == 200
