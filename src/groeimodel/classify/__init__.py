"""Initiative text -> level of social innovation (0 = not social innovation, 1-4 = the model's levels).

A model one can explain: TF-IDF word n-grams and character n-grams plus cue features taken from the model file
(each level's typical words, and those of "not social innovation"), into a multinomial logistic regression. The
trained artefact is plain data (vocabularies, IDF weights, coefficients as JSON and numpy arrays), so it loads in
any scikit-learn version and predicting is a sparse matrix product and a softmax. Evidence for a decision is the
words and phrases of the text whose features moved the predicted class most against the other classes.
"""

from groeimodel.classify.core import (
    CLASSES,
    ClassifierError,
    Prediction,
    TrainedClassifier,
    detect_language,
    load_classifier,
)

__all__ = ["CLASSES", "ClassifierError", "Prediction", "TrainedClassifier", "detect_language", "load_classifier"]
