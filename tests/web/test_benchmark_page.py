"""The result page compares a firm with similar companies of its organisation, never showing one of them."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from groeimodel.web.scans.models import ScoreRow

from .conftest import make_company, submitted_scan


def section(html: str) -> str:
    match = re.search(r'<section class="benchmark".*?</section>', html, re.S)
    assert match, "no benchmark section"
    return match.group(0)


def result_page(world, scan) -> str:
    client = world.client_for(world.beheerder)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"/scans/{scan.pk}/result/")
    assert page.status_code == 200
    return section(page.content.decode())


def level_score(scan, level: int) -> float:
    return ScoreRow.objects.get(response=scan, level=level, block="").score


@pytest.mark.django_db
def test_with_enough_peers_in_sector_and_size_the_page_shows_the_group_percentile_and_strips(world):
    for n, value in enumerate([1, 2, 3, 4, 5]):
        submitted_scan(make_company(world.org_a, f"Peer {n}", sbi_section="C", employees=20), value=value)
    own = submitted_scan(world.bakery, value=3)  # C, 12 employees: small
    html = result_page(world, own)
    assert "same sector and size class: C, small (10 to 49 employees) (5 companies)" in html
    assert "wider group" not in html
    # the firm is in the middle of 1..5: percentile 50 on level 1
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", html, re.S)
    assert rows and rows[0][0].startswith("1 – ") and rows[0][2] == "50"
    assert html.count('role="img"') == len(rows) == 4  # one strip per level of the groeimodel model
    assert "this firm" in html
    for n in range(5):
        assert f"Peer {n}" not in html


@pytest.mark.django_db
def test_too_few_peers_in_the_sector_falls_back_to_the_size_class_and_says_so(world):
    for n in range(5):
        submitted_scan(make_company(world.org_a, f"Winkel {n}", sbi_section="G", employees=20), value=2 + n % 3)
    html = result_page(world, submitted_scan(world.bakery, value=3))
    assert "Compared with: same size class: small (10 to 49 employees) (5 companies)." in html
    assert "fewer than 5 other companies, so a wider group is used" in html


@pytest.mark.django_db
def test_with_too_few_comparable_firms_nothing_of_them_is_shown(world):
    peers = [submitted_scan(make_company(world.org_a, f"Peer {n}", employees=20), value=1) for n in range(3)]
    odd = submitted_scan(make_company(world.org_a, "Odd", employees=20), value=5)
    # another organisation's firms and archived firms do not count
    for n in range(3):
        submitted_scan(make_company(world.org_b, f"Elders {n}", employees=20), value=5)
    html = result_page(world, submitted_scan(world.bakery, value=3))
    assert "Not enough comparable companies yet" in html
    assert 'role="img"' not in html and "<table" not in html
    odd_score = f"{level_score(odd, 1):.0f}"
    assert odd_score not in re.sub(r"at least \d+", "", html)
    assert len(peers) == 3


@pytest.mark.django_db
@override_settings(BENCHMARK_MIN=3)
def test_k_is_a_setting_and_archived_firms_are_no_peers(world):
    companies = [make_company(world.org_a, f"Peer {n}", employees=20) for n in range(3)]
    for c in companies:
        submitted_scan(c, value=2)
    own = submitted_scan(world.bakery, value=4)
    assert "(3 companies)" in result_page(world, own)
    world.client_for(world.beheerder).post(f"/companies/{companies[0].pk}/archive/")
    assert "Not enough comparable companies yet" in result_page(world, own)


@pytest.mark.django_db
def test_the_benchmark_follows_new_peer_scans_although_the_body_is_cached(world):
    own = submitted_scan(world.bakery, value=3)
    assert "Not enough comparable companies yet" in result_page(world, own)
    for n in range(5):
        submitted_scan(make_company(world.org_a, f"Peer {n}", employees=20), value=2)
    html = result_page(world, own)
    assert "(5 companies)" in html and 'role="img"' in html


@pytest.mark.django_db
def test_the_result_page_with_a_benchmark_takes_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    for n in range(8):
        submitted_scan(make_company(world.org_a, f"Peer {n}", employees=20), value=1 + n % 5)
    own = submitted_scan(world.bakery, value=3)
    client = world.client_for(world.beheerder)
    client.get(f"/scans/{own.pk}/result/")
    with django_assert_max_num_queries(20):
        client.get(f"/scans/{own.pk}/result/")


@pytest.mark.django_db
def test_the_table_shows_no_single_peers_score(world):
    """Six peers, two each at the lowest and highest score: the one peer at 2 and the one at 4 are not shown."""
    peers = {
        v: submitted_scan(make_company(world.org_a, f"Peer {n}", employees=20), value=v)
        for n, v in enumerate([1, 1, 2, 4, 5, 5])
    }
    html = result_page(world, submitted_scan(world.bakery, value=3))
    table = re.search(r'<table class="benchmark-table".*?</table>', html, re.S)
    assert table
    level_1 = re.findall(r"<tr>\s*<th scope=\"row\">1 – .*?</tr>", table.group(0), re.S)[0]
    shown = re.findall(r"<td>(.*?)</td>", level_1)
    assert len(shown) == 7  # score, percentile, minimum, quartiles, median, maximum
    for value in (2, 4):
        assert f"{level_score(peers[value], 1):.0f}" not in shown[2:], (value, shown)


@pytest.mark.django_db(transaction=True)
def test_after_a_change_the_kept_index_answers_at_once_and_a_new_one_is_built_in_the_background(world, settings):
    """With GROEIMODEL_BENCHMARK_STALE_SECONDS the lookup after a submission does not wait for the rebuild."""
    from groeimodel.web.scans import benchmark

    settings.BENCHMARK_STALE_SECONDS = 3600
    for n, value in enumerate([1, 2, 3, 4, 5]):
        submitted_scan(make_company(world.org_a, f"Peer {n}", sbi_section="C", employees=20), value=value)
    own = submitted_scan(world.bakery, value=3)
    benchmark.clear_peer_indexes()
    assert benchmark.benchmark_for(own).group.size == 5  # no index yet: built while waiting
    submitted_scan(make_company(world.org_a, "Nieuw", sbi_section="C", employees=20), value=5)
    assert benchmark.benchmark_for(own).group.size == 5  # the kept index, while the new one is built
    benchmark.wait_for_background_builds()
    assert benchmark.benchmark_for(own).group.size == 6
    settings.BENCHMARK_STALE_SECONDS = 0
    submitted_scan(make_company(world.org_a, "Nog een", sbi_section="C", employees=20), value=1)
    assert benchmark.benchmark_for(own).group.size == 7  # without the setting: built while waiting
