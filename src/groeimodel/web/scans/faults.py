"""A controlled pause inside a write, for the tests that kill the server mid-submit (tests/web/test_submit_faults.py).

Only the test settings define ``TEST_SUBMIT_PAUSE_SECONDS`` (from ``GROEIMODEL_TEST_SUBMIT_PAUSE``); the product's
settings never do, so in production :func:`pause_point` does nothing.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings


def pause_seconds() -> float:
    return float(getattr(settings, "TEST_SUBMIT_PAUSE_SECONDS", 0) or 0)


def pause_point(label: str) -> None:
    """Sleep for the test settings' pause, after writing ``label`` into the marker file the test waits for."""
    seconds = pause_seconds()
    if seconds <= 0:
        return
    marker = getattr(settings, "TEST_SUBMIT_PAUSE_MARKER", "")
    if marker:
        Path(marker).write_text(label, encoding="utf-8")
    time.sleep(seconds)
