"""Train the shipped trigger-word model (W3A2) on streamed examples, then choose its threshold on the dev voices.

    python -m tools.train_trigger --pool build/trigger --minutes 35     # both steps, as pretrained/README.md says
    python -m tools.train_trigger train --pool build/trigger --minutes 35
    python -m tools.train_trigger threshold --pool build/trigger

`train` streams examples and never holds more than a few batches: worker processes each make a 10 s clip of the
train voices with `tools.trigger_data.labelled_clips(..., augmented=False)` (which calls
`utils.trigger_word.create_training_clip`), cut it into `--crops` windows of `--crop-seconds` (one around an
"activate" whenever the clip has one), augment each window on its own with `tools.trigger_data.augment` (room,
telephone low-pass, gain, and `utils.audio.band_limit` to 8 kHz, as in detection) and return its spectrogram with
its labels; one example in `--negative-every` is a window of `negative_audio` instead (speech, hard negatives,
babble, noise, music; no "activate"). The model is `modelf`, which runs on any length, so it trains on short
windows and detects on 10 s ones. Windows start on a multiple of 320 samples (4 frames of 80: one output step), so
a window's labels are the clip's labels from its first step on. It trains until `--minutes` have passed, saving
the weights every `--save-every` steps, and writes pretrained/trigger_word.weights.h5.

`threshold` loads those weights and applies the stated rule on the dev split (voices never trained on): the
threshold that misses the fewest dev wake words with at most 0.5 false alarms per hour of dev negative-only audio
(`utils.trigger.false_reject_curve` and `choose_threshold`), and writes pretrained/trigger_word.json with the dev
figures and the training record. Timings depend on the machine and how busy it is; each run prints its own.
"""

import argparse
import json
import multiprocessing
import sys
import time
from pathlib import Path

import numpy as np

from utils.paths import ROOT
from utils.trigger_word import (
    CLIP_MS,
    CLIP_SAMPLES,
    N_FREQ,
    STEP_SAMPLES,
    TY,
    activate_labels,
    output_steps,
    spectrogram,
)

WEIGHTS = ROOT / "pretrained" / "trigger_word.weights.h5"
SETTINGS = ROOT / "pretrained" / "trigger_word.json"
RECORD = ROOT / "build" / "trigger_train_record.json"  # what `train` did, kept for `threshold` (build/ is not committed)
RULE = "the most dev wake words caught with at most 0.5 false alarms per hour of dev negative-only audio"


# ---------------------------------------------------------------------------------------------------------------
# Examples, made in worker processes

