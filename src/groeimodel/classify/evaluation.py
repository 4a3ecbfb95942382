"""How good the classifier is: accuracy, macro-F1, per class and per language, confusion matrix, calibration
(expected calibration error), and cross-validation grouped by organisation."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from groeimodel.classify.core import (
    CLASSES,
    SHIPPED_CONFIG,
    ClassifierError,
    Example,
    FeatureConfig,
    _softmax,
    fit_unscaled,
)
from groeimodel.model import Model

ECE_BINS = 10
SEED = 2026


@dataclass(frozen=True)
class ClassFigures:
    precision: float
    recall: float
    f1: float
    support: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "support": self.support,
        }


@dataclass(frozen=True)
class Evaluation:
    n: int
    accuracy: float
    macro_f1: float
    labels: list[int]
    confusion: list[list[int]]  # rows: true label, columns: predicted
    per_class: dict[int, ClassFigures]
    per_language: dict[str, dict[str, float]]  # language -> n, accuracy, macro_f1
    ece: float | None  # expected calibration error of the top class, when probabilities are known

    @property
    def per_class_f1(self) -> dict[int, float]:
        return {k: v.f1 for k, v in self.per_class.items()}

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "labels": self.labels,
            "confusion": self.confusion,
            "per_class_f1": {str(k): round(v.f1, 4) for k, v in self.per_class.items()},
            "per_class": {str(k): v.to_dict() for k, v in self.per_class.items()},
            "per_language": {
                lang: {k: (round(v, 4) if isinstance(v, float) else v) for k, v in figures.items()}
                for lang, figures in self.per_language.items()
            },
            "ece": None if self.ece is None else round(self.ece, 4),
        }


def expected_calibration_error(
    probabilities: npt.NDArray[np.float64], truth: Sequence[int], bins: int = ECE_BINS
) -> float:
    """The gap between confidence and accuracy of the top class, averaged over equal-width confidence bins and
    weighted by how many texts fall in each."""
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == np.asarray(truth)
    edges = np.linspace(0.0, 1.0, bins + 1)
    total = 0.0
    for lo, hi in itertools.pairwise(edges):
        inside = (confidence > lo) & (confidence <= hi)
        if inside.any():
            total += inside.mean() * abs(float(correct[inside].mean()) - float(confidence[inside].mean()))
    return total


def _macro_f1(truth: Sequence[int], predicted: Sequence[int], labels: Sequence[int]) -> tuple[float, Any, Any, Any]:
    from sklearn.metrics import precision_recall_fscore_support

    present = [k for k in labels if k in set(truth)]
    p, r, f1, s = precision_recall_fscore_support(truth, predicted, labels=present, zero_division=0)
    return float(np.mean(f1)) if len(present) else 0.0, present, (p, r, f1), s


def evaluate(
    truth: Sequence[int],
    predicted: Sequence[int],
    labels: Sequence[int] = CLASSES,
    *,
    languages: Sequence[str | None] | None = None,
    probabilities: npt.NDArray[np.float64] | None = None,
) -> Evaluation:
    """Figures for predictions against the truth. Macro-F1 averages the classes that occur in the truth."""
    from sklearn.metrics import accuracy_score, confusion_matrix

    macro, present, (p, r, f1), support = _macro_f1(truth, predicted, labels)
    per_language: dict[str, dict[str, float]] = {}
    if languages is not None:
        for lang in sorted({lg or "?" for lg in languages}):
            idx = [i for i, lg in enumerate(languages) if (lg or "?") == lang]
            t = [truth[i] for i in idx]
            q = [predicted[i] for i in idx]
            per_language[lang] = {
                "n": len(idx),
                "accuracy": float(accuracy_score(t, q)),
                "macro_f1": _macro_f1(t, q, labels)[0],
            }
    return Evaluation(
        n=len(truth),
        accuracy=float(accuracy_score(truth, predicted)),
        macro_f1=macro,
        labels=list(labels),
        confusion=confusion_matrix(truth, predicted, labels=list(labels)).tolist(),
        per_class={
            k: ClassFigures(float(p[i]), float(r[i]), float(f1[i]), int(support[i])) for i, k in enumerate(present)
        },
        per_language=per_language,
        ece=None if probabilities is None else expected_calibration_error(probabilities, truth),
    )


@dataclass(frozen=True)
class OutOfFold:
    """Out-of-fold logits of the test corpus: each text scored by a model that saw neither it nor its firm."""

    examples: list[Example]
    logits: npt.NDArray[np.float64]
    folds: npt.NDArray[np.int_]  # the fold each text was tested in

    @property
    def labels(self) -> list[int]:
        return [e.label for e in self.examples]


def out_of_fold(
    examples: Sequence[Example],
    *,
    corpus: str = "real",
    folds: int = 5,
    model: Model | None = None,
    config: FeatureConfig = SHIPPED_CONFIG,
) -> OutOfFold:
    """Cross-validation on the ``corpus`` cases ("real" or "written"), grouped by organisation so that no firm is
    in both the training and the test part, stratified by class. Every other case is always trained on."""
    from sklearn.model_selection import StratifiedGroupKFold

    ordered = sorted(examples, key=lambda e: e.id)
    tested = [e for e in ordered if e.corpus == corpus]
    always = [e for e in ordered if e.corpus != corpus]
    labels = np.array([e.label for e in tested])
    groups = [e.group for e in tested]
    if len(set(groups)) < folds or min(np.bincount(labels, minlength=len(CLASSES))[sorted(set(labels))]) < 2:
        raise ClassifierError(f"the {corpus} corpus is too small for {folds}-fold cross-validation")
    logits = np.zeros((len(tested), len(CLASSES)))
    fold_of = np.zeros(len(tested), dtype=int)
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=SEED)
    for k, (train_idx, test_idx) in enumerate(splitter.split(np.zeros(len(labels)), labels, groups)):
        clf = fit_unscaled(always + [tested[i] for i in train_idx], model=model, config=config)
        fold_logits, _ = clf.logits([tested[i].text for i in test_idx])
        logits[test_idx] = fold_logits
        fold_of[test_idx] = k
    return OutOfFold(examples=tested, logits=logits, folds=fold_of)


def fit_temperature(logits: npt.NDArray[np.float64], labels: npt.NDArray[np.int_]) -> float:
    """Temperature scaling: the divisor of the logits that gives the least log-loss on out-of-fold predictions.

    A linear model on thousands of n-gram features is over-confident; dividing its logits by one number fitted on
    held-out cases calibrates the probabilities without changing which class wins.
    """
    best_t, best_loss = 1.0, math.inf
    for t in np.geomspace(0.1, 20, 120):
        probs = _softmax(logits / t)
        loss = float(-np.mean(np.log(probs[np.arange(len(labels)), labels] + 1e-12)))
        if loss < best_loss:
            best_t, best_loss = float(t), loss
    return round(best_t, 4)


def cross_validate(
    examples: Sequence[Example],
    *,
    corpus: str = "real",
    folds: int = 5,
    model: Model | None = None,
    config: FeatureConfig = SHIPPED_CONFIG,
) -> Evaluation:
    """Grouped cross-validation (see `out_of_fold`), with calibrated probabilities: the temperature for each fold
    is fitted on the out-of-fold logits of the other folds, so the calibration error is measured on cases that
    neither the model nor the temperature saw."""
    oof = out_of_fold(examples, corpus=corpus, folds=folds, model=model, config=config)
    labels = np.array(oof.labels)
    probabilities = np.zeros_like(oof.logits)
    for k in sorted(set(oof.folds.tolist())):
        inside = oof.folds == k
        t = fit_temperature(oof.logits[~inside], labels[~inside])
        probabilities[inside] = _softmax(oof.logits[inside] / t)
    predicted = [CLASSES[i] for i in oof.logits.argmax(axis=1)]
    return evaluate(
        oof.labels,
        predicted,
        languages=[e.lang for e in oof.examples],
        probabilities=probabilities,
    )
