"""Features, training, prediction and the artefact of the initiative classifier (see the package docstring)."""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from groeimodel import __version__
from groeimodel.errors import InputError
from groeimodel.model import Lang, Model, load_model

CLASSES: tuple[int, ...] = (0, 1, 2, 3, 4)
ARTEFACT_FORMAT = 1
TOKEN = re.compile(r"(?u)\b\w[\w\-]*\w\b|\b\w\b")
WORD_PATTERN = r"(?u)\b\w[\w\-]*\w\b"
CUE_WEIGHT = 1.0
EVIDENCE_SIZE = 6
EVIDENCE_FEATURES = 30

# Frequent function words; enough to tell Dutch from English and to notice a text in neither.
STOPWORDS: dict[str, frozenset[str]] = {
    "nl": frozenset(
        "de het een en van in is dat op te met voor zijn niet aan er ook als bij om door maar we wij ons onze hun "
        "naar uit dan of wordt werd worden zij die deze dit hebben heeft had waren was kunnen meer nu al".split()
    ),
    "en": frozenset(
        "the a an and of in is that on to with for are not at there also as by from but we our their they was "
        "were be been this these it its have has had can more now which who into than".split()
    ),
    "other": frozenset(
        "der und ist nicht mit auf das ein eine wir unsere sind haben über ihre jetzt selbst auch werden wird sich "
        "noch zum zur dem sie le la les et est des une nous pour avec dans sont notre el los las y es por con una "
        "para del".split()
    ),
}


class ClassifierError(InputError):
    """Text the classifier cannot take, or a corpus or artefact that is broken."""


def detect_language(text: str) -> str | None:
    """ "nl", "en", or None when the text reads as neither (a warning, not an error)."""
    words = [w.lower() for w in TOKEN.findall(text)]
    if not words:
        return None
    counts = {lang: sum(w in stop for w in words) for lang, stop in STOPWORDS.items()}
    known = counts["nl"] + counts["en"]
    if counts["other"] > known or (len(words) >= 8 and known / len(words) < 0.08):
        return None
    if known == 0:
        return None
    return "nl" if counts["nl"] >= counts["en"] else "en"


@dataclass(frozen=True)
class Prediction:
    level: int
    probabilities: dict[int, float]
    evidence: list[str]
    key_question: str | None
    language: str | None
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "probabilities": {str(k): round(v, 4) for k, v in self.probabilities.items()},
            "evidence": self.evidence,
            "key_question": self.key_question,
            "warnings": self.warnings,
        }


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    label: int
    lang: str | None = None
    source: str = ""


def model_cues(model: Model) -> dict[int, list[str]]:
    """Cue phrases per class from the model file: class 0 from `not_social_innovation`, 1.. from the levels."""
    data = model.data
    cues = {0: data.not_social_innovation.cues.nl + data.not_social_innovation.cues.en}
    for lv in data.levels:
        cues[lv.level] = lv.cues.nl + lv.cues.en
    return {k: sorted({c.lower().strip() for c in v if c.strip()}) for k, v in cues.items()}


def _cue_patterns(cues: dict[int, list[str]]) -> list[tuple[int, re.Pattern[str]]]:
    out = []
    for cls, phrases in sorted(cues.items()):
        if phrases:
            alternatives = "|".join(re.escape(c) for c in sorted(phrases, key=len, reverse=True))
            out.append((cls, re.compile(rf"(?<!\w)({alternatives})(?!\w)")))
    return out


WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (3, 4)
_WHITE = re.compile(r"\s\s+")
_WORD = re.compile(WORD_PATTERN)


def word_terms(text: str) -> list[str]:
    """Word 1- and 2-grams of ``text``, as scikit-learn's word analyzer makes them with our settings."""
    tokens = _WORD.findall(text.lower())
    terms = list(tokens)
    terms += [" ".join(tokens[i : i + 2]) for i in range(len(tokens) - 1)]
    return terms


def char_terms(text: str) -> list[str]:
    """Character 3- to 5-grams within word boundaries, as scikit-learn's "char_wb" analyzer makes them."""
    out: list[str] = []
    for word in _WHITE.sub(" ", text.lower()).split():
        w = f" {word} "
        for n in range(CHAR_NGRAMS[0], CHAR_NGRAMS[1] + 1):
            if len(w) <= n:  # a short word counts once, whole
                out.append(w)
                break
            out.extend([w[i : i + n] for i in range(len(w) - n + 1)])
    return out


