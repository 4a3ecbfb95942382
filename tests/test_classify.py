from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest
from typer.testing import CliRunner

from groeimodel.classify import ClassifierError, detect_language, load_classifier
from groeimodel.classify.core import corpus_hash, read_corpus, train
from groeimodel.cli import app
from groeimodel.model import load_model

runner = CliRunner()
CORPUS = read_corpus()


# --- the corpus ------------------------------------------------------------------------------------------------


def test_the_corpus_has_at_least_sixty_texts_per_class_half_dutch_half_english():
    per_class = Counter(e.label for e in CORPUS)
    assert set(per_class) == {0, 1, 2, 3, 4}
    assert min(per_class.values()) >= 60, per_class
    for label in range(5):
        langs = Counter(e.lang for e in CORPUS if e.label == label and not e.id.startswith("seed-"))
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
    assert meta["format"] == 1 and meta["model"] == "groeimodel"
    assert meta["version"].endswith("+" + meta["corpus_hash"][:8])
    assert sum(meta["corpus_per_class"].values()) == len(CORPUS)


def test_training_is_deterministic(tmp_path):
    sample = [e for e in CORPUS if int(e.id[-3:] if e.id[-3:].isdigit() else 0) % 3 == 0][:120]
    a, b = train(sample), train(sample)
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

    from groeimodel.classify.core import CHAR_NGRAMS, WORD_PATTERN, FeatureSpace, fit_term_weights

    texts = [e.text for e in CORPUS[::5]] + ["Short ok", "a  b   thuiswerken\\tflexplekken"]
    space = FeatureSpace(word=fit_term_weights(texts, "word"), char=fit_term_weights(texts, "char"), cues={})
    ours = space.matrix(texts).toarray()
    word = TfidfVectorizer(
        analyzer="word", ngram_range=(1, 2), token_pattern=WORD_PATTERN, min_df=2, max_features=8000, sublinear_tf=True
    ).fit(texts)
    char = TfidfVectorizer(
        analyzer="char_wb", ngram_range=CHAR_NGRAMS, min_df=2, max_features=20000, sublinear_tf=True
    ).fit(texts)
    n_word = len(word.vocabulary_)
    assert np.allclose(ours[:, :n_word], word.transform(texts).toarray())
    assert np.allclose(ours[:, n_word:], char.transform(texts).toarray())