def window_starts(activate_ends_ms, n_windows, crop_samples, rng) -> list[int]:
    """First output step of each window: the first ones hold an activate's end and its labels (when there is one),
    placed at random around it; the rest anywhere in the clip."""
    steps = output_steps(crop_samples)
    last = min(TY - steps, (CLIP_SAMPLES - crop_samples) // STEP_SAMPLES)
    starts = []
    ends = list(activate_ends_ms)
    rng.shuffle(ends)
    for end in ends[:max(0, n_windows - 1)]:
        end_step = int(end * TY / CLIP_MS)
        low, high = max(0, end_step + 60 - steps), max(0, min(last, end_step - 110))  # labels in, the word too
        starts.append(int(rng.integers(min(low, high), high + 1)))
    while len(starts) < n_windows:
        starts.append(int(rng.integers(0, last + 1)))
    return starts


def make_examples(task) -> tuple[np.ndarray, np.ndarray]:
    """(x (n, frames, N_FREQ), y (n, steps)) of one clip: its windows, each augmented on its own."""
    from tools.trigger_data import augment, labelled_clips, negative_audio

    seed, pool, n_windows, crop_samples, negative = task
    rng = np.random.default_rng(seed)
    steps = output_steps(crop_samples)
    if negative:
        audio, ends = next(iter(negative_audio("train", 10, seed=seed, folder=pool))), []
    else:
        [(audio, ends)] = labelled_clips("train", 1, seed=seed, folder=pool, augmented=False)
    labels = activate_labels(ends)
    xs, ys = [], []
    for start in window_starts(ends, n_windows, crop_samples, rng):
        window = audio[start * STEP_SAMPLES:start * STEP_SAMPLES + crop_samples]
        if not negative:  # negative_audio is augmented already
            window = augment(window, rng, "train", pool)
        xs.append(spectrogram(window).T)  # (frames, N_FREQ)
        ys.append(labels[start:start + steps])
    return np.stack(xs), np.stack(ys)


def tasks(seed, pool, n_windows, crop_samples, negative_every):
    """Endless stream of example tasks, one seed per clip."""
    index = 0
    while True:
        yield (seed * 1_000_003 + index, pool, n_windows, crop_samples, index % negative_every == negative_every - 1)
        index += 1


def prefetched(workers, task_stream, ahead):
    """Results of `make_examples` over `task_stream`, in order, with at most `ahead` clips made in advance (the
    pool's own imap would read the endless stream and keep every finished clip: gigabytes within minutes)."""
    pending = [workers.apply_async(make_examples, (next(task_stream),)) for _ in range(ahead)]
    while True:
        result = pending.pop(0).get()
        pending.append(workers.apply_async(make_examples, (next(task_stream),)))
        yield result


# ---------------------------------------------------------------------------------------------------------------
# Training

def train(args) -> dict:
    crop_samples = round(args.crop_seconds * 44100) // STEP_SAMPLES * STEP_SAMPLES
    context = multiprocessing.get_context("spawn")  # workers start before TensorFlow, and never fork it
    workers = context.Pool(args.workers)
    stream = prefetched(workers, tasks(args.seed, args.pool, args.crops, crop_samples, args.negative_every),
                        ahead=2 * args.workers)

    import keras

    from utils.trigger_word import modelf

    keras.utils.set_random_seed(args.seed)
    model = modelf((None, N_FREQ), dropout_rate=args.dropout_rate)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=args.learning_rate), loss="binary_crossentropy")
    if args.resume:
        model.load_weights(args.out)
    start, step, examples, clips, losses = time.time(), 0, 0, 0, []
    x_buffer, y_buffer = [], []
    deadline = start + 60 * args.minutes
    while time.time() < deadline:
        while sum(len(x) for x in x_buffer) < args.batch_size:
            x, y = next(stream)
            x_buffer.append(x)
            y_buffer.append(y)
            clips += 1
        x, y = np.concatenate(x_buffer), np.concatenate(y_buffer)
        x_buffer, y_buffer = [x[args.batch_size:]], [y[args.batch_size:]]
        loss = model.train_on_batch(x[:args.batch_size], y[:args.batch_size, :, None])
        losses.append(float(loss))
        step += 1
        examples += args.batch_size
        if step % args.log_every == 0:
            print(f"step {step}: loss {np.mean(losses[-args.log_every:]):.4f}, {examples} windows from {clips} clips, "
                  f"{time.time() - start:.0f} s", flush=True)
        if step % args.save_every == 0:
            model.save_weights(args.out)
    calibrate_batch_norm(model, [next(stream) for _ in range(args.calibration_clips)])
    workers.terminate()
    model.save_weights(args.out)
    seconds = time.time() - start
    record = {"steps": step, "batch_size": args.batch_size, "windows_seen": examples, "clips_made": clips,
              "window_seconds": crop_samples / 44100, "windows_per_clip": args.crops,
              "negative_every": args.negative_every, "learning_rate": args.learning_rate,
              "dropout_rate": args.dropout_rate, "seed": args.seed, "training_seconds": round(seconds),
              "final_loss": round(float(np.mean(losses[-args.log_every:])), 4) if losses else None}
    print(f"trained {step} steps ({examples} windows from {clips} clips) in {seconds:.0f} s; saved {args.out}")
    RECORD.parent.mkdir(exist_ok=True)
    RECORD.write_text(json.dumps(record, indent=1) + "\n")  # for a later `threshold` run
    return record


def calibrate_batch_norm(model, examples) -> None:
    """Set each BatchNormalization layer's moving mean and variance to the statistics of its inputs in inference
    mode (dropout off, earlier layers already calibrated), over the windows of `examples` (make_examples results).

    During training a BatchNormalization layer that follows dropout and a GRU averages statistics of dropped-out
    activations; without dropout the GRU's outputs spread differently, and the model, right with batch statistics,
    says almost nothing with its moving ones. Measured once after training, the statistics match inference.
    """
    import keras

    x = np.concatenate([x for x, _ in examples])  # (windows, frames, N_FREQ)
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        if isinstance(layer, keras.layers.BatchNormalization):
            values = np.asarray(x, dtype=np.float64).reshape(-1, x.shape[-1])
            layer.moving_mean.assign(values.mean(axis=0).astype(np.float32))
            layer.moving_variance.assign(values.var(axis=0).astype(np.float32))
        x = np.asarray(layer(x, training=False))


