"""Everything doccano: the toolkit's annotation round trip through a doccano 1.8.4 server.

    gateway.py         DoccanoServer, the Protocol of every call push and pull make
    client.py          DoccanoGateway, the real one (HTTP through doccano-client), and Connection
    push.py            `toolkit push`: plan what the server lacks, then send it
    pull.py            `toolkit pull`: plan what the annotators changed, check every span, then store it
    example_layout.py  how one document version looks as a doccano example, and its pre-annotations
    load.py            loading those examples (Payloads) for many versions from the store
    utf16.py           offsets: Python's code points against the web UI's UTF-16 units
    identity.py        one identity per server, however its URL is spelled; URLs without secrets
    server/            the embedded doccano server: install, start, stop, status, logs
"""

from __future__ import annotations

from typing import Callable

DEFAULT_PROJECT = "historians-toolkit"
# A progress callback: (stage, done, total), e.g. ("import", 500, 2000).
Progress = Callable[[str, int, int], None]
