"""The real corpus: published initiatives of real organisations, written up by us, labelled twice."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from groeimodel.classify.core import corpus_dir

REPO = Path(__file__).resolve().parents[1]
# The organisations the product is judged on. A copy lives in the repository; CI also has the shared original
# beside the repository, and then its names count too.
EXCLUDE_FILES = [REPO / "tests" / "data" / "classify-exclude.txt", REPO.parent / "shared" / "classify-exclude.txt"]
REAL = Path(str(corpus_dir())) / "real"
FIELDS = {"id", "org", "country", "size", "kind", "sector", "lang", "label", "rationale", "sources", "text"}
LEGAL_FORMS = {
    "bv", "b v", "nv", "n v", "vof", "v o f", "cv", "vzw", "bvba", "asbl", "sa", "ltd", "plc", "llc", "inc",
    "gmbh", "ag", "srl", "cic", "ua", "u a",
}  # fmt: skip
ARTICLES = {"the", "de", "het"}


def normalise(name: str) -> str:
    """Lower case, no accents, no bracketed parts, no punctuation, no legal form at the end, no leading article."""
    name = re.sub(r"\([^)]*\)", " ", name)
    name = "".join(c for c in unicodedata.normalize("NFKD", name.lower()) if not unicodedata.combining(c))
    words = re.sub(r"[^a-z0-9]+", " ", name).split()
    for n in (2, 1):
        if len(words) > n and " ".join(words[-n:]) in LEGAL_FORMS:
            words = words[:-n]
    if len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return " ".join(words)


def excluded_names(lines: list[str]) -> list[str]:
    """The names of an exclude list: each line; the firms of a line that joins two with "and", "en" or "&"; and
    the other names in brackets when they list firms ("(A, B, C)", "(formerly X)") or rename a one-word name."""
    names = []
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        names.append(line)
        main = re.sub(r"\([^)]*\)", " ", line).strip()
        parts = [p.strip() for p in re.split(r"\s+(?:and|en|&)\s+", main) if p.strip()]
        if len(parts) > 1:
            firsts = {p.split()[0].lower() for p in parts if len(p.split()) > 1}
            names += [p for p in parts if len(p.split()) > 1 or (len(p) >= 5 and p.lower() not in firsts)]
        for inside in re.findall(r"\(([^)]*)\)", line):
            renamed = re.match(r"(?i)(formerly|voorheen)\s+(.+)", inside.strip())
            if renamed:
                names.append(renamed.group(2))
            elif "," in inside or len(main.split()) == 1:
                names += [p.strip() for p in inside.split(",")]
    return sorted({n for n in (normalise(n) for n in names) if len(n) >= 3} - {"associates"})


def names_an_excluded_organisation(org: str, text: str, excluded: list[str]) -> str | None:
    """The excluded name that ``org`` is, or that ``text`` mentions (as whole words), else None."""
    org_n = f" {normalise(org)} "
    text_n = f" {normalise(text)} "
    for name in excluded:
        if f" {name} " in org_n:
            return name
        if len(org_n.strip()) >= 7 and f" {name} ".startswith(org_n):  # "Buurtzorg" for "Buurtzorg Nederland"
            return name
        # In running text a one-word name must be written with its capital ("Page", not "page").
        if " " in name or len(name) >= 6:
            if f" {name} " in text_n and (" " in name or _capitalised_in(name, text)):
                return name
        elif _capitalised_in(name, text):
            return name
    return None


def _capitalised_in(name: str, text: str) -> bool:
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", folded, flags=re.IGNORECASE) is not None and any(
        m.group(0)[0].isupper() for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", folded, re.I)
    )


def load_excluded() -> list[str]:
    lines: list[str] = []
    for path in EXCLUDE_FILES:
        if path.is_file():
            lines += path.read_text(encoding="utf-8").splitlines()
    return excluded_names(lines)


def real_records() -> list[dict]:
    return [json.loads(line) for f in sorted(REAL.glob("*.jsonl")) for line in f.read_text().splitlines() if line]


RECORDS = real_records()
EXCLUDED = load_excluded()


# --- the matcher itself ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("org", "text"),
    [
        ("Buurtzorg Nederland B.V.", "Zelfsturende wijkteams."),
        ("buurtzorg nederland", "Wijkverpleging in kleine teams."),
        ("Coöperatieve Dorpswinkel Sterksel U.A.", "Een winkel van het dorp."),
        ("Endenburg Elektrotechniek (Rotterdam)", "Sociocratie in een installatiebedrijf."),
        ("Een installateur", "Samen met Heembouw bouwde het bedrijf een leerwerkplaats."),
        ("Bavaria", "De brouwerij veranderde haar naam."),
        ("Lumina", "Een elektrobedrijf."),
        ("W.L. Gore & Associates", "Lattice organisation."),
        ("Page", "Een uitzendbureau."),
    ],
)
def test_an_excluded_organisation_is_recognised_however_it_is_written(org, text):
    assert names_an_excluded_organisation(org, text, EXCLUDED)


@pytest.mark.parametrize(
    ("org", "text"),
    [
        ("Bakkerij Jansen", "The bakery put the recipe on the front page of its website."),
        ("Metaalbedrijf Vos", "Operators now crisp up the planning together each morning."),
    ],
)
def test_ordinary_words_in_a_text_are_not_taken_for_an_excluded_organisation(org, text):
    assert names_an_excluded_organisation(org, text, EXCLUDED) is None


def test_the_repository_keeps_a_copy_of_the_exclude_list():
    assert EXCLUDE_FILES[0].is_file()
    assert "buurtzorg nederland" in EXCLUDED and "semco" in EXCLUDED


# --- the corpus ------------------------------------------------------------------------------------------------


def test_no_real_case_names_an_organisation_we_are_judged_on():
    hits = {r["id"]: hit for r in RECORDS if (hit := names_an_excluded_organisation(r["org"], r["text"], EXCLUDED))}
    assert hits == {}


def test_jonge_honden_and_jazo_are_not_among_the_real_cases():
    for r in RECORDS:
        assert not names_an_excluded_organisation(r["org"], r["text"], ["jonge honden", "jazo"]), r["id"]


def test_every_real_case_has_its_organisation_country_size_sector_language_label_rationale_and_sources():
    assert RECORDS
    for r in RECORDS:
        assert set(r) >= FIELDS, (r.get("id"), FIELDS - set(r))
        assert r["org"].strip() and r["country"].strip() and r["sector"].strip() and r["rationale"].strip(), r["id"]
        assert r["size"] in {"micro", "small", "medium", "large"}, r["id"]
        assert r["lang"] in {"nl", "en"} and r["label"] in {0, 1, 2, 3, 4}, r["id"]
        assert r["sources"] and all(s.startswith(("https://", "http://")) for s in r["sources"]), r["id"]
        assert 50 <= len(r["text"].split()) <= 120, (r["id"], len(r["text"].split()))


def test_every_real_case_keeps_the_collectors_and_both_annotators_labels_and_a_note_where_they_disagree():
    for r in RECORDS:
        a, b, c = r["annotator_a"], r["annotator_b"], r["collector_label"]
        assert a in {0, 1, 2, 3, 4, None} and b in {0, 1, 2, 3, 4, None} and c in {0, 1, 2, 3, 4}, r["id"]
        given = {x for x in (a, b, c) if x is not None}
        assert r["label"] in given, r["id"]  # the settled label is one of those given
        if len(given) > 1:
            assert r["note"].strip(), r["id"]


def test_the_real_corpus_has_at_least_sixty_cases_per_class_about_half_dutch():
    per_class = Counter(r["label"] for r in RECORDS)
    assert min(per_class[k] for k in range(5)) >= 60, per_class
    dutch = sum(r["lang"] == "nl" for r in RECORDS) / len(RECORDS)
    assert 0.4 <= dutch <= 0.6, dutch


def test_ids_and_texts_are_unique_and_no_organisation_has_more_than_two_cases():
    assert len({r["id"] for r in RECORDS}) == len(RECORDS)
    assert len({r["text"].strip().lower() for r in RECORDS}) == len(RECORDS)
    per_org = Counter(normalise(r["org"]) for r in RECORDS)
    assert max(per_org.values()) <= 2, per_org.most_common(3)


def test_most_real_cases_are_of_small_and_medium_organisations():
    sizes = Counter(r["size"] for r in RECORDS)
    assert sizes["large"] <= len(RECORDS) / 5, sizes