@dataclass
class TermWeights:
    """TF-IDF over a fixed vocabulary: sublinear term frequency times IDF, L2-normalised per text."""

    vocabulary: dict[str, int]
    idf: npt.NDArray[np.float64]

    def row(self, terms: list[str]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]:
        vocabulary = self.vocabulary
        return self.weigh({j: n for t, n in Counter(terms).items() if (j := vocabulary.get(t)) is not None})

    def weigh(self, counts: dict[int, int]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]:
        """Sublinear TF times IDF, L2-normalised, from counts per vocabulary index."""
        if not counts:
            return np.zeros(0, dtype=np.intp), np.zeros(0)
        idx = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        values = (1.0 + np.log(tf)) * self.idf[idx]
        norm = float(np.sqrt(values @ values))
        return idx, values / norm if norm else values


def fit_term_weights(texts: Sequence[str], kind: str) -> TermWeights:
    """Vocabulary and IDF from scikit-learn's TfidfVectorizer (training only)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if kind == "word":
        vectorizer = TfidfVectorizer(
            analyzer="word", ngram_range=WORD_NGRAMS, token_pattern=WORD_PATTERN, min_df=2, max_features=8000,
            sublinear_tf=True,
        )  # fmt: skip
    else:
        vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=CHAR_NGRAMS, min_df=2, max_features=20000, sublinear_tf=True
        )
    vectorizer.fit(texts)
    vocabulary = {term: i for i, term in enumerate(_names(vectorizer.vocabulary_))}
    return TermWeights(vocabulary=vocabulary, idf=np.asarray(vectorizer.idf_, dtype=np.float64))


@dataclass
class Features:
    """One text's sparse feature vector, with the cue phrases found in it."""

    indices: npt.NDArray[np.intp]
    values: npt.NDArray[np.float64]
    cues: dict[int, list[str]]


@dataclass
class FeatureSpace:
    word: TermWeights
    char: TermWeights
    cues: dict[int, list[str]]

    def __post_init__(self) -> None:
        self._patterns = _cue_patterns(self.cues)
        self._cue_classes = sorted(self.cues)
        self.word_names = _names(self.word.vocabulary)
        self.char_names = _names(self.char.vocabulary)
        self._word_cache: dict[str, list[int]] = {}

    @property
    def n_features(self) -> int:
        return len(self.word_names) + len(self.char_names) + len(self._cue_classes)

    def cue_matches(self, text: str) -> dict[int, list[str]]:
        lowered = text.lower()
        return {cls: sorted(set(pattern.findall(lowered))) for cls, pattern in self._patterns}

    def _char_indices(self, word: str) -> list[int]:
        """Vocabulary indices of one word's character n-grams; words recur, so this is remembered."""
        found = self._word_cache.get(word)
        if found is None:
            vocabulary = self.char.vocabulary
            found = [j for g in char_terms(word) if (j := vocabulary.get(g)) is not None]
            if len(self._word_cache) < 200_000:
                self._word_cache[word] = found
        return found

    def features(self, text: str) -> Features:
        w_idx, w_val = self.word.row(word_terms(text))
        # char_wb n-grams never cross a space, so a text's n-grams are the sum of its words'.
        counts: Counter[int] = Counter()
        for word in text.lower().split():
            counts.update(self._char_indices(word))
        c_idx, c_val = self.char.weigh(dict(counts))
        matches = self.cue_matches(text)
        cue_values = np.array([CUE_WEIGHT * math.log1p(len(matches.get(c, []))) for c in self._cue_classes])
        cue_idx = np.arange(len(self._cue_classes), dtype=np.intp) + len(self.word_names) + len(self.char_names)
        keep = cue_values > 0
        return Features(
            indices=np.concatenate([w_idx, c_idx + len(self.word_names), cue_idx[keep]]),
            values=np.concatenate([w_val, c_val, cue_values[keep]]),
            cues=matches,
        )

    def matrix(self, texts: Sequence[str]) -> Any:
        """A scipy CSR matrix of the texts' features (training)."""
        import scipy.sparse as sp

        rows = [self.features(t) for t in texts]
        indptr = np.cumsum([0] + [len(r.indices) for r in rows])
        indices = np.concatenate([r.indices for r in rows])
        data = np.concatenate([r.values for r in rows])
        return sp.csr_matrix((data, indices, indptr), shape=(len(rows), self.n_features))


def _names(vocabulary: dict[str, int]) -> list[str]:
    names = [""] * len(vocabulary)
    for term, index in vocabulary.items():
        names[index] = term
    return names


