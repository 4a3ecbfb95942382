"""Features, training, prediction and the artefact of the initiative classifier (see the package docstring)."""

from __future__ import annotations

import hashlib
import io
import itertools
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

from groeimodel import __version__, safeio
from groeimodel.classify.lexicon import (
    LANGUAGE_MARKERS,
    SENTENCE_CUES,
    TOKEN,
    Concept,
    concepts_from_cues,
    fold,
    is_filler,
    sentence_cues,
    stem,
    stems_of,
    tokens,
)
from groeimodel.errors import InputError
from groeimodel.model import Lang, Model, load_model

CLASSES: tuple[int, ...] = (0, 1, 2, 3, 4)
ARTEFACT_FORMAT = 2
EVIDENCE_SIZE = 6
EVIDENCE_FEATURES = 30
# When the two most likely classes are closer than this, the suggestion says it doubts between them.
DOUBT_MARGIN = 0.2
_HAS_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class FeatureConfig:
    """What the features are made of; chosen by grouped cross-validation on the real corpus (docs/classifier.md)."""

    stem: bool = True
    char_ngrams: tuple[int, int] = (3, 5)
    concept_weight: float = 0.0
    cue_weight: float = 0.0  # one count feature per class of the model file's cues (the old pipeline: 1.0)
    sentence_weight: float = 0.0
    c: float = 8.0
    real_weight: float = 1.0  # sample weight of a real case against a written one

    def to_dict(self) -> dict[str, Any]:
        return {
            "stem": self.stem,
            "char_ngrams": list(self.char_ngrams),
            "concept_weight": self.concept_weight,
            "cue_weight": self.cue_weight,
            "sentence_weight": self.sentence_weight,
            "c": self.c,
            "real_weight": self.real_weight,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeatureConfig:
        return cls(
            stem=bool(data["stem"]),
            char_ngrams=(int(data["char_ngrams"][0]), int(data["char_ngrams"][1])),
            concept_weight=float(data["concept_weight"]),
            cue_weight=float(data["cue_weight"]),
            sentence_weight=float(data["sentence_weight"]),
            c=float(data["c"]),
            real_weight=float(data["real_weight"]),
        )


SHIPPED_CONFIG = FeatureConfig(stem=False, concept_weight=0.3)


class ClassifierError(InputError):
    """Text the classifier cannot take, or a corpus or artefact that is broken."""


def detect_language(text: str) -> str | None:
    """ "nl", "en", or None when the text reads as neither (a warning, not an error)."""
    return _language_of([w.lower() for w in TOKEN.findall(text)])


def _language_of(words: list[str]) -> str | None:
    if not words:
        return None
    counts = {lang: sum(w in stop for w in words) for lang, stop in LANGUAGE_MARKERS.items()}
    known = counts["nl"] + counts["en"]
    if counts["other"] > known or (len(words) >= 8 and known / len(words) < 0.08):
        return None
    if known == 0:
        return None
    return "nl" if counts["nl"] >= counts["en"] else "en"


@dataclass(frozen=True)
class EvidenceGroup:
    """The words of a text that point to one level, the model's cues they belong to, and its key question."""

    level: int
    words: list[str]
    cues: list[str]
    key_question: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "words": self.words, "cues": self.cues, "key_question": self.key_question}


@dataclass(frozen=True)
class Prediction:
    level: int
    probabilities: dict[int, float]
    evidence: list[str]
    key_question: str | None
    language: str | None
    warnings: list[str] = field(default_factory=list)
    doubt: tuple[int, int] | None = None  # the two closest classes, lower first, when they are close
    evidence_groups: list[EvidenceGroup] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "probabilities": {str(k): round(v, 4) for k, v in self.probabilities.items()},
            "doubt": list(self.doubt) if self.doubt else None,
            "evidence": self.evidence,
            "evidence_by_level": [g.to_dict() for g in self.evidence_groups],
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
    org: str = ""  # the organisation (real cases); written cases each count as their own
    corpus: str = "written"  # "written" (made up by us) or "real" (published cases)

    @property
    def group(self) -> str:
        """What grouped cross-validation keeps together: the organisation of a real case, else the case itself."""
        return f"org:{fold(self.org).strip()}" if self.org.strip() else f"id:{self.id}"


def model_cues(model: Model) -> dict[int, tuple[list[str], list[str]]]:
    """Cue phrases per class from the model file, Dutch and English side by side: class 0 from
    `not_social_innovation`, 1.. from the levels."""
    data = model.data
    cues = {0: (list(data.not_social_innovation.cues.nl), list(data.not_social_innovation.cues.en))}
    for lv in data.levels:
        cues[lv.level] = (list(lv.cues.nl), list(lv.cues.en))
    return cues


