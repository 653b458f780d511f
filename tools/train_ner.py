"""Train the shipped named-entity head (and the from-scratch baseline) and print what they score.

    python -m tools.train_ner   # writes pretrained/ner_head.weights.h5, ner_baseline.weights.h5, ner_head.json

The encoder (all-MiniLM-L6-v2, `utils.encoder`) stays frozen: the token vectors after its layer FEATURE_LAYER are
computed once for every line (`utils.encoder.token_features`, cached on disk beside the model files), and only
`utils.ner_model.context_head` (a bidirectional LSTM and a Dense layer) is trained on them (Adam, batches of 32),
for at most EPOCHS epochs; the weights of the epoch with the best dev score are kept: the mean of the entity F1 on
the two dev sets, the generated one (N_DEV lines of DEV_TEMPLATES, a family of phrasings used neither for training
nor for testing, with the templates' values and N_DEV with wider values, `wide=True`) and the hand-written one
(data/ner_handwritten_dev.txt, `load_handwritten_dev`: phrasings no template uses, written without looking at the
test lines). Training lines: N_TEMPLATE lines of TRAIN_TEMPLATES (`wide=True`), N_COMPOSED composed lines
(`make_composed_lines`) and N_STYLED styled ones (`make_composed_lines(..., styled=True)`). Tags are read back as
the most probable valid BIO sequence (`bio_word_tags`). Only then are the two test sets read, once:
N_TEST lines of the HELD_OUT_TEMPLATES and the hand-written lines of data/ner_handwritten.txt. Entity-level
precision, recall and F1 per type come from seqeval (strict IOB2: an entity counts only when its type and both
ends are right). The JSON file records the set-up, the number of steps, the time and every score.

The baseline, `utils.ner_model.baseline_tagger` (the W4A1 Encoder, two layers of width 128, under the same head),
is trained from scratch on the same lines and labels for at most BASELINE_EPOCHS epochs, chosen the same way;
it embeds the word pieces of the training lines (their list is saved in the JSON file), any other as [UNK].
"""

import json
import sys
import time

import numpy as np

from utils.setup import import_keras, save_weights_only

keras = import_keras()

from utils.encoder import load_encoder, token_features  # after the quiet TensorFlow start-up
from utils.ner import (
    BASELINE_FILE,
    HEAD_CONFIG_FILE,
    HEAD_FILE,
    IGNORE,
    entity_scores,
    load_handwritten,
    load_handwritten_dev,
    make_composed_lines,
    make_resume_lines,
)
from utils.ner_model import (
    BASELINE,
    FEATURE_LAYER,
    baseline_ids,
    baseline_tagger,
    baseline_vocabulary,
    bio_word_tags,
    context_head,
    tag_loss,
    tokenize_and_align_labels,
)
from utils.paths import PRETRAINED

SEED = 0
N_TEMPLATE, N_COMPOSED, N_STYLED, N_DEV, N_TEST = 1200, 3600, 2400, 500, 1000
EPOCHS, BASELINE_EPOCHS, BATCH, LEARNING_RATE = 8, 5, 32, 1e-3
DEV_SETS = ("dev", "dev_handwritten")  # the epoch kept is the best on the mean of their entity F1
SEQUENCE_LENGTH = 64  # every generated and hand-written line fits (checked below)


def prepare(encoder, lines):
    """Aligned labels and frozen token vectors of `lines` (every word must fit in SEQUENCE_LENGTH tokens)."""
    inputs = tokenize_and_align_labels(encoder.tokenizer, [line.words for line in lines], [line.tags for line in lines],
                                       SEQUENCE_LENGTH)
    kept = inputs["word_ids"].max(axis=1) + 1
    if any(k != len(line.words) for k, line in zip(kept, lines)):
        raise ValueError(f"some lines do not fit in {SEQUENCE_LENGTH} tokens: raise SEQUENCE_LENGTH")
    longest = int(inputs["padding_mask"].sum(axis=1).max())  # the columns after it are padding in every row
    inputs = {name: array[:, :longest] for name, array in inputs.items()}
    return inputs, token_features(encoder, inputs, layers=(FEATURE_LAYER,))  # float16, cached on disk