def calibrate(args) -> None:
    """`calibrate_batch_norm` on the weights in --out, with fresh train windows; saves them back."""
    crop_samples = round(args.crop_seconds * 44100) // STEP_SAMPLES * STEP_SAMPLES
    from utils.trigger_word import modelf

    model = modelf((None, N_FREQ), dropout_rate=args.dropout_rate)
    model.load_weights(args.out)
    task_stream = tasks(args.seed + 1, args.pool, args.crops, crop_samples, args.negative_every)
    calibrate_batch_norm(model, [make_examples(next(task_stream)) for _ in range(args.calibration_clips)])
    model.save_weights(args.out)
    print(f"calibrated the batch normalisation of {args.out} on {args.calibration_clips} clips' windows")


# ---------------------------------------------------------------------------------------------------------------
# The threshold, on the dev voices

def _negative_chunk(task) -> np.ndarray:
    from tools.trigger_data import negative_audio

    seed, pool, seconds = task
    return np.concatenate(list(negative_audio("dev", seconds, seed=seed, folder=pool)))


def choose(args, record=None) -> dict:
    from tools.trigger_data import labelled_clips
    from utils import trigger

    start = time.time()
    context = multiprocessing.get_context("spawn")
    with context.Pool(args.workers) as workers:
        minutes = max(1, round(args.dev_hours * 60))
        negative = workers.imap(_negative_chunk, [(args.seed + 10_000 + k, args.pool, 60) for k in range(minutes)])
        from utils.trigger_word import modelf

        model = modelf((None, N_FREQ))
        model.load_weights(args.out)
        positives = labelled_clips("dev", args.dev_clips, seed=args.seed + 20_000, folder=args.pool)
        positive_probs = [trigger.probabilities(audio, 44100, model) for audio, _ in positives]
        word_ends = [ends for _, ends in positives]
        negative_probs = [trigger.probabilities(chunk, 44100, model) for chunk in negative]
    curve = trigger.false_reject_curve(positive_probs, word_ends, negative_probs)
    at = trigger.false_reject_at(curve, trigger.MAX_FA_PER_HOUR)
    k = curve["thresholds"].index(at["threshold"])
    record = record or (json.loads(RECORD.read_text()) if RECORD.exists() else {})
    settings = {
        "threshold": at["threshold"], "rule": RULE,
        "dev": {"recall": curve["recall"][k], "precision": curve["precision"][k], "f1": curve["f1"][k],
                "false_alarms_per_hour": at["false_alarms_per_hour"], "false_alarms": curve["false_alarms"][k],
                "wake_words": curve["words"], "clips": len(positives), "negative_hours": round(curve["hours"], 3),
                "voices": "dev split of tools/trigger_data.py (flite awb, espeak-ng Scottish accent)"},
        "dev_curve": {key: curve[key] for key in ("thresholds", "false_reject_rate", "false_alarms_per_hour")},
        "training": record, "threshold_seconds": round(time.time() - start),
        "command": "python -m tools.train_trigger " + " ".join(args.argv),
    }
    settings = json.loads(json.dumps(settings).replace("NaN", "null"))  # no detection: precision is undefined
    Path(args.settings).write_text(json.dumps(settings, indent=1) + "\n")
    print(json.dumps(settings["dev"]), "threshold", at["threshold"])
    return settings


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m tools.train_trigger", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", choices=("all", "train", "calibrate", "threshold"), default="all")
    parser.add_argument("--pool", default=None, help="the set to train on (default: build/trigger, else data/trigger)")
    parser.add_argument("--minutes", type=float, default=35.0, help="training time (wall clock)")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--crop-seconds", type=float, default=3.0)
    parser.add_argument("--crops", type=int, default=3, help="windows cut from each clip")
    parser.add_argument("--negative-every", type=int, default=4, help="one clip in this many is negative-only")
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--dropout-rate", type=float, default=0.2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--log-every", type=int, default=10)
    parser.add_argument("--save-every", type=int, default=50)
    parser.add_argument("--resume", action="store_true", help="start from the weights in --out")
    parser.add_argument("--calibration-clips", type=int, default=40, help="clips whose windows set the BN statistics")
    parser.add_argument("--dev-clips", type=int, default=150)
    parser.add_argument("--dev-hours", type=float, default=1.0)
    parser.add_argument("--out", default=str(WEIGHTS))
    parser.add_argument("--settings", default=str(SETTINGS))
    args = parser.parse_args(argv)
    args.argv = list(argv)
    return args


def main(argv=None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    record = train(args) if args.command in ("all", "train") else None
    if args.command == "calibrate":
        calibrate(args)
    if args.command in ("all", "threshold"):
        choose(args, record)
    return 0


if __name__ == "__main__":
    sys.exit(main())
