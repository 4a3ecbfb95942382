"""The advice report from the result page: PDF and printable HTML, access-checked like the page."""

from __future__ import annotations

import re
import subprocess
from decimal import Decimal

from groeimodel.web.initiatives.models import Initiative
from groeimodel.web.scans.models import Response

from .conftest import submitted_scan


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return re.sub(r"\s+", " ", text)


def bakery_with_two_waves(world) -> Response:
    t0 = submitted_scan(world.bakery, value=2)
    t0.wave.revenue, t0.wave.employees_fte = Decimal("800000"), Decimal("6")
    t0.wave.save()
    t1 = submitted_scan(world.bakery, value=3)
    t1.wave.revenue, t1.wave.employees_fte = Decimal("950000"), Decimal("8")
    t1.wave.save()
    Initiative.objects.create(
        company=world.bakery,
        title="Werkprocessen samen verbeteren",
        description="Elke maand een verbeterronde met het team.",
        status=Initiative.Status.RUNNING,
        blocks=[t1.result["advice"][0]["block"]],
        level=1,
        investment=Decimal("20000"),
        annual_benefit=Decimal("50000"),
        years=5,
        discount_rate=Decimal("8"),
    )
    return t1


def test_the_owners_advisor_downloads_the_pdf_report_with_initiatives_and_growth(world, tmp_path):
    scan = bakery_with_two_waves(world)
    response = world.client_for(world.alice).get(f"/scans/{scan.pk}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="bakkerij-aaldering-t1-nl.pdf"')
    text = pdf_text(response.content, tmp_path)
    assert "Bakkerij Aaldering" in text and "alice" in text  # the firm and its advisor on the cover
    assert "Werkprocessen samen verbeteren" in text and "loopt" in text and "€ 20.000" in text
    assert "Sinds T0" in text and "€ 950.000" in text and "Groei over de metingen" in text


def test_the_printable_html_report_links_the_stylesheet_and_passes_the_csp(world):
    scan = bakery_with_two_waves(world)
    client = world.client_for(world.alice)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get(f"/scans/{scan.pk}/report.html")
    html = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "style-src 'self'" in response["Content-Security-Policy"]
    assert '<html lang="en">' in html and "Bakkerij Aaldering has not yet reached a level" in html
    assert 'rel="stylesheet" href="/static/groeimodel-report/report.css"' in html
    assert "<style" not in html and "style=" not in html and "<script" not in html
    assert "Werkprocessen samen verbeteren" in html and "running" in html


def test_the_result_page_offers_both_downloads(world):
    scan = submitted_scan(world.bakery, value=3)
    html = world.client_for(world.ondernemer).get(f"/scans/{scan.pk}/result/").content.decode()
    assert f'href="/scans/{scan.pk}/report.pdf"' in html and f'href="/scans/{scan.pk}/report.html"' in html


def test_the_owner_downloads_the_report_of_their_own_firm_and_another_organisation_gets_404(world):
    scan = submitted_scan(world.bakery, value=3)
    assert world.client_for(world.ondernemer).get(f"/scans/{scan.pk}/report.pdf").status_code == 200
    assert world.client_for(world.beheerder).get(f"/scans/{scan.pk}/report.html").status_code == 200
    for url in (f"/scans/{scan.pk}/report.pdf", f"/scans/{scan.pk}/report.html"):
        assert world.client_for(world.bob).get(url).status_code == 404


def test_an_analist_and_an_advisor_of_other_companies_get_no_report(world):
    scan = submitted_scan(world.florist, value=3)  # no advisor assigned
    for user in (world.analist, world.alice):
        for url in (f"/scans/{scan.pk}/report.pdf", f"/scans/{scan.pk}/report.html"):
            assert world.client_for(user).get(url).status_code == 404, (user, url)


def test_a_draft_scan_has_no_report_yet(world):
    from groeimodel.web.scans.services import start_scan

    draft = start_scan(company=world.bakery, user=world.alice)
    response = world.client_for(world.alice).get(f"/scans/{draft.pk}/report.pdf")
    assert response.status_code == 302 and response["Location"] == f"/scans/{draft.pk}/"


def test_the_report_carries_the_benchmark_when_there_are_enough_comparable_firms(world):
    from .conftest import make_company

    for n, value in enumerate([1, 2, 3, 4, 5]):
        submitted_scan(make_company(world.org_a, f"Vergelijk {n}", sbi_section="C", employees=20), value=value)
    own = submitted_scan(world.bakery, value=3)
    client = world.client_for(world.alice)
    html = client.get(f"/scans/{own.pk}/report.html").content.decode()
    assert "Vergelijking met andere bedrijven" in html and "5" in html
    for n in range(5):
        assert f"Vergelijk {n}" not in html


def test_the_report_has_no_benchmark_with_too_few_comparable_firms(world):
    own = submitted_scan(world.bakery, value=3)
    html = world.client_for(world.alice).get(f"/scans/{own.pk}/report.html").content.decode()
    assert "Vergelijking met andere bedrijven" not in html