def prepare_sources(encoder, sources):
    """`prepare` each list of lines of `sources` on its own (so each is cached by itself, and one source can change
    without recomputing the others), then stacked, shorter rows padded: (inputs, vectors) as `prepare` returns."""
    parts = [prepare(encoder, lines) for lines in sources]
    width = max(vectors.shape[1] for _, vectors in parts)
    fill = {"token_ids": encoder.tokenizer.token_to_id("[PAD]"), "segment_ids": 0, "padding_mask": False,
            "word_ids": -1, "labels": IGNORE}

    def padded(array, value):
        return np.pad(array, [(0, 0), (0, width - array.shape[1])] + [(0, 0)] * (array.ndim - 2), constant_values=value)

    inputs = {name: np.concatenate([padded(part[name], value) for part, _ in parts]) for name, value in fill.items()}
    return inputs, np.concatenate([padded(vectors, 0) for _, vectors in parts])


def scores(model, x, inputs, lines) -> dict:
    """seqeval's entity scores of `model` (inputs `x`) on `lines`, each word read at its first piece."""
    predicted = bio_word_tags(model.predict(x, batch_size=256, verbose=0), inputs["word_ids"])
    return entity_scores([line.tags for line in lines], predicted)


def train(model, x, labels, dev, epochs, log=print):
    """`model` trained on (x, labels) for `epochs`, the epoch with the best dev score kept: the mean entity F1 over
    the dev sets, `dev` a dict of name -> (x, inputs, lines). Returns (history, steps to the kept epoch)."""
    model.compile(keras.optimizers.Adam(LEARNING_RATE), loss=tag_loss())
    best, best_weights, best_steps, history, steps = -1.0, None, 0, [], 0
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        fit = model.fit(x, labels, batch_size=BATCH, epochs=1, verbose=0, shuffle=True)
        steps += int(np.ceil(len(labels) / BATCH))
        each = {name: scores(model, *split)["micro avg"]["f1-score"] for name, split in dev.items()}
        f1 = float(np.mean(list(each.values())))
        history.append({"epoch": epoch, "loss": round(float(fit.history["loss"][-1]), 5), "dev_f1": round(f1, 5),
                        **{f"f1_{name}": round(value, 5) for name, value in each.items()},
                        "seconds": round(time.perf_counter() - start, 1)})
        log(f"  epoch {epoch}: loss {history[-1]['loss']:.4f}, dev entity F1 {f1:.4f} (mean of "
            + ", ".join(f"{name} {value:.4f}" for name, value in each.items()) + ")")
        if f1 > best:
            best, best_weights, best_steps = f1, model.get_weights(), steps
    model.set_weights(best_weights)
    return history, best_steps


def summary(name, model, history, steps, seconds) -> dict:
    best = max(history, key=lambda row: row["dev_f1"])
    print(f"{name}: kept epoch {best['epoch']} of {len(history)} (mean dev entity F1 {best['dev_f1']:.4f}), {steps} "
          f"steps to it; trained in {seconds:.0f} s")
    return {"parameters": int(model.count_params()), "epochs": len(history), "kept_epoch": best["epoch"],
            "steps": steps, "train_seconds": round(seconds, 1), "history": history}