def _softmax(logits: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    out: npt.NDArray[np.float64] = exp / exp.sum(axis=1, keepdims=True)
    return out


@dataclass
class TrainedClassifier:
    space: FeatureSpace
    coef: npt.NDArray[np.float64]  # (classes, features)
    intercept: npt.NDArray[np.float64]  # (classes,)
    meta: dict[str, Any]

    @property
    def classes(self) -> tuple[int, ...]:
        return tuple(int(c) for c in self.meta["classes"])

    def predict(self, texts: Sequence[str], *, model: Model | None = None, lang: Lang = "nl") -> list[Prediction]:
        """Classify ``texts``; with a model of fewer levels (mkb-2011) only its levels (and 0) can come out."""
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise ClassifierError(f"text {i + 1}: must be text, got {type(text).__name__}")
            if not text.strip():
                raise ClassifierError(f"text {i + 1}: is empty")
        model = model or load_model(self.meta["model"])
        allowed = [c for c in self.classes if c == 0 or c <= len(model.levels)]
        rows = [self.space.features(t) for t in texts]
        logits = np.array([self.coef[:, r.indices] @ r.values for r in rows]).reshape(len(rows), -1) + self.intercept
        mask = np.array([c in allowed for c in self.classes])
        logits[:, ~mask] = -np.inf
        probs = _softmax(logits)
        out = []
        for row, text in enumerate(texts):
            p = probs[row]
            best = int(np.argmax(p))
            level = self.classes[best]
            language = detect_language(text)
            warnings = []
            if language is None:
                warnings.append("only Dutch and English are supported; this text reads as neither")
            out.append(
                Prediction(
                    level=level,
                    probabilities={c: float(p[i]) for i, c in enumerate(self.classes) if c in allowed},
                    evidence=self._evidence(rows[row], best, text),
                    key_question=model.level(level).key_question.get(lang) if level > 0 else None,
                    language=language,
                    warnings=warnings,
                )
            )
        return out

    def _evidence(self, row: Features, best: int, text: str) -> list[str]:
        """The text's words and phrases whose features pushed most towards ``best`` against the other classes."""
        others = [i for i in range(len(self.classes)) if i != best]
        direction = self.coef[best, row.indices] - self.coef[np.ix_(np.array(others), row.indices)].mean(axis=0)
        contributions = row.values * direction
        # Only the strongest features can make the list; looking at them alone keeps this cheap.
        top = np.argsort(-contributions)[:EVIDENCE_FEATURES]
        n_word, n_char = len(self.space.word_names), len(self.space.char_names)
        tokens = TOKEN.findall(text)
        surfaces: dict[str, str] = {}  # lower-case word or word pair -> as first written in the text
        for i, token in enumerate(tokens):
            surfaces.setdefault(token.lower(), token)
            if i + 1 < len(tokens):
                surfaces.setdefault(f"{token.lower()} {tokens[i + 1].lower()}", f"{token} {tokens[i + 1]}")
        padded = {f" {t.lower()} ": t for t in tokens}
        scores: dict[str, float] = {}
        for k in top:
            contribution = float(contributions[k])
            if contribution <= 0:
                break
            j = int(row.indices[k])
            if j < n_word:
                phrase = self.space.word_names[j]
                surface = surfaces.get(phrase, phrase)
                scores[surface] = scores.get(surface, 0.0) + contribution
            elif j < n_word + n_char:
                gram = self.space.char_names[j - n_word]
                holders = [t for low, t in padded.items() if gram in low]
                for word in holders:
                    scores[word] = scores.get(word, 0.0) + contribution / len(holders)
            else:
                cls = sorted(self.space.cues)[j - n_word - n_char]
                for cue in row.cues.get(cls, []):
                    scores[cue] = scores.get(cue, 0.0) + contribution
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        out: list[str] = []
        for phrase, _ in ranked:
            low = phrase.lower()
            if any(low in chosen.lower() or chosen.lower() in low for chosen in out):
                continue  # "thuiswerken" and "thuiswerken en" say the same
            if len(low) < 3:
                continue
            out.append(phrase)
            if len(out) == EVIDENCE_SIZE:
                break
        return out

    # --- the artefact: JSON (vocabularies, metadata) and an npz of arrays, both byte-for-byte deterministic ---

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        meta = {
            **self.meta,
            "word_vocabulary": self.space.word_names,
            "char_vocabulary": self.space.char_names,
            "cues": {str(k): v for k, v in sorted(self.space.cues.items())},
        }
        (directory / "classifier.json").write_text(
            json.dumps(meta, ensure_ascii=False, sort_keys=True, indent=0) + "\n", encoding="utf-8"
        )
        arrays = {
            "word_idf": self.space.word.idf,
            "char_idf": self.space.char.idf,
            "coef": self.coef,
            "intercept": self.intercept,
        }
        with zipfile.ZipFile(directory / "classifier.npz", "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, array in arrays.items():
                buffer = io.BytesIO()
                np.save(buffer, np.asarray(array, dtype=np.float64), allow_pickle=False)
                info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, buffer.getvalue())

    @classmethod
    def load(cls, directory: Path | Any) -> TrainedClassifier:
        meta = json.loads((directory / "classifier.json").read_text(encoding="utf-8"))
        if meta.get("format") != ARTEFACT_FORMAT:
            raise ClassifierError(f"{directory}: artefact format {meta.get('format')}, expected {ARTEFACT_FORMAT}")
        with (directory / "classifier.npz").open("rb") as fh:
            arrays = np.load(io.BytesIO(fh.read()), allow_pickle=False)
            word = TermWeights({t: i for i, t in enumerate(meta.pop("word_vocabulary"))}, arrays["word_idf"])
            char = TermWeights({t: i for i, t in enumerate(meta.pop("char_vocabulary"))}, arrays["char_idf"])
            cues = {int(k): v for k, v in meta.pop("cues").items()}
            return cls(
                space=FeatureSpace(word=word, char=char, cues=cues),
                coef=arrays["coef"],
                intercept=arrays["intercept"],
                meta=meta,
            )


# --- corpus, training, evaluation -----------------------------------------------------------------------------


def corpus_dir() -> Any:
    return resources.files("groeimodel.classify") / "corpus"


def artefact_dir() -> Any:
    return resources.files("groeimodel.classify") / "artefact"


def read_jsonl(path: Path | Any, *, labelled: bool) -> list[Example]:
    """Examples from a JSON Lines file: {"id", "text"} and, when ``labelled``, "label" (0-4)."""
    name = str(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ClassifierError(f"{name}: file not found") from None
    except UnicodeDecodeError:
        raise ClassifierError(f"{name}: not a UTF-8 text file") from None
    out: list[Example] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ClassifierError(f"{where}: not valid JSON: {exc.msg}") from None
        if not isinstance(raw, dict):
            raise ClassifierError(f"{where}: each line must be a JSON object")
        text = raw.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ClassifierError(f"{where}: text: missing or empty")
        label = raw.get("label")
        if labelled and (not isinstance(label, int) or isinstance(label, bool) or label not in CLASSES):
            raise ClassifierError(f"{where}: label: must be one of 0-4, got {label!r}")
        out.append(
            Example(
                id=str(raw.get("id", f"{Path(name).stem}-{number}")),
                text=text,
                label=int(label) if labelled and isinstance(label, int) else -1,
                lang=raw.get("lang"),
                source=str(raw.get("source", "")),
            )
        )
    return out


def read_corpus(directory: Path | Any | None = None) -> list[Example]:
    directory = directory or corpus_dir()
    files = sorted((p for p in directory.iterdir() if p.name.endswith(".jsonl")), key=lambda p: p.name)
    if not files:
        raise ClassifierError(f"{directory}: no .jsonl files")
    examples = [e for f in files for e in read_jsonl(f, labelled=True)]
    seen: set[str] = set()
    for e in examples:
        if e.id in seen:
            raise ClassifierError(f"{directory}: duplicate id {e.id!r}")
        seen.add(e.id)
    return examples


def corpus_hash(examples: Iterable[Example]) -> str:
    digest = hashlib.sha256()
    for e in sorted(examples, key=lambda e: e.id):
        digest.update(json.dumps([e.id, e.label, e.text], ensure_ascii=False).encode())
    return digest.hexdigest()


def _fit_logits(
    x: Any, labels: npt.NDArray[np.int_], c: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=c, max_iter=5000, tol=1e-6)
    lr.fit(x, labels)
    return lr.coef_.astype(np.float64), lr.intercept_.astype(np.float64)


def fit_temperature(x: Any, labels: npt.NDArray[np.int_], c: float, folds: int = 5) -> float:
    """Temperature scaling: the divisor of the logits that makes out-of-fold probabilities honest (least log-loss).

    A linear model on thousands of n-gram features is over-confident; dividing its logits by one number fitted on
    held-out folds calibrates the probabilities without changing which class wins.
    """
    from sklearn.model_selection import StratifiedKFold

    logits = np.zeros((len(labels), len(CLASSES)))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=2026)
    for train_idx, test_idx in splitter.split(np.zeros(len(labels)), labels):
        coef, intercept = _fit_logits(x[train_idx], labels[train_idx], c)
        logits[test_idx] = np.asarray(x[test_idx] @ coef.T) + intercept
    best_t, best_loss = 1.0, math.inf
    for t in np.geomspace(0.25, 20, 80):
        probs = _softmax(logits / t)
        loss = float(-np.mean(np.log(probs[np.arange(len(labels)), labels] + 1e-12)))
        if loss < best_loss:
            best_t, best_loss = float(t), loss
    return round(best_t, 4)


def train(
    examples: Sequence[Example], *, model: Model | None = None, c: float = 8.0, calibrate: bool = True
) -> TrainedClassifier:
    """Fit the classifier; deterministic for the same examples (the solver and the folds have fixed seeds)."""

    model = model or load_model("groeimodel")
    ordered = sorted(examples, key=lambda e: e.id)
    texts = [e.text for e in ordered]
    labels = np.array([e.label for e in ordered])
    space = FeatureSpace(
        word=fit_term_weights(texts, "word"), char=fit_term_weights(texts, "char"), cues=model_cues(model)
    )
    x = space.matrix(texts)
    coef, intercept = _fit_logits(x, labels, c)
    temperature = fit_temperature(x, labels, c) if calibrate else 1.0
    import sklearn

    meta = {
        "format": ARTEFACT_FORMAT,
        "version": f"{__version__}+{corpus_hash(ordered)[:8]}",
        "model": model.id,
        "model_version": model.version,
        "classes": list(CLASSES),
        "temperature": temperature,
        "corpus_hash": corpus_hash(ordered),
        "corpus_size": len(ordered),
        "corpus_per_class": {str(k): int((labels == k).sum()) for k in CLASSES},
        "c": c,
        "trained_with": f"scikit-learn {sklearn.__version__}",
    }
    # The temperature is folded into the weights: predicting stays one product and a softmax.
    return TrainedClassifier(space=space, coef=coef / temperature, intercept=intercept / temperature, meta=meta)


@dataclass(frozen=True)
class Evaluation:
    n: int
    accuracy: float
    macro_f1: float
    labels: list[int]
    confusion: list[list[int]]  # rows: true label, columns: predicted
    per_class_f1: dict[int, float]

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "labels": self.labels,
            "confusion": self.confusion,
            "per_class_f1": {str(k): round(v, 4) for k, v in self.per_class_f1.items()},
        }


