"""The result page's benchmark: load the peers' latest level and block scores, let the core compare.

Peers are the organisation's other non-archived companies with a submitted management scan of the same model;
each counts with its latest such scan (highest wave number). An advisory organisation thus benchmarks among its
own firms. The calculation (group choice, percentiles, distribution) is :mod:`groeimodel.benchmark`'s.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import OuterRef, Subquery

from groeimodel.benchmark import Benchmark, PeerGroup, PeerIndex, Population
from groeimodel.web.scans.models import Respondent, Response, ScoreRow


def latest_management_scans(model_id: str) -> Subquery:
    """For a query over score rows (``company``): the pk of that company's latest submitted management scan of
    ``model_id``."""
    latest = (
        Response.objects.filter(
            wave__company=OuterRef("company"),
            respondent=Respondent.MANAGEMENT,
            status=Response.Status.SUBMITTED,
            model_id=model_id,
        )
        .order_by("-wave__number", "-submitted_at", "-pk")
        .values("pk")[:1]
    )
    return Subquery(latest)


def benchmark_for(scan: Response) -> Benchmark:
    """The submitted management ``scan`` compared with its peers (two queries: the peers' rows, its own)."""
    company = scan.wave.company
    k = settings.BENCHMARK_MIN
    peer_rows = (
        ScoreRow.objects.filter(
            model_id=scan.model_id,
            respondent=Respondent.MANAGEMENT,
            company__organisation_id=company.organisation_id,
            company__archived_at__isnull=True,
            response=latest_management_scans(scan.model_id),
        )
        .exclude(company_id=company.pk)
        .values_list("company_id", "company__sbi_section", "company__size_class", "level", "block", "score")
    )
    own = {(level, block): score for level, block, score in scan.score_rows.values_list("level", "block", "score")}
    rows = list(peer_rows)
    if not rows:
        return Benchmark(PeerGroup("all", None, None, 0), {})
    index = PeerIndex(Population.from_rows(rows))
    return index.compare(sbi_section=company.sbi_section, size_class=company.size_class, scores=own, k=k)
