"""Check the Emojify data set (data/emojify_train.csv, emojify_dev.csv, emojify_test.csv) against its rules.

The sentences are hand-written for notebooks/w2a2_emojify.ipynb; this script only checks them:

    python -m tools.emojify_data        # print sizes per class and SHA-256; exit 1 and list problems, if any

Rules: a `sentence,label` header; labels 0-4; 3 to 12 lower-case words per sentence; at least 500 training,
150 development and 150 test sentences; in each split the largest class is at most 30% larger than the smallest;
no sentence twice in a split and none in two splits. tests/test_emojify.py runs the same check.
"""

import csv
import hashlib
import sys
from collections import Counter

from utils.emojify import CLASS_NAMES, MAX_LEN, SPLITS
from utils.paths import data_path

MIN_SIZE = {"train": 500, "dev": 150, "test": 150}
N_CLASSES = len(CLASS_NAMES)
LABELS = {str(c) for c in range(N_CLASSES)}
MAX_IMBALANCE = 1.3  # largest class / smallest class, per split
MIN_WORDS, MAX_WORDS = 3, MAX_LEN  # the shipped model reads up to MAX_LEN words


def read_rows(split: str) -> tuple[list[str], list[str]]:
    """(header, rows as [sentence, label] strings) of one split, read exactly as csv sees them."""
    with open(data_path(SPLITS[split]), newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    return rows[0], rows[1:]


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
    print(summary())
    broken = problems()
    for line in broken:
        print("problem:", line)
    sys.exit(1 if broken else 0)