def evaluate(truth: Sequence[int], predicted: Sequence[int], labels: Sequence[int] = CLASSES) -> Evaluation:
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

    present = [k for k in labels if k in set(truth) | set(predicted)]
    f1 = f1_score(truth, predicted, labels=present, average=None, zero_division=0)
    return Evaluation(
        n=len(truth),
        accuracy=float(accuracy_score(truth, predicted)),
        macro_f1=float(np.mean(f1)),
        labels=list(labels),
        confusion=confusion_matrix(truth, predicted, labels=list(labels)).tolist(),
        per_class_f1={k: float(v) for k, v in zip(present, f1, strict=True)},
    )


def cross_validate(examples: Sequence[Example], *, folds: int = 5) -> Evaluation:
    """Stratified k-fold cross-validation on ``examples`` (deterministic split)."""
    from sklearn.model_selection import StratifiedKFold

    ordered = sorted(examples, key=lambda e: e.id)
    labels = np.array([e.label for e in ordered])
    predicted = np.zeros_like(labels)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=2026)
    for train_idx, test_idx in splitter.split(np.zeros(len(labels)), labels):
        clf = train([ordered[i] for i in train_idx], calibrate=False)  # the temperature never changes the winner
        preds = clf.predict([ordered[i].text for i in test_idx])
        predicted[test_idx] = [p.level for p in preds]
    return evaluate(labels.tolist(), predicted.tolist())


_shipped: TrainedClassifier | None = None


def load_classifier() -> TrainedClassifier:
    """The classifier that ships with the package (loaded once per process)."""
    global _shipped
    if _shipped is None:
        directory = artefact_dir()
        if not (directory / "classifier.json").is_file():
            raise ClassifierError("no trained classifier ships with this installation; run 'groeimodel classify train'")
        _shipped = TrainedClassifier.load(directory)
    return _shipped