def text_language(text: str) -> str:
    """The language to stem a text in: Dutch when it reads as Dutch, else English."""
    return "nl" if detect_language(text) == "nl" else "en"


def word_terms(text: str, *, use_stems: bool = True, lang: str | None = None) -> list[str]:
    """Word 1- and 2-grams of ``text``: lower case, numbers left out, stemmed in the text's language."""
    words = tokens(text)
    if use_stems:
        lg = lang or text_language(text)
        words = [stem(w, lg) for w in words]
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def char_terms(text: str, ngrams: tuple[int, int] = (3, 5)) -> list[str]:
    """Character n-grams within word boundaries, as scikit-learn's "char_wb" analyzer makes them."""
    out: list[str] = []
    for word in text.lower().split():
        w = f" {word} "
        for n in range(ngrams[0], ngrams[1] + 1):
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


def fit_term_weights(term_lists: Sequence[list[str]], max_features: int) -> TermWeights:
    """Vocabulary and IDF from scikit-learn's TfidfVectorizer over ready-made terms (training only)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer=_identity, min_df=2, max_features=max_features, sublinear_tf=True)
    vectorizer.fit(term_lists)
    vocabulary = {term: i for i, term in enumerate(_names(vectorizer.vocabulary_))}
    return TermWeights(vocabulary=vocabulary, idf=np.asarray(vectorizer.idf_, dtype=np.float64))


def _identity(terms: list[str]) -> list[str]:
    return terms


@dataclass
class Features:
    """One text's sparse feature vector, with what is needed to explain it."""

    indices: npt.NDArray[np.intp]
    values: npt.NDArray[np.float64]
    words: list[str]  # the text's tokens as written (digits left out)
    terms: list[str]  # their word terms (stems, or the lower-case words), in the same order
    stems: list[str]  # their stems (unstemmed words use stems only for words a concept phrase may start with)
    concepts: dict[int, list[int]]  # concept index -> positions of the matching tokens (when features use them)
    language: str | None  # "nl", "en" or None (see `detect_language`)


