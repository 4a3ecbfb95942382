"""The result page's benchmark: load the peers' latest level and block scores, let the core compare.

Peers are the organisation's other non-archived companies with a submitted management scan of the same model;
each counts with its latest such scan (highest wave number). An advisory organisation thus benchmarks among its
own firms. The calculation (group choice, percentiles, distribution) is :mod:`groeimodel.benchmark`'s.

Speed: loading every peer's rows and sorting them takes seconds at 200,000 firms (40 s on PostgreSQL), so each
process keeps one :class:`~groeimodel.benchmark.PeerIndex` per organisation and model and uses it while the peers
are unchanged. What the peers are is checked on every lookup with two cheap queries (the newest score row id: a
submission anywhere adds rows; the fingerprint of the organisation's monitor cells of the latest scans: a firm
that came, went, was archived or restored, or moved to another sector or size class), so a change is seen at the
next lookup. When the peers changed and the kept index is younger than ``GROEIMODEL_BENCHMARK_STALE_SECONDS``
(default 3600), the lookup still uses it and a new one is built in the background (one at a time per
organisation and model and process), so no request waits for a rebuild; an older index, or none, is built while
the request waits. The firm itself is taken out of its own peers by its id and compared with the scores of the
scan shown (bench/README.md has the figures).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Max, Sum

from groeimodel.benchmark import Benchmark, PeerGroup, PeerIndex, Population
from groeimodel.web.scans.models import MonitorCell, Respondent, Response, ScoreRow


def peer_rows(organisation_id: int, model_id: str) -> list[tuple[int, str, str, int, str, float | None]]:
    """Every non-archived company's latest management scan of ``model_id`` in the organisation, as score rows
    ``(company, sbi_section, size_class, level, block, score)``."""
    return list(
        ScoreRow.objects.filter(
            model_id=model_id,
            respondent=Respondent.MANAGEMENT,
            company__organisation_id=organisation_id,
            company__archived_at__isnull=True,
            response__latest=True,  # the company's latest submitted management scan of the model (scans.latest)
        ).values_list("company_id", "company__sbi_section", "company__size_class", "level", "block", "score")
    )


@dataclass(frozen=True)
class _Cached:
    version: tuple[Any, ...]
    index: PeerIndex | None  # None: no peers at all
    built: float  # time.monotonic() when it was built


_indexes: dict[tuple[int, str], _Cached] = {}
_lock = threading.Lock()  # held only to read and change _indexes and _building, never during a build
_building: set[tuple[int, str]] = set()  # the indexes being built, in the background or for a waiting request
_build_locks: dict[tuple[int, str], threading.Lock] = {}  # one build per index at a time
log = logging.getLogger(__name__)


def _peers_version(organisation_id: int, model_id: str) -> tuple[Any, ...]:
    """Changes whenever the peers may have: a scan submitted anywhere (the newest score row), or a company of the
    organisation that counts moved, came or went (archived, restored, removed, another sector or size class): the
    fingerprint of the organisation's cells of the latest scans (scans.MonitorCell, kept in the same transaction),
    a few thousand rows read from their index however many firms there are."""
    newest = ScoreRow.objects.aggregate(n=Max("pk"))["n"]
    cells = MonitorCell.objects.filter(organisation_id=organisation_id, model_id=model_id, year=0).aggregate(
        cells_n=Count("pk"), firms_n=Sum("firms"), placed=Sum(F("firms") * F("pk"))
    )
    return (newest, cells["cells_n"], cells["firms_n"], cells["placed"])


def clear_peer_indexes() -> None:
    """Forget every kept index (tests, whose rolled-back transactions hand out the same ids again)."""
    with _lock:
        _indexes.clear()


def _build(key: tuple[int, str], version: tuple[Any, ...]) -> PeerIndex | None:
    """Build the index of ``key`` (one build per key at a time) and keep it, unless a build that started later
    was kept in the meantime."""
    with _lock:
        build_lock = _build_locks.setdefault(key, threading.Lock())
    with build_lock:
        with _lock:
            kept = _indexes.get(key)
        if kept is not None and kept.version == version:  # built meanwhile by the build this one waited for
            return kept.index
        started = time.monotonic()
        rows = peer_rows(*key)
        index = PeerIndex(Population.from_rows(rows)) if rows else None
        with _lock:
            kept = _indexes.get(key)
            if kept is None or kept.built <= started:
                _indexes[key] = _Cached(version, index, started)
        return index


def _build_in_background(key: tuple[int, str], version: tuple[Any, ...]) -> None:
    """Build the index of ``key`` in a thread of its own (with its own database connection, closed at the end),
    unless one is being built already."""
    with _lock:
        if key in _building:
            return
        _building.add(key)

    def build() -> None:
        try:
            _build(key, version)
        except Exception:  # the kept index goes on answering; the next lookup tries again
            log.exception("building the peer index of organisation %s, model %s failed", *key)
        finally:
            connection.close()
            with _lock:
                _building.discard(key)

    threading.Thread(target=build, name=f"peer-index-{key[0]}-{key[1]}", daemon=True).start()


def peer_index(organisation_id: int, model_id: str) -> PeerIndex | None:
    """The organisation's peers for ``model_id``, built once and kept while they are unchanged; after a change the
    kept index while a new one is built in the background, when it is recent enough (see the module text)."""
    version = _peers_version(organisation_id, model_id)
    key = (organisation_id, model_id)
    with _lock:
        cached = _indexes.get(key)
    if cached is not None and cached.version == version:
        return cached.index
    stale = settings.BENCHMARK_STALE_SECONDS
    if cached is not None and stale > 0 and time.monotonic() - cached.built < stale:
        _build_in_background(key, version)
        return cached.index
    return _build(key, version)  # after a build of the same index already running, when that one is not current


def wait_for_background_builds(timeout: float = 60.0) -> None:
    """Until no index is being built in the background (tests, the bench)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with _lock:
            if not _building:
                return
        time.sleep(0.01)


def benchmark_for(scan: Response) -> Benchmark:
    """The submitted management ``scan`` compared with its peers: the firm's other waves never count, and the
    firm is compared with the scores of this scan (an earlier wave's page shows that wave among today's peers)."""
    company = scan.wave.company
    k = settings.BENCHMARK_MIN
    own = {(level, block): score for level, block, score in scan.score_rows.values_list("level", "block", "score")}
    index = peer_index(company.organisation_id, scan.model_id)
    if index is None:
        return Benchmark(PeerGroup("all", None, None, 0), {})
    found = index.firm(company.pk)
    if found is not None and found != (company.sbi_section, company.size_class):
        # The firm's sector or size changed since the index was built: build it again.
        with _lock:
            _indexes.pop((company.organisation_id, scan.model_id), None)
        index = peer_index(company.organisation_id, scan.model_id)
        assert index is not None
    result = index.compare(
        sbi_section=company.sbi_section,
        size_class=company.size_class,
        scores=own,
        company=company.pk if index.firm(company.pk) is not None else None,
        k=k,
    )
    if result.group.size == 0:
        return Benchmark(PeerGroup("all", None, None, 0), {})
    return result
