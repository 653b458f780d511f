"""Train the shipped trigger-word detector (W3A2) and choose its threshold on the dev voices: one command.

    python -m tools.train_trigger --pool build/trigger     # writes pretrained/trigger_word.weights.h5 and .json

What it does, step by step (each prints its own timing; the figures land in pretrained/trigger_word.json):

1. **Clips.** Worker processes synthesise `--clips` labelled 10 s clips of the train voices
   (`tools.trigger_data.labelled_clips`: the course's `create_training_clip` on a background, then a room, a
   telephone low-pass, a gain) and `--negative-clips` 10 s chunks of negative-only audio (`negative_audio`: speech,
   hard negatives, babble, noise, music), and keep only their log-mel frames (`utils.trigger.log_mel`, float16)
   and labels: about 110 kB a clip, in shards under build/trigger_features/ (reused by a later run with the same
   pool and settings).
2. **Training.** `utils.trigger.detector_model` (dilated causal convolutions) on random `--crop-seconds` windows of
   those clips, `--negative-share` of each batch from the negative-only chunks. `--mix-share` of the windows get a
   window of negative-only audio mixed in 0 to 20 dB below them (`mix_in`: the two mel powers added, so a clip is
   heard over many more noises, babbles and tunes than it was made with); then a gain drawn per window (a shift of
   every log-mel band) and a few bands masked. Labels start `--delay-ms` after a word's end, so that
   the detector answers after it has heard whether the word goes on ("activated"), and the first `--settle-ms` of
   them carry no loss; Adam with a cosine-decaying learning rate, binary
   cross-entropy, `--steps` steps. The band normalisation's mean and variance are measured on training frames
   first. Two more augmentations and a second loss are there for trials and off by default: `--warp` (a stretched
   mel axis: other vocal tract lengths), `--reverb-share` (a room's decaying tail on each band) and `--loss max`
   (`max_pool_loss`: only each word's best step must answer); pretrained/README.md records what they gave.
2b. **Hard negatives** (`--mine-rounds` rounds). The trained detector is run over its own training clips; every
   step it scores at least `--mine-threshold` with no wake word within `--mine-margin-ms` is a false alarm
   (mostly words that sound like the wake word inside dense speech: "activated", "activist", "actually"). Then
   `--mine-steps` fine-tuning steps at `--mine-learning-rate` draw `--mine-share` of each batch from windows
   around those steps. The found steps accumulate over the rounds. The dev split (step 3) scores the detector
   after training and after each round, and the best of them is kept (the record lists them all).
3. **Threshold.** The stated rule on the dev split (voices never trained on): the threshold that misses the fewest
   dev wake words with at most 0.5 false alarms per hour of dev negative-only audio
   (`utils.trigger.false_reject_curve`, `choose_threshold`).

Timings depend on the machine and how busy it is; each run records its own.
"""

import argparse
import hashlib
import json
import multiprocessing
import sys
import time
from pathlib import Path

import numpy as np

from utils.paths import ROOT
from utils.trigger import FRAME_MS, WIDTH
from utils.trigger_word import SAMPLE_RATE, TY, activate_labels

WEIGHTS = ROOT / "pretrained" / "trigger_word.weights.h5"
SETTINGS = ROOT / "pretrained" / "trigger_word.json"
FEATURES = ROOT / "build" / "trigger_features"
RULE = "the most dev wake words caught with at most 0.5 false alarms per hour of dev negative-only audio"
SHARD = 50  # clips per shard file
MIX_SNR_DB = (0.0, 20.0)  # a window mixed with a second sound (--mix-share) has it this many dB below itself
LN10 = float(np.log(10.0))
REVERB_RT60_S, REVERB_DRR_DB = (0.2, 1.2), (-5.0, 10.0)  # the rooms of --reverb-share


# ---------------------------------------------------------------------------------------------------------------
# 1. Clips -> log-mel frames, made in worker processes

def make_shard(task) -> str:
    """Write one shard: `SHARD` clips' log-mel frames (n, TY, N_MELS) float16 and labels (n, TY) uint8."""
    from tools.trigger_data import labelled_clips, negative_audio
    from utils.trigger import log_mel

    path, pool, seed, negative = task
    if negative:
        clips = [(audio, []) for audio in negative_audio("train", 10 * SHARD, seed=seed, folder=pool)]
    else:
        clips = labelled_clips("train", SHARD, seed=seed, folder=pool)
    x = np.stack([log_mel(audio)[:TY] for audio, _ in clips]).astype(np.float16)
    y = np.stack([activate_labels(ends) for _, ends in clips]).astype(np.uint8)
    np.savez(path, x=x, y=y)
    return str(path)


