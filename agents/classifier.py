"""A small statistical model of what a sentence is about, trained on the knowledge's examples.

Features are character n-grams of each word (3 to 5 letters, with the word's edges marked, so
"pre-approved", "preaprobado" and "preapproval" share most of theirs) and whole words, weighted by
TF-IDF. Each label's examples are averaged into one unit vector (a nearest-centroid linear
classifier): training takes milliseconds at start-up, so an edited example counts at the next
restart, and scoring a sentence touches only the features it has. No dependency beyond Python.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from agents.text import fold

_WORD = re.compile(r"[a-z0-9ñ$%']+")
# Words too common to tell kinds apart; their n-grams still count inside longer words.
_STOP = frozenset(
    "a an the i we you my our your is are am be to of in on for and or it that this do does can "
    "me us so just y el la los las de del en un una que es mi me se lo le por para con jorge hi hey hola".split()
)


# Names say who, not what about: "how much does jorge charge" is about fees, not "is this Jorge?".
_NAMES = frozenset({"jorge"})


def features(text: str) -> Counter[str]:
    """The sentence's features: `w:word` for words, and the n-grams of each word."""
    counts: Counter[str] = Counter()
    for word in _WORD.findall(fold(text)):
        if word in _NAMES:
            continue
        if word not in _STOP:
            counts["w:" + word] += 1
        marked = f"<{word}>"
        for size in (3, 4, 5):
            for start in range(len(marked) - size + 1):
                counts[marked[start : start + size]] += 1
    return counts


@dataclass(frozen=True)
class Guess:
    label: str
    score: float  # cosine similarity with the label's centroid, 0..1


class CentroidClassifier:
    """Nearest centroid over TF-IDF features; `guesses` gives the labels by similarity."""

    def __init__(self, examples: Iterable[tuple[str, str]]) -> None:
        pairs = [(features(text), label) for text, label in examples]
        if not pairs:
            raise ValueError("no examples to learn from")
        frequency: Counter[str] = Counter()
        for counts, _ in pairs:
            frequency.update(counts.keys())
        total = len(pairs)
        self._idf = {f: math.log((1 + total) / (1 + n)) + 1 for f, n in frequency.items()}
        sums: dict[str, defaultdict[str, float]] = defaultdict(lambda: defaultdict(float))
        for counts, label in pairs:
            for feature, weight in self._vector(counts).items():
                sums[label][feature] += weight
        # Inverted: feature -> [(label, weight)], so a sentence visits only the labels it shares.
        self._index: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for label, summed in sums.items():
            norm = math.sqrt(sum(w * w for w in summed.values())) or 1.0
            for feature, weight in summed.items():
                self._index[feature].append((label, weight / norm))
        self.labels = sorted(sums)

    def _vector(self, counts: Counter[str]) -> dict[str, float]:
        weighted = {f: (1 + math.log(n)) * self._idf[f] for f, n in counts.items() if f in self._idf}
        norm = math.sqrt(sum(w * w for w in weighted.values())) or 1.0
        return {f: w / norm for f, w in weighted.items()}

    def guesses(self, text: str, top: int = 3) -> list[Guess]:
        """The `top` labels most like `text`, best first."""
        scores: defaultdict[str, float] = defaultdict(float)
        for feature, weight in self._vector(features(text)).items():
            for label, centroid_weight in self._index.get(feature, ()):
                scores[label] += weight * centroid_weight
        ranked = sorted(scores.items(), key=lambda item: -item[1])[:top]
        return [Guess(label, round(score, 4)) for label, score in ranked]