def main() -> int:
    started = time.perf_counter()
    encoder = load_encoder()
    pad = encoder.tokenizer.token_to_id("[PAD]")
    sources = {"train": (make_resume_lines(N_TEMPLATE, seed=SEED, wide=True), make_composed_lines(N_COMPOSED, seed=SEED),
                         make_composed_lines(N_STYLED, seed=SEED, styled=True)),
               "dev": (make_resume_lines(N_DEV, seed=SEED, split="dev"),
                       make_resume_lines(N_DEV, seed=SEED, split="dev", wide=True)),
               "dev_handwritten": (load_handwritten_dev(),)}
    lines, data = {}, {}
    for name, parts in sources.items():
        start = time.perf_counter()
        lines[name] = [line for part in parts for line in part]
        data[name] = prepare_sources(encoder, parts)
        print(f"{name}: {len(lines[name])} lines, frozen features in {time.perf_counter() - start:.0f} s")
    feature_seconds = time.perf_counter() - started

    # The shipped head, on the frozen features.
    keras.utils.set_random_seed(SEED)
    head = context_head(data["train"][1].shape[-1])
    start = time.perf_counter()
    history, steps = train(head, data["train"][1], data["train"][0]["labels"],
                           {name: (data[name][1], data[name][0], lines[name]) for name in DEV_SETS}, EPOCHS)
    record = {"head": summary("head", head, history, steps, time.perf_counter() - start)}
    save_weights_only(head, context_head(data["train"][1].shape[-1]), PRETRAINED / HEAD_FILE)

    # The baseline: the same head on the W4A1 Encoder, trained from scratch on the same lines.
    vocabulary = baseline_vocabulary(data["train"][0]["token_ids"])
    ids = {name: baseline_ids(data[name][0]["token_ids"], vocabulary, pad) for name in data}
    keras.utils.set_random_seed(SEED)
    baseline = baseline_tagger(len(vocabulary))
    start = time.perf_counter()
    history, steps = train(baseline, ids["train"], data["train"][0]["labels"],
                           {name: (ids[name], data[name][0], lines[name]) for name in DEV_SETS}, BASELINE_EPOCHS)
    record["baseline"] = summary("baseline", baseline, history, steps, time.perf_counter() - start)
    save_weights_only(baseline, baseline_tagger(len(vocabulary)), PRETRAINED / BASELINE_FILE)

    # The test sets, read once, with the models chosen above.
    tests = {"held_out_templates": make_resume_lines(N_TEST, seed=SEED, split="test"), "handwritten": load_handwritten()}
    results = {"head": {name: scores(head, data[name][1], data[name][0], lines[name]) for name in DEV_SETS},
               "baseline": {name: scores(baseline, ids[name], data[name][0], lines[name]) for name in DEV_SETS}}
    for name, split in tests.items():
        inputs, vectors = prepare(encoder, split)
        results["head"][name] = scores(head, vectors, inputs, split)
        results["baseline"][name] = scores(baseline, baseline_ids(inputs["token_ids"], vocabulary, pad), inputs, split)
        print(f"{name} ({len(split)} lines): entity F1 {results['head'][name]['micro avg']['f1-score']:.4f}, "
              f"baseline {results['baseline'][name]['micro avg']['f1-score']:.4f}")
    for model, model_scores in results.items():
        record[model]["scores"] = model_scores
    record |= {
        "encoder": "all-MiniLM-L6-v2, frozen", "feature_layer": FEATURE_LAYER, "baseline_config": BASELINE,
        "seed": SEED, "sequence_length": SEQUENCE_LENGTH, "batch_size": BATCH, "learning_rate": LEARNING_RATE,
        "head_config": {"kind": "context_head", "units": int(head.get_layer("bilstm").forward_layer.units),
                        "dropout": 0.1, "decoding": "bio_word_tags"},
        "lines": {"train_templates": N_TEMPLATE, "train_composed": N_COMPOSED, "train_styled": N_STYLED,
                  "dev": 2 * N_DEV, "dev_handwritten": len(lines["dev_handwritten"]),
                  "held_out_templates": N_TEST, "handwritten": len(tests["handwritten"])},
        "feature_seconds": round(feature_seconds, 1), "total_seconds": round(time.perf_counter() - started, 1),
        "baseline_vocabulary": vocabulary.tolist(),
    }
    (PRETRAINED / HEAD_CONFIG_FILE).write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {HEAD_FILE}, {BASELINE_FILE} and {HEAD_CONFIG_FILE} in {PRETRAINED}; "
          f"total {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
