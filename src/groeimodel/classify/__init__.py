"""Initiative text -> level of social innovation (0 = not social innovation, 1-4 = the model's levels).

A model one can explain: TF-IDF word n-grams and character n-grams, plus bilingual concepts (the model file's
Dutch and English cues and more, matched on Snowball stems) into a multinomial logistic regression, trained on
our written corpus and a corpus of real published cases together,
with probabilities calibrated by temperature scaling on the real cases (grouped by organisation). The trained
artefact is plain data (vocabularies, IDF weights, coefficients as JSON and numpy arrays), so it loads in any
scikit-learn version and predicting is a sparse matrix product and a softmax. Evidence for a decision is the
content words and phrases of the text whose features moved the predicted class most against the other classes,
grouped by level with the model's cues they belong to and the level's key question. The annotation guide, the
figures and how the features were chosen are in docs/classifier.md.
"""

from groeimodel.classify.core import (
    CLASSES,
    ClassifierError,
    EvidenceGroup,
    Prediction,
    TrainedClassifier,
    detect_language,
    doubt_between,
    load_classifier,
)

__all__ = [
    "CLASSES",
    "ClassifierError",
    "EvidenceGroup",
    "Prediction",
    "TrainedClassifier",
    "detect_language",
    "doubt_between",
    "load_classifier",
]
