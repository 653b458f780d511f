"""What the W2A2 notebook says about V2 but cannot afford to recompute: masking the padding, and more data.

    python -m tools.emojify_experiments      # about 10 min on a 2-core CPU; writes pretrained/emojify_experiments.csv

Every run trains V2 exactly as notebooks/w2a2_emojify.ipynb does (`utils.emojify_models.train_v2`: Adam 0.001,
batches of 32, at most 50 epochs, early stopping on the dev loss with patience 10 and the best weights restored) and is scored on
the dev set only; the test set is not read. Two questions, each with seeds 1, 2 and 3:

- mask: the padding masked (`mask_zero=True`, the notebook's model) against not masked (the course's model, whose
  second LSTM reads the zero vectors after the sentence's last word);
- data: the model trained on nested random subsets of the training sentences (an eighth, a quarter, a half, all;
  one shuffle, seed 0, class proportions kept), a learning curve.

The notebook prints the file as tables (section 5). One row per run: experiment, setting, n_train, seed,
dev_accuracy, best_epoch, epochs_run, seconds.
"""

import csv
import sys
import time
from unittest import mock

import numpy as np

from utils.setup import import_keras

keras = import_keras()

from utils.emojify import MAX_LEN, load_dataset  # after the quiet TensorFlow start-up
from utils.emojify_models import Emojify_V2, index_from_one, predict_v2, train_v2
from utils.glove import load_glove
from utils.paths import PRETRAINED

RESULTS = PRETRAINED / "emojify_experiments.csv"
SEEDS = (1, 2, 3)
FRACTIONS = (0.125, 0.25, 0.5, 1.0)
FIELDS = ["experiment", "setting", "n_train", "seed", "dev_accuracy", "best_epoch", "epochs_run", "seconds"]


def nested_subsets(Y, fractions=FRACTIONS, seed=0) -> dict[float, np.ndarray]:
    """Indices of nested subsets of the labels Y, each holding `fraction` of every class (the smaller inside the larger)."""
    rng = np.random.default_rng(seed)
    per_class = [rng.permutation(np.flatnonzero(Y == c)) for c in np.unique(Y)]
    return {f: np.sort(np.concatenate([idx[:round(f * len(idx))] for idx in per_class])) for f in fractions}


class UnmaskedEmbedding(keras.layers.Embedding):
    """An Embedding that never masks: index 0 is read as the zero vector it holds, like any word (the course's)."""

    def __init__(self, *args, mask_zero=False, **kwargs):
        super().__init__(*args, mask_zero=False, **kwargs)


def build(word_to_vec_map, word_to_index, seed: int, mask: bool = True):
    """The notebook's Emojify_V2, with the same initial weights for a seed whether or not it masks the padding.

    Keras fixes a functional model's masks when it is built, so the unmasked model is built with an Embedding
    class that does not mask (switching `mask_zero` on a built model changes nothing).
    """
    keras.utils.set_random_seed(seed)
    if mask:
        return Emojify_V2((MAX_LEN,), word_to_vec_map, word_to_index)
    with mock.patch.object(keras.layers, "Embedding", UnmaskedEmbedding):
        return Emojify_V2((MAX_LEN,), word_to_vec_map, word_to_index)


def run(X_train, Y_train, X_dev, Y_dev, glove_maps, seed: int, mask: bool = True) -> dict:
    """Train one V2 (as the notebook does) and score it on the dev set."""
    word_to_vec_map, word_to_index = glove_maps
    model = build(word_to_vec_map, word_to_index, seed, mask)
    start = time.perf_counter()
    history = train_v2(model, X_train, Y_train, X_dev, Y_dev, word_to_index, MAX_LEN)
    seconds = time.perf_counter() - start
    accuracy = float(np.mean(predict_v2(X_dev, model, word_to_index, MAX_LEN) == Y_dev))
    losses = history.history["val_loss"]
    return {"n_train": len(X_train), "seed": seed, "dev_accuracy": f"{accuracy:.4f}",
            "best_epoch": int(np.argmin(losses)) + 1, "epochs_run": len(losses), "seconds": f"{seconds:.0f}"}


def write(rows) -> None:
    """The runs as CSV, sorted by experiment, training-set size, setting and seed."""
    with open(RESULTS, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(sorted(rows, key=lambda row: (row["experiment"], row["n_train"], row["setting"], row["seed"])))


def main() -> int:
    X_train, Y_train = load_dataset("train")
    X_dev, Y_dev = load_dataset("dev")
    glove = load_glove()
    glove_maps = (glove.word_to_vec_map, index_from_one(glove.word_to_index))
    rows = []
    for seed in SEEDS:  # the file is rewritten after each seed, so an interrupted run leaves whole seeds
        full = run(X_train, Y_train, X_dev, Y_dev, glove_maps, seed)
        rows.append({"experiment": "mask", "setting": "masked", **full})
        rows.append({"experiment": "mask", "setting": "not masked",
                     **run(X_train, Y_train, X_dev, Y_dev, glove_maps, seed, mask=False)})
        for fraction, index in nested_subsets(Y_train).items():
            result = full if fraction == 1 else run(X_train[index], Y_train[index], X_dev, Y_dev, glove_maps, seed)
            rows.append({"experiment": "data", "setting": f"{fraction:g} of the training set", **result})
        for row in rows[-(2 + len(FRACTIONS)):]:
            print(", ".join(f"{key} {row[key]}" for key in FIELDS), flush=True)
        write(rows)
    print("wrote", RESULTS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
