"""A test-only hook for the fault-injection tests (tests/integration/test_fault_injection.py).

`fault_point(name)` is called at a few named places in push and pull. It does nothing
unless the environment variable ``TOOLKIT_FAULT_POINT`` names that place: then the
process kills itself with SIGKILL there, as a power cut or ``kill -9`` would, with no
cleanup, no ``finally`` and no exit handler. ``TOOLKIT_FAULT_POINT=pull:after-fetch@2``
kills it the second time the place is reached (the first time without ``@N``).

The places: ``push:before-import`` (project and labels exist, nothing imported yet),
``push:after-chunk`` (after an import chunk), ``push:before-record`` (everything
imported, nothing recorded in the store), ``pull:after-export`` (the export read, no
example fetched yet), ``pull:after-fetch`` (after one example's spans and relations
were fetched), ``pull:before-commit`` (raw records written, store transaction not
committed). Never set the variable outside the tests.
"""

from __future__ import annotations

import os
import signal

_reached: dict[str, int] = {}


def fault_point(name: str) -> None:
    """Die here, by SIGKILL, if ``TOOLKIT_FAULT_POINT`` names this point; otherwise nothing."""
    wanted = os.environ.get("TOOLKIT_FAULT_POINT")
    if not wanted:
        return
    point, _, nth = wanted.partition("@")
    if point != name:
        return
    _reached[name] = _reached.get(name, 0) + 1
    if _reached[name] == int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
