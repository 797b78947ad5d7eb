"""Pandoc / CommonMark Markdown: `[^label]` notes, `^[inline]` notes, YAML front matter.

Why a hand parser and not markdown-it-py: the toolkit needs, for every character of
the reading text, the offset in the file it came from (escapes, emphasis markers,
link syntax and page tokens are dropped; everything else is copied). markdown-it-py
gives block tokens line ranges but inline tokens no offsets at all, so its output
would have to be searched back in the file. The note syntax is small, and the rest of
Markdown only has to be *removed* (not rendered), so a two-pass reader is shorter and
exact:

1. blocks, line by line: YAML front matter, fenced and indented code (text, never
   notes), note definitions with their lazy and indented continuation lines,
   reference-link definitions, headings (ATX, setext), block quotes, list items,
   horizontal rules, lines that are only an HTML tag or a Jekyll/Hugo tag;
2. inlines, over each block's lines (with a map back to the file): backslash escapes,
   code spans, `[^label]` references, `^[...]` inline notes, links and images (their
   text kept), raw HTML tags and comments (dropped, `<em>`/`<i>` noted as emphasis),
   Jekyll/Hugo tags (dropped), entities, `*`/`_` emphasis (CommonMark's flanking rules,
   simplified), FRUS `[Page N]` tokens (out of the text, into `Layout.pages`).

Pandoc numbers notes 1..n in order of reference and prints a note once per
reference; so does this reader: one `Footnote` per reference, the marker rendered as
the superscript of its number, `Footnote.label` the identifier. Smart punctuation is
off (straight quotes stay), as in the answer keys. References without a definition and
definitions never referenced are kept, flagged, and named in `ReadDocument.problems`.

    front_matter.py  YAML front matter: the document's fields, where title and authors stand
    blocks.py        pass 1: the body's blocks and the note definitions, line by line
    inlines.py       pass 2: a block's text as items (escapes, code, links, notes, emphasis, pages)
    offsets.py       a block's virtual text and the way back to the file; the Emitter that
                     writes the reading text with its offsets
    notes.py         note references and definitions, and inline notes, as footnotes
    reader.py        MarkdownReader: all of the above, in order, into one ReadDocument
"""

from toolkit.readers.markdown.blocks import Block, NoteDef, parse_blocks
from toolkit.readers.markdown.front_matter import front_matter
from toolkit.readers.markdown.inlines import Item, tokenize
from toolkit.readers.markdown.offsets import Emitter, Virtual
from toolkit.readers.markdown.reader import MarkdownReader, read

__all__ = ["Block", "Emitter", "Item", "MarkdownReader", "NoteDef", "Virtual", "front_matter",
           "parse_blocks", "read", "tokenize"]
