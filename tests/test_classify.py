from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest
from typer.testing import CliRunner

from groeimodel.classify import ClassifierError, detect_language, load_classifier
from groeimodel.classify.core import Example, corpus_hash, read_corpus, train
from groeimodel.cli import app
from groeimodel.model import load_model

runner = CliRunner()
CORPUS = read_corpus()


# --- the corpus ------------------------------------------------------------------------------------------------


def test_the_written_corpus_has_at_least_sixty_texts_per_class_half_dutch_half_english():
    written = [e for e in CORPUS if e.corpus == "written"]
    per_class = Counter(e.label for e in written)
    assert set(per_class) == {0, 1, 2, 3, 4}
    assert min(per_class.values()) >= 60, per_class
    for label in range(5):
        langs = Counter(e.lang for e in written if e.label == label and not e.id.startswith("seed-"))
        assert langs["nl"] == langs["en"], (label, langs)


def test_corpus_texts_are_30_to_120_words_and_unique():
    for e in CORPUS:
        assert 30 <= len(e.text.split()) <= 120, (e.id, len(e.text.split()))
    texts = [e.text.strip().lower() for e in CORPUS]
    assert len(set(texts)) == len(texts)


def test_the_source_texts_three_examples_are_in_the_corpus_at_their_levels():
    seed = {e.id: e.label for e in CORPUS if e.id.startswith("seed-")}
    assert {k: v for k, v in seed.items()} == {
        "seed-1-nl": 1, "seed-1-en": 1, "seed-2-nl": 2, "seed-2-en": 2, "seed-3-nl": 3, "seed-3-en": 3,
    }  # fmt: skip


def test_the_shipped_classifier_was_trained_on_the_shipped_corpus():
    meta = load_classifier().meta
    assert meta["corpus_hash"] == corpus_hash(CORPUS), "the corpus changed: run 'groeimodel classify train'"
    assert meta["format"] == 2 and meta["model"] == "groeimodel"
    assert meta["corpus_real"] == sum(e.corpus == "real" for e in CORPUS) > 0
    assert meta["calibrated_on"] == "real" and meta["temperature"] > 0
    assert meta["version"].endswith("+" + meta["corpus_hash"][:8])
    assert sum(meta["corpus_per_class"].values()) == len(CORPUS)