@dataclass
class FeatureSpace:
    word: TermWeights
    char: TermWeights
    concepts: list[Concept]
    config: FeatureConfig

    def __post_init__(self) -> None:
        self.word_names = _names(self.word.vocabulary)
        self.char_names = _names(self.char.vocabulary)
        self._char_cache: dict[str, list[int]] = {}
        # Concept phrases as stems, by their first stem; and the first letters a word needs to be worth stemming.
        phrases: dict[tuple[str, ...], list[int]] = {}
        for k, concept in enumerate(self.concepts):
            for phrase in (*concept.nl, *concept.en):
                for lang in ("nl", "en"):
                    s = stems_of(phrase, lang)
                    if s and k not in phrases.setdefault(s, []):
                        phrases[s].append(k)
        self._by_first: dict[str, list[tuple[tuple[str, ...], list[int]]]] = {}
        for s, ks in sorted(phrases.items()):
            self._by_first.setdefault(s[0], []).append((s, ks))
        # A stem is nearly always the start of its word ("beslis" of "beslist", "decid" of "decided"); a final
        # "i" may stand for a "y" ("communiti") and Dutch drops a leading "ge" ("gemeente" -> "meen").
        stems = {fold(w) for s in phrases for w in s}
        self._stem_starts = stems | {w[:-1] for w in stems if w.endswith("i") and len(w) > 3}
        self._stem_cache: dict[tuple[str, str], str] = {}
        self.offsets = {
            "word": 0,
            "char": len(self.word_names),
            "concept": len(self.word_names) + len(self.char_names),
            "cue": len(self.word_names) + len(self.char_names) + len(self.concepts),
        }
        self.offsets["sentence"] = self.offsets["cue"] + len(CLASSES)

    @property
    def n_features(self) -> int:
        return self.offsets["sentence"] + len(SENTENCE_CUES)

    def _char_indices(self, word: str) -> list[int]:
        """Vocabulary indices of one word's character n-grams; words recur, so this is remembered."""
        found = self._char_cache.get(word)
        if found is None:
            vocabulary = self.char.vocabulary
            found = [j for g in char_terms(word, self.config.char_ngrams) if (j := vocabulary.get(g)) is not None]
            if len(self._char_cache) < 200_000:
                self._char_cache[word] = found
        return found

    def concept_matches(self, stems: list[str]) -> dict[int, list[int]]:
        """Concept index -> the token positions where one of its phrases occurs (stems in sequence)."""
        found: dict[int, list[int]] = {}
        for i, first in enumerate(stems):
            for phrase, ks in self._by_first.get(first, ()):
                n = len(phrase)
                if tuple(stems[i : i + n]) == phrase:
                    for k in ks:
                        found.setdefault(k, []).extend(range(i, i + n))
        return found

    def concept_stem(self, word: str, lang: str) -> str:
        """The stem of a lower-case word when it may be one of a concept phrase's stems (it starts with one), else
        the word itself: stemming is the slow part, and most words are in no phrase. Remembered per word."""
        key = (word, lang)
        found = self._stem_cache.get(key)
        if found is None:
            folded = fold(word)
            starts = self._stem_starts
            bare = folded[2:] if folded.startswith("ge") else ""
            # The stem a word starts with has four letters or more, or is the whole word ("app").
            if any(folded[:n] in starts for n in range(min(4, len(folded)), len(folded) + 1)) or any(
                bare[:n] in starts for n in range(min(4, len(bare)), len(bare) + 1) if bare
            ):
                found = stem(word, lang)
            else:
                found = word
            if len(self._stem_cache) < 200_000:
                self._stem_cache[key] = found
        return found

    def features(self, text: str) -> Features:
        cfg = self.config
        every = TOKEN.findall(text)
        every_lower = [w.lower() for w in every]
        language = _language_of(every_lower)
        lang = "nl" if language == "nl" else "en"
        keep = [i for i, w in enumerate(every) if not _HAS_DIGIT.search(w)]
        words = [every[i] for i in keep]
        lowered = [every_lower[i] for i in keep]
        stems = [stem(w, lang) if cfg.stem else self.concept_stem(w, lang) for w in lowered]
        unigrams = stems if cfg.stem else lowered
        terms = unigrams + [f"{a} {b}" for a, b in itertools.pairwise(unigrams)]
        w_idx, w_val = self.word.row(terms)
        # char_wb n-grams never cross a space, so a text's n-grams are the sum of its words'.
        counts = Counter(itertools.chain.from_iterable(self._char_indices(w) for w in lowered))
        c_idx, c_val = self.char.weigh(dict(counts))
        parts_idx = [w_idx, c_idx + self.offsets["char"]]
        parts_val = [w_val, c_val]
        matches = self.concept_matches(stems) if cfg.concept_weight or cfg.cue_weight else {}
        if cfg.concept_weight and matches:
            idx = np.array(sorted(matches), dtype=np.intp)
            parts_idx.append(idx + self.offsets["concept"])
            parts_val.append(np.full(len(idx), cfg.concept_weight / math.sqrt(len(idx))))
        if cfg.cue_weight and matches:
            per_class = Counter(self.concepts[k].level for k in matches)
            idx = np.array(sorted(per_class), dtype=np.intp)
            parts_idx.append(idx + self.offsets["cue"])
            parts_val.append(np.array([cfg.cue_weight * math.log1p(per_class[c]) for c in sorted(per_class)]))
        if cfg.sentence_weight:
            found = sentence_cues(text, lang)
            idx = np.array([i for i, name in enumerate(SENTENCE_CUES) if found[name]], dtype=np.intp)
            parts_idx.append(idx + self.offsets["sentence"])
            parts_val.append(np.array([cfg.sentence_weight * math.log1p(found[SENTENCE_CUES[i]]) for i in idx]))
        return Features(
            indices=np.concatenate(parts_idx),
            values=np.concatenate(parts_val),
            words=words,
            terms=unigrams,
            stems=stems,
            concepts=matches,
            language=language,
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


def doubt_between(probabilities: dict[int, float], margin: float = DOUBT_MARGIN) -> tuple[int, int] | None:
    """The two most likely classes (lower first) when their probabilities are less than ``margin`` apart."""
    (a, pa), (b, pb) = sorted(probabilities.items(), key=lambda kv: (-kv[1], kv[0]))[:2]
    return (min(a, b), max(a, b)) if pa - pb < margin else None


@dataclass
class TrainedClassifier:
    space: FeatureSpace
    coef: npt.NDArray[np.float64]  # (classes, features)
    intercept: npt.NDArray[np.float64]  # (classes,)
    meta: dict[str, Any]

    @property
    def classes(self) -> tuple[int, ...]:
        return tuple(int(c) for c in self.meta["classes"])

    def logits(self, texts: Sequence[str]) -> tuple[npt.NDArray[np.float64], list[Features]]:
        rows = [self.space.features(t) for t in texts]
        logits = np.array([self.coef[:, r.indices] @ r.values for r in rows]).reshape(len(rows), -1) + self.intercept
        return logits, rows

    def predict(self, texts: Sequence[str], *, model: Model | None = None, lang: Lang = "nl") -> list[Prediction]:
        """Classify ``texts``; with a model of fewer levels (mkb-2011) only its levels (and 0) can come out."""
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise ClassifierError(f"text {i + 1}: must be text, got {type(text).__name__}")
            if not text.strip():
                raise ClassifierError(f"text {i + 1}: is empty")
        model = model or load_model(self.meta["model"])
        allowed = [c for c in self.classes if c == 0 or c <= len(model.levels)]
        logits, rows = self.logits(texts)
        mask = np.array([c in allowed for c in self.classes])
        logits[:, ~mask] = -np.inf
        probs = _softmax(logits)
        out = []
        for row in range(len(texts)):
            p = probs[row]
            best = int(np.argmax(p))
            level = self.classes[best]
            probabilities = {c: float(p[i]) for i, c in enumerate(self.classes) if c in allowed}
            doubt = doubt_between(probabilities)
            language = rows[row].language
            warnings = []
            if language is None:
                warnings.append("only Dutch and English are supported; this text reads as neither")
            # In doubt, each of the two levels gets the words that speak for it rather than for the other.
            if doubt:
                other = doubt[0] if doubt[1] == level else doubt[1]
                pairs = [(level, [other]), (other, [level])]
            else:
                pairs = [(level, [c for c in allowed if c != level])]
            groups: list[EvidenceGroup] = []
            for c, against in pairs:
                taken = {w.lower() for g in groups for w in g.words}
                index = self.classes.index(c)
                groups.append(
                    self._evidence(rows[row], index, [self.classes.index(o) for o in against], model, lang, taken)
                )
            out.append(
                Prediction(
                    level=level,
                    probabilities=probabilities,
                    evidence=groups[0].words,
                    key_question=_key_question(model, level, lang),
                    language=language,
                    warnings=warnings,
                    doubt=doubt,
                    evidence_groups=groups,
                )
            )
        return out

    def _evidence(
        self, row: Features, target: int, others: list[int], model: Model, lang: Lang, taken: set[str]
    ) -> EvidenceGroup:
        """The text's content words and phrases whose features pushed most towards class ``target`` against the
        ``others`` (never function words, numbers or currency, nor a word already ``taken`` by another level's
        group), with the model cues they belong to."""
        direction = self.coef[target, row.indices] - self.coef[np.ix_(np.array(others), row.indices)].mean(axis=0)
        contributions = row.values * direction
        top = np.argsort(-contributions)[:EVIDENCE_FEATURES]
        off = self.space.offsets
        # Word terms -> the words as written: "zelfstur team" -> "zelfsturende teams".
        surfaces: dict[str, str] = {}
        for i, term in enumerate(row.terms):
            surfaces.setdefault(term, row.words[i])
            if i + 1 < len(row.terms):
                surfaces.setdefault(f"{term} {row.terms[i + 1]}", f"{row.words[i]} {row.words[i + 1]}")
        padded = {f" {w.lower()} ": w for w in row.words}
        scores: dict[str, float] = {}
        for k in top:
            contribution = float(contributions[k])
            if contribution <= 0:
                break
            j = int(row.indices[k])
            if j < off["char"]:
                term = self.space.word_names[j]
                surface = surfaces.get(term, term)
                scores[surface] = scores.get(surface, 0.0) + contribution
            elif j < off["concept"]:
                gram = self.space.char_names[j - off["char"]]
                holders = [w for low, w in padded.items() if gram in low]
                for word in holders:
                    scores[word] = scores.get(word, 0.0) + contribution / len(holders)
            elif j < off["cue"]:
                runs: list[list[int]] = []  # each occurrence of the concept: a run of adjacent tokens
                for p in sorted(set(row.concepts.get(j - off["concept"], []))):
                    if runs and p == runs[-1][-1] + 1:
                        runs[-1].append(p)
                    else:
                        runs.append([p])
                for run in runs:
                    phrase = " ".join(row.words[p] for p in run)
                    scores[phrase] = scores.get(phrase, 0.0) + contribution / len(runs)
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        words: list[str] = []
        for phrase, _ in ranked:
            low = phrase.lower()
            if low in taken or is_filler(phrase) or any(low in c.lower() or c.lower() in low for c in words):
                continue  # "thuiswerken" and "thuiswerken en" say the same
            words.append(phrase)
            if len(words) == EVIDENCE_SIZE:
                break
        level = self.classes[target]
        chosen = {w.lower() for phrase in words for w in phrase.split()}
        matches = row.concepts or self.space.concept_matches(row.stems)
        cues = sorted(
            {
                self.space.concepts[k].name
                for k, positions in matches.items()
                if self.space.concepts[k].level == level and any(row.words[p].lower() in chosen for p in positions)
            }
        )
        return EvidenceGroup(level=level, words=words, cues=cues, key_question=_key_question(model, level, lang))

    # --- the artefact: JSON (vocabularies, metadata) and an npz of arrays, both byte-for-byte deterministic ---

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        meta = {
            **self.meta,
            "features": self.space.config.to_dict(),
            "word_vocabulary": self.space.word_names,
            "char_vocabulary": self.space.char_names,
            "concepts": [[c.name, c.level, list(c.nl), list(c.en)] for c in self.space.concepts],
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
            concepts = [Concept(n, int(lv), tuple(nl), tuple(en)) for n, lv, nl, en in meta.pop("concepts")]
            config = FeatureConfig.from_dict(meta.pop("features"))
            return cls(
                space=FeatureSpace(word=word, char=char, concepts=concepts, config=config),
                coef=arrays["coef"],
                intercept=arrays["intercept"],
                meta=meta,
            )


def _key_question(model: Model, level: int, lang: Lang) -> str | None:
    return model.level(level).key_question.get(lang) if level > 0 else None


# --- corpus, training ------------------------------------------------------------------------------------------


def corpus_dir() -> Any:
    return resources.files("groeimodel.classify") / "corpus"


def artefact_dir() -> Any:
    return resources.files("groeimodel.classify") / "artefact"


def read_jsonl(path: Path | Any, *, labelled: bool, corpus: str = "written") -> list[Example]:
    """Examples from a JSON Lines file: {"id", "text"} and, when ``labelled``, "label" (0-4); "org" and "lang"
    when given.

    The file is read within the limits of :mod:`groeimodel.safeio` (its size, a line's length, nesting, a text's
    length); every refusal names the file and the line. A file without any example is refused too."""
    name = str(path)
    if isinstance(path, str | Path):
        content = safeio.read_text_limited(name, safeio.MAX_JSONL_BYTES, what=".jsonl file")
    else:  # the shipped corpus, as an importlib resource
        try:
            content = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ClassifierError(f"{name}: file not found") from None
        except UnicodeDecodeError:
            raise ClassifierError(f"{name}: not a UTF-8 text file") from None
    out: list[Example] = []
    lines = safeio.bounded_lines(io.StringIO(content), name, safeio.MAX_JSONL_LINE_CHARS)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        if safeio.json_depth(line) > safeio.MAX_NESTING:
            raise ClassifierError(f"{where}: not valid JSON: nested more than {safeio.MAX_NESTING} levels deep")
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ClassifierError(f"{where}: not valid JSON: {exc.msg}") from None
        except (ValueError, RecursionError) as exc:
            raise ClassifierError(f"{where}: not valid JSON: {str(exc)[:80]}") from None
        if not isinstance(raw, dict):
            raise ClassifierError(f"{where}: each line must be a JSON object")
        text = raw.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ClassifierError(f"{where}: text: missing or empty")
        safeio.check_description(f"{where}: text", text)
        label = raw.get("label")
        if labelled and (not isinstance(label, int) or isinstance(label, bool) or label not in CLASSES):
            raise ClassifierError(f"{where}: label: must be one of 0-4, got {safeio.shown(label)}")
        lang = raw.get("lang")
        if lang is not None and (not isinstance(lang, str) or len(lang) > 8):
            raise ClassifierError(f"{where}: lang: must be a language code such as nl or en, got {safeio.shown(lang)}")
        raw_id = raw.get("id", f"{Path(name).stem}-{number}")
        if not isinstance(raw_id, str | int) or isinstance(raw_id, bool) or len(str(raw_id)) > 200:
            raise ClassifierError(f"{where}: id: must be text or a number of at most 200 characters")
        sources = raw.get("sources")
        out.append(
            Example(
                id=str(raw_id),
                text=text,
                label=int(label) if labelled and isinstance(label, int) else -1,
                lang=lang,
                source=" ".join(map(str, sources)) if isinstance(sources, list) else str(raw.get("source", "")),
                org=str(raw.get("org", "") or ""),
                corpus=corpus,
            )
        )
    if not out:
        expected = "'text' and 'label'" if labelled else "'text'"
        raise ClassifierError(f"{name}: no texts; expected one JSON object with {expected} per line")
    return out


def read_corpus(directory: Path | Any | None = None) -> list[Example]:
    """The written corpus (the folder's .jsonl files) and the real one (its `real/` folder, when present)."""
    directory = directory or corpus_dir()
    files = sorted((p for p in directory.iterdir() if p.name.endswith(".jsonl")), key=lambda p: p.name)
    if not files:
        raise ClassifierError(f"{directory}: no .jsonl files")
    examples = [e for f in files for e in read_jsonl(f, labelled=True)]
    real = directory / "real"
    if real.is_dir():
        real_files = sorted((p for p in real.iterdir() if p.name.endswith(".jsonl")), key=lambda p: p.name)
        examples += [e for f in real_files for e in read_jsonl(f, labelled=True, corpus="real")]
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


def build_space(examples: Sequence[Example], model: Model, config: FeatureConfig) -> FeatureSpace:
    """The vocabularies and IDF weights from ``examples``, and the concepts from the model's cues."""
    concepts = concepts_from_cues(model_cues(model))
    word_lists = [word_terms(e.text, use_stems=config.stem) for e in examples]
    char_lists = [char_terms(" ".join(tokens(e.text)), config.char_ngrams) for e in examples]
    return FeatureSpace(
        word=fit_term_weights(word_lists, 10000),
        char=fit_term_weights(char_lists, 30000),
        concepts=concepts,
        config=config,
    )


def fit_logits(
    x: Any, labels: npt.NDArray[np.int_], c: float, weights: npt.NDArray[np.float64] | None = None
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=c, max_iter=5000, tol=1e-6)
    lr.fit(x, labels, sample_weight=weights)
    return lr.coef_.astype(np.float64), lr.intercept_.astype(np.float64)


def fit_unscaled(
    examples: Sequence[Example], *, model: Model | None = None, config: FeatureConfig = SHIPPED_CONFIG
) -> TrainedClassifier:
    """Fit features and weights on ``examples`` without calibration (temperature 1)."""
    model = model or load_model("groeimodel")
    ordered = sorted(examples, key=lambda e: e.id)
    labels = np.array([e.label for e in ordered])
    space = build_space(ordered, model, config)
    x = space.matrix([e.text for e in ordered])
    weights = np.array([config.real_weight if e.corpus == "real" else 1.0 for e in ordered])
    coef, intercept = fit_logits(x, labels, config.c, weights)
    import sklearn

    meta = {
        "format": ARTEFACT_FORMAT,
        "version": f"{__version__}+{corpus_hash(ordered)[:8]}",
        "model": model.id,
        "model_version": model.version,
        "classes": list(CLASSES),
        "temperature": 1.0,
        "corpus_hash": corpus_hash(ordered),
        "corpus_size": len(ordered),
        "corpus_per_class": {str(k): int((labels == k).sum()) for k in CLASSES},
        "corpus_real": sum(e.corpus == "real" for e in ordered),
        "trained_with": f"scikit-learn {sklearn.__version__}",
    }
    return TrainedClassifier(space=space, coef=coef, intercept=intercept, meta=meta)


def train(
    examples: Sequence[Example],
    *,
    model: Model | None = None,
    config: FeatureConfig = SHIPPED_CONFIG,
    calibrate: bool = True,
    folds: int = 5,
) -> TrainedClassifier:
    """Fit the classifier; deterministic for the same examples (the solver and the folds have fixed seeds).

    With ``calibrate``, the logits are divided by the temperature that makes the out-of-fold probabilities of the
    real cases honest (grouped cross-validation by organisation; the written cases when there are no real ones).
    """
    from groeimodel.classify.evaluation import fit_temperature, out_of_fold

    clf = fit_unscaled(examples, model=model, config=config)
    if calibrate:
        target = "real" if any(e.corpus == "real" for e in examples) else "written"
        oof = out_of_fold(examples, corpus=target, folds=folds, model=model, config=config)
        temperature = fit_temperature(oof.logits, np.array(oof.labels))
        # The temperature is folded into the weights: predicting stays one product and a softmax.
        clf.coef = clf.coef / temperature
        clf.intercept = clf.intercept / temperature
        clf.meta["temperature"] = temperature
        clf.meta["calibrated_on"] = target
    return clf


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
