"""Train the span head of `utils.qa.answer` on the frozen pretrained encoder, and the from-scratch baseline.

    python -m tools.train_qa        # a few minutes on a 2-core CPU; writes pretrained/qa_head.weights.h5 and
                                    # pretrained/qa_baseline.weights.h5, prints dev and test scores and times
    python -m tools.train_qa --score-shipped  # trains nothing: scores the shipped weights on the whole dev and
                                    # test splits and writes pretrained/qa_scores.json (the notebook prints it)

Data (`utils.qa.make_stories`, seeded): training stories of the three tasks (seed 0), dev stories (seed 1) for
every choice made, test stories (seed 2) scored once at the end; dev and test stories that also occur in the
training set (same story and question) are left out, so every score is on stories the readers never saw.

Both readers put the same span head (`utils.qa_spans.SpanHead`: a projection, two W4A1 EncoderLayers over question
and story together, start and end scores) on different token vectors:
- shipped: the vectors of all-MiniLM-L6-v2, frozen, computed once (`utils.encoder.token_features`);
- baseline: the W4A1 `Encoder` (utils/transformer.py, 2 layers) trained from scratch with the head, on the same
  data, with a vocabulary of the pieces the story generator writes (`utils.qa.scratch_vocabulary`).
"""

import argparse
import hashlib
import json
import time
from pathlib import Path

import numpy as np

from utils.setup import import_keras, save_weights_only

keras = import_keras()

from utils.encoder import load_encoder  # after the quiet TensorFlow start-up
from utils.qa import (
    BASELINE_FILE,
    HEAD_FILE,
    SCORES_FILE,
    build_reader,
    frozen_inputs,
    predicted_answers,
    prepare_qa,
    scores,
    scratch_inputs,
    scratch_vocabulary,
    splits,
    targets,
)
from utils.qa_spans import train_reader


def evaluate(model, make_inputs, tokenizer, stories_by_task: dict) -> dict:
    """{task: {"exact_match", "f1", "n"}} of a reader on held-out stories."""
    results = {}
    for task, stories in stories_by_task.items():
        prepared = prepare_qa(tokenizer, stories)
        predictions = predicted_answers(model, make_inputs(prepared), prepared, [s.context for s in stories])
        results[task] = {**scores(predictions, stories), "n": len(stories)}
    return results


def show(name: str, split: str, results: dict) -> None:
    for task, result in results.items():
        print(f"  {name:9s} {split:4s} {task:14s} EM {result['exact_match']:.4f}  F1 {result['f1']:.4f}"
              f"  ({result['n']} stories)")


def score_shipped(path: Path = SCORES_FILE) -> dict:
    """Score the shipped head and baseline on the whole dev and test splits; write them, with the SHA-256 of the
    weights scored, to `path` as {"shipped"|"baseline": {"dev"|"test": {task: {"exact_match", "f1", "n"}}}}."""
    data = splits()
    encoder = load_encoder()
    lookup = scratch_vocabulary(encoder.tokenizer)
    readers = {"shipped": (build_reader("frozen"), HEAD_FILE, lambda p: frozen_inputs(encoder, p)),
               "baseline": (build_reader("scratch", lookup), BASELINE_FILE, lambda p: scratch_inputs(lookup, p))}
    began = time.perf_counter()
    record = {}
    for name, (model, weights, make_inputs) in readers.items():
        model.load_weights(weights)
        record[name] = {"weights_sha256": hashlib.sha256(weights.read_bytes()).hexdigest()}
        for split in ("dev", "test"):
            record[name][split] = evaluate(model, make_inputs, encoder.tokenizer, data[split])
            show(name, split, record[name][split])
    record["seconds"] = round(time.perf_counter() - began, 1)
    path.write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {path} ({record['seconds']:.0f} s)")
    return record


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=24, help="epochs of the shipped head")
    parser.add_argument("--baseline-epochs", type=int, default=24, help="epochs of the from-scratch baseline")
    parser.add_argument("--learning-rate", type=float, default=1e-3, help="peak learning rate of both readers (chosen "
                        "on dev: at 2e-3 the head's loss stalled and the baseline's blew up for good in epoch 8)")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the training stories (trials)")
    parser.add_argument("--test", action="store_true", help="also score the test stories (once, at the end)")
    parser.add_argument("--save", action="store_true", help="write the weights to pretrained/")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--out", type=Path, default=HEAD_FILE.parent, help="folder the weights are written to")
    parser.add_argument("--score-shipped", action="store_true",
                        help=f"train nothing: score the shipped weights on the whole dev and test splits, write "
                             f"{SCORES_FILE.name}")
    args = parser.parse_args(argv)
    if args.score_shipped:
        score_shipped()
        return
    keras.utils.set_random_seed(0)
    data = splits(args.scale)
    print(f"stories: {len(data['train'])} training; dev {', '.join(f'{t} {len(s)}' for t, s in data['dev'].items())}; "
          f"test {', '.join(f'{t} {len(s)}' for t, s in data['test'].items())}")
    encoder = load_encoder()
    train_prepared = prepare_qa(encoder.tokenizer, data["train"])
    dropped = int((train_prepared["start_positions"] == 0).sum())
    print(f"training answers cut off by truncation: {dropped}")

    began = time.perf_counter()
    train_inputs = frozen_inputs(encoder, train_prepared)
    print(f"frozen encoder features of the training stories: {time.perf_counter() - began:.0f} s")
    dev_frozen = {task: frozen_inputs(encoder, prepare_qa(encoder.tokenizer, stories))
                  for task, stories in data["dev"].items()}  # computed once (cached)
    del dev_frozen

    def frozen(prepared):
        return frozen_inputs(encoder, prepared)

    keras.utils.set_random_seed(0)
    head = build_reader("frozen")
    print(f"span head: {head.count_params():,} parameters")
    run = train_reader(head, train_inputs, targets(train_prepared), epochs=args.epochs,
                       learning_rate=args.learning_rate, verbose=2)
    print(f"span head trained: {run['steps']} steps, {run['seconds']:.0f} s")
    show("shipped", "dev", evaluate(head, frozen, encoder.tokenizer, data["dev"]))

    if not args.skip_baseline:
        lookup = scratch_vocabulary(encoder.tokenizer)
        keras.utils.set_random_seed(0)
        baseline = build_reader("scratch", lookup)
        print(f"baseline: {baseline.count_params():,} parameters, vocabulary {int(lookup.max()) + 1}")
        base_run = train_reader(baseline, scratch_inputs(lookup, train_prepared), targets(train_prepared),
                                epochs=args.baseline_epochs,
                                learning_rate=args.learning_rate, verbose=2)
        print(f"baseline trained: {base_run['steps']} steps, {base_run['seconds']:.0f} s")
        show("baseline", "dev", evaluate(baseline, lambda p: scratch_inputs(lookup, p), encoder.tokenizer,
                                         data["dev"]))
    if args.test:
        show("shipped", "test", evaluate(head, frozen, encoder.tokenizer, data["test"]))
        if not args.skip_baseline:
            show("baseline", "test", evaluate(baseline, lambda p: scratch_inputs(lookup, p), encoder.tokenizer,
                                              data["test"]))
    if args.save:
        save_weights_only(head, build_reader("frozen"), args.out / HEAD_FILE.name)
        print(f"wrote {args.out / HEAD_FILE.name}")
        if not args.skip_baseline:
            save_weights_only(baseline, build_reader("scratch", lookup), args.out / BASELINE_FILE.name)
            print(f"wrote {args.out / BASELINE_FILE.name}")
    print(f"whole run: {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    np.set_printoptions(precision=4)
    main()