def feature_folder(args) -> Path:
    """build/trigger_features/<key>: the key names the pool (its manifest's SHA-256) and the seed."""
    from tools.trigger_data import group_sha256, set_folder

    return FEATURES / f"{group_sha256(set_folder(args.pool), 'manifest.csv')[:12]}-seed{args.seed}"


def make_clips(args) -> dict:
    """The shards of step 1 (made when missing); returns {"positive": [paths], "negative": [paths], ...}."""
    from tools.trigger_data import set_folder

    folder = feature_folder(args)
    folder.mkdir(parents=True, exist_ok=True)
    pool = str(set_folder(args.pool))
    tasks = [(folder / f"positive_{k:04d}.npz", pool, args.seed * 1_000_003 + k, False)
             for k in range(-(-args.clips // SHARD))]
    tasks += [(folder / f"negative_{k:04d}.npz", pool, args.seed * 1_000_003 + 500_000 + k, True)
              for k in range(-(-args.negative_clips // SHARD))]
    missing = [task for task in tasks if not task[0].exists()]
    start = time.time()
    if missing:
        with multiprocessing.get_context("spawn").Pool(args.workers) as workers:
            for done, path in enumerate(workers.imap_unordered(make_shard, missing), 1):
                if done % 10 == 0 or done == len(missing):
                    print(f"clips: {done}/{len(missing)} shards, {time.time() - start:.0f} s", flush=True)
    return {"positive": [task[0] for task in tasks if not task[3]], "negative": [task[0] for task in tasks if task[3]],
            "seconds": round(time.time() - start), "shards_made": len(missing)}


def load(paths) -> tuple[np.ndarray, np.ndarray]:
    parts = [np.load(path) for path in paths]
    return np.concatenate([p["x"] for p in parts]), np.concatenate([p["y"] for p in parts])


# ---------------------------------------------------------------------------------------------------------------
# 2. Training

def to_steps(ms) -> int:
    """The number of output steps (FRAME_MS each) closest to `ms` milliseconds."""
    return round(ms / FRAME_MS)


def delayed(y, steps) -> np.ndarray:
    """The labels `y` (clips, TY) moved `steps` later (zeros come in at the start; labels past the end drop off).

    A word that begins like the wake word ("activate-d", "activate-s") is told apart only by what follows its
    "activate". Labels that start right at the end of the word ask the network to answer before it can hear
    that; labels that start a little later ask it to answer once it has, and the steps in between are labelled 0.
    """
    moved = np.zeros_like(y)
    moved[:, steps:] = y[:, :y.shape[1] - steps]
    return moved


def loss_weights(y, settle_steps) -> np.ndarray:
    """(clips, TY) float32: 1, except 0 on the first `settle_steps` labelled steps after each word's end. Those
    steps carry no loss, so the detector may wait that long to hear whether the word goes on ("activate-d")."""
    starts = (y == 1) & (np.pad(y, ((0, 0), (1, 0)))[:, :-1] == 0)  # the first labelled step of each word
    settling = np.zeros(y.shape, dtype=bool)
    for k in range(settle_steps):
        settling[:, k:] |= starts[:, :y.shape[1] - k]
    return (~settling).astype(np.float32)


def mix_in(x, noise, snr_db) -> np.ndarray:
    """Windows `x` and `noise` (batch, steps, N_MELS) of log10 mel power heard together: the noise scaled so that
    each window of `x` has `snr_db` (batch,) dB more power than its noise, then the two powers added (the cross
    terms of the two sounds' phases average out over a mel band)."""
    def level(v):  # (batch, 1, 1): log10 of the mean power
        return np.log10(np.mean(10.0 ** v, axis=(1, 2), keepdims=True))

    noise = noise + level(x) - level(noise) - np.asarray(snr_db, np.float32)[:, None, None] / 10
    return (np.logaddexp(x * LN10, noise * LN10) / LN10).astype(np.float32)


def random_windows(rng, n_clips, n, crop) -> tuple[np.ndarray, np.ndarray]:
    """`n` random windows of `crop` steps in `n_clips` clips of TY steps: (clip indices (n,), first steps (n,))."""
    return rng.integers(n_clips, size=n), rng.integers(0, TY - crop + 1, size=n)


def mix_windows(x, negative, share, rng) -> np.ndarray:
    """`x` (batch, crop, N_MELS) with about a `share` of its windows mixed (`mix_in`, MIX_SNR_DB) with a random
    window of `negative` (clips, TY, N_MELS), audio without the wake word, so the labels stay as they are."""
    mixed = np.flatnonzero(rng.random(len(x)) < share)
    if len(mixed):
        crop = x.shape[1]
        clips, starts = random_windows(rng, len(negative), len(mixed), crop)
        noise = np.stack([negative[c, s:s + crop] for c, s in zip(clips, starts)]).astype(np.float32)
        x[mixed] = mix_in(x[mixed], noise, rng.uniform(*MIX_SNR_DB, size=len(mixed)))
    return x


def band_positions(factor) -> np.ndarray:
    """(..., N_MELS) float: where in the mel bands (0 .. N_MELS - 1, fractional) each band's centre frequency lands
    once every frequency is divided by `factor` (a number, or an array: one row per factor): the bands a speaker
    whose vocal tract is `factor` times shorter would fill (a formant at f Hz moves to factor * f)."""
    from utils.trigger import N_MELS, hz_to_mel, mel_edges, mel_to_hz

    edges = mel_edges()
    centres_hz = mel_to_hz(edges[1:-1])
    moved = hz_to_mel(centres_hz / np.asarray(factor, dtype=float)[..., None])
    return np.clip((moved - edges[0]) / (edges[1] - edges[0]) - 1, 0, N_MELS - 1)


def warp_bands(x, warp, rng) -> np.ndarray:
    """`x` (batch, steps, N_MELS) with each window's frequency axis stretched by a factor drawn from
    [1 - `warp`, 1 + `warp`] (vocal tract length perturbation, on the log-mel bands by linear interpolation): more
    speakers than the voices spoke with. Pitch, formants and background all move together, the timing not at all."""
    if warp <= 0:
        return x
    at = band_positions(rng.uniform(1 - warp, 1 + warp, size=len(x)))[:, None, :]  # (batch, 1, N_MELS)
    low = np.floor(at).astype(int)
    high, share = np.minimum(low + 1, x.shape[2] - 1), (at - low).astype(np.float32)
    x[:] = np.take_along_axis(x, low, axis=2) * (1 - share) + np.take_along_axis(x, high, axis=2) * share
    return x


def reverberate(x, rt60_s, drr_db) -> np.ndarray:
    """Windows `x` (batch, steps, N_MELS) of log10 mel power heard in rooms: each band's power plus a tail that
    decays by 60 dB in `rt60_s` (batch,) seconds and holds `drr_db` (batch,) dB less energy than the sound itself
    (the direct-to-reverberant ratio). Late reverberation as an energy envelope, so the timing of the words (and
    their labels) stays where it was; what came before a window is not heard in it."""
    from scipy.signal import lfilter

    power = 10.0 ** x.astype(np.float64)
    out = np.empty_like(x)
    for k, (rt60, drr) in enumerate(zip(np.asarray(rt60_s, float), np.asarray(drr_db, float))):
        decay = 10 ** (-6 * FRAME_MS / 1000 / rt60)  # power kept from one step to the next
        tail = lfilter([0.0, 1.0], [1.0, -decay], power[k], axis=0)  # sum over j >= 1 of decay^(j-1) power[t - j]
        out[k] = np.log10(power[k] + tail * (1 - decay) * 10 ** (-drr / 10))
    return out.astype(np.float32)


def reverberate_windows(x, share, rng) -> np.ndarray:
    """`x` (batch, steps, N_MELS) with about a `share` of its windows `reverberate`d: RT60 0.2-1.2 s, direct to
    reverberant ratio -5 to +10 dB: rooms on top of the clips' own simulated ones."""
    chosen = np.flatnonzero(rng.random(len(x)) < share)
    if len(chosen):
        x[chosen] = reverberate(x[chosen], rng.uniform(*REVERB_RT60_S, size=len(chosen)),
                                rng.uniform(*REVERB_DRR_DB, size=len(chosen)))
    return x


def batches(positive, negative, args, rng, hard=None, hard_share=0.0):
    """Endless (x (batch, crop, N_MELS) float32, y (batch, crop, 1), weights (batch, crop)) of random windows,
    augmented; the weights are `loss_weights` with --settle-ms. With `hard` ((k, 3) int rows of (source, clip,
    step), source 0 for `positive` and 1 for `negative`), a `hard_share` of each batch is windows that hold one of
    those steps, taken from the positive windows' share."""
    sources = (positive, negative)
    crop = to_steps(1000 * args.crop_seconds)
    n_negative = round(args.batch_size * args.negative_share)
    n_hard = round(args.batch_size * hard_share) if hard is not None and len(hard) else 0
    settle_steps = to_steps(args.settle_ms)
    while True:
        picks = []  # (source, clip, first step)
        for source, n in ((0, args.batch_size - n_negative - n_hard), (1, n_negative)):
            picks += [(source, c, s) for c, s in zip(*random_windows(rng, len(sources[source][0]), n, crop))]
        for source, c, step in hard[rng.integers(len(hard), size=n_hard)] if n_hard else ():
            picks.append((source, c, int(np.clip(step - rng.integers(crop // 5, crop), 0, TY - crop))))
        x = np.stack([sources[w][0][c, s:s + crop] for w, c, s in picks]).astype(np.float32)
        x = warp_bands(mix_windows(x, negative[0], args.mix_share, rng), args.warp, rng)
        x = reverberate_windows(x, args.reverb_share, rng)
        x += rng.uniform(-0.6, 0.6, size=(len(x), 1, 1)).astype(np.float32)  # gain: -6 to +6 dB on every band
        for row in x:
            low = int(rng.integers(0, x.shape[2]))
            row[:, low:low + int(rng.integers(0, 5))] = row.min()  # up to four bands masked (SpecAugment's idea)
        y = np.stack([sources[w][1][c, s:s + crop] for w, c, s in picks])
        yield x, y.astype(np.float32)[:, :, None], loss_weights(y, settle_steps)


def max_pool_loss(y, weights, p):
    """The max-pooling loss (Sun et al., 2016) of probabilities `p` for labels `y` and `weights` (batch, steps):
    binary cross-entropy on every unlabelled step, but on a word's labelled steps only that of its best-scored one,
    counted once per labelled step (so a word weighs as much as under the frame loss). The detector must answer
    once somewhere in each word's labels, not at every step of them. A mean over the batch's steps."""
    import tensorflow as tf

    p = tf.clip_by_value(p, 1e-7, 1 - 1e-7)
    negative = tf.reduce_sum((1 - y) * weights * -tf.math.log(1 - p))
    starts = y * (1 - tf.pad(y, [[0, 0], [1, 0]])[:, :-1])  # 1 on the first labelled step of each word
    counted = y * weights  # the labelled steps that carry loss
    word = tf.cast(tf.cumsum(starts, axis=1) * counted, tf.int32)  # 1, 2, ... per word in a window; 0 elsewhere
    rows, steps = tf.shape(y)[0], tf.shape(y)[1]
    ids = tf.reshape(word + tf.range(rows)[:, None] * (steps + 1), [-1])  # a segment per (window, word)
    segments = rows * (steps + 1)
    best = tf.math.unsorted_segment_max(tf.reshape(p, [-1]), ids, segments)
    size = tf.math.unsorted_segment_sum(tf.reshape(counted, [-1]), ids, segments)  # 0 for segment 0 and unused ids
    positive = tf.reduce_sum(size * -tf.math.log(tf.maximum(best, 1e-7)))  # the floor: empty segments' max is -inf
    return (negative + positive) / tf.cast(tf.size(y), p.dtype)


def max_pool_step(model, optimizer):
    """One Adam step on `max_pool_loss` as a TensorFlow graph: (x, y (batch, steps, 1), weights) -> loss."""
    import tensorflow as tf

    @tf.function
    def step(x, y, weights):
        with tf.GradientTape() as tape:
            loss = max_pool_loss(y[:, :, 0], weights, model(x, training=True)[:, :, 0])
        optimizer.apply(tape.gradient(loss, model.trainable_variables), model.trainable_variables)
        return loss
    return step


def fit(model, stream, steps, learning_rate, log_every, loss="frames") -> dict:
    """`steps` Adam steps on `stream`, the learning rate decaying on a cosine; {"seconds", "final_loss"}.
    `loss`: "frames" (binary cross-entropy on every step) or "max" (`max_pool_loss`)."""
    import keras

    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps, alpha=0.02)
    optimizer = keras.optimizers.Adam(learning_rate=schedule)
    if loss == "max":
        step_on = max_pool_step(model, optimizer)
    else:
        model.compile(optimizer=optimizer, loss="binary_crossentropy")

        def step_on(x, y, weights):
            return model.train_on_batch(x, y, sample_weight=weights)
    start, losses = time.time(), []
    for step in range(1, steps + 1):
        x, y, weights = next(stream)
        losses.append(float(step_on(x, y, weights)))
        if step % log_every == 0 or step == steps:
            print(f"step {step}: loss {np.mean(losses[-log_every:]):.4f}, {time.time() - start:.0f} s", flush=True)
    return {"seconds": round(time.time() - start), "final_loss": round(float(np.mean(losses[-log_every:])), 4)}


def train(args, positive, negative):
    """The detector trained from scratch (step 2): (model, record)."""
    import keras

    from utils.trigger import detector_model

    keras.utils.set_random_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    model = detector_model(width=args.width)
    sample = np.concatenate([positive[0][:200], negative[0][:100]]).astype(np.float32)  # (clips, TY, N_MELS)
    model.get_layer("band_normalisation").adapt(sample)
    done = fit(model, batches(positive, negative, args, rng), args.steps, args.learning_rate, args.log_every,
               args.loss)
    print(f"trained {args.steps} steps in {done['seconds']} s", flush=True)
    return model, {"steps": args.steps, "batch_size": args.batch_size, "window_seconds": args.crop_seconds,
                   "windows_seen": args.steps * args.batch_size, "negative_share": args.negative_share,
                   "mix_share": args.mix_share, "mix_snr_db": list(MIX_SNR_DB), "warp": args.warp,
                   "reverb_share": args.reverb_share, "loss": args.loss,
                   "clips": len(positive[0]), "negative_clips": len(negative[0]),
                   "wake_words": int(np.sum(np.diff(positive[1], axis=1, prepend=0) == 1)),
                   "learning_rate": args.learning_rate, "delay_ms": args.delay_ms, "settle_ms": args.settle_ms,
                   "width": args.width, "seed": args.seed, "parameters": int(model.count_params()),
                   "training_seconds": done["seconds"], "final_loss": done["final_loss"]}


# ---------------------------------------------------------------------------------------------------------------
# 2b. Hard negatives: what the trained detector answers "yes" to, away from any wake word

def near_labels(y, margin) -> np.ndarray:
    """(clips, TY) bool: True where a label of `y` lies within `margin` steps either side."""
    total = np.pad(np.cumsum(y, axis=1, dtype=np.int32), ((0, 0), (1, 0)))  # total[:, t]: labels before step t
    t = np.arange(y.shape[1])
    return total[:, np.minimum(t + margin + 1, y.shape[1])] > total[:, np.maximum(t - margin, 0)]


def false_alarm_steps(model, x, y, threshold, margin, batch=64) -> np.ndarray:
    """(k, 2) int: the (clip, step) pairs of clips `x` that `model` scores at least `threshold` with no label of
    `y` within `margin` steps: the detector's false alarms on its own training data."""
    found = []
    for first in range(0, len(x), batch):
        p = np.asarray(model(x[first:first + batch].astype(np.float32), training=False))[:, :, 0]
        clip, step = np.nonzero((p >= threshold) & ~near_labels(y[first:first + batch], margin))
        found.append(np.stack([clip + first, step], axis=1))
    return np.concatenate(found) if found else np.zeros((0, 2), int)


def mine(args, model, positive, negative, hard) -> tuple[np.ndarray, dict]:
    """One round: add the detector's false alarms on the training clips to `hard` ((k, 3) rows of (source, clip,
    step)), then fine-tune with `--mine-share` of each batch drawn around them. Returns (hard, record)."""
    start = time.time()
    margin = to_steps(args.mine_margin_ms)
    found = []  # per source: (k, 3) rows of (source, clip, step)
    for source, (x, y) in enumerate((positive, negative)):
        steps = false_alarm_steps(model, x, y, args.mine_threshold, margin)
        found.append(np.column_stack([np.full(len(steps), source), steps]))
    hard = np.unique(np.concatenate([hard, *found]), axis=0)
    mined = round(time.time() - start)
    print(f"mined {len(found[0])} false-alarm steps in clips with the word and {len(found[1])} in clips without it "
          f"({len(hard)} in all) in {mined} s", flush=True)
    rng = np.random.default_rng(args.seed + len(hard))
    stream = batches(positive, negative, args, rng, hard=hard, hard_share=args.mine_share)
    done = fit(model, stream, args.mine_steps, args.mine_learning_rate, args.log_every, args.loss)
    return hard, {"found_in_positive": len(found[0]), "found_in_negative": len(found[1]), "hard_steps": len(hard),
                  "mining_seconds": mined, "steps": args.mine_steps, "training_seconds": done["seconds"],
                  "final_loss": done["final_loss"]}


# ---------------------------------------------------------------------------------------------------------------
# 3. The threshold, on the dev voices

def _negative_chunk(task) -> np.ndarray:
    from tools.trigger_data import negative_audio

    seed, pool, seconds = task
    return np.concatenate(list(negative_audio("dev", seconds, seed=seed, folder=pool)))


def choose(args, model) -> dict:
    """The rule on the dev split for `model`: {"threshold", "rule", "rule_met", "dev" figures, "dev_curve",
    "threshold_seconds"}."""
    from tools.trigger_data import labelled_clips
    from utils import trigger

    start = time.time()
    with multiprocessing.get_context("spawn").Pool(args.workers) as workers:
        minutes = max(1, round(args.dev_hours * 60))
        negative = workers.imap(_negative_chunk, [(args.seed + 10_000 + k, args.pool, 60) for k in range(minutes)])
        positives = labelled_clips("dev", args.dev_clips, seed=args.seed + 20_000, folder=args.pool)
        positive_probs = trigger.many_probabilities([audio for audio, _ in positives], SAMPLE_RATE, model)
        word_ends = [ends for _, ends in positives]
        negative_probs = [trigger.probabilities(chunk, SAMPLE_RATE, model) for chunk in negative]
    curve = trigger.false_reject_curve(positive_probs, word_ends, negative_probs)
    try:
        threshold, rule_met = trigger.choose_threshold(curve, trigger.MAX_FA_PER_HOUR), True
    except ValueError:  # no threshold of the sweep is quiet enough: the quietest, and the record says so
        threshold, rule_met = curve["thresholds"][-1], False
    k = curve["thresholds"].index(threshold)
    return {"threshold": threshold, "rule": RULE, "rule_met": rule_met,
            "dev": {"recall": curve["recall"][k], "precision": curve["precision"][k], "f1": curve["f1"][k],
                    "false_alarms_per_hour": curve["false_alarms_per_hour"][k], "false_alarms": curve["false_alarms"][k],
                    "wake_words": curve["words"], "clips": len(positives), "negative_hours": round(curve["hours"], 3),
                    "voices": "dev split of tools/trigger_data.py (flite awb, espeak-ng Scottish accent)"},
            "dev_curve": {key: curve[key] for key in ("thresholds", "false_reject_rate", "false_alarms_per_hour")},
            "threshold_seconds": round(time.time() - start)}


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m tools.train_trigger", description=__doc__.split("\n\n")[0])
    parser.add_argument("--pool", default=None, help="the set to train on (default: build/trigger, else data/trigger)")
    parser.add_argument("--clips", type=int, default=16000, help="labelled 10 s train clips (step 1)")
    parser.add_argument("--negative-clips", type=int, default=8000, help="10 s negative-only train chunks (step 1)")
    parser.add_argument("--steps", type=int, default=10000)
    parser.add_argument("--width", type=int, default=WIDTH, help="channels of the detector's convolutions (the "
                        "shipped model is built with the default)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--crop-seconds", type=float, default=5.0)
    parser.add_argument("--negative-share", type=float, default=0.375, help="share of a batch without the word")
    parser.add_argument("--learning-rate", type=float, default=2e-3)
    parser.add_argument("--warp", type=float, default=0.0, help="each window's frequency axis is stretched by a "
                        "factor from 1 - warp to 1 + warp (vocal tract length perturbation)")
    parser.add_argument("--reverb-share", type=float, default=0.0, help="share of windows heard in a room "
                        "(`reverberate`: a decaying tail on each band's power)")
    parser.add_argument("--loss", choices=("frames", "max"), default="frames", help="binary cross-entropy on "
                        "every labelled step, or on each word's best step only (`max_pool_loss`)")
    parser.add_argument("--delay-ms", type=float, default=200.0, help="labels start this long after a word's end")
    parser.add_argument("--settle-ms", type=float, default=70.0, help="then no loss on the first labelled steps")
    parser.add_argument("--mix-share", type=float, default=0.5, help="share of windows that get a window of "
                        "negative-only audio mixed in, at 0 to 20 dB below them")
    parser.add_argument("--mine-rounds", type=int, default=2, help="hard-negative rounds after training (step 2b)")
    parser.add_argument("--mine-steps", type=int, default=2500, help="fine-tuning steps per round")
    parser.add_argument("--mine-share", type=float, default=0.25, help="share of a batch around mined false alarms")
    parser.add_argument("--mine-learning-rate", type=float, default=5e-4)
    parser.add_argument("--mine-threshold", type=float, default=0.5, help="a step scored this high is a false "
                        "alarm unless a label lies within --mine-margin-ms")
    parser.add_argument("--mine-margin-ms", type=float, default=1100.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--log-every", type=int, default=50)
    parser.add_argument("--dev-clips", type=int, default=150)
    parser.add_argument("--dev-hours", type=float, default=1.0)
    parser.add_argument("--out", default=str(WEIGHTS))
    parser.add_argument("--settings", default=str(SETTINGS))
    args = parser.parse_args(argv)
    args.argv = list(argv)
    return args


def dev_score(settings) -> tuple:
    """What the stages are compared by: the rule met first, then the dev recall at the chosen threshold."""
    return settings["rule_met"], settings["dev"]["recall"]


def main(argv=None) -> int:
    from utils.setup import save_weights_only
    from utils.trigger import detector_model

    args = parse(sys.argv[1:] if argv is None else argv)
    shards = make_clips(args)
    positive, negative = load(shards["positive"]), load(shards["negative"])
    positive = positive[0], delayed(positive[1], to_steps(args.delay_ms))
    print(f"training on {len(positive[0])} clips with wake words and {len(negative[0])} without "
          f"({(positive[0].nbytes + negative[0].nbytes) / 1e9:.2f} GB of log-mel frames)", flush=True)
    model, record = train(args, positive, negative)
    best = choose(args, model)
    best_weights, kept, rounds = model.get_weights(), 0, []
    print("after training: dev", json.dumps(best["dev"]), "threshold", best["threshold"], flush=True)
    hard = np.zeros((0, 3), dtype=np.int64)
    for k in range(1, args.mine_rounds + 1):  # step 2b; the dev split picks the round that is kept
        hard, mined = mine(args, model, positive, negative, hard)
        settings = choose(args, model)
        rounds.append(mined | {"dev": settings["dev"], "threshold": settings["threshold"]})
        print(f"after round {k}: dev", json.dumps(settings["dev"]), "threshold", settings["threshold"], flush=True)
        if dev_score(settings) > dev_score(best):
            best, best_weights, kept = settings, model.get_weights(), k
    model.set_weights(best_weights)
    save_weights_only(model, detector_model(width=args.width), args.out)
    sha = hashlib.sha256(Path(args.out).read_bytes()).hexdigest()
    record |= {"clip_seconds": shards["seconds"], "shards_made": shards["shards_made"],
               "mining_rounds": rounds, "kept_round": kept}
    settings = best | {"training": record, "weights_sha256": sha,
                       "made_by": ["python -m tools.train_trigger " + " ".join(args.argv)]}
    settings = json.loads(json.dumps(settings).replace("NaN", "null"))  # no detection: precision is undefined
    Path(args.settings).write_text(json.dumps(settings, indent=1) + "\n")
    print(json.dumps(settings["dev"]), "threshold", settings["threshold"], "kept round", kept)
    return 0


if __name__ == "__main__":
    sys.exit(main())
