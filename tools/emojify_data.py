"""Check the Emojify data set (data/emojify_train.csv, emojify_dev.csv, emojify_test.csv) against its rules.

The sentences are hand-written for notebooks/w2a2_emojify.ipynb; this script only checks them:

    python -m tools.emojify_data        # print sizes per class and SHA-256; exit 1 and list problems, if any
    python -m tools.emojify_data --drop-near-duplicates   # remove training sentences too close to a dev/test one

Rules: a `sentence,label` header; labels 0-4; 3 to 12 lower-case words per sentence; at least 500 training,
150 development and 150 test sentences; in each split the largest class is at most 30% larger than the smallest;
no sentence twice in a split and none in two splits; and no near-duplicates in two splits.

Near-duplicates: two sentences whose word sets, after `utils.emojify.clean`, have a Jaccard similarity
|A & B| / |A | B| of at least NEAR_DUPLICATE (0.75). That catches a sentence with a word added or dropped
("take care of yourself my dear" / "please take care of yourself my dear", 6/7 = 0.86) and an eight-word sentence
with one word swapped ("our dragon boat crew paddles / paddled in perfect rhythm", 7/9 = 0.78), which tell a model
nothing a held-out sentence should be asking; it spares the short minimal pairs that differ in the word that
matters ("i feel so sad today" / "i feel so upbeat today", 4/6 = 0.67). The dev and test files are the fixed
yardsticks and are never edited: `--drop-near-duplicates` removes the TRAINING sentence of each pair.
tests/test_emojify.py runs the same check.
"""

import csv
import hashlib
import sys
from collections import Counter

from utils.emojify import CLASS_NAMES, MAX_LEN, SPLITS, clean
from utils.paths import data_path

MIN_SIZE = {"train": 500, "dev": 150, "test": 150}
N_CLASSES = len(CLASS_NAMES)
LABELS = {str(c) for c in range(N_CLASSES)}
MAX_IMBALANCE = 1.3  # largest class / smallest class, per split
MIN_WORDS, MAX_WORDS = 3, MAX_LEN  # the shipped model reads up to MAX_LEN words
NEAR_DUPLICATE = 0.75  # Jaccard similarity of cleaned word sets at or above which two sentences are near-duplicates


def read_rows(split: str) -> tuple[list[str], list[str]]:
    """(header, rows as [sentence, label] strings) of one split, read exactly as csv sees them."""
    with open(data_path(SPLITS[split]), newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    return rows[0], rows[1:]


def jaccard(sentence_a: str, sentence_b: str) -> float:
    """|A & B| / |A | B| of the two sentences' word sets after `clean` (1.0 for the same words in any order)."""
    a, b = set(clean(sentence_a).split()), set(clean(sentence_b).split())
    return len(a & b) / len(a | b) if a | b else 1.0


def near_duplicates(threshold: float = NEAR_DUPLICATE) -> list[tuple[float, str, int, str, str, int, str]]:
    """Pairs of sentences in two different splits with `jaccard` >= threshold, most similar first.

    Each pair is (similarity, split, line, sentence, other split, line, sentence), the earlier split first
    (train before dev before test). Identical sentences (similarity 1) are included.
    """
    words = {split: [(line, row[0], set(clean(row[0]).split())) for line, row in enumerate(read_rows(split)[1], 2)
                     if row] for split in SPLITS}
    splits, pairs = list(SPLITS), []
    for i, split_a in enumerate(splits):
        for split_b in splits[i + 1:]:
            for line_a, sentence_a, a in words[split_a]:
                for line_b, sentence_b, b in words[split_b]:
                    if min(len(a), len(b)) < threshold * max(len(a), len(b)):
                        continue  # the similarity is at most the ratio of the sizes
                    union = len(a | b)
                    similarity = len(a & b) / union if union else 1.0
                    if similarity >= threshold:
                        pairs.append((similarity, split_a, line_a, sentence_a, split_b, line_b, sentence_b))
    return sorted(pairs, key=lambda pair: (-pair[0], pair[1:]))


def drop_near_duplicates(threshold: float = NEAR_DUPLICATE) -> list[str]:
    """Rewrite data/emojify_train.csv without the training sentences that are near-duplicates of a dev or test one.

    The dev and test files are not touched. Returns the dropped sentences.
    """
    doomed = {sentence for _, split, _, sentence, *_ in near_duplicates(threshold) if split == "train"}
    header, rows = read_rows("train")
    with open(data_path(SPLITS["train"]), "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerows([header] + [row for row in rows if row[0] not in doomed])
    return sorted(doomed)


def problems() -> list[str]:
    """Every broken rule, as a readable line; an empty list means the data set is fine."""
    found, seen = [], {}
    for split in SPLITS:
        header, rows = read_rows(split)
        if header != ["sentence", "label"]:
            found.append(f"{split}: header is {header}, expected ['sentence', 'label']")
        counts = Counter()
        for line, row in enumerate(rows, start=2):
            if len(row) != 2 or row[1] not in LABELS:
                found.append(f"{split} line {line}: expected 'sentence,label' with a label 0-{N_CLASSES - 1}: {row}")
                continue
            sentence, label = row[0], int(row[1])
            counts[label] += 1
            n_words = len(sentence.split())
            if not MIN_WORDS <= n_words <= MAX_WORDS or sentence != sentence.lower() or sentence != sentence.strip():
                found.append(f"{split} line {line}: {n_words} words or stray case/space: {sentence!r}")
            key = " ".join(sentence.split())
            if key in seen:
                found.append(f"{split} line {line}: {sentence!r} already appears in {seen[key]}")
            seen[key] = f"{split} line {line}"
        if sum(counts.values()) < MIN_SIZE[split]:
            found.append(f"{split}: {sum(counts.values())} sentences, at least {MIN_SIZE[split]} wanted")
        sizes = [counts[c] for c in range(N_CLASSES)]
        if min(sizes) == 0 or max(sizes) > MAX_IMBALANCE * min(sizes):
            found.append(f"{split}: class sizes {sizes} differ by more than {MAX_IMBALANCE - 1:.0%}")
    for similarity, split_a, line_a, sentence_a, split_b, line_b, sentence_b in near_duplicates():
        if similarity < 1:  # identical sentences are reported above
            found.append(f"near-duplicates (word overlap {similarity:.2f} >= {NEAR_DUPLICATE}): {split_a} line "
                         f"{line_a} {sentence_a!r} and {split_b} line {line_b} {sentence_b!r}")
    return found


def summary() -> str:
    """Sentences per class and SHA-256 of each file."""
    lines = []
    for split, name in SPLITS.items():
        counts = Counter(int(row[1]) for row in read_rows(split)[1])
        digest = hashlib.sha256(data_path(name).read_bytes()).hexdigest()
        per_class = ", ".join(f"{c}: {counts[c]}" for c in range(N_CLASSES))
        lines.append(f"{name}: {sum(counts.values())} sentences ({per_class}); SHA-256 {digest}")
    return "\n".join(lines)


if __name__ == "__main__":
    if "--drop-near-duplicates" in sys.argv[1:]:
        for sentence in drop_near_duplicates():
            print("dropped from train:", sentence)
    print(summary())
    broken = problems()
    for line in broken:
        print("problem:", line)
    sys.exit(1 if broken else 0)