def test_training_is_deterministic(tmp_path):
    sample = [e for e in CORPUS if int(e.id[-3:] if e.id[-3:].isdigit() else 0) % 3 == 0][::3][:150]
    a, b = train(sample, folds=3), train(sample, folds=3)
    assert np.array_equal(a.coef, b.coef) and np.array_equal(a.intercept, b.intercept)
    a.save(tmp_path / "a")
    b.save(tmp_path / "b")
    for name in ("classifier.json", "classifier.npz"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


# --- predictions -----------------------------------------------------------------------------------------------

# Written for these tests; not in the corpus.
CLEAR = [
    (0, "De bakkerij brengt een nieuw glutenvrij brood op de markt en verkoopt het voortaan ook via supermarkten in Duitsland."),  # noqa: E501
    (1, "We hebben het magazijn opnieuw ingedeeld en een scanner ingevoerd, zodat orderpicken de helft minder tijd kost en we jaarlijks 30.000 euro besparen."),  # noqa: E501
    (2, "Alle medewerkers denken nu mee over de strategie; elke maand kiezen teams zelf een probleem, bedenken samen oplossingen en leren van wat mislukt."),  # noqa: E501
    (3, "The firm abolished its management layer: self-managing teams now hold their own budget, hire colleagues and decide on clients, and customers recognise the new cooperative identity."),  # noqa: E501
    (4, "Together with the municipality and a vocational school, the garage created jobs for people with a disability and for refugees, in a regional network of ten employers."),  # noqa: E501
]  # fmt: skip


@pytest.mark.parametrize(("level", "text"), CLEAR)
def test_clear_descriptions_get_their_level(level, text):
    (p,) = load_classifier().predict([text])
    assert p.level == level, (p.level, p.probabilities, p.evidence)


def test_a_prediction_has_probabilities_for_every_class_evidence_from_the_text_and_the_key_question():
    (p,) = load_classifier().predict([CLEAR[1][1]])
    assert set(p.probabilities) == {0, 1, 2, 3, 4}
    assert sum(p.probabilities.values()) == pytest.approx(1.0)
    assert p.evidence and all(word.lower() in CLEAR[1][1].lower() for word in p.evidence)
    assert p.key_question == load_model().level(p.level).key_question.nl
    assert p.language == "nl" and p.warnings == []


def test_with_the_strict_three_level_model_level_four_cannot_come_out():
    (p,) = load_classifier().predict([CLEAR[4][1]], model=load_model("mkb-2011"))
    assert set(p.probabilities) == {0, 1, 2, 3}
    assert p.level in (0, 1, 2, 3)
    assert sum(p.probabilities.values()) == pytest.approx(1.0)


def test_empty_or_non_text_input_is_refused():
    with pytest.raises(ClassifierError, match="text 1: is empty"):
        load_classifier().predict(["   "])
    with pytest.raises(ClassifierError, match="text 2: must be text"):
        load_classifier().predict(["ok text", 42])  # type: ignore[list-item]


def test_a_text_in_another_language_is_classified_with_a_warning():
    (p,) = load_classifier().predict(
        ["Wir haben die Arbeit neu organisiert und die Teams entscheiden jetzt selbst über ihre Planung."]
    )
    assert p.warnings == ["only Dutch and English are supported; this text reads as neither"]
    assert p.level in (0, 1, 2, 3, 4)


def test_language_detection_tells_dutch_from_english():
    assert detect_language(CLEAR[0][1]) == "nl"
    assert detect_language(CLEAR[3][1]) == "en"
    assert detect_language("Nous avons réorganisé le travail avec les équipes et la direction.") is None


# --- the command -----------------------------------------------------------------------------------------------


def test_classify_a_text_as_json():
    result = runner.invoke(app, ["classify", CLEAR[1][1], "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["level"] == 1
    assert set(data["probabilities"]) == {"0", "1", "2", "3", "4"}
    assert data["evidence"]


def test_classify_a_file_and_a_jsonl_with_ids(tmp_path):
    path = tmp_path / "one.txt"
    path.write_text(CLEAR[2][1])
    assert "Niveau 2" in runner.invoke(app, ["classify", "--file", str(path)]).stdout
    lines = tmp_path / "many.jsonl"
    lines.write_text("".join(json.dumps({"id": f"i{n}", "text": t}) + "\n" for n, (_, t) in enumerate(CLEAR)))
    out = runner.invoke(app, ["classify", "--jsonl", str(lines), "--format", "json"]).stdout.splitlines()
    assert [json.loads(line)["id"] for line in out] == ["i0", "i1", "i2", "i3", "i4"]


def test_classify_evaluate_prints_accuracy_macro_f1_and_the_confusion_matrix(tmp_path):
    lines = tmp_path / "labelled.jsonl"
    lines.write_text(
        "".join(json.dumps({"id": str(n), "text": t, "label": lv}) + "\n" for n, (lv, t) in enumerate(CLEAR))
    )
    result = runner.invoke(app, ["classify", "evaluate", str(lines)])
    assert result.exit_code == 0, result.output
    assert "accuracy 1.000  macro-F1 1.000" in result.stdout
    assert "confusion matrix" in result.stdout
    data = json.loads(runner.invoke(app, ["classify", "evaluate", str(lines), "--format", "json"]).stdout)
    assert data["confusion"] == [[1 if i == j else 0 for j in range(5)] for i in range(5)]


def test_classify_refuses_bad_input_with_exit_code_2(tmp_path):
    empty = runner.invoke(app, ["classify", "  "])
    assert empty.exit_code == 2 and "TEXT: is empty" in empty.stderr
    missing = runner.invoke(app, ["classify", "--file", str(tmp_path / "nope.txt")])
    assert missing.exit_code == 2 and "file not found" in missing.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        json.dumps({"id": "a", "text": "fine text here", "label": 1})
        + "\n"
        + json.dumps({"id": "b", "text": "x", "label": 9})
        + "\n"
    )
    result = runner.invoke(app, ["classify", "evaluate", str(bad)])
    assert result.exit_code == 2 and f"{bad}:2: label: must be one of 0-4, got 9" in result.stderr
    assert result.stdout == ""


def test_our_features_are_exactly_scikit_learns_tfidf():
    from sklearn.feature_extraction.text import TfidfVectorizer

    from groeimodel.classify.core import FeatureConfig, build_space, char_terms, word_terms
    from groeimodel.classify.lexicon import tokens

    examples = [*CORPUS[::5], Example("x1", "Short ok", 0), Example("x2", "a  b   thuiswerken\tflexplekken", 1)]
    texts = [e.text for e in examples]
    space = build_space(examples, load_model(), FeatureConfig())
    ours = space.matrix(texts).toarray()
    word = TfidfVectorizer(analyzer=word_terms, min_df=2, max_features=10000, sublinear_tf=True).fit(texts)
    char = TfidfVectorizer(
        analyzer=lambda t: char_terms(" ".join(tokens(t))), min_df=2, max_features=30000, sublinear_tf=True
    ).fit(texts)
    n_word, n_char = len(word.vocabulary_), len(char.vocabulary_)
    assert np.allclose(ours[:, :n_word], word.transform(texts).toarray())
    assert np.allclose(ours[:, n_word : n_word + n_char], char.transform(texts).toarray())
    # and our character n-grams are scikit-learn's "char_wb" ones
    sk = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).build_analyzer()
    for text in texts[:20]:
        assert sorted(char_terms(text)) == sorted(sk(text))


# --- near-misses a new user tried (issue 12) -------------------------------------------------------------------

# Written for these tests; not in the corpus.
JONGE_HONDEN_PARAPHRASE = (
    "Een adviesbureau neemt uitsluitend mensen aan die net zijn afgestudeerd, en iedereen tekent voor precies drie "
    "jaar. Opdrachtgevers huren hen in om hun frisse blik, tempo en leergierigheid, tegen een tarief voor junioren. "
    "Na drie jaar gaan ze weg en komt een nieuwe lichting binnen: zo is het bedrijf ingericht en dat is ook "
    "waarvoor klanten komen. Het bureau heeft daardoor een heel eigen gezicht in de markt."
)


@pytest.mark.parametrize(
    "text",
    [
        "Dit jaar hebben we een personeelsuitje georganiseerd en kreeg iedereen een kerstpakket.",
        "Personeelsuitje en kerstpakket voor alle medewerkers.",
        "This year all staff went on a staff outing and everyone received a Christmas hamper.",
    ],
)
def test_a_staff_outing_or_a_christmas_hamper_is_not_social_innovation(text):
    (p,) = load_classifier().predict([text])
    assert p.level == 0, (p.probabilities, p.evidence)


@pytest.mark.parametrize(
    "text",
    [
        "De directeur heeft besloten dat alle medewerkers voortaan een vaste werkplek krijgen en om 8 uur beginnen.",
        "The director has decided that from now on every employee gets a fixed desk and starts at 8 o'clock.",
    ],
)
def test_a_top_down_rule_about_desks_and_hours_is_not_level_two(text):
    (p,) = load_classifier().predict([text])
    assert p.level != 2 and p.level in (0, 1), (p.probabilities, p.evidence)


@pytest.mark.parametrize(
    "text",
    [
        "We kopen een nieuwe CNC-freesmachine die sneller werkt.",
        "We are buying a new CNC milling machine that works faster.",
    ],
)
def test_a_faster_machine_is_not_social_innovation(text):
    (p,) = load_classifier().predict([text])
    assert p.level == 0, (p.probabilities, p.evidence)


def test_the_source_texts_jonge_honden_example_in_other_words_is_level_three():
    assert "Jonge Honden" not in JONGE_HONDEN_PARAPHRASE
    (p,) = load_classifier().predict([JONGE_HONDEN_PARAPHRASE])
    assert p.level == 3, (p.probabilities, p.evidence)


# Participation and a different decision structure in one text; written for these tests, not in the corpus.
BETWEEN_2_AND_3 = (
    "In de werkplaats plannen de teams hun eigen werk en kiezen ze zelf hun rollen. Ideeën van medewerkers worden "
    "elke maand besproken in verbetergroepen, maar de directie neemt de besluiten over investeringen en personeel."
)

# --- evidence and doubt ----------------------------------------------------------------------------------------

FILLER = {"per", "000", "euro", "eur", "wat", "the", "and", "een", "het", "de", "of", "van", "jaar", "year"}


def test_evidence_is_content_words_never_stop_words_numbers_or_currency():
    texts = [text for _, text in CLEAR] + [e.text for e in CORPUS if e.corpus == "real"][:40]
    for p, text in zip(load_classifier().predict(texts), texts, strict=True):
        for phrase in p.evidence:
            words = phrase.lower().split()
            assert not any(ch.isdigit() for ch in phrase) and "€" not in phrase, phrase
            assert words[0] not in FILLER and words[-1] not in FILLER, (phrase, text)
            assert phrase.lower() in text.lower(), phrase


def test_evidence_is_grouped_by_level_with_the_cues_and_the_key_question():
    text = CLEAR[3][1]
    (p,) = load_classifier().predict([text], lang="en")
    group = p.evidence_groups[0]
    assert group.level == p.level == 3
    assert group.key_question == "Who are we and how do we decide?"
    assert group.words == p.evidence and group.words
    assert group.cues and all(isinstance(c, str) for c in group.cues)


def test_when_the_two_likeliest_levels_are_close_the_suggestion_says_it_doubts():
    from groeimodel.classify.core import doubt_between

    assert doubt_between({0: 0.05, 1: 0.05, 2: 0.42, 3: 0.38, 4: 0.1}) == (2, 3)
    assert doubt_between({0: 0.05, 1: 0.05, 2: 0.8, 3: 0.05, 4: 0.05}) is None
    (p,) = load_classifier().predict([BETWEEN_2_AND_3])
    assert p.doubt == (2, 3), p.probabilities
    assert abs(p.probabilities[2] - p.probabilities[3]) < 0.2
    assert [g.level for g in p.evidence_groups] == [p.level, 5 - p.level]  # the evidence for both
    (clear,) = load_classifier().predict([CLEAR[3][1]])
    assert clear.doubt is None and len(clear.evidence_groups) == 1


@pytest.mark.parametrize(
    "text",
    [
        JONGE_HONDEN_PARAPHRASE,
        "Personeelsuitje en kerstpakket voor alle medewerkers.",
        "De directeur heeft besloten dat alle medewerkers voortaan een vaste werkplek krijgen en om 8 uur beginnen.",
        "We kopen een nieuwe CNC-freesmachine die sneller werkt.",
    ],
)
def test_a_short_or_borderline_description_is_not_shown_as_certain(text):
    (p,) = load_classifier().predict([text])
    assert round(100 * p.probabilities[p.level]) < 100, p.probabilities


def test_the_command_says_in_dutch_and_english_when_it_doubts(monkeypatch):
    from groeimodel.classify import core

    real = core.TrainedClassifier.predict

    def close(self, texts, **kwargs):
        out = real(self, texts, **kwargs)
        return [
            core.Prediction(
                level=2, probabilities={0: 0.05, 1: 0.05, 2: 0.45, 3: 0.4, 4: 0.05}, evidence=["ideeën"],
                key_question=p.key_question, language="nl", doubt=(2, 3), evidence_groups=p.evidence_groups,
            )
            for p in out
        ]  # fmt: skip

    monkeypatch.setattr(core.TrainedClassifier, "predict", close)
    nl = runner.invoke(app, ["classify", CLEAR[2][1]]).stdout
    assert "twijfel tussen niveau 2 en 3 (2: 45%, 3: 40%)" in nl and "100%" not in nl
    en = runner.invoke(app, ["classify", CLEAR[2][1], "--lang", "en"]).stdout
    assert "in doubt between level 2 and 3" in en
    data = json.loads(runner.invoke(app, ["classify", CLEAR[2][1], "--format", "json"]).stdout)
    assert data["doubt"] == [2, 3]


# --- grouped cross-validation ----------------------------------------------------------------------------------


def _small_corpus(folder):
    """A written part and a real part where some firms have two cases."""
    written = [e for e in CORPUS if e.corpus == "written"][::4]
    real = [e for e in CORPUS if e.corpus == "real"]
    folder.mkdir()
    (folder / "written.jsonl").write_text(
        "".join(json.dumps({"id": e.id, "lang": e.lang, "label": e.label, "text": e.text}) + "\n" for e in written)
    )
    (folder / "real").mkdir()
    (folder / "real" / "cases.jsonl").write_text(
        "".join(
            json.dumps({"id": e.id, "org": e.org, "lang": e.lang, "label": e.label, "text": e.text}) + "\n"
            for e in real[::3]
        )
    )
    return read_corpus(folder)


def test_grouped_cross_validation_never_tests_a_firm_it_trained_on(tmp_path):
    from groeimodel.classify.evaluation import out_of_fold

    examples = _small_corpus(tmp_path / "corpus")
    oof = out_of_fold(examples, corpus="real", folds=3)
    assert all(e.corpus == "real" for e in oof.examples)
    fold_of_firm: dict[str, set[int]] = {}
    for e, k in zip(oof.examples, oof.folds, strict=True):
        fold_of_firm.setdefault(e.group, set()).add(int(k))
    assert all(len(v) == 1 for v in fold_of_firm.values())
    assert Counter(e.group for e in oof.examples).most_common(1)[0][1] >= 2  # the test has firms with two cases


def test_classify_evaluate_cross_validates_on_the_real_corpus_per_class_and_language(tmp_path):
    folder = tmp_path / "corpus"
    _small_corpus(folder)
    result = runner.invoke(app, ["classify", "evaluate", "--cv", "3", "--corpus", "real", "--folder", str(folder)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "3-fold cross-validation on the real corpus, grouped by organisation" in out
    assert "macro-F1" in out and "ECE" in out and "per language" in out and "confusion matrix" in out
    data = json.loads(
        runner.invoke(app, ["classify", "evaluate", "--cv", "3", "--folder", str(folder), "--format", "json"]).stdout
    )
    assert set(data["per_language"]) == {"nl", "en"} and set(data["per_class"]) == {"0", "1", "2", "3", "4"}
    assert 0 <= data["ece"] <= 1 and data["n"] == sum(sum(row) for row in data["confusion"])
